"""Filing, reading and moving requests (issue #19 items 1–2; DESIGN.md §12).

Who sees what (:func:`may_handle`, :func:`get_request`):

- the requester sees their own requests;
- the systems role handles (sees, acts on) the requests of its planteles and those
  with no plantel; an administrator handles every request;
- anybody else gets 404 ``request_not_found`` (a folio's existence is not revealed).

Every step goes through the one table :func:`station.domain.requests.check_action`;
the requester can never approve their own request (403 ``own_request_approval``,
nothing written). Each step is journalled (bitácora + audit,
:func:`server.requests.journal.record`) and mailed to the requester
(:mod:`server.requests.notify`). Times: every function takes ``now`` (default the
real clock) so deadlines and the purge are testable.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from station.domain import Actor, Role
from station.domain.requests import (
    FINAL_STATES, OPEN_STATES, REQUEST_TYPES, RequestAction, RequestFieldError, RequestState, RequestTransition,
    allowed_actions, check_action, folio_text, missing_attachments, request_type, validate_fields,
)
from station.domain.statuses import CAMPUS_SCOPED_ROLES

from server.db.models import Campus, Counter
from server.errors import ApiError, api_error, refusal_error
from server.requests import journal, notify
from server.requests.models import RequestAttachment, RequestLogEntry, ServiceRequest
from server.requests.settings import RequestSettings
from server.services.students import utcnow

SYSTEM = Actor("sistema", Role.SYSTEMS, frozenset(), "servidor")


def may_handle(actor: Actor, request: ServiceRequest) -> bool:
    """True when ``actor`` handles ``request``: admin always; systems for its planteles and
    requests without a plantel; the server's own :data:`SYSTEM` actor always."""
    if actor.role == Role.ADMIN or actor is SYSTEM:
        return True
    return actor.role == Role.SYSTEMS and (not request.campus_code or request.campus_code in actor.campuses)


def may_see(actor: Actor, request: ServiceRequest) -> bool:
    """The requester or a handler (:func:`may_handle`)."""
    return request.requester == actor.username or may_handle(actor, request)


def _not_found(folio: str) -> ApiError:
    return ApiError("request_not_found", f"La solicitud {folio} no existe o no tiene acceso a ella.", "folio")


def get_request(session: Session, actor: Actor, folio: str, lock: bool = False) -> ServiceRequest:
    """The request ``folio`` if ``actor`` may see it; 404 ``request_not_found`` otherwise."""
    request = session.scalar(select(ServiceRequest).where(ServiceRequest.folio == folio)
                             .with_for_update(of=ServiceRequest) if lock else
                             select(ServiceRequest).where(ServiceRequest.folio == folio))
    if request is None or not may_see(actor, request):
        raise _not_found(folio)
    return request


def next_folio(session: Session, year: int) -> str:
    """Allocate the next folio of ``year`` (counter ``request_folio_<year>``, row-locked by
    the ``UPDATE`` until commit so concurrent filings never share a number)."""
    name = f"request_folio_{year}"
    if session.get(Counter, name) is None:
        session.add(Counter(name=name, value=0))
        session.flush()
    session.execute(update(Counter).where(Counter.name == name).values(value=Counter.value + 1))
    value = session.scalar(select(Counter.value).where(Counter.name == name))
    return folio_text(year, int(value))


def _campus_of(session: Session, actor: Actor, fields: dict[str, Any]) -> str:
    campus = fields.get("campus", "")
    if campus:
        if session.get(Campus, campus) is None:
            raise ApiError("invalid_field", f"El plantel «{campus}» no existe.", "campus")
        if actor.role in CAMPUS_SCOPED_ROLES and campus not in actor.campuses:
            raise ApiError("forbidden_campus", f"El plantel {campus} no está entre sus planteles asignados.",
                           "campus")
        return campus
    return next(iter(actor.campuses)) if len(actor.campuses) == 1 else ""


