"""Sync endpoints (issue 4; wire protocol also in :mod:`station.sync`).

- ``POST /blobs/missing``, ``PUT|GET /blobs/{sha256}``: content-addressed
  biometrics; ``PUT`` re-hashes (422 ``blob_hash_mismatch``) and is idempotent.
- Command bodies are typed per command (:data:`SyncCommandRequest`: a ``oneOf`` on ``command``
  whose ``payload`` models come from :mod:`station.domain.payloads`); a body that does not fit
  is 422 ``invalid_request`` naming the field (``payload.comment``…), before anything is read
  or stored — within a batch, as that command's own result.
- ``POST /sync/commands`` (``Idempotency-Key``): one station command in ONE
  database transaction through :func:`apply_locked` (the shared
  transition table), numbered last by :func:`stamp_command`; the answer is
  stored in ``sync_operations`` and replayed for a repeated key; the same
  key with another body → 422 ``idempotency_key_reused``.
- ``POST /sync/commands/batch`` (issue 15): up to 100 commands in station order, each
  through the same unit of work (:func:`command_work`) in its own transaction — own
  key, authorisation, audit and stored answer; per-command results; processing stops at
  the first non-final answer (424) and the rest are ``skipped``.
- ``POST /blobs/batch`` (issue 15): multipart, up to 64 blobs / 16 MB, each checked as
  ``PUT /blobs/{sha256}`` checks it, with its own result.
- ``GET /sync/changes?since=&limit=&campus=``: records ordered by
  ``change_seq``. Change numbers are taken from the ``counters`` row, locked
  until commit (taken last, see :mod:`server.sync.stamping`), so they become
  visible in increasing order; the feed only returns rows up to the counter
  value it read first, so a row committed "late" can never be skipped.
"""
from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime, timedelta, timezone
from typing import Annotated, Any, Callable

from fastapi import APIRouter, Header, Path, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError, WrapValidator
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from station.domain import Actor, Command, Refusal, Role, Status

from server.api.common import PrincipalDep, errors, factory, logged_read, settings, transaction
from server.api.students import OTHER_ENDPOINT, RECORD_FIELDS, checked_matricula
from server.auth import Principal
from server.db.models import Counter, Station, StudentRow, Token, User
from server.db.engine import run_transaction
from server.errors import ApiError, ErrorBody, error_status, validation_error
from server.schemas import command_union, payload_dict
from server.settings import ServerSettings
from server.station_proof import verify_offline_attestation
from server.services.students import (AUDITED_REFUSALS, apply_locked, audit_refusal, lock_student,
                                      student_from_row, utcnow)
from server.services.biometrics import discard_refused_blobs
from server.sync.bindings import unbound_hashes
from server.sync.models import BlobBinding, SyncBlob, SyncOperation, open_blob
from server.sync.stamping import stamp_command

router = APIRouter(tags=["sync"])

HEX64 = re.compile(r"^[0-9a-f]{64}$")
Sha256Path = Path(pattern=r"^[0-9a-f]{64}$", description="SHA-256 (hex, minúsculas) del contenido")
MAX_BLOB_BYTES = 5 * 1024 * 1024


def record_dict(row: StudentRow | None) -> dict | None:
    """A student row as ``Student.to_dict()`` plus ``change_seq`` (``None`` for no row)."""
    if row is None:
        return None
    return {**student_from_row(row).to_dict(), "change_seq": row.change_seq}


# --- blobs ---------------------------------------------------------------

class MissingRequest(BaseModel):
    """``POST /blobs/missing``: up to 1,000 SHA-256 values, each with the matrícula it is
    for (``matriculas``, same order; without it: held for any student)."""

    model_config = ConfigDict(extra="forbid")
    sha256s: list[str] = Field(max_length=1000)
    matriculas: list[str] | None = Field(default=None, max_length=1000)


