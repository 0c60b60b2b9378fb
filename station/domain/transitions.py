"""The one transition table of the credentialing lifecycle (DESIGN.md §3).

Station and server both call :func:`apply_command`; neither keeps its own
copy of these rules. The table is data: each :class:`Transition` row names a
command, the statuses it may start from, the status it leads to (``None`` =
unchanged), the roles allowed and the preconditions checked, by name, in
order. Effects (which fields a command sets) are looked up per command.

Sources: manual §2 (statuses), §7 (SAE import), §8 (capture), §9 (temporary
reprint), §10 (validation), §11 (reject / retake), §12 (delivery).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import Enum
from typing import Any, Callable, Mapping

from station.domain.statuses import CAMPUS_SCOPED_ROLES, Role, Status
from station.domain.errors import UserError
from station.domain.fields import REQUIRED_FOR_VALIDATION, SAE_FIELDS, too_long
from station.domain.minors import consent_problem
from station.domain.student import Student
from station.domain.validators import (
    FieldError,
    validate_affiliation_number,
    validate_curp,
    validate_email,
    validate_name,
)


class Command(str, Enum):
    """Desk and office commands. The value is the stable wire code."""

    IMPORT_SAE = "import_sae"
    UPDATE_SAE = "update_sae"
    CAPTURE = "capture"
    PRINT_TEMPORARY = "print_temporary"
    VALIDATE = "validate"
    DEFER = "defer"
    CREATE_PRINT_ORDER = "create_print_order"
    START_PRINTING = "start_printing"
    RECEIVE = "receive"
    REJECT_REPRINT = "reject_reprint"
    REJECT_RETAKE = "reject_retake"
    DELIVER = "deliver"
    SET_INSTITUTIONAL_EMAIL = "set_institutional_email"
    DELETE_BIOMETRICS = "delete_biometrics"

    @property
    def label(self) -> str:
        """Spanish name of the action, as on the screens of the manual."""
        return COMMAND_LABELS[self]


COMMAND_LABELS: dict[Command, str] = {
    Command.IMPORT_SAE: "Importar desde SAE",
    Command.UPDATE_SAE: "Actualizar desde SAE",
    Command.CAPTURE: "Toma de biométricos",
    Command.PRINT_TEMPORARY: "Imprimir credencial temporal",
    Command.VALIDATE: "Validar (Validado)",
    Command.DEFER: "Validar (Aplazado)",
    Command.CREATE_PRINT_ORDER: "Crear orden de impresión",
    Command.START_PRINTING: "Iniciar impresión",
    Command.RECEIVE: "Recibir credenciales",
    Command.REJECT_REPRINT: "Rechazar (reimpresión)",
    Command.REJECT_RETAKE: "Rechazar (requiere retoma)",
    Command.DELIVER: "Entregar credencial",
    Command.SET_INSTITUTIONAL_EMAIL: "Asignar correo institucional",
    Command.DELETE_BIOMETRICS: "Eliminar fotografía y firma",
}

DESK = frozenset({Role.OPERATOR, Role.SUPERVISOR})
SAE_COMMANDS = frozenset({Command.IMPORT_SAE, Command.UPDATE_SAE})
SUPERVISOR = frozenset({Role.SUPERVISOR})
STATE_OFFICE = frozenset({Role.STATE_OFFICE})
SYSTEMS = frozenset({Role.SYSTEMS})
#: Who may discard or retry an incidencia (a command the server refused): the plantel's
#: supervisor or an administrator (DESIGN.md §7), on the station's sync screen and in its store.
INCIDENCIA_RESOLVERS = frozenset({Role.SUPERVISOR, Role.ADMIN})
#: Statuses whose fields may still change (DESIGN §3: after Validado no field changes).
OPEN_RECORD = frozenset({Status.ENROLLED, Status.CAPTURED, Status.DEFERRED})
ANY_STATUS = frozenset(Status)


@dataclass(frozen=True)
class Transition:
    """One row of the table.

    ``from_statuses`` empty means the command creates the record (no
    previous record may exist). ``to_status`` ``None`` leaves it unchanged.
    """

    command: Command
    from_statuses: frozenset[Status]
    to_status: Status | None
    roles: frozenset[Role]
    preconditions: tuple[str, ...] = ()


S = Status
TRANSITIONS: tuple[Transition, ...] = (
    Transition(Command.IMPORT_SAE, frozenset(), S.ENROLLED, DESK, ("online", "sae_eligible", "sae_fields")),
    Transition(Command.UPDATE_SAE, frozenset({S.ENROLLED, S.CAPTURED, S.DEFERRED}), None, DESK,
               ("online", "sae_eligible", "sae_fields")),
    Transition(Command.CAPTURE, frozenset({S.ENROLLED, S.CAPTURED, S.DEFERRED}), S.CAPTURED, DESK,
               ("biometrics_in_payload", "photo_checks", "guardian_consent")),
    Transition(Command.CAPTURE, frozenset({S.RETAKE}), S.REJECTED, DESK,
               ("biometrics_in_payload", "photo_checks", "guardian_consent")),
    Transition(Command.PRINT_TEMPORARY, ANY_STATUS, None, DESK, ("has_biometrics",)),
    Transition(Command.VALIDATE, frozenset({S.CAPTURED, S.DEFERRED}), S.VALIDATED, SUPERVISOR,
               ("completion_fields", "complete_for_validation")),
    Transition(Command.DEFER, frozenset({S.CAPTURED, S.DEFERRED}), S.DEFERRED, SUPERVISOR,
               ("completion_fields", "comment")),
    # the card is printed from the stored photo and signature: none, no card (issue 14)
    Transition(Command.CREATE_PRINT_ORDER, frozenset({S.VALIDATED, S.REJECTED}), S.REQUESTED, STATE_OFFICE,
               ("order_number", "has_biometrics")),
    Transition(Command.START_PRINTING, frozenset({S.REQUESTED}), S.PRINTING, STATE_OFFICE),
    Transition(Command.RECEIVE, frozenset({S.PRINTING}), S.RECEIVED, STATE_OFFICE),
    # a reprint reuses the photo and signature: none after the state office deleted them (then: retake)
    Transition(Command.REJECT_REPRINT, frozenset({S.RECEIVED}), S.REJECTED, SUPERVISOR, ("comment", "has_biometrics")),
    Transition(Command.REJECT_RETAKE, frozenset({S.RECEIVED}), S.RETAKE, SUPERVISOR, ("comment",)),
    Transition(Command.DELIVER, frozenset({S.RECEIVED}), S.DELIVERED, DESK, ("delivery_signature",)),
    # Institutional accounts (DESIGN §13): the systems office writes the address of an account it
    # created; an address already held is never silently replaced.
    Transition(Command.SET_INSTITUTIONAL_EMAIL, OPEN_RECORD, None, SYSTEMS,
               ("email_in_payload", "no_other_email")),
    # Privacy (issue 14 §6; LGPDPPSO arts. 46-48, cancelación): the state office deletes the
    # student's photo and signature on the server, for a stated reason; stations drop their copies
    # on the next pull. The record goes back to where a new capture is needed before anything is
    # printed: ENROLLED, or RETAKE once a card was rejected (its capture then requests the
    # reprint). A card already received or delivered stays so (the delivery signature is legal
    # evidence and is kept); one in a print order (REQUESTED, PRINTING) waits until received.
    Transition(Command.DELETE_BIOMETRICS, frozenset({S.ENROLLED, S.CAPTURED, S.DEFERRED, S.VALIDATED}), S.ENROLLED,
               STATE_OFFICE, ("comment",)),
    Transition(Command.DELETE_BIOMETRICS, frozenset({S.REJECTED, S.RETAKE}), S.RETAKE, STATE_OFFICE, ("comment",)),
    Transition(Command.DELETE_BIOMETRICS, frozenset({S.RECEIVED, S.DELIVERED}), None, STATE_OFFICE, ("comment",)),
)


@dataclass(frozen=True)
class Actor:
    """Who performs a command.

    ``campuses`` is the plantel scope (campus codes) of operators and
    supervisors; it is ignored for the state office and admins.
    """

    username: str
    role: Role
    campuses: frozenset[str] = frozenset()
    station_id: str = ""

    def may_write_campus(self, campus_code: str) -> bool:
        """True when this actor may change records of ``campus_code``."""
        if self.role in CAMPUS_SCOPED_ROLES:
            return campus_code in self.campuses
        return self.role == Role.STATE_OFFICE


@dataclass(frozen=True)
class Refusal:
    """A command that cannot be applied, with a stable ``code`` and the
    Spanish ``message`` shown to the user. ``field`` names the offending
    field when there is one."""

    code: str
    message: str
    field: str | None = None


class TransitionRefused(UserError):
    """Raised by :func:`apply_or_raise` with the :class:`Refusal` as ``refusal`` (and its code,
    message and field)."""

    def __init__(self, refusal: Refusal):
        super().__init__(refusal.message, refusal.code, refusal.field)
        self.refusal = refusal


@dataclass(frozen=True)
class Context:
    """Facts around a command: the time (UTC, aware) and whether the
    station is online (SAE commands need the server)."""

    now: datetime
    online: bool = True


def transitions_for(command: Command) -> tuple[Transition, ...]:
    """Rows of the table for ``command`` (one or more)."""
    return tuple(t for t in TRANSITIONS if t.command == command)


#: Preconditions that depend only on the stored record (not on the payload, the plantel or the
#: clock): :func:`allowed_commands` checks them, so the screens, the documents layer and the
#: server get one answer to "may this record be printed?".
RECORD_PRECONDITIONS = frozenset({"has_biometrics"})


def allowed_commands(student: Student | None, role: Role) -> list[Command]:
    """Commands whose status and role rules and record-only preconditions
    (:data:`RECORD_PRECONDITIONS`) admit ``student`` for ``role`` (preconditions on the
    payload are not checked). Used to show actions."""
    out = []
    for t in TRANSITIONS:
        if role not in t.roles or t.command in out:
            continue
        if student is None and not t.from_statuses:
            out.append(t.command)
        elif student is not None and student.status in t.from_statuses and not _record_refusal(t, student):
            out.append(t.command)
    return out


def record_refusal(command: Command, student: Student) -> Refusal | None:
    """Why ``student``'s stored record does not admit ``command`` (the first failing
    :data:`RECORD_PRECONDITIONS` of its rows, e.g. ``missing_biometrics`` for
    ``print_temporary``), or ``None`` when one row admits it. Status and role are not
    checked: :func:`allowed_commands` does both."""
    refusal = None
    for t in transitions_for(command):
        refusal = _record_refusal(t, student)
        if refusal is None:
            return None
    return refusal


def _record_refusal(transition: Transition, student: Student) -> Refusal | None:
    for name in transition.preconditions:
        if name in RECORD_PRECONDITIONS:
            refusal = PRECONDITIONS[name](student, {}, Context(now=datetime.min))
            if refusal is not None:
                return refusal
    return None


def from_statuses(command: Command) -> frozenset[Status]:
    """Every status from which ``command`` may start (union over its rows of the table);
    e.g. the statuses a print order takes students from."""
    return frozenset().union(*(t.from_statuses for t in transitions_for(command)))


def _labels(statuses) -> str:
    order = list(Status)
    return ", ".join(s.label for s in sorted(statuses, key=order.index))


# --- preconditions -------------------------------------------------------

Check = Callable[[Student | None, Mapping[str, Any], Context], Refusal | None]


def _online(student, payload, ctx) -> Refusal | None:
    if not ctx.online:
        return Refusal("offline", "Esta acción necesita conexión con el servidor central (consulta al SAE). "
                                  "Intente de nuevo cuando la estación esté en línea.")
    return None


def _sae_eligible(student, payload, ctx) -> Refusal | None:
    sae = payload.get("sae") or {}
    if not sae.get("enrolled", False):
        return Refusal("sae_not_enrolled", "El alumno no está registrado como inscrito en el SAE.")
    allowed = sae.get("allowed_semesters")
    semester = payload.get("fields", {}).get("semester")
    if allowed is not None and semester not in allowed:
        return Refusal(
            "sae_semester_not_allowed",
            f"El alumno está en el semestre {semester}, que no está permitido para credencialización.",
        )
    return None


def _sae_fields(student, payload, ctx) -> Refusal | None:
    fields = payload.get("fields") or {}
    try:
        validate_curp(fields.get("curp", student.curp if student else ""))
        for name in ("first_names", "first_surname", "second_surname"):
            if name in fields or student is None:
                validate_name(fields.get(name, ""), name)
        if fields.get("institutional_email"):
            validate_email(fields["institutional_email"])
    except FieldError as exc:
        return Refusal("invalid_field", exc.message, exc.field)
    if student is None and not fields.get("campus_code"):
        return Refusal("invalid_field", "El registro del SAE no indica el plantel del alumno.", "campus_code")
    return None


def _biometrics_in_payload(student, payload, ctx) -> Refusal | None:
    missing = [label for key, label in (("photo_sha256", "la fotografía"), ("signature_sha256", "la firma"))
               if not payload.get(key)]
    if missing:
        return Refusal("missing_biometrics", "Falta " + " y ".join(missing) + " para guardar la toma de biométricos.")
    return None


def _photo_checks(student, payload, ctx) -> Refusal | None:
    if payload.get("photo_checks_ok", True):
        return None
    if str(payload.get("photo_override_reason", "")).strip():
        return None
    return Refusal(
        "photo_check_failed",
        "La fotografía no pasó las revisiones de calidad. Tome otra foto o escriba el motivo para aceptarla así.",
        "photo",
    )


def _guardian_consent(student, payload, ctx) -> Refusal | None:
    """A minor's capture (age on ``ctx.now`` from the CURP of the *stored* record) carries the
    guardian's consent (LGPDPPSO arts. 7, 20; :mod:`station.domain.minors`). Checked wherever the
    table is applied: the desk, the station store and the server, whatever a station sends."""
    problem = consent_problem(student.curp, ctx.now.date(), payload)
    if problem is not None:
        return Refusal("guardian_consent_required", problem[1], problem[0])
    return None


def _has_biometrics(student, payload, ctx) -> Refusal | None:
    if not student.has_biometrics:
        return Refusal("missing_biometrics",
                       "El alumno no tiene fotografía y firma capturadas; primero realice la toma de biométricos.")
    return None


_COMPLETION_VALIDATORS = {
    "affiliation_number": validate_affiliation_number,
}


def _completion_fields(student, payload, ctx) -> Refusal | None:
    for key in ("health_institution", "affiliation_number"):
        value = payload.get(key)
        if value is not None and (reason := too_long(key, str(value).strip())):
            return Refusal("invalid_field", reason, key)
        if value is not None and str(value).strip() and key in _COMPLETION_VALIDATORS:
            try:
                _COMPLETION_VALIDATORS[key](str(value))
            except FieldError as exc:
                return Refusal("invalid_field", exc.message, exc.field)
    valid_until = payload.get("valid_until")
    if valid_until is not None and valid_until != "":
        try:
            when = _as_date(valid_until)
        except (TypeError, ValueError):
            return Refusal("invalid_field", "La vigencia no es una fecha válida (use AAAA-MM-DD).", "valid_until")
        earliest, latest = valid_until_range(ctx.now)
        if not earliest <= when <= latest:
            return Refusal("invalid_field", f"La vigencia debe estar entre {earliest.isoformat()} y "
                                            f"{latest.isoformat()}.", "valid_until")
    return None


#: A card's vigencia lies between a year ago (a command queued offline) and six years ahead (a
#: three-year CONALEP program, twice): 9999-12-31 is a typing error or an attack (#13 item 8).
VALID_UNTIL_PAST_DAYS = 366
VALID_UNTIL_FUTURE_YEARS = 6


def valid_until_range(now: datetime) -> tuple[date, date]:
    """The allowed ``(earliest, latest)`` vigencia for a command applied at ``now`` (UTC):
    :data:`VALID_UNTIL_PAST_DAYS` back, 31 December :data:`VALID_UNTIL_FUTURE_YEARS` years ahead."""
    today = now.date()
    return today - timedelta(days=VALID_UNTIL_PAST_DAYS), date(today.year + VALID_UNTIL_FUTURE_YEARS, 12, 31)


def _complete_for_validation(student, payload, ctx) -> Refusal | None:
    merged = _with_completion(student, payload)
    missing = [label for key, label in REQUIRED_FOR_VALIDATION if not getattr(merged, key)]
    if missing:
        return Refusal(
            "incomplete_fields",
            "No se puede validar: falta " + ", ".join(missing) + ".",
            next(key for key, _ in REQUIRED_FOR_VALIDATION if not getattr(merged, key)),
        )
    if merged.valid_until and merged.valid_until <= ctx.now.date():
        return Refusal("invalid_field", "La vigencia debe ser una fecha futura.", "valid_until")
    return None


def _comment(student, payload, ctx) -> Refusal | None:
    if not str(payload.get("comment", "")).strip():
        return Refusal("comment_required", "Escriba un comentario que explique el motivo.", "comment")
    return None


def _order_number(student, payload, ctx) -> Refusal | None:
    number = payload.get("print_order")
    if not isinstance(number, int) or isinstance(number, bool) or number <= 0:
        return Refusal("missing_order_number", "Falta el número de la orden de impresión.", "print_order")
    return None


def _delivery_signature(student, payload, ctx) -> Refusal | None:
    if not payload.get("delivery_signature_sha256"):
        return Refusal("missing_delivery_signature", "Falta la firma de entrega del alumno.", "delivery_signature")
    if not isinstance(payload.get("temporary_returned"), bool):
        return Refusal("missing_temporary_returned",
                       "Indique si el alumno devolvió la credencial temporal.", "temporary_returned")
    return None


def _email_in_payload(student, payload, ctx) -> Refusal | None:
    try:
        validate_email(str(payload.get("institutional_email") or ""))
    except FieldError as exc:
        return Refusal("invalid_field", exc.message, exc.field)
    return None


def _no_other_email(student, payload, ctx) -> Refusal | None:
    wanted = str(payload.get("institutional_email") or "").strip().lower()
    if student.institutional_email and student.institutional_email.strip().lower() != wanted:
        return Refusal("email_already_set",
                       f"El alumno ya tiene el correo institucional «{student.institutional_email}»; "
                       "no se reemplaza por otro.", "institutional_email")
    return None


PRECONDITIONS: dict[str, Check] = {
    "online": _online,
    "sae_eligible": _sae_eligible,
    "sae_fields": _sae_fields,
    "biometrics_in_payload": _biometrics_in_payload,
    "photo_checks": _photo_checks,
    "guardian_consent": _guardian_consent,
    "has_biometrics": _has_biometrics,
    "completion_fields": _completion_fields,
    "complete_for_validation": _complete_for_validation,
    "comment": _comment,
    "order_number": _order_number,
    "delivery_signature": _delivery_signature,
    "email_in_payload": _email_in_payload,
    "no_other_email": _no_other_email,
}


# --- effects -------------------------------------------------------------

def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _with_completion(student: Student, payload: Mapping[str, Any]) -> Student:
    changes: dict[str, Any] = {}
    for key in ("health_institution", "affiliation_number"):
        value = payload.get(key)
        if value is not None and str(value).strip():
            changes[key] = str(value).strip()
    if payload.get("valid_until"):
        changes["valid_until"] = _as_date(payload["valid_until"])
    return student.replace(**changes) if changes else student


def _sae_changes(payload: Mapping[str, Any], ctx: Context) -> dict[str, Any]:
    fields = payload.get("fields") or {}
    changes = {k: fields[k] for k in SAE_FIELDS if k in fields}
    for name in ("first_names", "first_surname", "second_surname"):
        if name in changes:
            changes[name] = validate_name(changes[name] or "", name)
    changes["sae_updated_at"] = ctx.now
    return changes


def _effect_import(student, payload, ctx):
    fields = payload.get("fields") or {}
    base = Student(
        matricula=payload["matricula"],
        curp=fields.get("curp", ""),
        first_names=fields.get("first_names", ""),
        first_surname=fields.get("first_surname", ""),
    )
    return base.replace(**_sae_changes(payload, ctx))


def _effect_update(student, payload, ctx):
    return student.replace(**_sae_changes(payload, ctx))


def _effect_capture(student, payload, ctx):
    return student.replace(
        photo_sha256=payload["photo_sha256"],
        signature_sha256=payload["signature_sha256"],
        biometrics_at=ctx.now,
        comment=str(payload.get("photo_override_reason", "") or student.comment),
    )


def _effect_print(student, payload, ctx):
    return student.replace(reprint_count=student.reprint_count + 1)


def _effect_validate(student, payload, ctx):
    return _with_completion(student, payload).replace(comment=str(payload.get("comment", "")).strip())


def _effect_comment(student, payload, ctx):
    return student.replace(comment=str(payload.get("comment", "")).strip())


def _effect_defer(student, payload, ctx):
    return _effect_comment(_with_completion(student, payload), payload, ctx)


def _effect_order(student, payload, ctx):
    return student.replace(print_order=payload["print_order"])


def _effect_none(student, payload, ctx):
    return student


def _effect_deliver(student, payload, ctx):
    return student.replace(
        delivery_signature_sha256=payload["delivery_signature_sha256"],
        temporary_returned=payload["temporary_returned"],
        delivered_at=ctx.now,
    )


def _effect_delete_biometrics(student, payload, ctx):
    return student.replace(photo_sha256=None, signature_sha256=None, biometrics_at=None,
                           comment=str(payload.get("comment", "")).strip())


def _effect_email(student, payload, ctx):
    return student.replace(institutional_email=validate_email(str(payload["institutional_email"])).lower())


EFFECTS: dict[Command, Callable[[Student | None, Mapping[str, Any], Context], Student]] = {
    Command.IMPORT_SAE: _effect_import,
    Command.UPDATE_SAE: _effect_update,
    Command.CAPTURE: _effect_capture,
    Command.PRINT_TEMPORARY: _effect_print,
    Command.VALIDATE: _effect_validate,
    Command.DEFER: _effect_defer,
    Command.CREATE_PRINT_ORDER: _effect_order,
    Command.START_PRINTING: _effect_none,
    Command.RECEIVE: _effect_none,
    Command.REJECT_REPRINT: _effect_comment,
    Command.REJECT_RETAKE: _effect_comment,
    Command.DELIVER: _effect_deliver,
    Command.SET_INSTITUTIONAL_EMAIL: _effect_email,
    Command.DELETE_BIOMETRICS: _effect_delete_biometrics,
}


# --- the one function ----------------------------------------------------

def apply_command(
    student: Student | None,
    command: Command | str,
    actor: Actor,
    payload: Mapping[str, Any] | None,
    ctx: Context,
) -> Student | Refusal:
    """Apply ``command`` by ``actor`` to ``student`` and return the new record,
    or a :class:`Refusal` saying in Spanish why not.

    ``student`` is ``None`` only for :attr:`Command.IMPORT_SAE` (the record
    does not exist yet; ``payload["matricula"]`` and ``payload["fields"]``
    carry the SAE data). Checks, in order: the command exists; the role may run
    it (before the status, so a role that may never run the command gets
    ``forbidden_role`` whatever the record's status); a record exists (or
    must not); the status admits the command; the campus is within the
    actor's scope (for SAE commands the plantel SAE reports, manual §7
    change of plantel); then the row's preconditions.
    On success ``status`` and ``status_updated_at`` (= ``ctx.now``) are set
    when the status changes. Nothing is raised for bad input: every refusal
    is returned.
    """
    payload = dict(payload or {})
    try:
        command = Command(command)
    except ValueError:
        return Refusal("unknown_command", f"Acción desconocida: «{command}».")
    rows = transitions_for(command)
    roles = frozenset().union(*(t.roles for t in rows))
    if actor.role not in roles:
        who = ", ".join(r.label for r in sorted(roles, key=list(Role).index))
        return Refusal("forbidden_role",
                       f"Su perfil ({actor.role.label}) no puede realizar «{command.label}»; corresponde a: {who}.")
    creating = any(not t.from_statuses for t in rows)
    if creating and student is not None:
        return Refusal("already_exists",
                       f"El alumno {student.matricula} ya existe en la base de datos; use «Actualizar».")
    if not creating and student is None:
        return Refusal("not_found", "El alumno no existe en la base de datos de credencialización.")
    if creating:
        row = rows[0]
    else:
        row = next((t for t in rows if student.status in t.from_statuses), None)
        if row is None:
            allowed = frozenset().union(*(t.from_statuses for t in rows))
            return Refusal(
                "invalid_status",
                f"No se puede realizar «{command.label}» con el alumno en estatus «{student.status.label}»; "
                f"solo es posible en: {_labels(allowed)}.",
            )
    # SAE commands are scoped by the plantel SAE reports (manual §7: changes of plantel are
    # attended by the new plantel); every other command by the record's plantel.
    sae_campus = (payload.get("fields") or {}).get("campus_code") if command in SAE_COMMANDS else None
    campus = sae_campus or (student.campus_code if student else "")
    if not actor.may_write_campus(campus):
        return Refusal("forbidden_campus",
                       f"El alumno pertenece al plantel {campus}, que no está entre sus planteles asignados.")
    for name in row.preconditions:
        refusal = PRECONDITIONS[name](student, payload, ctx)
        if refusal is not None:
            return refusal
    try:
        new = EFFECTS[command](student, payload, ctx)
    except FieldError as exc:
        return Refusal("invalid_field", exc.message, exc.field)
    if row.to_status is not None and (student is None or row.to_status != student.status):
        new = new.replace(status=row.to_status, status_updated_at=ctx.now)
    elif student is not None and row.to_status is not None:
        new = new.replace(status_updated_at=ctx.now)
    return new


def apply_or_raise(student, command, actor, payload, ctx) -> Student:
    """Like :func:`apply_command` but raises :class:`TransitionRefused`."""
    result = apply_command(student, command, actor, payload, ctx)
    if isinstance(result, Refusal):
        raise TransitionRefused(result)
    return result
