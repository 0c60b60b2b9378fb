"""``/requests/*``: requests over HTTP (issue #19; contract in /work/notes/19-contract.md).

Every route authenticates (bearer token), runs :mod:`server.requests.service` and friends
in one transaction, and answers errors as ``{"error": {"code", "message", "field"}}`` in
Spanish. Documents are the raw body (``application/octet-stream``), bounded by
``settings.requests.max_attachment_bytes`` before and while reading (413).
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from station.domain.requests import REQUEST_TYPES, RequestState

from server.api.common import PrincipalDep, errors, read_bounded_body, transaction
from server.auth import Principal
from server.errors import ApiError
from server.requests import attachments, bitacora, letter
from server.requests import service as svc
from server.requests.settings import RequestSettings
from server.services.students import utcnow

router = APIRouter(prefix="/requests", tags=["requests"])
FolioPath = r"^SOL-[0-9]{4}-[0-9]{6}$"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def rsettings(request: Request) -> RequestSettings:
    """The app's :class:`RequestSettings`."""
    return request.app.state.settings.requests


class FileIn(BaseModel):
    """``{type, fields}`` of a new request."""

    model_config = ConfigDict(extra="forbid")
    type: str = Field(max_length=32)
    fields: dict[str, Any] = Field(default_factory=dict)


class ActionIn(BaseModel):
    """``{action, reason?, response?}``."""

    model_config = ConfigDict(extra="forbid")
    action: str = Field(max_length=20)
    reason: str = Field(default="", max_length=4000)
    response: str = Field(default="", max_length=4000)


def _folio(folio: str) -> str:
    import re

    if not re.match(FolioPath, folio):
        raise ApiError("request_not_found", f"El folio «{folio[:40]}» no tiene la forma SOL-AAAA-NNNNNN.", "folio")
    return folio


@router.get("/types", responses=errors(401))
def get_types(request: Request, principal: Principal = PrincipalDep) -> list[dict]:
    """The request types with their fields, documents and (configured) service hours."""
    settings = rsettings(request)
    return [t.to_dict(settings.hours_for(t.code)) for t in REQUEST_TYPES.values()]


@router.post("", status_code=201, responses=errors(401, 403, 422))
def post_request(body: FileIn, request: Request, principal: Principal = PrincipalDep) -> dict:
    """File a request (any signed-in user); 201 ``RequestDetail``."""
    settings = rsettings(request)

    def work(session):
        row = svc.file_request(session, principal.actor, body.type, body.fields, settings, principal.display_name)
        return svc.detail(session, principal.actor, row)

    return transaction(request, work)


@router.get("", responses=errors(401, 422))
def get_requests(request: Request, principal: Principal = PrincipalDep,
                 state: RequestState | None = None, type: str | None = Query(default=None, max_length=32),
                 mine: bool = False, q: str = Query(default="", max_length=100),
                 limit: int = Query(default=50, ge=1, le=500), offset: int = Query(default=0, ge=0, le=10**9)) -> dict:
    """``{items: [RequestSummary], total}`` (non-systems users: only their own)."""
    with request.app.state.session_factory() as session:
        return svc.list_requests(session, principal.actor, state.value if state else None, type, mine, q, limit,
                                 offset)


@router.get("/log", responses=errors(401, 403, 422))
def get_log(request: Request, principal: Principal = PrincipalDep, q: str = Query(default="", max_length=100),
            from_: datetime | None = Query(default=None, alias="from"), to: datetime | None = None,
            limit: int = Query(default=500, ge=1, le=5000)) -> list[dict]:
    """Bitácora entries (systems role and admin), newest first; ``q`` matches folio, actor,
    action or note; ``from``/``to`` bound the time (ISO 8601)."""
    with request.app.state.session_factory() as session:
        return [bitacora.entry_dict(e) for e in bitacora.search(session, principal.actor, q, _aware(from_),
                                                                _aware(to), limit)]