@router.post("/blobs/missing", responses=errors(401, 422))
def blobs_missing(body: MissingRequest, request: Request, principal: Principal = PrincipalDep) -> dict:
    """Which of ``sha256s`` the server does not hold for their student → ``{"missing": [...]}``
    (request order). A blob held but bound to another student counts as missing: the
    station uploads it again for this one."""
    bad = next((s for s in body.sha256s if not HEX64.match(s)), None)
    if bad is not None:
        raise ApiError("invalid_field", "Cada huella debe ser un SHA-256 en hexadecimal (64 caracteres).",
                       "sha256s")
    if body.matriculas is not None and len(body.matriculas) != len(body.sha256s):
        raise ApiError("invalid_field", "«matriculas» debe tener un elemento por cada huella.", "matriculas")
    pairs = list(dict.fromkeys(zip(body.sha256s, body.matriculas or [None] * len(body.sha256s))))
    wanted = sorted({sha for sha, _ in pairs})
    with factory(request)() as session:
        if body.matriculas is None:
            have = set(session.scalars(select(SyncBlob.sha256).where(SyncBlob.sha256.in_(wanted)))) if wanted else set()
            return {"missing": [sha for sha in dict.fromkeys(body.sha256s) if sha not in have]}
        bound = {(sha, m) for sha, m in session.execute(select(BlobBinding.sha256, BlobBinding.matricula)
                                                         .where(BlobBinding.sha256.in_(wanted)))} if wanted else set()
    return {"missing": list(dict.fromkeys(sha for sha, m in pairs if (sha, m) not in bound))}


def may_upload_for(principal: Principal, student: StudentRow | None) -> None:
    """403/404 unless the uploader may capture or deliver for ``student`` (role and plantel)."""
    if student is None:
        raise ApiError("student_not_found", "El alumno del archivo no existe en el servidor.", "matricula")
    if principal.role not in (Role.OPERATOR, Role.SUPERVISOR):
        raise ApiError("forbidden_role", f"Su perfil ({principal.role.label}) no sube fotografías ni firmas.")
    if student.campus_code not in principal.campuses:
        raise ApiError("forbidden_campus",
                       f"El alumno pertenece al plantel {student.campus_code}, que no está entre sus planteles "
                       "asignados.", "matricula")


@router.put("/blobs/{sha256}", status_code=201, responses=errors(401, 403, 404, 413, 422))
async def put_blob(request: Request, sha256: str = Sha256Path,
                   kind: str = Query(default="", max_length=32, pattern=r"^[a-z_]*$"),
                   matricula: str = Query(default="", max_length=32),
                   principal: Principal = PrincipalDep) -> JSONResponse:
    """Store the raw body under its SHA-256, bound to the student ``matricula`` and the
    uploader: 201 stored, 200 already held (the binding is added).

    The body is read only up to 5 MB (413 beyond); 422 ``blob_hash_mismatch`` when the
    bytes do not hash to ``sha256`` (the station retries); 422 ``invalid_blob`` when
    the content is not what ``kind`` promises (:mod:`server.sync.blob_checks`);
    403 when the uploader may not capture for that student. Stored encrypted
    (:mod:`server.keys`).
    """
    from server.sync.blob_checks import check_blob

    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_BLOB_BYTES:
        raise ApiError("payload_too_large", "El archivo es demasiado grande (máximo 5 MB).")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BLOB_BYTES:
            raise ApiError("payload_too_large", "El archivo es demasiado grande (máximo 5 MB).")
        chunks.append(chunk)
    data = b"".join(chunks)
    if hashlib.sha256(data).hexdigest() != sha256:
        raise ApiError("blob_hash_mismatch",
                       "El archivo recibido no corresponde a su huella SHA-256 (se dañó en el camino); "
                       "la estación lo enviará de nuevo.", "sha256")
    if not matricula:
        raise ApiError("invalid_field", "Indique la matrícula del alumno al que pertenece el archivo.",
                       "matricula")
    matricula = checked_matricula(matricula)
    reason = await run_in_threadpool(check_blob, kind, data)
    if reason is not None:
        raise ApiError("invalid_blob", reason, "kind")
    keys = request.app.state.keys
    sealed = await run_in_threadpool(keys.seal, data, sha256.encode("ascii"))

    def work(session: Session) -> bool:
        student = session.get(StudentRow, matricula)
        may_upload_for(principal, student)
        check_station_campus(session, principal.station_id, student.campus_code)
        created = False
        if session.get(SyncBlob, sha256) is None:
            session.add(SyncBlob(sha256=sha256, kind=kind, size=len(data), data=sealed.ciphertext,
                                 wrapped_key=sealed.wrapped_key, key_id=sealed.key_id,
                                 uploaded_by=principal.username, created_at=utcnow()))
            created = True
        if session.get(BlobBinding, (sha256, matricula)) is None:
            session.add(BlobBinding(sha256=sha256, matricula=matricula, kind=kind, uploaded_by=principal.username,
                                    station_id=principal.station_id, created_at=utcnow()))
        return created

    created = await run_in_threadpool(transaction, request, work, True)
    return JSONResponse({"sha256": sha256, "size": len(data), "stored": created},
                        status_code=201 if created else 200)


