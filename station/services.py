"""The desk's application facade (no Qt): what every screen of the station calls.

:class:`DeskServices` holds the configuration, the local store
(:class:`station.store.LocalStore`), the central server client
(:class:`station.api.ServerApi`, optional: the desk works offline), the
signed-in :class:`station.domain.Actor` and the sync service. Each method is
one user action of the operator manual (§5–§13) and either returns its result
or raises :class:`ServiceError` whose ``message`` is Spanish and ready to show.

No business rules live here or in ``ui/``: every state change goes through
``LocalStore.execute`` → the shared transition table
(:func:`station.domain.apply_command`), whose :class:`~station.domain.Refusal`
becomes a :class:`ServiceError` with the refusal's message and field.

All methods may block (disk, network, PDF): the UI calls them from worker
threads. The object is safe to share between threads (the store opens one
session per call; the API client is only used by one call at a time per
method, guarded by a lock).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable

from station.domain import (
    Actor,
    Command,
    FieldError,
    Refusal,
    Role,
    Status,
    Student,
    allowed_commands,
    validate_matricula,
)
from station.domain.errors import UserError
from station.domain.report import StatusReport

#: Statuses shown in «Validar datos alumno» (manual §10).
VALIDATION_STATUSES = (Status.CAPTURED, Status.DEFERRED)


class ServiceError(UserError):
    """A user action that did not happen. ``message`` is Spanish, ``field``
    names the offending input when there is one (``"matricula"``,
    ``"comment"``, ``"valid_until"``…), ``code`` is a stable identifier
    (the domain refusal code, an :class:`station.api.ServerApiError` cause, or
    ``"not_found"``, ``"offline"``, ``"io"``)."""

    def __init__(self, message: str, field: str | None = None, code: str = "error"):
        super().__init__(message, code, field)


@dataclass(frozen=True)
class DeskSession:
    """The desk's signed-in session: ``actor`` (username, role, plantel codes,
    station id), ``display_name`` and whether the session is ``online``
    (validated by the server) or an offline sign-in (built from
    :class:`station.auth.DeskSession` or the server's login answer)."""

    actor: Actor
    display_name: str
    online: bool


def _refused(result: Student | Refusal) -> Student:
    if isinstance(result, Refusal):
        raise ServiceError(result.message, result.field, result.code)
    return result


def _api_error(exc: Exception) -> ServiceError:
    code = next((c for c in (getattr(exc, "code", None), getattr(exc, "cause", None)) if isinstance(c, str)), "error")
    return ServiceError(getattr(exc, "message", str(exc)), getattr(exc, "field", None), code)


class DeskServices:
    """The station session: configuration, store, server client, user, sync.

    ``api`` is a :class:`station.api.ServerApi` (or ``None`` for a station
    without a configured server). ``sync`` is the optional sync service
    (``station.sync.SyncService``); ``signing_key`` an Ed25519 private key
    for credential QR codes (default: the station key from the OS keyring,
    fetched on first print). ``authenticator`` is an optional object with
    ``sign_in(username, password) -> SignedIn-like`` used for offline
    sign-in (``station.auth``); without it, only online sign-in works.
    """

    def __init__(self, config, store, api=None, *, sync=None, signing_key=None, authenticator=None,
                 clock: Callable[[], datetime] | None = None):
        self.config = config
        self.store = store
        self.api = api
        self.sync = sync
        self.authenticator = authenticator
        self._signing_key = signing_key
        self._clock = clock or (lambda: datetime.now(timezone.utc))
        self.session: DeskSession | None = None
        self._online = api is not None
        self._online_at = 0.0
        self._lock = threading.Lock()
        self.last_error = ""

    # ----------------------------------------------------------------- session
    @property
    def actor(self) -> Actor:
        """The signed-in user. Raises :class:`ServiceError` when nobody is signed in."""
        if self.session is None:
            raise ServiceError("Inicie sesión para continuar.", code="unauthorized")
        return self.session.actor

    @property
    def role(self) -> Role | None:
        """Role of the signed-in user, or ``None``."""
        return self.session.actor.role if self.session else None

    @property
    def online(self) -> bool:
        """Best knowledge of whether the central server answers (last call or sync round)."""
        if self.api is None:
            return False
        state = self.sync_state()
        online = getattr(state, "online", None)
        if isinstance(online, bool) and state is not None and self._online_at <= self._state_stamp(state):
            return online
        return self._online

    def sync_state(self):
        """The sync service's :class:`station.sync.SyncState` snapshot, or ``None``."""
        state = getattr(self.sync, "state", None) if self.sync is not None else None
        return state() if callable(state) else state

    @staticmethod
    def _state_stamp(state) -> float:
        error = getattr(state, "last_error", None)
        moments = [getattr(error, "at", None), getattr(state, "last_success_at", None)]
        stamps = [m.timestamp() for m in moments if m is not None]
        return max(stamps) if stamps else 0.0

    def mark_online(self, value: bool, error: str = "") -> None:
        """Record the result of the last server call (shown in the status bar)."""
        self._online = value
        self._online_at = datetime.now(timezone.utc).timestamp()
        self.last_error = error

    def sign_in(self, username: str, password: str) -> DeskSession:
        """Sign in (manual §5): online against the server; offline through the
        authenticator when the server is unreachable. Raises :class:`ServiceError`
        with the real cause (wrong password, server down, no offline verifier…)."""
        username = (username or "").strip()
        if not username:
            raise ServiceError("Escriba su usuario.", "username", "invalid_field")
        if not password:
            raise ServiceError("Escriba su contraseña.", "password", "invalid_field")
        if self.authenticator is not None:
            try:
                result = self.authenticator.sign_in(username, password)
            except Exception as exc:  # the authenticator raises with a Spanish message
                raise _api_error(exc) from None
            self.session = DeskSession(result.actor, getattr(result, "display_name", result.actor.username),
                                    bool(getattr(result, "online", True)))
            self.mark_online(self.session.online)
            return self.session
        if self.api is None:
            raise ServiceError("Esta estación no tiene configurado el servidor central; no es posible iniciar sesión.",
                               code="offline")
        from station.api import ServerApiError, is_offline

        try:
            answer = self.api.login(username, password)
        except ServerApiError as exc:
            self.mark_online(not is_offline(exc), exc.message)
            raise _api_error(exc) from None
        user = answer["user"]
        actor = Actor(user["username"], Role(user["role"]), frozenset(user.get("campuses") or ()),
                      self.config.station_id or self.store.station_id)
        self.session = DeskSession(actor, user.get("display_name") or user["username"], True)
        self.mark_online(True)
        return self.session

    def sign_out(self) -> None:
        """End the session (revokes the server token when reachable; never raises)."""
        if self.api is not None and getattr(self.api, "token", None):
            try:
                self.api.logout()
            except Exception:  # offline: the token expires on its own
                pass
        self.session = None

    def campus_label(self) -> str:
        """«001 Ciudad Azteca» for the user's first plantel, or the role label."""
        if self.session is None:
            return ""
        names = dict(self.store.campuses())
        codes = sorted(self.session.actor.campuses)
        if not codes:
            return self.session.actor.role.label
        return ", ".join(f"{names.get(c, c)}" for c in codes)

    # ----------------------------------------------------------------- reads
    def lookup(self, matricula: str, *, any_campus: bool = True) -> Student:
        """The record of ``matricula`` (manual §8 step 1, §13).

        Validates the matrícula first (format and check digit). Looks in the
        local cache; when absent and online, asks the server (§13: any
        plantel) and caches the answer. Raises :class:`ServiceError` for a
        malformed or unknown matrícula.
        """
        try:
            matricula = validate_matricula(matricula)
        except FieldError as exc:
            raise ServiceError(exc.message, exc.field, "invalid_field") from None
        student = self.store.get_student(matricula)
        if student is not None:
            return student
        if any_campus and self.api is not None and getattr(self.api, "token", None):
            from station.api import ServerApiError

            try:
                data = self.api.get_student(matricula)
            except ServerApiError as exc:
                if exc.cause == "not_found":
                    self.mark_online(True)
                    raise ServiceError(f"La matrícula {matricula} no existe en la base de datos de "
                                       "credencialización.", "matricula", "not_found") from None
                if exc.server_unusable:
                    self.mark_online(False, exc.message)
                    raise ServiceError(f"La matrícula {matricula} no está en el padrón local de esta estación y "
                                       f"no se pudo consultar el servidor central: {exc.message}",
                                       "matricula", "offline") from None
                raise _api_error(exc) from None
            self.mark_online(True)
            student = Student.from_dict(data)
            self.store.upsert_students([student])
            return student
        raise ServiceError(f"La matrícula {matricula} no está en el padrón local de esta estación.",
                           "matricula", "not_found")

    def allowed(self, student: Student | None) -> list[Command]:
        """Commands the signed-in user may attempt on ``student`` (enables buttons)."""
        if self.session is None:
            return []
        return allowed_commands(student, self.session.actor.role)

    def refusal_for(self, student: Student | None, command: Command) -> str:
        """Why ``command`` cannot start for ``student`` because of its status, the
        user's role or plantel (the domain's Spanish message), or ``""`` when it
        may (payload preconditions are checked when the action is saved)."""
        if self.session is None:
            return ""
        from station.domain import Context, apply_command

        result = apply_command(student, command, self.session.actor, {"matricula": getattr(student, "matricula", "")},
                               Context(now=self._clock(), online=self.online))
        if isinstance(result, Refusal) and result.code in ("invalid_status", "forbidden_role", "forbidden_campus",
                                                           "not_found", "already_exists"):
            return result.message
        return ""

    def student_with_biometrics(self, matricula: str) -> tuple[Student, bytes | None, bytes | None]:
        """``(student, photo JPEG, signature PNG)`` of ``matricula`` — what the
        search of «Imprimir temporal», «Rechazar» and «Entregar» shows. Raises
        :class:`ServiceError` like :meth:`lookup`."""
        student = self.lookup(matricula)
        return student, self.photo(student), self.signature_png(student)

    def photo(self, student: Student) -> bytes | None:
        """The student's photo JPEG (decrypted), or ``None``."""
        if student.photo_sha256:
            data = self.store.get_blob(student.photo_sha256)
            if data:
                return data
        return self.store.latest_blob(student.matricula, "photo")

    def signature_png(self, student: Student) -> bytes | None:
        """The student's signature as PNG, or ``None``."""
        return self.store.latest_blob(student.matricula, "signature_png")

    def delivery_signature_png(self, student: Student) -> bytes | None:
        """The delivery signature as PNG (manual §12–13), or ``None``."""
        if not student.delivery_signature_sha256:
            return None
        return self.store.latest_blob(student.matricula, "delivery_signature_png")

    def campuses(self) -> list[tuple[str, str]]:
        """Planteles the user may work on as ``(code, name)`` (all cached ones for
        state office/admin)."""
        known = self.store.campuses()
        if self.session is None or not self.session.actor.campuses:
            return known
        scope = self.session.actor.campuses
        names = dict(known)
        return [(c, names.get(c, c)) for c in sorted(scope)]

    def groups(self, campus: str, statuses: Iterable[Status] | None = VALIDATION_STATUSES) -> list[str]:
        """Group codes of a plantel having students in ``statuses`` (manual §10 filter)."""
        return self.store.groups(campus, statuses)

    def students_page(self, campus: str, group: str | None, statuses: Iterable[Status] = VALIDATION_STATUSES, *,
                      order_by: str = "matricula", descending: bool = False, page: int = 0,
                      page_size: int = 25) -> tuple[list[Student], int]:
        """One page (0-based) of students and the total count (manual §10 table)."""
        statuses = list(statuses)
        total = self.store.count_students(campus, group or None, statuses)
        rows = self.store.find_students(campus, group or None, statuses, order_by=order_by, descending=descending,
                                        limit=page_size, offset=page * page_size)
        return rows, total

    def example_matricula(self, statuses: Iterable[Status] | None = None) -> str:
        """The first matrícula (by matrícula) of the user's first plantel in one of
        ``statuses`` (any status for ``None``), or ``""``: the example the search
        fields show, so it always exists on this desk (demo or production)."""
        campuses = self.campuses()
        for code, _name in campuses[:1]:
            rows = self.store.find_students(code, None, list(statuses) if statuses else None, limit=1)
            if rows:
                return rows[0].matricula
        return ""

    def status_report(self) -> StatusReport:
        """Counts per status per plantel (manual §6) from the local cache, limited to
        the user's planteles for operators and supervisors."""
        scope = sorted(self.session.actor.campuses) if self.session and self.session.actor.campuses else None
        return self.store.status_report(scope)

    def pending_count(self) -> int:
        """Commands waiting to be uploaded."""
        return self.store.pending_count()

    def audit(self, matricula: str):
        """Audit events of a student, oldest first."""
        return self.store.audit_for(matricula)

    # ----------------------------------------------------------------- desk actions
    def _execute(self, command: Command, matricula: str, payload: dict | None = None,
                 blobs: dict[str, bytes] | None = None) -> Student:
        result = self.store.execute(command, matricula, self.actor, payload or {}, blobs=blobs or {},
                                    online=self.online, now=self._clock())
        student = _refused(result)
        self._kick_sync()
        return student

    def _kick_sync(self) -> None:
        trigger = getattr(self.sync, "trigger", None) or getattr(self.sync, "wake", None)
        if callable(trigger):
            try:
                trigger()
            except Exception:  # sync problems show in the sync screen, never block the desk
                pass

    def capture(self, matricula: str, photo_jpeg: bytes, signature, *, photo_checks_ok: bool = True,
                override_reason: str = "", guardian_name: str = "", guardian_relationship: str = "") -> Student:
        """Save the toma de biométricos (manual §8 step 8; §11 retake).

        ``photo_jpeg``: the cropped 480×640 JPEG; ``signature``: a
        :class:`drivers.signature.Signature` (stored as JSON + PNG). For a
        minor (age from the CURP, :mod:`station.domain.minors`) the guardian's
        consent — ``guardian_name`` and ``guardian_relationship`` — is
        required and recorded in the command's audit (who gave it; the audit
        adds when and by which operator). Raises :class:`ServiceError` when
        the photo, signature or consent is missing or the status does not
        allow a capture.
        """
        from station.domain.minors import consent_problem

        student = self.lookup(matricula)
        consent = {"guardian_name": " ".join(str(guardian_name or "").split()),
                   "guardian_relationship": str(guardian_relationship or "").strip()}
        problem = consent_problem(student.curp, self._clock().date(), consent)
        if problem is not None:
            raise ServiceError(problem[1], problem[0], "guardian_consent_required")
        if not photo_jpeg:
            raise ServiceError("Falta la fotografía: tome la foto y presione «Capturar foto».", "photo",
                               "missing_biometrics")
        if signature is None:
            raise ServiceError("Falta la firma: pida al alumno que firme y presione «Capturar firma».",
                               "signature", "missing_biometrics")
        blobs = {"photo": photo_jpeg, "signature": signature.to_json(), "signature_png": signature.to_png()}
        payload = {"photo_checks_ok": bool(photo_checks_ok)}
        if override_reason:
            payload["photo_override_reason"] = override_reason
        if consent["guardian_name"]:
            payload.update(consent)
        return self._execute(Command.CAPTURE, matricula, payload, blobs)

    def validate(self, matricula: str, *, health_institution: str = "", affiliation_number: str = "",
                 valid_until: date | str | None = None, comment: str = "") -> Student:
        """«Validado» (manual §10): completes the fields and validates; after this
        the record can no longer change. Raises :class:`ServiceError` naming the
        missing or wrong field."""
        payload = self._completion(health_institution, affiliation_number, valid_until)
        if comment.strip():
            payload["comment"] = comment.strip()
        return self._execute(Command.VALIDATE, matricula, payload)

    def check_evaluation(self, student: Student, validated: bool, comment: str = "", *,
                         health_institution: str = "", affiliation_number: str = "",
                         valid_until: date | str | None = None) -> Refusal | None:
        """Dry run of «Validado» / «Aplazado» on ``student`` with the typed fields,
        through the same transition table the save uses: the :class:`Refusal`
        (Spanish message and ``field``) or ``None``. Nothing is written; lets the
        screen check the fields before it asks for confirmation."""
        from station.domain import Context, apply_command

        if self.session is None:
            return Refusal("not_signed_in", "Inicie sesión de nuevo.")
        payload = self._completion(health_institution, affiliation_number, valid_until)
        if comment.strip() or not validated:
            payload["comment"] = comment.strip() if validated else comment
        result = apply_command(student, Command.VALIDATE if validated else Command.DEFER, self.session.actor,
                               payload, Context(now=self._clock(), online=self.online))
        return result if isinstance(result, Refusal) else None

    def defer(self, matricula: str, comment: str, *, health_institution: str = "", affiliation_number: str = "",
              valid_until: date | str | None = None) -> Student:
        """«Aplazado» with its required comment (manual §10 step 5)."""
        payload = self._completion(health_institution, affiliation_number, valid_until)
        payload["comment"] = comment
        return self._execute(Command.DEFER, matricula, payload)

    @staticmethod
    def _completion(health_institution, affiliation_number, valid_until) -> dict[str, Any]:
        payload: dict[str, Any] = {}
        if health_institution and health_institution.strip():
            payload["health_institution"] = health_institution.strip()
        if affiliation_number and affiliation_number.strip():
            payload["affiliation_number"] = affiliation_number.strip()
        if valid_until:
            payload["valid_until"] = valid_until.isoformat() if isinstance(valid_until, date) else str(valid_until)
        return payload

    def reject(self, matricula: str, comment: str, *, retake: bool) -> Student:
        """«Rechazar» a Recibido credential (manual §11): reprint, or «Requiere retoma»."""
        command = Command.REJECT_RETAKE if retake else Command.REJECT_REPRINT
        return self._execute(command, matricula, {"comment": comment})

    def deliver(self, matricula: str, signature, temporary_returned: bool | None) -> Student:
        """«Entregar credencial» (manual §12): the delivery signature and whether the
        temporary credential was handed back."""
        if signature is None:
            raise ServiceError("Falta la firma de entrega del alumno.", "delivery_signature",
                               "missing_delivery_signature")
        blobs = {"delivery_signature": signature.to_json(), "delivery_signature_png": signature.to_png()}
        payload: dict[str, Any] = {}
        if temporary_returned is not None:
            payload["temporary_returned"] = bool(temporary_returned)
        return self._execute(Command.DELIVER, matricula, payload, blobs)

    def signing_key(self):
        """The station's Ed25519 key for credential QR codes (keyring; cached)."""
        if self._signing_key is None:
            from station.secrets import SecretStoreError, get_or_create_signing_key

            try:
                self._signing_key = get_or_create_signing_key(self.station_id)
            except SecretStoreError as exc:
                raise ServiceError(str(exc), code="keyring") from None
        return self._signing_key

    @property
    def station_id(self) -> str:
        """Identifier of this station (config, else the store's)."""
        return self.config.station_id or self.store.station_id

    def print_temporary(self, matricula: str, card_printer: bool = False) -> tuple[bytes, Student]:
        """«Imprimir credencial temporal» (manual §8 step 9, §9): the PDF bytes of the
        card (front and back at CR80 size: on a letter page with cut marks, or with
        ``card_printer`` one CR80 page per side for a card printer) and the record
        with its reprint counter +1 (the ``print_temporary`` command is logged and queued)."""
        from station.documents.credential import CredentialError, credentials_cr80_pdf, credentials_pdf, make_card
        from station.documents.source import CardSourceError, StoreCardSource

        student = self.lookup(matricula)
        if Command.PRINT_TEMPORARY not in self.allowed(student):
            raise ServiceError("Su perfil no puede imprimir credenciales temporales.", code="forbidden_role")
        source = StoreCardSource(self.store, self.actor)
        try:
            inputs = source.load_card_inputs(student.matricula)
            card = make_card(inputs.student, inputs.photo_jpeg, inputs.signature_png, self.signing_key(),
                             self.station_id, self._clock(),
                             valid_days=int(getattr(self.config, "temporary_valid_days", 90) or 90))
            render = credentials_cr80_pdf if card_printer else credentials_pdf
            pdf = render([card], title=f"Credencial temporal {student.matricula}")
        except (CardSourceError, CredentialError) as exc:
            raise ServiceError(str(exc), code="refused") from None
        updated = self._execute(Command.PRINT_TEMPORARY, student.matricula)
        return pdf, updated

    @property
    def accounts(self):
        """:class:`station.accounts.InstitutionalAccounts` over this session's API client
        (the account slip at the desk; «Cuentas institucionales» for the systems role)."""
        from station.accounts import InstitutionalAccounts

        return InstitutionalAccounts(lambda: self.api)

    # ----------------------------------------------------------------- SAE (online)
    def _need_api(self):
        if self.api is None or not getattr(self.api, "token", None):
            raise ServiceError("Esta acción necesita conexión con el servidor central (consulta al SAE). "
                               "Intente de nuevo cuando haya red.", code="offline")
        return self.api

    def sae_lookup(self, matricula: str) -> dict:
        """«Importar alumno SAE» → Buscar (manual §7): ``{matricula, sae, exists,
        student, comparison: [{field, label, sae, current, differs}], allowed:
        ["import"|"update"], reason: {code, message}|None}`` from the server.
        Raises :class:`ServiceError` (malformed matrícula, not in SAE, offline)."""
        try:
            matricula = validate_matricula(matricula)
        except FieldError as exc:
            raise ServiceError(exc.message, exc.field, "invalid_field") from None
        api = self._need_api()
        from station.api import ServerApiError, is_offline

        try:
            answer = api.sae_lookup(matricula)
        except ServerApiError as exc:
            self.mark_online(not is_offline(exc), exc.message)
            raise _api_error(exc) from None
        self.mark_online(True)
        return answer

    def sae_apply(self, matricula: str, action: str) -> Student:
        """«Importar» / «Actualizar» (manual §7 steps 2–3) on the server; the returned
        record is cached locally. Raises :class:`ServiceError` with the server's reason."""
        api = self._need_api()
        from station.api import ServerApiError, is_offline

        try:
            data = api.sae_apply(matricula, action)
        except ServerApiError as exc:
            self.mark_online(not is_offline(exc), exc.message)
            raise _api_error(exc) from None
        self.mark_online(True)
        student = Student.from_dict(data)
        self.store.upsert_students([student])
        return student

    # ----------------------------------------------------------------- exports
    def export_report(self, path: Path | str, fmt: str) -> Path:
        """Write the status report (manual §6) as ``"pdf"`` or ``"xlsx"`` to ``path``."""
        report = self.status_report()
        if fmt == "pdf":
            from station.documents.report_pdf import status_report_pdf

            data = status_report_pdf(report)
        elif fmt == "xlsx":
            from station.domain.xlsx import status_report_xlsx

            data = status_report_xlsx(report)
        else:
            raise ServiceError(f"Formato desconocido: {fmt}.", code="invalid_field")
        return self._write(path, data)

    def export_students(self, campus: str, path: Path | str) -> Path:
        """Write the plantel's student list as XLSX (manual §6: click on the plantel)."""
        from station.domain.xlsx import student_list_xlsx

        names = dict(self.store.campuses())
        data = student_list_xlsx(self.store.find_students(campus), names.get(campus, campus))
        return self._write(path, data)

    @staticmethod
    def _write(path: Path | str, data: bytes) -> Path:
        path = Path(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(path.name + ".tmp")
            tmp.write_bytes(data)
            tmp.replace(path)
        except OSError as exc:
            raise ServiceError(f"No se pudo guardar {path}: {exc.strerror or exc}.", code="io") from None
        return path
