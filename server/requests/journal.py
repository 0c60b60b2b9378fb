"""Writing one bitácora entry: the request log row *and* the append-only audit event
(entity ``request``, through :func:`server.services.admin.audit`; the audit keeps real
time, the log the service's ``now``) — every filing, action, upload, reminder and refused read goes
through :func:`record` so neither record can miss one (issue #19 items 2 and 6)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from station.domain import Actor

from server.requests.models import RequestLogEntry, ServiceRequest
from server.services.admin import audit


def record(session: Session, actor: Actor, request: ServiceRequest | None, action: str, now: datetime,
           from_state: str | None = None, to_state: str | None = None, note: str = "", folio: str = "",
           details: dict | None = None) -> RequestLogEntry:
    """Append the log entry of ``action`` on ``request`` (or on ``folio`` when the request is
    not visible/known) by ``actor`` at ``now``, and its audit event. ``note`` is truncated
    to 4000 characters. Returns the log row (flushed)."""
    folio = request.folio if request is not None else folio
    entry = RequestLogEntry(request_id=request.id if request is not None else None, folio=folio[:20], at=now,
                            actor=actor.username[:80], role=actor.role.value, action=action[:32],
                            from_state=from_state, to_state=to_state, note=(note or "")[:4000])
    session.add(entry)
    audit(session, actor, "request", folio[:64], f"request_{action}"[:40], comment=(note or "")[:4000],
          from_status=from_state, to_status=to_state, details=details or {})
    session.flush()
    return entry