#: Bounds of ``POST /blobs/batch``: total body bytes (checked before and while reading) and blobs.
MAX_BLOB_BATCH_BYTES = 16 * 1024 * 1024
MAX_BLOB_BATCH_FILES = 64


class BlobManifestItem(BaseModel):
    """One blob of a batch upload: its SHA-256, ``kind`` and the matrícula it is for."""

    model_config = ConfigDict(extra="forbid")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    kind: str = Field(default="", max_length=32, pattern=r"^[a-z_]*$")
    matricula: str = Field(min_length=1, max_length=32)


class BlobBatchResult(BaseModel):
    """Per blob: ``status`` 201 stored, 200 already held (binding added), or the error status
    it would get from ``PUT /blobs/{sha256}`` (422 ``blob_hash_mismatch``/``invalid_blob``,
    403, 404) with ``error``."""

    sha256: str
    status: int
    size: int = 0
    error: ErrorBody | None = None


class BlobBatchResponse(BaseModel):
    """One :class:`BlobBatchResult` per uploaded blob, in manifest order."""

    results: list[BlobBatchResult]


def _too_large() -> ApiError:
    mb = MAX_BLOB_BATCH_BYTES // (1024 * 1024)
    return ApiError("payload_too_large", f"El lote de archivos es demasiado grande (máximo {mb} MB).")


async def _read_blob_batch(request: Request) -> list[tuple[BlobManifestItem, bytes]]:
    """Parse the multipart body of ``POST /blobs/batch`` (bounded; see the route)."""
    from pydantic import TypeAdapter, ValidationError
    from starlette.datastructures import UploadFile
    from starlette.formparsers import MultiPartException, MultiPartParser

    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_BLOB_BATCH_BYTES:
        raise _too_large()  # refused unread
    if not request.headers.get("content-type", "").lower().startswith("multipart/form-data"):
        raise ApiError("invalid_field", "El lote de archivos debe enviarse como multipart/form-data.")

    async def bounded():
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > MAX_BLOB_BATCH_BYTES:
                raise _too_large()
            yield chunk

    try:
        form = await MultiPartParser(request.headers, bounded(), max_files=MAX_BLOB_BATCH_FILES, max_fields=1,
                                     max_part_size=256 * 1024).parse()
    except MultiPartException:
        raise ApiError("invalid_field", "El lote de archivos no se pudo leer (multipart inválido o con "
                                             f"más de {MAX_BLOB_BATCH_FILES} archivos).") from None
    try:
        try:
            manifest = TypeAdapter(list[BlobManifestItem]).validate_json(str(form.get("manifest") or ""))
        except ValidationError:
            raise ApiError("invalid_field", "El índice del lote («manifest») no es válido: debe ser una lista "
                                                 "de {sha256, kind, matricula}.", "manifest") from None
        files = [f for f in form.getlist("blob") if isinstance(f, UploadFile)]
        if len(files) != len(manifest) or not manifest:
            raise ApiError("invalid_field", "El lote debe traer un archivo «blob» por cada elemento del índice.",
                           "manifest")
        return [(item, await f.read()) for item, f in zip(manifest, files)]
    finally:
        await form.close()


def _blob_error(exc: ApiError) -> dict:
    error = {"code": exc.code, "message": exc.message}
    if exc.field:
        error["field"] = exc.field
    return error


