"""The one function that changes a student on the server (DESIGN.md §3, §4).

:func:`apply_student_command` loads the row with a row lock (``SELECT … FOR
UPDATE`` on PostgreSQL; SQLite serializes writers with ``BEGIN IMMEDIATE``),
calls :func:`station.domain.apply_command`, writes the row, appends an audit
event and gives the row a new ``change_seq``. Batch callers (print orders)
use :func:`lock_students` + :func:`apply_locked` + :func:`stamp_changes` so
rows are always locked before the ``change_seq`` counter (one lock order →
no deadlock).

The future sync layer (idempotency keys, ``GET /changes``) builds on this:
``change_seq`` values come from the ``counters`` row whose lock is held until
commit, so they become visible in increasing order.
"""
from __future__ import annotations

from dataclasses import fields as dc_fields
from datetime import datetime, timezone
from typing import Any, Iterable, Mapping

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from station.domain import Actor, Command, Context, Refusal, Role, Status, Student, apply_command
from station.domain.audit import audit_event
from station.domain.transitions import transitions_for

from server.db.models import AuditRow, Counter, StudentRow

STUDENT_FIELDS = tuple(f.name for f in dc_fields(Student) if f.name != "extra")


def utcnow() -> datetime:
    """Aware UTC now."""
    return datetime.now(timezone.utc)


def student_from_row(row: StudentRow) -> Student:
    """Domain value of a row; ``extra["change_seq"]`` carries the row's change number."""
    values = {name: getattr(row, name) for name in STUDENT_FIELDS}
    values["status"] = Status(row.status)
    values["second_surname"] = values["second_surname"] or ""
    return Student(**values, extra={"change_seq": row.change_seq})


def write_student(row: StudentRow, student: Student) -> None:
    """Copy every domain field of ``student`` onto ``row``."""
    for name in STUDENT_FIELDS:
        value = getattr(student, name)
        if isinstance(value, Status):
            value = value.value
        setattr(row, name, value)


def allocate(session: Session, name: str, n: int = 1) -> int:
    """Reserve ``n`` consecutive numbers of counter ``name``; return the first.

    The counter row stays locked until the transaction ends, so numbers of
    ``change_seq`` commit in increasing order. Call it *after* locking rows.
    """
    with session.no_autoflush:
        last = session.execute(
            update(Counter).where(Counter.name == name).values(value=Counter.value + n)
            .returning(Counter.value)
        ).scalar_one()
    return int(last) - n + 1


#: :func:`lock_student`'s statement, built once (its compiled form is cached: no new statement
#: object to build and key on every sync command).
_LOCK_STUDENT = select(StudentRow).where(StudentRow.matricula == bindparam("matricula")).with_for_update()


def lock_student(session: Session, matricula: str) -> StudentRow | None:
    """The row of ``matricula`` locked for update, or ``None``."""
    return session.execute(_LOCK_STUDENT, {"matricula": matricula}).scalar_one_or_none()


def lock_students(session: Session, matriculas: Iterable[str]) -> list[StudentRow]:
    """Rows of ``matriculas`` locked for update, in matrícula order (one global lock order)."""
    wanted = sorted(set(matriculas))
    rows: list[StudentRow] = []
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        rows.extend(session.execute(
            select(StudentRow).where(StudentRow.matricula.in_(chunk)).order_by(StudentRow.matricula)
            .with_for_update()
        ).scalars())
    return rows


def command_roles(command: Command) -> frozenset[Role]:
    """Roles the shared transition table admits for ``command`` (any row)."""
    roles: frozenset[Role] = frozenset()
    for t in transitions_for(command):
        roles |= t.roles
    return roles


def precheck(student: Student | None, command: Command, actor: Actor, campus_code: str) -> Refusal | None:
    """Role and plantel checks answered before status checks, from the shared table.

    The domain checks status before role; the server answers "forbidden"
    first so a wrong role is a 403 whatever the record's status.
    """
    roles = command_roles(command)
    if actor.role not in roles:
        who = ", ".join(r.label for r in sorted(roles, key=list(Role).index))
        return Refusal("forbidden_role",
                       f"Su perfil ({actor.role.label}) no puede realizar «{command.label}»; corresponde a: {who}.")
    if campus_code and not actor.may_write_campus(campus_code):
        return Refusal("forbidden_campus",
                       f"El alumno pertenece al plantel {campus_code}, que no está entre sus planteles asignados.")
    return None


