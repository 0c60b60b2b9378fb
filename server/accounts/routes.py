"""``/accounts/*``: institutional accounts over HTTP (issue 20 items 3–7).

Every route authenticates, calls :mod:`server.accounts.service` (which checks
role and plantel and audits) inside one transaction, and answers errors as
``{"error": {"code", "message", "field"}}``. Uploads are the raw request body
(CSV or XLSX) bounded by :data:`MAX_FILE_BYTES` before they are read.
Exports answer a ZIP of the checked files; slips and exports carry
``Cache-Control: no-store`` since they hold one-time passwords.
"""
from __future__ import annotations

import io
import json
import zipfile

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from station.domain import FieldError, validate_matricula

from server.accounts import service as svc
from server.accounts.files import FileProblem, read_people
from server.accounts.passwords import Sealer, load_key
from server.api.common import PrincipalDep, errors, read_bounded_body, transaction
from server.auth import Principal
from server.errors import api_error

router = APIRouter(prefix="/accounts", tags=["accounts"])
MAX_FILE_BYTES = 20 * 1024 * 1024
NO_STORE = {"Cache-Control": "no-store"}
CampusQuery = Query(min_length=1, max_length=16, pattern=r"^[0-9A-Za-z-]+$", description="Clave del plantel")


def sealer(request: Request) -> Sealer:
    """The app's :class:`Sealer` (key loaded once from ``settings.accounts_key_file``)."""
    state = request.app.state
    if getattr(state, "accounts_sealer", None) is None:
        state.accounts_sealer = Sealer(load_key(state.settings.accounts_key_file))
    return state.accounts_sealer


async def read_body(request: Request) -> bytes:
    """The raw body, refused with 413 beyond :data:`MAX_FILE_BYTES` (:func:`read_bounded_body`)."""
    return await read_bounded_body(request, MAX_FILE_BYTES)


class RuleIn(BaseModel):
    """A naming rule: ``domain``, optional ``template``, ``org_unit``, ``sign_in_url``, ``campus``."""

    domain: str = Field(max_length=253)
    template: str | None = Field(default=None, max_length=200)
    org_unit: str | None = Field(default=None, max_length=200)
    sign_in_url: str | None = Field(default=None, max_length=200)
    campus: str = Field(default="", max_length=16)


class ProposalOut(BaseModel):
    """A proposed or created account (never its password)."""

    kind: str
    key: str
    name: str
    address: str
    base: str
    collided: bool
    status: str


def _out(p) -> ProposalOut:
    name = " ".join(x for x in (p.first_surname, p.second_surname, p.given_names) if x)
    return ProposalOut(kind=p.kind, key=p.person_key, name=name, address=p.address, base=p.base,
                       collided=p.collided, status=p.status)


def _preview_out(p) -> ProposalOut:
    person = p.person
    name = " ".join(x for x in (person.first_surname, person.second_surname, person.given_names) if x)
    return ProposalOut(kind=person.kind, key=person.key, name=name, address=p.address, base=p.base,
                       collided=p.collided, status="preview")


@router.put("/rules/{kind}", responses=errors(401, 403, 404, 422))
def put_rule(kind: str, body: RuleIn, request: Request, principal: Principal = PrincipalDep) -> dict:
    """Set the naming rule of ``kind`` (``student``, ``staff``, ``graduate``, ``workplace``)."""
    rule = transaction(request, lambda s: svc.set_rule(s, principal.actor, kind, body.domain, body.template,
                                                       body.campus, body.org_unit, body.sign_in_url))
    return {"kind": rule.kind, "domain": rule.domain, "template": rule.template, "org_unit": rule.org_unit,
            "sign_in_url": rule.sign_in_url}


@router.post("/directory", responses=errors(401, 403, 413, 422))
async def post_directory(request: Request, principal: Principal = PrincipalDep,
                         filename: str = Query(default="directorio.csv", max_length=255)) -> dict:
    """Load the tenant's directory export (addresses that already exist)."""
    data = await read_body(request)
    new = await run_in_threadpool(transaction, request,
                                  lambda s: svc.load_directory(s, principal.actor, data, filename))
    return {"new": new}


@router.get("/campuses/{campus}/preview", response_model=list[ProposalOut], responses=errors(401, 403, 404, 409))
def get_preview(campus: str, request: Request, principal: Principal = PrincipalDep):
    """Addresses that would be proposed now for the plantel's students lacking one (nothing saved)."""
    return [_preview_out(p) for p in transaction(request, lambda s: svc.preview_campus(s, principal.actor, campus))]