@router.post("/blobs/batch", response_model=BlobBatchResponse, responses=errors(401, 413, 422))
async def put_blobs(request: Request, principal: Principal = PrincipalDep) -> JSONResponse:
    """Store several blobs in one request: ``multipart/form-data`` with a ``manifest`` field
    (JSON list of ``{sha256, kind, matricula}``) and one ``blob`` file part per item, in order.

    Each blob is checked exactly as ``PUT /blobs/{sha256}`` checks it (re-hash, content,
    the uploader's role and plantel for that student, the station's planteles) and gets its
    own result; the accepted ones are stored and bound in one transaction. Bounded: at
    most 16 MB in total (413, from ``Content-Length`` before reading, else while reading),
    64 blobs, 5 MB each. 200 ``{results: [...]}`` in manifest order.
    """
    from server.sync.blob_checks import check_blob

    items = await _read_blob_batch(request)
    results: list[dict] = []
    checked: list[tuple[int, BlobManifestItem, str, int]] = []
    keys = request.app.state.keys

    def prepare() -> list:
        sealed_by_index = {}
        for index, (item, data) in enumerate(items):
            try:
                if len(data) > MAX_BLOB_BYTES:
                    raise ApiError("payload_too_large", "El archivo es demasiado grande (máximo 5 MB).")
                if hashlib.sha256(data).hexdigest() != item.sha256:
                    raise ApiError("blob_hash_mismatch",
                                   "El archivo recibido no corresponde a su huella SHA-256 (se dañó en el camino); "
                                   "la estación lo enviará de nuevo.", "sha256")
                matricula = checked_matricula(item.matricula)
                reason = check_blob(item.kind, data)
                if reason is not None:
                    raise ApiError("invalid_blob", reason, "kind")
            except ApiError as exc:
                results.append({"sha256": item.sha256, "status": exc.status, "size": len(data),
                                "error": _blob_error(exc)})
                continue
            results.append({"sha256": item.sha256, "status": 0, "size": len(data)})
            checked.append((index, item, matricula, len(data)))
            sealed_by_index[index] = keys.seal(data, item.sha256.encode("ascii"))
        return sealed_by_index

    sealed = await run_in_threadpool(prepare)
    by_sha = {}

    def work(session: Session) -> dict[int, tuple[int, dict | None]]:
        outcome: dict[int, tuple[int, dict | None]] = {}
        students = {r.matricula: r for r in session.scalars(
            select(StudentRow).where(StudentRow.matricula.in_({m for _i, _it, m, _n in checked})))}
        for index, item, matricula, size in checked:
            student = students.get(matricula)
            try:
                may_upload_for(principal, student)
                check_station_campus(session, principal.station_id, student.campus_code)
            except ApiError as exc:
                outcome[index] = (exc.status, _blob_error(exc))
                continue
            created = False
            if item.sha256 not in by_sha and session.get(SyncBlob, item.sha256) is None:
                seal = sealed[index]
                session.add(SyncBlob(sha256=item.sha256, kind=item.kind, size=size, data=seal.ciphertext,
                                     wrapped_key=seal.wrapped_key, key_id=seal.key_id,
                                     uploaded_by=principal.username, created_at=utcnow()))
                created = True
            by_sha[item.sha256] = True
            if session.get(BlobBinding, (item.sha256, matricula)) is None:
                session.add(BlobBinding(sha256=item.sha256, matricula=matricula, kind=item.kind,
                                        uploaded_by=principal.username, station_id=principal.station_id,
                                        created_at=utcnow()))
                session.flush()
            outcome[index] = (201 if created else 200, None)
        return outcome

    def run() -> dict:
        by_sha.clear()
        return transaction(request, work, True)

    if checked:
        outcome = await run_in_threadpool(run)
        for index, (status, error) in outcome.items():
            results[index]["status"] = status
            if error is not None:
                results[index]["error"] = error
    return JSONResponse({"results": results})


@router.get("/blobs/{sha256}", responses=errors(401, 403, 404, 429))
def get_blob(request: Request, sha256: str = Sha256Path, principal: Principal = PrincipalDep) -> Response:
    """The bytes of a blob. Authorised by the plantel of the student(s) it was uploaded
    for: operators and supervisors only theirs; 404 ``blob_not_found``; 429
    ``too_many_reads``. Logged in the access log (resource ``biometrics``, the kinds as fields)."""
    kinds: list[str] = []

    def read(session):
        blob = session.get(SyncBlob, sha256)
        if blob is None:
            raise ApiError("blob_not_found", "El servidor no tiene ese archivo.", "sha256")
        owners = list(session.execute(select(BlobBinding.matricula, BlobBinding.kind, StudentRow.campus_code)
                                      .join(StudentRow, StudentRow.matricula == BlobBinding.matricula)
                                      .where(BlobBinding.sha256 == sha256)))
        if not principal.sees_all_campuses():
            owners = [o for o in owners if o[2] in principal.campuses]
            if not owners:
                raise ApiError("forbidden_campus", "El archivo pertenece a un alumno fuera de sus planteles.")
        kinds.extend(sorted({k for _m, k, _c in owners} or {blob.kind}))
        return open_blob(request.app.state.keys, blob), [m for m, _k, _c in owners]

    data = logged_read(request, principal, "biometrics", kinds, read)
    return Response(data, media_type="application/octet-stream")


# --- commands ------------------------------------------------------------

