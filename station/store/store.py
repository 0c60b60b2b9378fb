"""The station's local store: students, encrypted biometrics, audit, outbox.

Every desk action is ONE local transaction (DESIGN.md §4): the student row,
its new encrypted biometrics, an audit event and an outbox command commit
together or not at all. Refusals from the shared transition table
(:func:`station.domain.apply_command`) are returned, never raised.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Mapping

from sqlalchemy import delete, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from ulid import ULID

from station.domain import Actor, Command, Context, Refusal, Status, Student, apply_command
from station.domain.audit import AuditEvent, audit_event
from station.domain.report import StatusReport, build_status_report
from station.store.crypto import BlobCipher, derive_key, page_key
from station.store.db import (StoreOpenError, check_key, export_encrypted, is_plain_sqlite, make_engine, migrate,
                              secure_data_dir, sqlcipher)
from station.store.schema import AuditRow, BlobRow, CampusRow, OutboxRow, SettingRow, StudentRow

#: Blob kinds and the payload key that carries each one's SHA-256.
BLOB_KINDS: dict[str, str] = {
    "photo": "photo_sha256",
    "signature": "signature_sha256",
    "signature_png": "signature_png_sha256",
    "delivery_signature": "delivery_signature_sha256",
    "delivery_signature_png": "delivery_signature_png_sha256",
}

_STUDENT_COLUMNS = [c.name for c in StudentRow.__table__.columns if c.name != "server_state"]


def sha256_hex(data: bytes) -> str:
    """Lower-case hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def row_to_student(row: StudentRow) -> Student:
    """Convert a table row to the domain record."""
    values = {name: getattr(row, name) for name in _STUDENT_COLUMNS}
    values["status"] = Status(values["status"])
    return Student(**values)


def student_values(student: Student) -> dict[str, Any]:
    """Column values of ``student`` for :class:`StudentRow`."""
    values = {name: getattr(student, name) for name in _STUDENT_COLUMNS}
    values["status"] = student.status.value
    return values


@dataclass(frozen=True)
class OutboxCommand:
    """A queued command (see :class:`station.store.schema.OutboxRow`)."""

    seq: int
    op_id: str
    station_id: str
    command: str
    matricula: str
    expected_status: Status | None
    payload: dict
    blob_sha256s: list[str]
    username: str
    created_at: datetime
    state: str
    attempts: int
    last_error: str
    server_reason: str


def _outbox(row: OutboxRow) -> OutboxCommand:
    return OutboxCommand(row.seq, row.op_id, row.station_id, row.command, row.matricula,
                         Status(row.expected_status) if row.expected_status else None, dict(row.payload),
                         list(row.blob_sha256s), row.username, row.created_at, row.state, row.attempts,
                         row.last_error, row.server_reason)