@router.get("/campuses/{campus}/proposals", response_model=list[ProposalOut], responses=errors(401, 403, 404))
def get_proposals(campus: str, request: Request, principal: Principal = PrincipalDep):
    """Open (not yet created) proposals of the plantel, every kind."""
    return [_out(p) for p in transaction(request, lambda s: svc.open_proposals(s, principal.actor, campus))]


@router.post("/campuses/{campus}/proposals", response_model=list[ProposalOut], responses=errors(401, 403, 404, 409))
def post_proposals(campus: str, request: Request, principal: Principal = PrincipalDep):
    """Reserve addresses for the plantel's students lacking one; answer every open student proposal."""
    seal = sealer(request)
    return [_out(p) for p in transaction(request, lambda s: svc.propose_campus(s, principal.actor, campus, seal))]


@router.post("/campuses/{campus}/lists", response_model=list[ProposalOut], responses=errors(401, 403, 409, 413, 422))
async def post_list(campus: str, request: Request, principal: Principal = PrincipalDep,
                    kind: str = Query(pattern="^(staff|graduate|workplace)$"),
                    filename: str = Query(default="lista.csv", max_length=255)):
    """Propose accounts for an attached staff or graduate list (CSV/XLSX body)."""
    svc.require(principal.actor, svc.SYSTEMS_ROLES, campus)  # before reading anything
    data = await read_body(request)
    try:
        people = read_people(data, filename, kind, campus)
    except FileProblem as exc:
        raise api_error(exc) from None
    seal = sealer(request)

    def work(session):
        batch = svc.propose(session, principal.actor, people, campus, seal, source=f"lista:{filename}"[:255])
        return [_out(p) for p in svc.open_proposals(session, principal.actor, campus, batch_id=batch.id)]

    return await run_in_threadpool(transaction, request, work)


@router.get("/campuses/{campus}/export", responses={**errors(401, 403, 404, 409, 422),
                                                    200: {"content": {"application/zip": {}}}})
def get_export(campus: str, request: Request, principal: Principal = PrincipalDep,
               format: str = Query(pattern="^[a-z0-9]+$", max_length=20),
               kind: str | None = Query(default=None, pattern="^(student|staff|graduate|workplace)$"),
               batch: int | None = Query(default=None, ge=1)):
    """ZIP of the export files of the plantel's open proposals (optionally one kind or batch)."""
    seal = sealer(request)

    def work(session):
        proposals = svc.open_proposals(session, principal.actor, campus, kind, batch)
        return svc.export(session, principal.actor, campus, proposals, format, seal)

    files = transaction(request, work)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for produced in files:
            archive.writestr(produced.name, produced.data)
    return Response(buffer.getvalue(), media_type="application/zip",
                    headers={**NO_STORE, "Content-Disposition": f'attachment; filename="{format}-{campus}.zip"'})


@router.post("/campuses/{campus}/import", responses=errors(401, 403, 413, 422))
async def post_import(campus: str, request: Request, principal: Principal = PrincipalDep,
                      filename: str = Query(default="cuentas.csv", max_length=255)) -> dict:
    """Import the accounts created in the tenant (its export, or our export file as confirmation)."""
    data = await read_body(request)
    seal = sealer(request)
    report = await run_in_threadpool(
        transaction, request, lambda s: svc.import_created(s, principal.actor, campus, data, filename, seal))
    return report.to_dict()


def _matricula(value: str) -> str:
    try:
        return validate_matricula(value)
    except FieldError as exc:
        raise api_error(exc) from None


@router.get("/slips/{matricula}", responses=errors(401, 403, 404, 422))
def get_slip(matricula: str, request: Request, principal: Principal = PrincipalDep) -> dict:
    """Whether the student's account slip is waiting to be printed (desk lookup)."""
    matricula = _matricula(matricula)
    return transaction(request, lambda s: svc.slip_status(s, principal.actor, matricula))


@router.post("/slips/{matricula}", responses=errors(401, 403, 404, 409, 422))
def post_slip(matricula: str, request: Request, principal: Principal = PrincipalDep) -> Response:
    """Hand over the one-time password for printing — once; 409 ``slip_already_printed`` after."""
    matricula = _matricula(matricula)
    seal = sealer(request)
    slip = transaction(request, lambda s: svc.claim_slip(s, principal.actor, matricula, seal))
    body = json.dumps({"matricula": slip.matricula, "full_name": slip.full_name, "address": slip.address,
                       "password": slip.password, "sign_in_url": slip.sign_in_url}, ensure_ascii=False)
    return Response(body, media_type="application/json", headers=NO_STORE)