class SyncCommandBase(BaseModel):
    """One outbox command of a station (see :func:`station.sync.engine.wire_op`)."""

    model_config = ConfigDict(extra="forbid")
    op_id: str = Field(min_length=10, max_length=40, pattern=r"^[0-9A-Za-z_-]+$")
    station_id: str = Field(min_length=1, max_length=64)
    seq: int = Field(ge=0, le=2**63 - 1, strict=True)  # strict: ``true`` is not 1
    matricula: str = Field(min_length=1, max_length=32)
    expected_status: Status | None = None
    blob_sha256s: list[str] = Field(default_factory=list, max_length=10)
    username: str = Field(min_length=1, max_length=80)
    created_at: datetime | None = None
    #: The station's signed statement of the author's offline sign-in: ``{signed_in_at, signature}``.
    attestation: dict[str, str] | None = None


#: The body of ``POST /sync/commands`` (and each command of a batch): :class:`SyncCommandBase` plus
#: ``command`` and its typed ``payload``, one variant per domain command (:func:`server.schemas.command_union`).
SyncCommandRequest = command_union(SyncCommandBase, "SyncCommand")


def body_digest(body: SyncCommandBase, payload: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON of the request (what a reused key is compared by): the envelope
    with every field, the ``payload`` as sent (:func:`server.schemas.payload_dict`) — the same
    digest as when the payload was a free object, so answers stored then still replay."""
    data = body.model_dump(mode="json", exclude={"payload"})
    data["payload"] = payload
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


#: Clock difference tolerated between a station and the server (seconds).
CLOCK_SKEW = timedelta(minutes=5)
#: Longest an offline sign-in may keep authoring commands (one work day).
OFFLINE_SESSION = timedelta(hours=16)


def _delegation_error(message: str) -> ApiError:
    return ApiError("forbidden_delegation", message, "username")


def signed_in_at_station(session: Session, user: User, station: Station, created_at: datetime | None,
                         attestation: dict | None, offline_days: int) -> bool:
    """Did ``user`` sign in at ``station`` when the command was created?

    Online: a session of that user bound to that (proven) station covering
    ``created_at`` (± :data:`CLOCK_SKEW`). Offline: the station's signed
    attestation of the offline sign-in (:func:`server.station_proof.verify_offline_attestation`)
    at most :data:`OFFLINE_SESSION` before ``created_at``, and an online sign-in of
    the user at that station within ``offline_days`` before it (the station only
    allows offline sign-in to users it has seen online).
    """
    if created_at is None:
        return False
    if created_at.tzinfo is None:
        created_at = created_at.replace(tzinfo=timezone.utc)
    tokens = list(session.execute(select(Token.created_at, Token.expires_at, Token.revoked_at).where(
        Token.user_id == user.id, Token.station_id == station.station_id,
        Token.created_at <= created_at + CLOCK_SKEW)))
    for started, expires, revoked in tokens:
        end = min(expires, revoked) if revoked is not None else expires
        if created_at - CLOCK_SKEW <= end:
            return True
    signed_in = verify_offline_attestation(station, user.username, attestation)
    if signed_in is None or not signed_in - CLOCK_SKEW <= created_at <= signed_in + OFFLINE_SESSION:
        return False
    return any(signed_in - timedelta(days=offline_days) <= started <= signed_in + CLOCK_SKEW
               for started, _expires, _revoked in tokens)


def resolve_actor(session: Session, principal: Principal, body: "SyncCommandRequest",
                  settings: ServerSettings) -> Actor:
    """Who the command is applied as (DESIGN.md §10 "the server decides who acted").

    The station is the session's (a body naming another → 403
    ``forbidden_station``). The author (``username``) is the session user, or
    — only for a session bound to a station that proved its key — another
    active user who signed in at that same station (:func:`signed_in_at_station`),
    with *their* current role and planteles. Otherwise 403
    ``forbidden_delegation`` (nothing written, not stored).
    """
    station_id = principal.station_id
    if station_id and station_id != body.station_id:
        raise ApiError("forbidden_station",
                       f"Esta sesión pertenece a la estación «{station_id}», no a «{body.station_id}».", "station_id")
    if body.username == principal.username:
        return Actor(principal.username, principal.role, principal.campuses, station_id)
    if not station_id:
        raise _delegation_error(f"La acción fue registrada por «{body.username}»; solo la puede enviar ese usuario "
                                "o una sesión ligada a la estación donde inició sesión.")
    user = session.scalar(select(User).where(User.username == body.username))
    station = session.get(Station, station_id)
    if user is None or not user.active or station is None:
        raise _delegation_error(f"El usuario «{body.username}» que registró la acción no existe o está desactivado.")
    if not signed_in_at_station(session, user, station, body.created_at, body.attestation,
                                settings.offline_login_days_max):
        raise _delegation_error(f"«{body.username}» no inició sesión en la estación «{station_id}» cuando se "
                                "registró la acción; no se aplicó.")
    return Actor(user.username, Role(user.role), frozenset(user.campuses or ()), station_id)


def check_station_campus(session: Session, station_id: str, campus_code: str) -> None:
    """403 ``forbidden_station_campus`` when the station serves other planteles only."""
    if not station_id or not campus_code:
        return
    station = session.get(Station, station_id)
    if station is not None and station.campuses and campus_code not in station.campuses:
        raise ApiError("forbidden_station_campus",
                       f"La estación «{station_id}» no atiende el plantel {campus_code}; la acción no se aplicó.")


_ops = SyncOperation.__table__.c
_PROCESSED = select(_ops.body_sha256, _ops.status_code, _ops.response).where(_ops.op_id == bindparam("op_id"))


def processed_operation(session: Session, op_id: str):
    """``(body_sha256, status_code, response)`` stored for ``op_id``, or ``None`` (one Core
    SELECT on the session's connection: no ORM object for a row that is only read)."""
    return session.connection().execute(_PROCESSED, {"op_id": op_id}).first()


def _stored(op, digest: str) -> tuple[int, dict]:
    if op.body_sha256 != digest:
        raise ApiError("idempotency_key_reused",
                       "La clave de idempotencia ya se usó con otro contenido; la acción no se aplicó.",
                       "Idempotency-Key")
    return op.status_code, op.response


def _refused(op_id: str, refusal: Refusal, record: dict | None) -> tuple[int, dict]:
    error = {"code": refusal.code, "message": refusal.message}
    if refusal.field:
        error["field"] = refusal.field
    return error_status(refusal.code), {"error": error, "op_id": op_id, "outcome": "refused", "student": record}


def command_work(principal: Principal, body: SyncCommandRequest, cfg: ServerSettings) -> Callable[[Session], tuple[int, dict]]:
    """The unit of work of ONE station command (run it in one transaction; see module doc).

    Returns ``(status, answer)`` — stored in ``sync_operations`` and replayed for a
    repeated key. Raises :class:`ApiError` for the answers that are *not* stored
    (nothing written): 422 ``invalid_field`` (bad matrícula), 422
    ``idempotency_key_reused``, 403 ``forbidden_station`` / ``forbidden_delegation``,
    424 ``blob_missing``. The same function serves ``/sync/commands`` and every
    command of ``/sync/commands/batch``: a command in a batch is authorised,
    deduplicated and audited exactly as if it came alone.
    """
    matricula = checked_matricula(body.matricula)
    payload = payload_dict(body.payload)
    digest = body_digest(body, payload)

    def work(session: Session) -> tuple[int, dict]:
        # The record's lock first: it serializes duplicates of the same key on this record, so the
        # ONE processed-operation lookup after it sees a duplicate that committed while we waited
        # (a duplicate naming another record collides on the op_id key: IntegrityError, retried).
        row = lock_student(session, matricula)
        done = processed_operation(session, body.op_id)
        if done is not None:
            return _stored(done, digest)
        actor = resolve_actor(session, principal, body, cfg)
        hashes = set(body.blob_sha256s) | {v for k, v in payload.items()
                                           if k.endswith("_sha256") and isinstance(v, str)}
        if unbound_hashes(session, matricula, hashes):
            raise ApiError("blob_missing", "Faltan fotografías o firmas de esta acción en el servidor para "
                                                "este alumno; la estación las enviará de nuevo.", "blob_sha256s")
        check_station_campus(session, actor.station_id, row.campus_code if row is not None else "")
        refusal = None
        if body.command in OTHER_ENDPOINT:
            refusal = Refusal("command_not_allowed_here",
                              f"«{body.command.label}» se realiza en línea con {OTHER_ENDPOINT[body.command]}.",
                              "command")
        changed = None
        if refusal is None:
            outcome = apply_locked(session, row, matricula, body.command, actor,
                                   {**payload, "op_id": body.op_id, "station_seq": body.seq}, utcnow(),
                                   expected_status=body.expected_status, sender=principal.username)
            if isinstance(outcome, Refusal):
                refusal = outcome
            else:
                changed = outcome
        if refusal is not None:
            if refusal.code in AUDITED_REFUSALS and row is not None:  # a minor's capture without consent:
                dropped = discard_refused_blobs(session, row, hashes)  # its photo and signature are not kept
                audit_refusal(session, row, body.command, actor, refusal, principal.username,
                              {"refused_op_id": body.op_id, "discarded": dropped})
            status, answer = _refused(body.op_id, refusal, record_dict(row))
        else:
            student, row, event = changed
            status, answer = 200, {"op_id": body.op_id, "outcome": "accepted",
                                   "student": {**student.to_dict(), "change_seq": None}}
        op = SyncOperation(op_id=body.op_id, station_id=body.station_id, seq=body.seq, username=body.username,
                           matricula=matricula, command=body.command.value, body_sha256=digest,
                           status_code=status, response=answer, created_at=utcnow())
        if changed is not None:
            stamp_command(session, row, event, op)  # last: the counter lock is held only for the commit
        else:
            session.add(op)
        return status, answer

    return work


@router.post("/sync/commands", responses=errors(401, 403, 404, 409, 422, 424))
def sync_command(body: SyncCommandRequest, request: Request, principal: Principal = PrincipalDep,
                 idempotency_key: str = Header(alias="Idempotency-Key",
                                                pattern=r"^[0-9A-Za-z_-]{10,40}$")) -> JSONResponse:
    """Apply one station command exactly once (see module doc).

    200 ``{op_id, outcome: "accepted", student}``; refused by the transition
    table → 409 (403 role/plantel, 404 no record, 422 bad data) with
    ``{error: {code, message, field}, op_id, outcome: "refused", student}``;
    424 ``blob_missing`` (not stored) when a referenced blob was not uploaded;
    422 ``invalid_request`` (not stored) for a body that does not fit its command's model.
    """
    if idempotency_key != body.op_id:
        raise ApiError("invalid_field", "El encabezado Idempotency-Key debe ser igual a «op_id».",
                       "Idempotency-Key")
    status, answer = transaction(request, command_work(principal, body, settings(request)), retry_integrity=True)
    return JSONResponse(answer, status_code=status)


#: Most commands in one ``POST /sync/commands/batch`` (a station sends its queue in such slices).
MAX_BATCH_COMMANDS = 100
#: Statuses after which a station moves on to its next command: applied, or refused for good.
FINAL_STATUSES = frozenset({200, 403, 404, 409, 422})


class InvalidCommand(BaseModel):
    """A command of a batch that does not fit :data:`SyncCommandRequest`: its ``op_id`` (as sent, or
    empty) and the Spanish 422 ``error`` naming the field. Answered alone (422, ``refused``, not
    stored) while the rest of the batch is applied — one malformed command never stalls a queue."""

    op_id: str
    error: ErrorBody


def _each_command(value: Any, handler) -> Any:
    """Validate one command of a batch; a :class:`ValidationError` becomes an :class:`InvalidCommand`."""
    try:
        return handler(value)
    except ValidationError as exc:
        message, field = validation_error(exc.errors(include_url=False))
        op_id = value.get("op_id") if isinstance(value, dict) else None
        return InvalidCommand(op_id=op_id if isinstance(op_id, str) else "",
                              error=ErrorBody(code="invalid_request", message=message, field=field))


class SyncBatchRequest(BaseModel):
    """``POST /sync/commands/batch``: up to :data:`MAX_BATCH_COMMANDS` outbox commands, in station order
    (each one a :data:`SyncCommandRequest`; one that is not gets its own 422 result)."""

    model_config = ConfigDict(extra="forbid")
    commands: list[Annotated[SyncCommandRequest, WrapValidator(_each_command)]] = Field(
        min_length=1, max_length=MAX_BATCH_COMMANDS)


class SyncBatchResult(BaseModel):
    """The answer to one command of a batch: ``status`` is the HTTP status that command would get
    alone; ``outcome`` ``accepted`` / ``refused`` (final) / ``retry`` (424: blobs missing, nothing
    written) / ``skipped`` (not looked at: an earlier command of the batch needs a retry)."""

    op_id: str
    status: int
    outcome: str
    student: dict | None = None
    error: ErrorBody | None = None


class SyncBatchResponse(BaseModel):
    """One :class:`SyncBatchResult` per command, in request order."""

    results: list[SyncBatchResult]


@router.post("/sync/commands/batch", response_model=SyncBatchResponse, responses=errors(401, 413, 422))
def sync_command_batch(body: SyncBatchRequest, request: Request, principal: Principal = PrincipalDep) -> JSONResponse:
    """Apply an ordered batch of station commands, each exactly as ``POST /sync/commands`` would.

    Every command keeps its own idempotency key (``op_id``), its own authorisation
    (author, station, role, plantel, blobs of its student), its own transaction
    and audit event, and its own stored answer — a batch is only fewer HTTP round
    trips and one sign-in check. A command the session may not send is refused
    *with its own result* (the status and error it would get alone) and the
    others are applied; it never makes the batch pass or fail as a whole. So is a
    command whose body does not fit its model (422 ``invalid_request``, not stored).
    Processing stops at the first command whose answer is not final (424
    ``blob_missing`` → ``retry``); the commands after it are answered
    ``skipped`` (nothing done), so a station that resends them keeps its order.
    200 ``{results: [...]}`` in request order.
    """
    cfg = settings(request)
    results: list[dict] = []
    stopped = False
    with request.app.state.engine.connect() as conn:  # one pooled connection for the whole batch
        bound = sessionmaker(bind=conn, expire_on_commit=False)
        for cmd in body.commands:
            if stopped:
                results.append({"op_id": cmd.op_id, "status": 0, "outcome": "skipped", "student": None})
                continue
            if isinstance(cmd, InvalidCommand):
                results.append({"op_id": cmd.op_id, "status": 422, "outcome": "refused", "student": None,
                                "error": cmd.error.model_dump(exclude_none=True)})
                continue
            try:
                status, answer = run_transaction(bound, command_work(principal, cmd, cfg), retry_integrity=True)
            except ApiError as exc:
                error = {"code": exc.code, "message": exc.message}
                if exc.field:
                    error["field"] = exc.field
                status, answer = exc.status, {"op_id": cmd.op_id, "error": error, "student": None,
                                              "outcome": "refused" if exc.status in FINAL_STATUSES else "retry"}
            results.append({**answer, "status": status})
            stopped = status not in FINAL_STATUSES
    return JSONResponse({"results": results})


# --- changes feed ----------------------------------------------------------

@router.get("/sync/changes", responses=errors(401, 403, 422))
def changes(request: Request, principal: Principal = PrincipalDep, since: int = Query(default=0, ge=0, le=2**63 - 1),
            limit: int = Query(default=500, ge=1, le=2000),
            campus: list[str] = Query(default_factory=list, max_length=50)) -> JSONResponse:
    """Records changed after ``since`` in ``change_seq`` order → ``{items, next, more, remaining}``.

    ``campus`` (repeatable) limits to those planteles (403 ``forbidden_campus``
    outside the user's scope); without it: the user's planteles (all for the
    state office and admins). ``next`` is the cursor for the following call.
    """
    campuses = sorted(set(campus))
    if campuses and not principal.sees_all_campuses():
        outside = [c for c in campuses if c not in principal.campuses]
        if outside:
            raise ApiError("forbidden_campus",
                           f"El plantel {outside[0]} no está entre sus planteles asignados.", "campus")
    if not campuses and not principal.sees_all_campuses():
        campuses = sorted(principal.campuses)

    def read(session):
        high = int(session.scalar(select(Counter.value).where(Counter.name == "change_seq")) or 0)
        query = select(StudentRow).where(StudentRow.change_seq > since, StudentRow.change_seq <= high)
        if campuses:
            query = query.where(StudentRow.campus_code.in_(campuses))
        rows = list(session.scalars(query.order_by(StudentRow.change_seq).limit(limit + 1)))
        more = len(rows) > limit
        rows = rows[:limit]
        nxt = rows[-1].change_seq if more else max(high, since)
        remaining = 0
        if more:
            count = select(func.count()).select_from(StudentRow).where(StudentRow.change_seq > nxt,
                                                                       StudentRow.change_seq <= high)
            if campuses:
                count = count.where(StudentRow.campus_code.in_(campuses))
            remaining = int(session.scalar(count))
        items = [record_dict(r) for r in rows]
        return (items, nxt, more, remaining), [r.matricula for r in rows]

    # logged (a station's replica of its planteles), never limited: an initial pull is thousands of records
    items, nxt, more, remaining = logged_read(request, principal, "changes", RECORD_FIELDS, read, limited=False)
    return JSONResponse({"items": items, "next": nxt, "more": more, "remaining": remaining})