def file_request(session: Session, actor: Actor, type_code: str, fields: dict[str, Any], settings: RequestSettings,
                 display_name: str = "", now: datetime | None = None) -> ServiceRequest:
    """File a request of ``type_code`` with the form ``fields`` (any signed-in user).
    Raises 422 ``invalid_field`` (Spanish, naming the field) for an unknown type or a bad
    field, 403 ``forbidden_campus`` for a plantel outside a scoped user's planteles.
    State «Recibida», folio of the year, due after the type's service hours; logged,
    audited and mailed to ``contact_email``."""
    now = now or utcnow()
    try:
        kind = request_type(type_code)
        clean = validate_fields(kind, fields if isinstance(fields, dict) else {})
    except RequestFieldError as exc:
        raise api_error(exc) from None
    campus = _campus_of(session, actor, clean)
    request = ServiceRequest(folio=next_folio(session, now.year), type_code=kind.code, state=RequestState.RECEIVED.value,
                             requester=actor.username, requester_name=(display_name or actor.username)[:160],
                             campus_code=campus, contact_email=clean["contact_email"], fields=clean, created_at=now,
                             updated_at=now, due_at=now + timedelta(hours=settings.hours_for(kind.code)))
    session.add(request)
    session.flush()
    journal.record(session, actor, request, "file", now, to_state=request.state, note=kind.label,
                   details={"type": kind.code, "campus": campus})
    notify.tell_requester(session, actor, request, now)
    return request


def transition(session: Session, actor: Actor, request: ServiceRequest, action: RequestAction, now: datetime,
               reason: str = "", response: str = "", note: str = "") -> RequestTransition:
    """Apply ``action`` to the (locked) ``request`` for ``actor``: the table decides (refusals
    raise :class:`ApiError` before anything is written), then state, texts and times change,
    the step is journalled and the requester mailed. Returns the table row applied."""
    is_requester = request.requester == actor.username and actor is not SYSTEM
    state = RequestState(request.state)
    if not is_requester and not may_handle(actor, request):
        raise ApiError("forbidden_role", "Solo el Centro de Cómputo de su plantel atiende esta solicitud.",
                       "action")
    row = check_action(state, action, actor.role, is_requester, {"reason": reason, "response": response})
    if not isinstance(row, RequestTransition):
        raise refusal_error(row)
    if action == RequestAction.APPROVE:
        present = set(session.scalars(select(RequestAttachment.kind).where(RequestAttachment.request_id == request.id)))
        missing = missing_attachments(REQUEST_TYPES[request.type_code], present)
        if missing:
            raise ApiError("attachments_missing", f"Falta el documento «{missing[0].label}»; no se puede aprobar "
                                                       "sin los documentos requeridos.", "attachments")
    request.state = row.to_state.value
    request.updated_at = now
    if not is_requester:
        request.handled_by = actor.username
    if action == RequestAction.CANCEL:
        request.cancel_reason = reason.strip()
    if action == RequestAction.COMPLETE:
        request.response = response.strip()
    if row.to_state in FINAL_STATES:
        request.closed_at = now
    text = reason.strip() or response.strip() or note
    journal.record(session, actor, request, action.value, now, from_state=state.value, to_state=row.to_state.value,
                   note=text)
    notify.tell_requester(session, actor, request, now, note=note)
    return row


def act(session: Session, actor: Actor, folio: str, action: str, settings: RequestSettings, reason: str = "",
        response: str = "", now: datetime | None = None) -> ServiceRequest:
    """``POST /requests/{folio}/actions``: apply ``action`` (wire code) to ``folio``. An approved
    mass e-mail starts its campaign at once (:func:`server.requests.campaigns.launch`).
    Raises 422 ``invalid_field`` for an unknown action, 404 as :func:`get_request`, and the
    table's refusals (403 ``own_request_approval`` …)."""
    now = now or utcnow()
    try:
        chosen = RequestAction(action)
    except ValueError:
        raise ApiError("invalid_field", f"La acción «{action}» no existe.", "action") from None
    request = get_request(session, actor, folio, lock=True)
    transition(session, actor, request, chosen, now, reason=reason, response=response)
    if chosen == RequestAction.APPROVE and REQUEST_TYPES[request.type_code].mass_mail:
        from server.requests.campaigns import launch

        launch(session, actor, request, settings, now)
    return request