class LocalStore:
    """The SQLite cache at ``path``, encrypted with the 32-byte ``key``.

    Three keys are derived from ``key`` (HKDF-SHA256, see
    :func:`station.store.crypto.derive_key`): the SQLCipher page key (whole
    file), and the key that authenticates offline sign-in records
    (:attr:`record_key`); biometrics are additionally sealed with ``key``
    itself (AES-GCM per blob, bound to hash and kind). The folder is made
    user-only. Opening refuses a key that does not open the file
    (:class:`station.store.db.StoreKeyError`), encrypts a clear file of an
    older version with ``key``, and migrates (copying the file aside first
    when it changes, see :func:`station.store.db.migrate`). ``station_id`` is
    stamped on audit events and outbox commands. Thread-safe: each call uses
    its own session.
    """

    def __init__(self, path: Path | str, key: bytes, station_id: str):
        self.path = Path(path)
        secure_data_dir(self.path.parent)
        self.station_id = station_id
        self._cipher = BlobCipher(key)
        self.record_key = derive_key(key, "offline-signin-records")
        #: The SQLCipher page key (also opens the pre-migration copies, see :mod:`.retention`).
        self.page_key = page_key(key)
        try:
            self._open(self.page_key)
        except StoreOpenError:
            raise
        except (SQLAlchemyError, sqlcipher.Error, OSError) as exc:
            raise StoreOpenError(_open_failure(self.path, exc)) from None
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def _open(self, db_key: bytes) -> None:
        if is_plain_sqlite(self.path):
            encrypted = self.path.with_name(self.path.name + ".cifrando")
            export_encrypted(self.path, encrypted, db_key)
            encrypted.replace(self.path)
            for suffix in ("-wal", "-shm"):
                self.path.with_name(self.path.name + suffix).unlink(missing_ok=True)
        check_key(self.path, db_key)
        self.engine = make_engine(self.path, db_key)
        self.migration_backup = migrate(self.engine, self.path, key=db_key)
        with self.engine.connect() as conn:  # a damaged file fails here, not at the first desk action
            conn.exec_driver_sql("SELECT count(*) FROM students").scalar()
        if self.path.exists():
            self.path.chmod(0o600)

    @classmethod
    def open_configured(cls, config) -> "LocalStore":
        """Open the store of a :class:`station.config.Config`, its key from the OS
        keyring (:func:`station.store.keys.load_store_key`: created only for a
        new store, never replaced).

        Raises :class:`station.store.db.StoreKeyError` (key missing or wrong,
        Spanish, says what to do), :class:`station.store.db.StoreOpenError`
        (locked, damaged or unwritable) and
        :class:`station.secrets.SecretStoreError` (no keyring).
        """
        from station.store.keys import load_store_key

        key = load_store_key(config.store_path)
        return cls(config.store_path, key, config.station_id or "sin-registrar")

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    def session(self) -> Session:
        """A new ORM session (use as a context manager)."""
        return self._sessions()

    # --- students -------------------------------------------------------

    def upsert_campuses(self, campuses: Iterable[tuple[str, str]]) -> None:
        """Insert or rename planteles given as ``(code, name)``."""
        with self.session() as s, s.begin():
            for code, name in campuses:
                s.merge(CampusRow(code=code, name=name))

    def campuses(self) -> list[tuple[str, str]]:
        """Known planteles as ``(code, name)`` ordered by code."""
        with self.session() as s:
            return [(r.code, r.name) for r in s.scalars(select(CampusRow).order_by(CampusRow.code))]

    def upsert_students(self, students: Iterable[Student], *, from_server: bool = True,
                        batch: int = 2000) -> int:
        """Insert or replace records (pull, demo seeding); returns how many.

        With ``from_server`` the record is also kept as ``server_state``.
        Commits every ``batch`` records.
        """
        count = 0
        rows: list[dict] = []
        campuses: dict[str, str] = {}

        def flush() -> None:
            with self.session() as s, s.begin():
                for code, name in campuses.items():
                    s.merge(CampusRow(code=code, name=name))
                campuses.clear()
                for values in rows:
                    s.merge(StudentRow(**values))
            rows.clear()

        for student in students:
            values = student_values(student)
            if from_server:
                values["server_state"] = student.to_dict()
            rows.append(values)
            campuses[student.campus_code] = student.campus_name
            count += 1
            if len(rows) >= batch:
                flush()
        if rows:
            flush()
        return count

    def get_student(self, matricula: str) -> Student | None:
        """The record with ``matricula`` or ``None``."""
        with self.session() as s:
            row = s.get(StudentRow, matricula)
            return row_to_student(row) if row else None

    def find_students(self, campus: str | None = None, group: str | None = None,
                      statuses: Iterable[Status] | None = None, *, order_by: str = "matricula",
                      descending: bool = False, limit: int | None = None, offset: int = 0) -> list[Student]:
        """Records filtered by plantel, grupo and statuses, sorted by a column
        name (``ValueError`` for an unknown column), paged with ``limit``/``offset``."""
        if order_by not in _STUDENT_COLUMNS:
            raise ValueError(f"Columna desconocida para ordenar: {order_by}")
        query = self._filtered(select(StudentRow), campus, group, statuses)
        column = getattr(StudentRow, order_by)
        query = query.order_by(column.desc() if descending else column, StudentRow.matricula)
        if limit is not None:
            query = query.limit(limit).offset(offset)
        with self.session() as s:
            return [row_to_student(r) for r in s.scalars(query)]

    def count_students(self, campus: str | None = None, group: str | None = None,
                       statuses: Iterable[Status] | None = None) -> int:
        """How many records match the same filters as :meth:`find_students`."""
        query = self._filtered(select(func.count()).select_from(StudentRow), campus, group, statuses)
        with self.session() as s:
            return int(s.scalar(query))

    @staticmethod
    def _filtered(query, campus, group, statuses):
        if campus:
            query = query.where(StudentRow.campus_code == campus)
        if group:
            query = query.where(StudentRow.group_code == group)
        if statuses:
            query = query.where(StudentRow.status.in_([Status(s).value for s in statuses]))
        return query

    def groups(self, campus: str, statuses: Iterable[Status] | None = None) -> list[str]:
        """Distinct group codes of a plantel (optionally only with students in ``statuses``)."""
        query = self._filtered(select(StudentRow.group_code).distinct(), campus, None, statuses)
        with self.session() as s:
            return sorted(s.scalars(query))

    def status_report(self, campuses: Iterable[str] | None = None) -> StatusReport:
        """Counts per status per plantel (manual §6): one GROUP BY answered
        from the (campus_code, status) index; names from the campuses table."""
        query = select(StudentRow.campus_code, StudentRow.status, func.count())
        if campuses:
            query = query.where(StudentRow.campus_code.in_(list(campuses)))
        query = query.group_by(StudentRow.campus_code, StudentRow.status)
        with self.session() as s:
            names = dict(s.execute(select(CampusRow.code, CampusRow.name)).all())
            counts = s.execute(query).all()
        return build_status_report((code, names.get(code, code), status, n) for code, status, n in counts)

    # --- desk actions ---------------------------------------------------

    def execute(self, command: Command | str, matricula: str, actor: Actor,
                payload: Mapping[str, Any] | None = None, *, blobs: Mapping[str, bytes] | None = None,
                online: bool = False, now: datetime | None = None) -> Student | Refusal:
        """Apply a desk command in ONE transaction: biometrics sealed, record
        updated, audit event and outbox command appended.

        ``blobs`` maps a kind of :data:`BLOB_KINDS` to its plaintext bytes;
        their SHA-256 values are added to the payload under the matching
        keys. Returns the new :class:`Student`, or the domain's
        :class:`Refusal` (nothing is written then). Raises ``ValueError``
        for an unknown blob kind.
        """
        now = now or datetime.now(timezone.utc)
        payload = dict(payload or {})
        sealed: list[BlobRow] = []
        for kind, data in (blobs or {}).items():
            if kind not in BLOB_KINDS:
                raise ValueError(f"Tipo de dato biométrico desconocido: {kind}")
            digest = sha256_hex(data)
            payload[BLOB_KINDS[kind]] = digest
            sealed.append(BlobRow(sha256=digest, kind=kind, matricula=matricula, size=len(data),
                                  sealed=self._cipher.seal(data, self._aad(digest, kind)), created_at=now,
                                  uploaded=False))
        command = Command(command)
        with self.session() as s, s.begin():
            row = s.get(StudentRow, matricula)
            before = row_to_student(row) if row else None
            result = apply_command(before, command, actor, {"matricula": matricula, **payload},
                                   Context(now=now, online=online))
            if isinstance(result, Refusal):
                s.rollback()
                return result
            for blob in sealed:
                if s.get(BlobRow, blob.sha256) is None:
                    s.add(blob)
            if row is None:
                row = StudentRow(**student_values(result))
                s.add(row)
                if s.get(CampusRow, result.campus_code) is None:
                    s.add(CampusRow(code=result.campus_code, name=result.campus_name))
            else:
                for key, value in student_values(result).items():
                    setattr(row, key, value)
            event = audit_event(matricula, command.value, before.status if before else None, result.status, actor,
                                self.station_id, now, payload)
            s.add(AuditRow(event_id=str(ULID()), matricula=matricula, command=event.command,
                           from_status=before.status.value if before else None, to_status=result.status.value,
                           username=event.username, role=event.role, station_id=event.station_id, at=now,
                           comment=event.comment, details=event.details))
            s.add(OutboxRow(op_id=str(ULID()), station_id=self.station_id, command=command.value,
                            matricula=matricula, expected_status=before.status.value if before else None,
                            payload=payload, blob_sha256s=[b.sha256 for b in sealed], username=actor.username,
                            created_at=now, state="pending", attempts=0, last_error="", server_reason=""))
        return result

    @staticmethod
    def _aad(digest: str, kind: str) -> bytes:
        return f"{kind}:{digest}".encode("ascii")

    def get_blob(self, sha256: str) -> bytes | None:
        """Decrypted bytes of a stored biometric, or ``None`` when absent.

        Raises :class:`station.store.crypto.BlobDecryptError` on a wrong key
        or tampered data — never returns garbage.
        """
        with self.session() as s:
            row = s.get(BlobRow, sha256)
            if row is None:
                return None
            return self._cipher.open(row.sealed, self._aad(row.sha256, row.kind))

    def latest_blob(self, matricula: str, kind: str) -> bytes | None:
        """The newest biometric of ``kind`` for a student (e.g. ``signature_png``), decrypted."""
        with self.session() as s:
            row = s.scalars(select(BlobRow).where(BlobRow.matricula == matricula, BlobRow.kind == kind)
                            .order_by(BlobRow.created_at.desc()).limit(1)).first()
            return None if row is None else self._cipher.open(row.sealed, self._aad(row.sha256, row.kind))

    def put_blob(self, data: bytes, kind: str, matricula: str, *, uploaded: bool = True) -> str:
        """Store a biometric received from the server (pull); returns its SHA-256."""
        digest = sha256_hex(data)
        with self.session() as s, s.begin():
            if s.get(BlobRow, digest) is None:
                s.add(BlobRow(sha256=digest, kind=kind, matricula=matricula, size=len(data),
                              sealed=self._cipher.seal(data, self._aad(digest, kind)),
                              created_at=datetime.now(timezone.utc), uploaded=uploaded))
        return digest

    def audit_for(self, matricula: str) -> list[AuditEvent]:
        """Audit events of a student, oldest first."""
        with self.session() as s:
            rows = s.scalars(select(AuditRow).where(AuditRow.matricula == matricula).order_by(AuditRow.id))
            return [AuditEvent(r.matricula, r.command, Status(r.from_status) if r.from_status else None,
                               Status(r.to_status) if r.to_status else None, r.username, r.role, r.station_id,
                               r.at, r.comment, dict(r.details or {})) for r in rows]

    # --- outbox ---------------------------------------------------------

    def outbox(self, states: Iterable[str] = ("pending",), limit: int | None = None) -> list[OutboxCommand]:
        """Outbox commands in the given states, in sequence order."""
        query = select(OutboxRow).where(OutboxRow.state.in_(list(states))).order_by(OutboxRow.seq)
        if limit:
            query = query.limit(limit)
        with self.session() as s:
            return [_outbox(r) for r in s.scalars(query)]

    def pending_count(self) -> int:
        """Commands not yet accepted by the server."""
        with self.session() as s:
            return int(s.scalar(select(func.count()).select_from(OutboxRow).where(OutboxRow.state == "pending")))

    # --- settings -------------------------------------------------------

    def get_setting(self, key: str, default: Any = None) -> Any:
        """A JSON setting stored with the cache."""
        with self.session() as s:
            row = s.get(SettingRow, key)
            return default if row is None else row.value

    def set_setting(self, key: str, value: Any) -> None:
        """Store a JSON setting (one transaction)."""
        with self.session() as s, s.begin():
            s.merge(SettingRow(key=key, value=value))

    def delete_students(self, matriculas: Iterable[str]) -> None:
        """Remove cached records (e.g. a plantel no longer assigned). Biometrics stay."""
        with self.session() as s, s.begin():
            s.execute(delete(StudentRow).where(StudentRow.matricula.in_(list(matriculas))))


def _open_failure(path: Path, exc: BaseException) -> str:
    """Spanish reason a store could not be opened (locked, read-only, full, damaged)."""
    text = str(getattr(exc, "orig", None) or exc).lower()
    if "locked" in text or "busy" in text:
        return f"El almacén local {path} está bloqueado por otro programa; ciérrelo e intente de nuevo."
    if "readonly" in text or "read-only" in text or "permission" in text or "unable to open" in text:
        return (f"No se puede escribir en la carpeta de datos {path.parent} (solo lectura o sin permiso); "
                "revise los permisos de la carpeta.")
    if "full" in text or "no space" in text:
        return f"El disco donde está {path} está lleno; libere espacio e intente de nuevo. No se perdió nada."
    if "malformed" in text or "not a database" in text or "corrupt" in text:
        return (f"El almacén local {path} está dañado. No se modificó; pida ayuda a la oficina de sistemas "
                "(las copias previas a cada actualización están en la misma carpeta).")
    return f"No se pudo abrir el almacén local {path}: {exc}."

