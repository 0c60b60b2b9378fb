"""Overdue requests: remind the systems office, then escalate to its head (issue #19 item 5;
seed *solicitud-envio-correos-masivos-unicauca* step 5 — the requester should not have to
chase the IT office).

A request is overdue when it is still open past ``due_at`` (filing time + the type's service
hours, :meth:`RequestSettings.hours_for`). :func:`remind` mails the office once per request
(``reminded_at``) and, ``escalate_after_hours`` after that reminder, the head once
(``escalated_at``); each is journalled. Run by ``credencializacion-server requests remind``
(cron / systemd timer) or from the mail worker loop (``mail worker --requests-office …``,
:func:`worker_job`).
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from station.domain.requests import OPEN_STATES, REQUEST_TYPES, RequestState

from server.requests import journal, notify
from server.requests.models import ServiceRequest
from server.requests.settings import RequestSettings


def _line(request: ServiceRequest, now: datetime) -> str:
    late = now - request.due_at
    hours = int(late.total_seconds() // 3600)
    return (f"{request.folio} — {REQUEST_TYPES[request.type_code].label} — {RequestState(request.state).label} — "
            f"solicitante {request.requester_name or request.requester} — vencida hace {hours} h")


def remind(session: Session, settings: RequestSettings, now: datetime) -> dict[str, Any]:
    """Send due reminders and escalations; returns ``{reminded: [folio], escalated: [folio],
    overdue: n}``. Messages go to ``settings.office_email`` / ``settings.head_email`` (a missing
    address is journalled as ``mail_failed``)."""
    from server.requests.service import SYSTEM

    overdue = list(session.scalars(select(ServiceRequest).where(
        ServiceRequest.state.in_([s.value for s in OPEN_STATES]), ServiceRequest.due_at < now)
        .order_by(ServiceRequest.due_at).with_for_update()))
    reminded, escalated = [], []
    for request in overdue:
        if request.reminded_at is None:
            subject = f"Solicitud vencida {request.folio}"
            text = ("La siguiente solicitud superó su tiempo de servicio:\n\n" + _line(request, now)
                    + "\n\nAtiéndala en «Solicitudes» (bandeja del Centro de Cómputo).\n")
            notify.send(session, SYSTEM, request, settings.office_email, subject, text, now)
            request.reminded_at = now
            journal.record(session, SYSTEM, request, "remind", now, note=f"Aviso a {settings.office_email or '—'}")
            reminded.append(request.folio)
        elif request.escalated_at is None and now >= request.reminded_at + timedelta(
                hours=settings.escalate_after_hours):
            subject = f"Escalamiento: solicitud {request.folio} sin atender"
            text = ("Una solicitud vencida sigue sin atenderse después del recordatorio al Centro de Cómputo:\n\n"
                    + _line(request, now) + f"\nRecordatorio enviado: {request.reminded_at:%Y-%m-%d %H:%M} UTC\n")
            notify.send(session, SYSTEM, request, settings.head_email, subject, text, now)
            request.escalated_at = now
            journal.record(session, SYSTEM, request, "escalate", now, note=f"Aviso a {settings.head_email or '—'}")
            escalated.append(request.folio)
    return {"now": now.isoformat(), "overdue": len(overdue), "reminded": reminded, "escalated": escalated}


def worker_job(office_email: str, head_email: str = "", escalate_after_hours: int = 24):
    """A :attr:`server.mail.worker.WorkerSettings.periodic` job: ``job(factory)`` runs
    :func:`remind` in one transaction at the real clock."""
    from server.db.engine import run_transaction
    from server.services.students import utcnow

    settings = RequestSettings(office_email=office_email, head_email=head_email,
                               escalate_after_hours=escalate_after_hours)

    def job(factory) -> dict[str, Any]:
        return run_transaction(factory, lambda session: remind(session, settings, utcnow()))

    return job