def summary(request: ServiceRequest, now: datetime | None = None) -> dict[str, Any]:
    """``RequestSummary`` of the contract (/work/notes/19-contract.md)."""
    now = now or utcnow()
    state = RequestState(request.state)
    return {"folio": request.folio, "type": request.type_code, "type_label": REQUEST_TYPES[request.type_code].label,
            "state": state.value, "state_label": state.label, "requester": request.requester,
            "requester_name": request.requester_name, "campus": request.campus_code,
            "created_at": request.created_at.isoformat(), "updated_at": request.updated_at.isoformat(),
            "due_at": request.due_at.isoformat(), "overdue": state in OPEN_STATES and now > request.due_at}


def detail(session: Session, actor: Actor, request: ServiceRequest, now: datetime | None = None) -> dict[str, Any]:
    """``RequestDetail``: summary + ``fields``, ``attachments``, ``timeline``, ``allowed_actions``
    for ``actor``, ``response``, ``cancel_reason``, ``campaign_id``."""
    out = summary(request, now)
    attachments = session.scalars(select(RequestAttachment).where(RequestAttachment.request_id == request.id)
                                  .order_by(RequestAttachment.id))
    timeline = session.scalars(select(RequestLogEntry).where(RequestLogEntry.request_id == request.id)
                               .order_by(RequestLogEntry.at, RequestLogEntry.id))
    is_requester = request.requester == actor.username
    actions = allowed_actions(RequestState(request.state), actor.role, is_requester) \
        if (is_requester or may_handle(actor, request)) else []
    if not may_handle(actor, request):
        actions = [a for a in actions if a == RequestAction.CANCEL]
    out.update({
        "fields": dict(request.fields or {}),
        "attachments": [{"id": a.id, "kind": a.kind, "filename": a.filename, "size": a.size,
                         "content_type": a.content_type, "uploaded_at": a.uploaded_at.isoformat(),
                         "uploaded_by": a.uploaded_by} for a in attachments],
        "timeline": [{"at": e.at.isoformat(), "actor": e.actor, "action": e.action, "from_state": e.from_state,
                      "to_state": e.to_state, "note": e.note} for e in timeline],
        "allowed_actions": [a.value for a in actions],
        "response": request.response, "cancel_reason": request.cancel_reason, "campaign_id": request.campaign_id,
    })
    return out


def list_requests(session: Session, actor: Actor, state: str | None = None, type_code: str | None = None,
                  mine: bool = False, q: str = "", limit: int = 50, offset: int = 0,
                  now: datetime | None = None) -> dict[str, Any]:
    """``{items: [RequestSummary], total}``, newest first. Users who handle no requests see
    only their own; handlers see their planteles' (``mine`` narrows to their own filings).
    ``q`` matches folio, requester or requester name (case-insensitive)."""
    query = select(ServiceRequest)
    if mine or actor.role not in (Role.SYSTEMS, Role.ADMIN):
        query = query.where(ServiceRequest.requester == actor.username)
    elif actor.role == Role.SYSTEMS:
        query = query.where(or_(ServiceRequest.requester == actor.username, ServiceRequest.campus_code == "",
                                ServiceRequest.campus_code.in_(sorted(actor.campuses) or [""])))
    if state:
        query = query.where(ServiceRequest.state == state)
    if type_code:
        query = query.where(ServiceRequest.type_code == type_code)
    if q.strip():
        like = f"%{q.strip().lower()}%"
        query = query.where(or_(func.lower(ServiceRequest.folio).like(like), func.lower(ServiceRequest.requester).like(like),
                                func.lower(ServiceRequest.requester_name).like(like)))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(ServiceRequest.created_at.desc(), ServiceRequest.id.desc())
                           .limit(limit).offset(offset))
    return {"items": [summary(r, now) for r in rows], "total": int(total)}