@router.get("/log.xlsx", responses={**errors(401, 403, 422), 200: {"content": {XLSX_TYPE: {}}}})
def get_log_xlsx(request: Request, principal: Principal = PrincipalDep, q: str = Query(default="", max_length=100),
                 from_: datetime | None = Query(default=None, alias="from"), to: datetime | None = None) -> Response:
    """The bitácora as XLSX (systems role and admin); cells are text, never formulas."""
    with request.app.state.session_factory() as session:
        rows = bitacora.search(session, principal.actor, q, _aware(from_), _aware(to), limit=None)
        data = bitacora.to_xlsx(rows)
    return Response(data, media_type=XLSX_TYPE,
                    headers={"Content-Disposition": 'attachment; filename="bitacora-solicitudes.xlsx"'})


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value


@router.get("/{folio}", responses=errors(401, 404))
def get_request(folio: str, request: Request, principal: Principal = PrincipalDep) -> dict:
    """``RequestDetail`` (404 for anyone who is neither the requester nor its handler)."""
    folio = _folio(folio)
    with request.app.state.session_factory() as session:
        return svc.detail(session, principal.actor, svc.get_request(session, principal.actor, folio))


@router.post("/{folio}/actions", responses=errors(401, 403, 404, 409, 422))
def post_action(folio: str, body: ActionIn, request: Request, principal: Principal = PrincipalDep) -> dict:
    """Apply an action; 403 ``own_request_approval`` when the requester tries to approve."""
    folio = _folio(folio)
    settings = rsettings(request)

    def work(session):
        row = svc.act(session, principal.actor, folio, body.action, settings, body.reason, body.response)
        return svc.detail(session, principal.actor, row)

    return transaction(request, work)


@router.post("/{folio}/attachments", status_code=201, responses=errors(401, 403, 404, 409, 413, 422))
async def post_attachment(folio: str, request: Request, principal: Principal = PrincipalDep,
                          kind: str = Query(max_length=32, pattern=r"^[a-z_]+$"),
                          filename: str = Query(default="documento", max_length=255)) -> dict:
    """Attach the raw body as document ``kind``; checked by content (PDF, JPEG, PNG, XLSX without
    macros, CSV), size-bounded, stored encrypted."""
    folio = _folio(folio)
    settings = rsettings(request)
    data = await read_bounded_body(request, settings.max_attachment_bytes)
    keys = request.app.state.keys

    def work(session):
        row = attachments.add(session, principal.actor, folio, kind, filename, data, keys, settings, utcnow())
        return {"id": row.id, "kind": row.kind, "filename": row.filename, "size": row.size,
                "content_type": row.content_type, "uploaded_at": row.uploaded_at.isoformat()}

    return await run_in_threadpool(transaction, request, work)


@router.get("/{folio}/attachments/{attachment_id}", responses={**errors(401, 404), 200: {"content": {
    "application/octet-stream": {}}}})
def get_attachment(folio: str, attachment_id: int, request: Request, principal: Principal = PrincipalDep) -> Response:
    """The document's bytes — only for the requester and the systems role (others: 404, journalled)."""
    folio = _folio(folio)
    keys = request.app.state.keys
    found = transaction(request, lambda s: attachments.read(s, principal.actor, folio, attachment_id, keys,
                                                            utcnow()))
    if found is None:
        raise attachments.not_found()
    row, data = found
    return Response(data, media_type=row.content_type,
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(row.filename)}"})


@router.post("/{folio}/accounts", responses=errors(401, 403, 404, 409, 422))
def post_accounts(folio: str, request: Request, principal: Principal = PrincipalDep) -> dict:
    """Propose the accounts of an in-progress account request (systems role): ``{batch, count,
    accounts: [{name, address, status}]}`` — never passwords; the letter lists them."""
    from server.accounts.routes import sealer
    from server.requests.accounts_link import propose_for_request

    folio = _folio(folio)
    keys, seal = request.app.state.keys, sealer(request)
    return transaction(request, lambda s: propose_for_request(s, principal.actor, folio, keys, seal, utcnow()))


@router.get("/{folio}/letter.pdf", responses={**errors(401, 404, 409), 200: {"content": {"application/pdf": {}}}})
def get_letter(folio: str, request: Request, principal: Principal = PrincipalDep) -> Response:
    """The response letter (once attended): folio, date, what was done, accounts without passwords."""
    folio = _folio(folio)
    with request.app.state.session_factory() as session:
        row = svc.get_request(session, principal.actor, folio)
        data = letter.letter_pdf(session, row)
    return Response(data, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="respuesta-{folio}.pdf"'})
