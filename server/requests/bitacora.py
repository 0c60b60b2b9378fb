"""The bitácora of requests: search, XLSX export and the retention purge (issue #19 item 6;
seed *procedimiento-cuentas-correo-institucional-itm* §7: «Archivos de validación de
usuario — 1 año», «Bitácora de solicitudes — 1 año»).

Who reads it: the systems role (entries of its planteles' requests and of requests without
a plantel) and administrators (everything, including entries whose request was purged).
The purge never touches the append-only audit (``audit_events``), which keeps the facts.
"""
from __future__ import annotations

import io
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from station.domain import Actor, Role
from station.domain.requests import ACTION_LABELS, FINAL_STATES, STATE_LABELS, RequestAction, RequestState

from server.errors import ApiError
from server.requests.models import RequestAttachment, RequestLogEntry, ServiceRequest

EXTRA_ACTIONS = {"file": "Presentada", "attach": "Documento adjuntado", "read": "Documento consultado",
                 "read_denied": "Consulta de documento rechazada", "remind": "Recordatorio por vencimiento",
                 "escalate": "Escalada a la jefatura", "mail_failed": "Aviso por correo no enviado",
                 "campaign": "Envío masivo iniciado", "accounts": "Cuentas propuestas"}


def action_label(code: str) -> str:
    """Spanish label of a log ``action`` code."""
    try:
        return ACTION_LABELS[RequestAction(code)]
    except ValueError:
        return EXTRA_ACTIONS.get(code, code)


def state_label(code: str | None) -> str:
    """Spanish label of a state code ('' for None)."""
    return STATE_LABELS[RequestState(code)] if code else ""


def require_reader(actor: Actor) -> None:
    """403 ``forbidden_role`` unless the systems role or an administrator."""
    if actor.role not in (Role.SYSTEMS, Role.ADMIN):
        raise ApiError("forbidden_role", f"Su perfil ({actor.role.label}) no consulta la bitácora de solicitudes; "
                                              "corresponde al Centro de Cómputo.")


def search(session: Session, actor: Actor, q: str = "", start: datetime | None = None, end: datetime | None = None,
           limit: int | None = 500) -> list[RequestLogEntry]:
    """Entries visible to ``actor`` (see module docstring), newest first; ``q`` matches folio,
    actor, action or note (case-insensitive); ``start`` ≤ at < ``end``. 403 for other roles."""
    require_reader(actor)
    query = select(RequestLogEntry)
    if actor.role == Role.SYSTEMS:
        scope = select(ServiceRequest.id).where(or_(ServiceRequest.campus_code == "",
                                                    ServiceRequest.campus_code.in_(sorted(actor.campuses) or [""])))
        query = query.where(RequestLogEntry.request_id.in_(scope))
    if q.strip():
        like = f"%{q.strip().lower()}%"
        query = query.where(or_(func.lower(RequestLogEntry.folio).like(like), func.lower(RequestLogEntry.actor).like(like),
                                func.lower(RequestLogEntry.action).like(like), func.lower(RequestLogEntry.note).like(like)))
    if start is not None:
        query = query.where(RequestLogEntry.at >= start)
    if end is not None:
        query = query.where(RequestLogEntry.at < end)
    query = query.order_by(RequestLogEntry.at.desc(), RequestLogEntry.id.desc())
    if limit:
        query = query.limit(limit)
    return list(session.scalars(query))


def entry_dict(entry: RequestLogEntry) -> dict[str, Any]:
    """``{at, folio, actor, role, action, action_label, from_state, to_state, note}``."""
    return {"at": entry.at.isoformat(), "folio": entry.folio, "actor": entry.actor, "role": entry.role,
            "action": entry.action, "action_label": action_label(entry.action), "from_state": entry.from_state,
            "to_state": entry.to_state, "note": entry.note}


HEADERS = ("Fecha (UTC)", "Folio", "Usuario", "Perfil", "Acción", "De", "A", "Nota")


def to_xlsx(entries: list[RequestLogEntry]) -> bytes:
    """The entries as an XLSX workbook (sheet «Bitácora»). Every text cell is written as text,
    never a formula (``=HYPERLINK(…)`` in a note would run in the reader's Excel — the same
    rule as :func:`station.domain.xlsx._as_text_cells`, OWASP CSV injection)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Bitácora"
    ws.append(HEADERS)
    for e in entries:
        ws.append([e.at.replace(tzinfo=None), e.folio, e.actor, e.role, action_label(e.action),
                   state_label(e.from_state), state_label(e.to_state), e.note])
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    ws.freeze_panes = "A2"
    for letter, width in zip("ABCDEFGH", (20, 18, 18, 12, 28, 14, 14, 60)):
        ws.column_dimensions[letter].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def purge(session: Session, now: datetime, retention_days: int) -> dict[str, Any]:
    """Remove what is older than ``retention_days`` at ``now``:

    - documents uploaded before the cutoff, of requests already closed (cancelled or attended);
    - bitácora entries before the cutoff, except those of requests still open;
    - closed requests last changed before the cutoff (their personal form data), once nothing
      of theirs is left.

    Open requests are kept whole (they are still being worked on). Returns the report
    ``{cutoff, retention_days, attachments, attachment_bytes, log_entries, requests, folios,
    kept_open}`` — ``folios`` the requests that lost anything."""
    cutoff = now - timedelta(days=retention_days)
    final = [s.value for s in FINAL_STATES]
    closed = select(ServiceRequest.id).where(ServiceRequest.state.in_(final))
    open_ids = select(ServiceRequest.id).where(ServiceRequest.state.not_in(final))
    doc_filter = (RequestAttachment.uploaded_at < cutoff, RequestAttachment.request_id.in_(closed))
    docs, doc_bytes = session.execute(select(func.count(), func.coalesce(func.sum(RequestAttachment.size), 0))
                                      .where(*doc_filter)).one()
    folios = set(session.scalars(select(ServiceRequest.folio).join(
        RequestAttachment, RequestAttachment.request_id == ServiceRequest.id).where(*doc_filter).distinct()))
    session.execute(delete(RequestAttachment).where(*doc_filter).execution_options(synchronize_session=False))
    log_filter = (RequestLogEntry.at < cutoff,
                  or_(RequestLogEntry.request_id.is_(None), RequestLogEntry.request_id.not_in(open_ids)))
    folios |= set(session.scalars(select(RequestLogEntry.folio).where(*log_filter).distinct()))
    log_count = session.execute(delete(RequestLogEntry).where(*log_filter)
                                .execution_options(synchronize_session=False)).rowcount or 0
    leftover = (ServiceRequest.state.in_(final), ServiceRequest.updated_at < cutoff,
                ~select(RequestLogEntry.id).where(RequestLogEntry.request_id == ServiceRequest.id).exists(),
                ~select(RequestAttachment.id).where(RequestAttachment.request_id == ServiceRequest.id).exists())
    removed = list(session.scalars(select(ServiceRequest.folio).where(*leftover)))
    session.execute(delete(ServiceRequest).where(*leftover).execution_options(synchronize_session=False))
    kept_open = session.scalar(select(func.count()).select_from(ServiceRequest).where(
        ServiceRequest.id.in_(open_ids), ServiceRequest.created_at < cutoff)) or 0
    session.flush()
    return {"now": now.isoformat(), "cutoff": cutoff.isoformat(), "retention_days": retention_days,
            "attachments": int(docs), "attachment_bytes": int(doc_bytes),
            "log_entries": int(log_count), "requests": len(removed), "folios": sorted(folios | set(removed)),
            "kept_open": int(kept_open)}
