"""Mails of requests, all through the mail engine (:func:`server.mail.service.enqueue_message`):
the requester on every step (with the folio), the systems office on overdue requests and
its head on escalation (issue #19 items 4–5; DESIGN.md §11: never a password by mail).

A missing sender account or a bad address never undoes the step itself: the message is
attempted inside a savepoint and, when the engine refuses, the bitácora records why
(``mail_failed``) so the office can follow up.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from station.domain import Actor
from station.domain.requests import REQUEST_TYPES, RequestState

from server.errors import ApiError
from server.requests import journal
from server.requests.models import ServiceRequest

_INTRO = {
    RequestState.RECEIVED: "Recibimos su solicitud; el Centro de Cómputo la revisará.",
    RequestState.IN_REVIEW: "El Centro de Cómputo está revisando su solicitud y sus documentos.",
    RequestState.CANCELLED: "Su solicitud fue cancelada.",
    RequestState.APPROVED: "Su solicitud fue aprobada; se atenderá en breve.",
    RequestState.IN_PROGRESS: "El Centro de Cómputo está atendiendo su solicitud.",
    RequestState.ATTENDED: "Su solicitud fue atendida.",
}


def send(session: Session, actor: Actor, request: ServiceRequest, to: str, subject: str, text: str,
         now: datetime) -> bool:
    """Queue one message to ``to``; True when queued. On refusal (no sender, bad address)
    log ``mail_failed`` with the reason and return False — the caller's work stands."""
    if not to:
        journal.record(session, actor, request, "mail_failed", now, note="No hay dirección de correo a quien avisar.")
        return False
    from server.mail.service import enqueue_message

    try:
        with session.begin_nested():
            enqueue_message(session, actor, to=to, subject=subject, text=text, name=f"Solicitud {request.folio}")
    except ApiError as exc:
        journal.record(session, actor, request, "mail_failed", now, note=f"No se pudo avisar a {to}: {exc.message}")
        return False
    return True


def requester_text(request: ServiceRequest, state: RequestState, note: str = "") -> tuple[str, str]:
    """``(subject, text)`` of the message telling the requester that ``request`` is now ``state``."""
    kind = REQUEST_TYPES[request.type_code]
    subject = f"Solicitud {request.folio}: {state.label}"
    lines = [f"Folio: {request.folio}", f"Tipo: {kind.label}", f"Estado: {state.label}", "", _INTRO[state]]
    if state == RequestState.CANCELLED and request.cancel_reason:
        lines += ["", f"Motivo: {request.cancel_reason}"]
    if state == RequestState.ATTENDED:
        lines += ["", "Respuesta:", request.response, "",
                  f"La carta de respuesta (PDF) con el folio {request.folio} está disponible en «Solicitudes» "
                  "(detalle de la solicitud, «Carta de respuesta»)."]
    if note:
        lines += ["", note]
    lines += ["", "Este mensaje se envió automáticamente; no contiene contraseñas."]
    return subject, "\n".join(lines) + "\n"


def tell_requester(session: Session, actor: Actor, request: ServiceRequest, now: datetime, note: str = "") -> bool:
    """Mail the requester the request's current state (see :func:`requester_text`)."""
    subject, text = requester_text(request, RequestState(request.state), note)
    return send(session, actor, request, request.contact_email, subject, text, now)