def apply_locked(session: Session, row: StudentRow | None, matricula: str, command: Command | str, actor: Actor,
                 payload: Mapping[str, Any] | None, now: datetime, expected_status: Status | None = None,
                 sender: str = "") -> tuple[Student, StudentRow, AuditRow] | Refusal:
    """Apply ``command`` to an already locked ``row`` (``None`` = no record yet).

    ``actor`` is the author; ``sender`` the signed-in user whose session sent
    it (default: the author); both are audited with ``actor.station_id``.

    Returns the new student, its row (added to the session) and the audit
    event, both still without ``change_seq`` — call :func:`stamp_changes`.
    Returns a :class:`Refusal` (nothing written) when the command is refused.
    """
    payload = dict(payload or {})
    try:
        command = Command(command)
    except ValueError:
        return Refusal("unknown_command", f"Acción desconocida: «{command}».")
    student = student_from_row(row) if row is not None else None
    if command == Command.IMPORT_SAE:
        payload["matricula"] = matricula
        campus = (payload.get("fields") or {}).get("campus_code", "")
    else:
        campus = student.campus_code if student else ""
    refusal = precheck(student, command, actor, campus)
    if refusal is not None:
        return refusal
    if expected_status is not None and student is not None and student.status != expected_status:
        return Refusal("status_changed",
                       f"El estatus del alumno cambió a «{student.status.label}» (se esperaba "
                       f"«{expected_status.label}»). Consulte el registro actualizado.")
    result = apply_command(student, command, actor, payload, Context(now=now, online=True))
    if isinstance(result, Refusal):
        return result
    if row is None:
        row = StudentRow(matricula=matricula, created_at=now)
        session.add(row)
    write_student(row, result)
    row.updated_at = now
    shaped = audit_event(matricula, command.value, student.status if student else None, result.status, actor,
                         actor.station_id, now, payload)
    event = AuditRow(
        at=now, username=shaped.username, role=shaped.role, station_id=shaped.station_id,
        sender=sender or actor.username, entity="student",
        entity_id=matricula, command=shaped.command, from_status=student.status.value if student else None,
        to_status=result.status.value, comment=shaped.comment, details=shaped.details,
    )
    session.add(event)
    return result, row, event


#: Refusals audited although nothing else is written: a minor's biometrics offered without the
#: guardian's consent (LGPDPPSO arts. 7, 20; issue 14 §6) — who tried, from which station, when —
#: whatever the station claims.
AUDITED_REFUSALS = frozenset({"guardian_consent_required"})


def audit_refusal(session: Session, row: StudentRow | None, command: Command | str, actor: Actor,
                  refusal: Refusal, sender: str = "", details: Mapping[str, Any] | None = None) -> bool:
    """Append an audit event ``<command>_refused`` for ``refusal`` when its code is in
    :data:`AUDITED_REFUSALS` (comment: the Spanish reason; details: code, field and
    ``details``, e.g. the blobs discarded with it); the status is unchanged. Returns whether an
    event was added. The caller commits it with nothing else of the refused command."""
    if refusal.code not in AUDITED_REFUSALS or row is None:
        return False
    command = command.value if isinstance(command, Command) else str(command)
    session.add(AuditRow(
        at=utcnow(), username=actor.username, role=actor.role.value, station_id=actor.station_id,
        sender=sender or actor.username, entity="student", entity_id=row.matricula, command=f"{command}_refused",
        from_status=row.status, to_status=row.status, comment=refusal.message,
        details={"code": refusal.code, "field": refusal.field, **dict(details or {})}))
    return True


def stamp_changes(session: Session, changed: list[tuple[StudentRow, AuditRow]]) -> None:
    """Give each changed row (and its audit event) a fresh ``change_seq`` and flush.

    Call last in the transaction: it takes the counter lock.
    """
    if not changed:
        return
    first = allocate(session, "change_seq", len(changed))
    for offset, (row, event) in enumerate(changed):
        row.change_seq = first + offset
        event.change_seq = first + offset
    session.flush()


def apply_student_command(session: Session, matricula: str, command: Command | str, actor: Actor,
                          payload: Mapping[str, Any] | None, now: datetime | None = None,
                          expected_status: Status | None = None, sender: str = "") -> Student | Refusal:
    """Apply one domain command to one student inside the caller's transaction.

    Shapes: ``payload`` is the command's payload of the shared transition
    table (``station.domain.transitions``); ``now`` defaults to UTC now.
    Returns the new :class:`Student` (``extra["change_seq"]`` set) or the
    domain's :class:`Refusal`; the API maps ``forbidden_role`` /
    ``forbidden_campus`` to 403, ``not_found`` to 404, others to 409.
    ``expected_status`` (optional, for sync) refuses with
    ``status_changed`` when the stored status differs. ``sender``: the
    session user who sent it when not the author (audited).
    """
    now = now or utcnow()
    row = lock_student(session, matricula)
    outcome = apply_locked(session, row, matricula, command, actor, payload, now, expected_status, sender)
    if isinstance(outcome, Refusal):
        return outcome
    student, row, event = outcome
    stamp_changes(session, [(row, event)])
    return student.replace(extra={"change_seq": row.change_seq})
