"""Print orders (Dirección Estatal; manual §2 Solicitado → Imprimiendo → Recibido).

Every student transition goes through the shared table via
:func:`server.services.students.apply_locked` (audited per student) and the
order itself gets an audit event per step. Rows are locked in matrícula
order before the change counter (no deadlocks).
"""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from station.domain import Actor, Command, Refusal, Status
from station.domain.transitions import from_statuses, record_refusal, transitions_for

from server.db.models import Campus, PrintOrder, PrintOrderItem, StudentRow
from server.errors import ApiError, refusal_error
from server.services.admin import audit
from server.services.students import (
    allocate, apply_locked, lock_students, precheck, stamp_changes, student_from_row, utcnow,
)

def _step(command: Command) -> tuple[str, tuple[str, Command, Status]]:
    (row,) = transitions_for(command)
    (start,) = row.from_statuses
    return start.value, (row.to_status.value, command, start)


#: order status → (next order status, student command, student status expected): an order moves
#: as its students do in the transition table (REQUESTED → PRINTING → RECEIVED).
NEXT_STEP = dict(_step(command) for command in (Command.START_PRINTING, Command.RECEIVE))
#: Statuses of the students an order takes (the table's rows of create_print_order: Validado, Rechazado).
ORDER_ELIGIBLE = sorted(s.value for s in from_statuses(Command.CREATE_PRINT_ORDER))


def require_command(actor: Actor, command: Command) -> None:
    """403 ``forbidden_role`` unless the shared table lets ``actor`` run ``command``."""
    refusal = precheck(None, command, actor, "")
    if refusal is not None:
        raise refusal_error(refusal)


def create_order(session: Session, actor: Actor, campuses: list[str]
                 ) -> tuple[PrintOrder, list[str], list[tuple[str, Refusal]]]:
    """Create the next numbered order with the VALIDATED and REJECTED students of ``campuses``
    (→ REQUESTED) whose stored record the transition table admits (its record preconditions of
    ``create_print_order``: photo and signature held). Returns the order, its matrículas and the
    students left out as ``(matrícula, the table's Spanish refusal)`` (e.g. biometrics deleted by
    the state office).

    422 ``unknown_campus``; 409 ``print_order_empty`` when no student qualifies (the message says
    how many were refused and why); 403 from the transition table when the role may not create
    orders.
    """
    require_command(actor, Command.CREATE_PRINT_ORDER)
    campuses = sorted(set(campuses))
    known = set(session.scalars(select(Campus.code).where(Campus.code.in_(campuses))))
    unknown = [c for c in campuses if c not in known]
    if unknown:
        raise ApiError("unknown_campus", f"Plantel desconocido: {', '.join(unknown)}.", "campuses")
    matriculas = list(session.scalars(select(StudentRow.matricula).where(
        StudentRow.campus_code.in_(campuses),
        StudentRow.status.in_(ORDER_ELIGIBLE))))
    rows, left_out = [], []
    for row in lock_students(session, matriculas):
        if row.status not in ORDER_ELIGIBLE:
            continue
        why = record_refusal(Command.CREATE_PRINT_ORDER, student_from_row(row))  # the table decides
        if why is None:
            rows.append(row)
        else:
            left_out.append((row.matricula, why))
    if not rows:
        message = "No hay alumnos en estatus Validado o Rechazado en los planteles elegidos."
        if left_out:
            shown = ", ".join(m for m, _why in left_out[:5]) + ("…" if len(left_out) > 5 else "")
            message = (f"Ningún alumno de los planteles elegidos puede ir a la orden: {len(left_out)} en estatus "
                       f"Validado o Rechazado quedan fuera ({shown}). {left_out[0][1].message}")
        raise ApiError("print_order_empty", message, "campuses")
    number = allocate(session, "print_order")
    now = utcnow()
    changed = []
    for row in rows:
        outcome = apply_locked(session, row, row.matricula, Command.CREATE_PRINT_ORDER, actor,
                               {"print_order": number}, now)
        if isinstance(outcome, Refusal):
            raise refusal_error(outcome)
        changed.append((outcome[1], outcome[2]))
    order = PrintOrder(number=number, status="REQUESTED", campuses=campuses, student_count=len(rows),
                       created_by=actor.username, created_at=now, updated_at=now)
    session.add(order)
    session.flush()
    session.add_all([PrintOrderItem(order_number=number, matricula=r.matricula) for r in rows])
    details = {"campuses": campuses, "students": len(rows)}
    if left_out:
        details.update(left_out_count=len(left_out), left_out=[{"matricula": m, "code": why.code}
                                                               for m, why in left_out[:100]])
    audit(session, actor, "print_order", str(number), "create_print_order", to_status="REQUESTED", details=details)
    stamp_changes(session, changed)
    return order, [r.matricula for r in rows], left_out


def advance_order(session: Session, actor: Actor, number: int, to_status: str | None
                  ) -> tuple[PrintOrder, list[str], list[str]]:
    """Move order ``number`` one step (REQUESTED → PRINTING → RECEIVED) and its students with it.

    Students no longer in the expected status are skipped and listed.
    Returns ``(order, moved matrículas, skipped matrículas)``. 404
    ``print_order_not_found``; 409 ``print_order_final`` (already RECEIVED) or
    ``print_order_status`` (``to_status`` is not the next step); 403 from the table.
    """
    require_command(actor, Command.START_PRINTING)
    order = session.execute(select(PrintOrder).where(PrintOrder.number == number).with_for_update()).scalar_one_or_none()
    if order is None:
        raise ApiError("print_order_not_found", f"La orden de impresión {number} no existe.", "number")
    if order.status not in NEXT_STEP:
        raise ApiError("print_order_final", f"La orden de impresión {number} ya fue recibida.", "to_status")
    next_status, command, expected = NEXT_STEP[order.status]
    if to_status is not None and to_status != next_status:
        raise ApiError("print_order_status",
                       f"La orden {number} está en «{Status(order.status).label}»; el siguiente paso es "
                       f"«{Status(next_status).label}».", "to_status")
    members = list(session.scalars(select(PrintOrderItem.matricula).where(PrintOrderItem.order_number == number)))
    now = utcnow()
    moved, skipped, changed = [], [], []
    for row in lock_students(session, members):
        if row.status != expected.value or row.print_order != number:
            skipped.append(row.matricula)
            continue
        outcome = apply_locked(session, row, row.matricula, command, actor, {}, now)
        if isinstance(outcome, Refusal):
            raise refusal_error(outcome)
        changed.append((outcome[1], outcome[2]))
        moved.append(row.matricula)
    previous = order.status
    order.status = next_status
    order.updated_at = now
    audit(session, actor, "print_order", str(number), command.value, from_status=previous, to_status=next_status,
          details={"moved": len(moved), "skipped": skipped[:100]})
    stamp_changes(session, changed)
    return order, moved, skipped


def list_orders(session: Session, status: str | None = None) -> list[PrintOrder]:
    """Orders, newest first, optionally of one status."""
    query = select(PrintOrder).order_by(PrintOrder.number.desc())
    if status:
        query = query.where(PrintOrder.status == status)
    return list(session.scalars(query))


def order_members(session: Session, number: int) -> list[str]:
    """Matrículas of an order."""
    return list(session.scalars(select(PrintOrderItem.matricula).where(PrintOrderItem.order_number == number)
                                .order_by(PrintOrderItem.matricula)))


def count_orders(session: Session) -> int:
    """Number of orders."""
    return session.scalar(select(func.count()).select_from(PrintOrder))
