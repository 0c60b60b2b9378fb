"""``/print-orders``: create, advance, list (Dirección Estatal; issue 3 §6)."""
from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Path, Query, Request

from server.api.common import AUTH_ERRORS, PrincipalDep, errors, factory, transaction
from server.auth import Principal
from server.db.models import PrintOrder
from server.errors import ApiError
from server.schemas import PrintOrderAdvance, PrintOrderCreate, PrintOrderOut
from server.services import print_orders as svc

router = APIRouter(prefix="/print-orders", tags=["print-orders"])
OrderNumber = Path(ge=1, le=2_147_483_647)


def order_out(order: PrintOrder, matriculas=None, skipped=None) -> PrintOrderOut:
    """API model of an order."""
    return PrintOrderOut(number=order.number, status=order.status, campuses=order.campuses or [],
                         student_count=order.student_count, created_by=order.created_by, created_at=order.created_at,
                         updated_at=order.updated_at, matriculas=matriculas, skipped=skipped)


@router.post("", response_model=PrintOrderOut, status_code=201, responses=errors(401, 403, 409, 422))
def post_order(body: PrintOrderCreate, request: Request, principal: Principal = PrincipalDep):
    """Create a numbered order with the Validado and Rechazado students of the planteles (→ Solicitado).

    Students the transition table refuses (no photo and signature: the state office deleted them)
    stay out and are listed in ``skipped``. 403 ``forbidden_role`` (only Dirección Estatal); 409
    ``print_order_empty`` (none qualifies; the message says why); 422 ``unknown_campus``.
    """
    def work(session):
        order, members, left_out = svc.create_order(session, principal.actor, body.campuses)
        return order_out(order, members, [m for m, _why in left_out])

    return transaction(request, work)


@router.post("/{number}/advance", response_model=PrintOrderOut, responses=errors(401, 403, 404, 409, 422))
def post_advance(request: Request, body: PrintOrderAdvance | None = None, number: int = OrderNumber,
                 principal: Principal = PrincipalDep):
    """Next step of an order: Solicitado → Imprimiendo → Recibido, with its students.

    403 ``forbidden_role``; 404 ``print_order_not_found``; 409 ``print_order_final`` / ``print_order_status``.
    """
    to_status = body.to_status if body else None

    def work(session):
        order, moved, skipped = svc.advance_order(session, principal.actor, number, to_status)
        return order_out(order, moved, skipped)

    return transaction(request, work)


@router.get("", response_model=list[PrintOrderOut], responses=errors(*AUTH_ERRORS))
def get_orders(request: Request, principal: Principal = PrincipalDep,
               status: Literal["REQUESTED", "PRINTING", "RECEIVED"] | None = Query(default=None)):
    """Print orders, newest first (any signed-in user; read-only)."""
    with factory(request)() as session:
        return [order_out(o) for o in svc.list_orders(session, status)]


@router.get("/{number}", response_model=PrintOrderOut, responses=errors(401, 404, 422))
def get_order(request: Request, number: int = OrderNumber, principal: Principal = PrincipalDep):
    """One order with its matrículas. 404 ``print_order_not_found``."""
    with factory(request)() as session:
        order = session.get(PrintOrder, number)
        if order is None:
            raise ApiError("print_order_not_found", f"La orden de impresión {number} no existe.", "number")
        return order_out(order, svc.order_members(session, number))
