"""``/mail/*``: notices by e-mail («Avisos por correo»), DESIGN.md §11.

Who may call (checked by :mod:`server.mail.service`, so the CLI and other
features get the same rules):

- supervisors — campaigns over students of their planteles; lists only
  when every row names a matrícula of their planteles; they see only
  campaigns whose planteles are all theirs;
- Dirección Estatal — every plantel, lists of any addresses, the
  suppression list;
- everyone else — 403 ``forbidden_role``; no token — 401.

Audited (``audit_events``, entity ``mail_campaign`` / ``mail_suppression`` /
``mail_template``): create, preview (a read of personal data), start, cancel,
retry, recipient list reads, report downloads, raw bounce views, suppression
removal, template saves and deletions (per plantel scope, see
:mod:`server.mail.saved_templates`).
"""
from __future__ import annotations

import base64
import binascii
from typing import Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from station.domain import Role

from server.api.common import PrincipalDep, errors, factory, settings, transaction
from server.auth import Principal
from server.errors import ApiError
from server.mail import saved_templates, service
from server.mail import states as st
from server.mail.audience import read_list, read_table
from server.mail.fields import LABELS, TEMPLATE_FIELDS
from server.mail.models import MailBounceReport, MailColumnMap, MailRecipient, MailSender, MailSuppression
from server.mail.report import XLSX, problem_rows, report_xlsx
from server.mail.senders import public
from server.services.admin import audit
from server.services.students import utcnow

router = APIRouter(prefix="/mail", tags=["mail"])
CampaignId = Path(ge=1, le=2_147_483_647)
MAX_LIST_BYTES = 1_400_000


class CampaignIn(BaseModel):
    """A new notice: templates (Jinja2; fields from ``GET /mail/fields``), audience, senders, requester."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=160)
    subject: str = Field(min_length=1, max_length=500)
    text: str = Field(min_length=1, max_length=50_000)
    html: str = Field(default="", max_length=200_000)
    audience: dict
    senders: list[str] | None = Field(default=None, max_length=20)
    requester_email: str = Field(default="", max_length=254)
    bounce_wait_s: int = Field(default=3600, ge=0, le=7 * 86400)


class ListIn(BaseModel):
    """An uploaded XLSX/CSV (base64) and the ``{column: field}`` mapping (``email`` for the address);
    ``save_mapping_as`` stores the mapping for next time; without ``mapping`` the saved one of that name is used."""

    model_config = ConfigDict(extra="forbid")
    filename: str = Field(min_length=1, max_length=200)
    content_base64: str = Field(min_length=1, max_length=2_000_000)
    mapping: dict[str, str] | None = None
    mapping_name: str | None = Field(default=None, max_length=80)
    save_mapping_as: str | None = Field(default=None, max_length=80)


class TemplateIn(BaseModel):
    """A template to save: ``name`` within ``scope`` (a plantel code, ``""`` state-wide; omitted:
    the supervisor's only plantel, or state-wide for the state office); Jinja2 as in campaigns."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=120)
    scope: str | None = Field(default=None, max_length=16)
    subject: str = Field(min_length=1, max_length=500)
    text: str = Field(min_length=1, max_length=50_000)
    html: str = Field(default="", max_length=200_000)


def _actor(principal: Principal):
    return principal.actor


@router.get("/fields", responses=errors(401, 403))
def get_fields(principal: Principal = PrincipalDep) -> list[dict]:
    """Template fields ``[{name, label}]`` (labels in Spanish)."""
    service.require_mail_role(principal.actor)
    return [{"name": n, "label": LABELS[n]} for n in TEMPLATE_FIELDS]


@router.get("/senders", responses=errors(401, 403))
def get_senders(request: Request, principal: Principal = PrincipalDep) -> list[dict]:
    """Active sender accounts (name, address, limits; never hosts or secrets)."""
    service.require_mail_role(principal.actor)
    with factory(request)() as session:
        return [public(s) for s in session.scalars(select(MailSender).where(MailSender.active.is_(True))
                                                   .order_by(MailSender.id))]


@router.get("/column-maps", responses=errors(401, 403))
def get_column_maps(request: Request, principal: Principal = PrincipalDep) -> list[dict]:
    """Saved column mappings ``[{name, mapping}]``."""
    service.require_mail_role(principal.actor)
    with factory(request)() as session:
        return [{"name": m.name, "mapping": m.mapping} for m in session.scalars(select(MailColumnMap)
                                                                                 .order_by(MailColumnMap.name))]


@router.get("/templates", responses=errors(401, 403))
def get_templates(request: Request, principal: Principal = PrincipalDep) -> list[dict]:
    """Saved templates the user may use ``[{id, name, scope, subject, text, html, updated_by,
    updated_at}]`` (supervisors: their planteles' and the state-wide ones)."""
    with factory(request)() as session:
        return [saved_templates.to_dict(t) for t in saved_templates.list_templates(session, principal.actor)]


@router.put("/templates", responses=errors(401, 403, 422))
def put_template(body: TemplateIn, request: Request, principal: Principal = PrincipalDep) -> dict:
    """Save (create or replace by scope and name) a template; audited. 422 ``template_refused``
    (unknown or password-like field, syntax), ``invalid_scope``; 403 ``forbidden_scope`` /
    ``forbidden_campus``. Answers the saved template plus ``created``."""
    def work(session):
        row, created = saved_templates.save_template(session, principal.actor, body.name, body.subject, body.text,
                                                     body.html, body.scope)
        return {**saved_templates.to_dict(row), "created": created}

    return transaction(request, work)


@router.delete("/templates/{template_id}", status_code=204, response_class=Response,
               responses=errors(401, 403, 404))
def delete_template(request: Request, template_id: int = Path(ge=1, le=2_147_483_647),
                    principal: Principal = PrincipalDep):
    """Delete a saved template (audited). 404 ``template_not_found``; 403 for a scope the user cannot write."""
    transaction(request, lambda s: saved_templates.delete_template(s, principal.actor, template_id))
    return Response(status_code=204)


@router.post("/lists", responses=errors(401, 403, 404, 413, 422))
def post_list(body: ListIn, request: Request, principal: Principal = PrincipalDep) -> dict:
    """Read an uploaded list: without a mapping → ``{headers}``; with one → ``{headers, rows,
    audience}`` ready for ``POST /mail/campaigns``. 422 ``invalid_list_file`` / ``invalid_mapping``;
    404 ``mapping_not_found`` when ``mapping_name`` names no saved mapping."""
    service.require_mail_role(principal.actor)
    try:
        data = base64.b64decode(body.content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise ApiError("invalid_list_file", "El archivo no viene en base64 válido.", "content_base64") from None
    if len(data) > MAX_LIST_BYTES:
        raise ApiError("payload_too_large", "La lista es demasiado grande (máximo 1.4 MB).", "content_base64")

    def work(session):
        mapping = body.mapping
        if mapping is None and body.mapping_name:
            saved = session.get(MailColumnMap, body.mapping_name)
            if saved is None:
                raise ApiError("mapping_not_found", f"No hay una asignación guardada «{body.mapping_name}».",
                               "mapping_name")
            mapping = saved.mapping
        headers, _ = read_table(data, body.filename)
        if mapping is None:
            return {"headers": headers}
        audience = read_list(data, body.filename, mapping)
        if body.save_mapping_as:
            row = session.get(MailColumnMap, body.save_mapping_as) or MailColumnMap(name=body.save_mapping_as)
            row.mapping, row.saved_by, row.saved_at = mapping, principal.username, utcnow()
            session.add(row)
        return {"headers": headers, "rows": len(audience["rows"]), "audience": audience}

    return transaction(request, work)


@router.post("/campaigns", status_code=201, responses=errors(401, 403, 409, 422))
def post_campaign(body: CampaignIn, request: Request, principal: Principal = PrincipalDep) -> dict:
    """Create a draft notice. 422 ``template_refused`` (unknown or password-like field, syntax),
    ``invalid_audience``; 403 ``forbidden_campus``; 409 ``no_sender``."""
    spec = service.CampaignSpec(name=body.name, subject=body.subject, text=body.text, html=body.html,
                                audience=body.audience, sender_names=body.senders,
                                requester_email=body.requester_email, bounce_wait_s=body.bounce_wait_s)

    def work(session):
        return service.summary(session, service.create_campaign(session, principal.actor, spec))

    return transaction(request, work)


@router.get("/campaigns", responses=errors(401, 403))
def get_campaigns(request: Request, principal: Principal = PrincipalDep,
                  limit: int = Query(default=50, ge=1, le=200)) -> list[dict]:
    """Notices the user may see, newest first, with per-state counts."""
    with factory(request)() as session:
        return [service.summary(session, c) for c in service.list_campaigns(session, principal.actor, limit)]


@router.get("/campaigns/{campaign_id}", responses=errors(401, 403, 404))
def get_campaign(request: Request, campaign_id: int = CampaignId, principal: Principal = PrincipalDep) -> dict:
    """Progress of one notice: per-state counts, bounce classes, ETA in seconds."""
    with factory(request)() as session:
        return service.summary(session, service.get_campaign(session, principal.actor, campaign_id))


@router.post("/campaigns/{campaign_id}/preview", responses=errors(401, 403, 404, 422))
def post_preview(request: Request, campaign_id: int = CampaignId, principal: Principal = PrincipalDep,
                 samples: int = Query(default=5, ge=0, le=20)) -> dict:
    """Render every recipient; ``{total, samples, invalid, suppressed, sender_domains}``. 422
    ``template_render_failed`` names the first row and field that cannot render.
    ``sender_domains`` (``[{domain, ok, checked, mx, spf, dmarc, findings}]``) is filled only
    when the server's ``mail_dns_check`` switch is on (:mod:`server.mail.deliverability`)."""
    def work(session):
        result = service.preview(session, principal.actor, campaign_id, samples).to_dict()
        campaign = service.get_campaign(session, principal.actor, campaign_id)
        senders = [(r.from_address.rsplit("@", 1)[-1].lower(), r.host) for r in session.scalars(
            select(MailSender).where(MailSender.id.in_(campaign.sender_ids or [])).order_by(MailSender.id))]
        return result, senders

    result, senders = transaction(request, work)
    result["sender_domains"] = []
    config = settings(request)
    if config.mail_dns_check:
        from server.mail.deliverability import check_sender_domain, make_resolver

        resolver = make_resolver(config.mail_dns_nameservers)
        for domain in dict.fromkeys(d for d, _ in senders):
            host = next(h for d, h in senders if d == domain)
            result["sender_domains"].append(check_sender_domain(domain, host, resolver).to_dict())
    return result


@router.post("/campaigns/{campaign_id}/start", responses=errors(401, 403, 404, 409, 422))
def post_start(request: Request, campaign_id: int = CampaignId, principal: Principal = PrincipalDep) -> dict:
    """Queue the notice for sending (the worker sends it). 409 ``campaign_not_draft``."""
    return transaction(request, lambda s: service.start(s, principal.actor, campaign_id))


@router.post("/campaigns/{campaign_id}/cancel", responses=errors(401, 403, 404, 409))
def post_cancel(request: Request, campaign_id: int = CampaignId, principal: Principal = PrincipalDep) -> dict:
    """Stop a notice; what was not sent stays unsent. 409 ``campaign_final``."""
    return transaction(request, lambda s: service.cancel(s, principal.actor, campaign_id))


@router.post("/campaigns/{campaign_id}/retry-failed", responses=errors(401, 403, 404))
def post_retry(request: Request, campaign_id: int = CampaignId, principal: Principal = PrincipalDep) -> dict:
    """Queue again the recipients the server refused (after fixing the cause). ``{requeued}``."""
    return {"requeued": transaction(request, lambda s: service.requeue_failed(s, principal.actor, campaign_id))}


@router.get("/campaigns/{campaign_id}/recipients", responses=errors(401, 403, 404, 422))
def get_recipients(request: Request, campaign_id: int = CampaignId, principal: Principal = PrincipalDep,
                   state: Literal["queued", "sending", "sent", "deferred", "failed", "bounced", "suppressed"] | None
                   = Query(default=None), limit: int = Query(default=100, ge=1, le=1000),
                   offset: int = Query(default=0, ge=0, le=10_000_000)) -> dict:
    """Recipients of a notice (audited read): ``{items: [{id, row, matricula, address, state,
    state_label, bounce_class, code, reason, bounce_report_id, attempts}], total}``."""
    def work(session):
        campaign = service.get_campaign(session, principal.actor, campaign_id)
        query = select(MailRecipient).where(MailRecipient.campaign_id == campaign.id)
        if state:
            query = query.where(MailRecipient.state == state)
        rows = list(session.scalars(query.order_by(MailRecipient.id).offset(offset).limit(limit)))
        audit(session, principal.actor, "mail_campaign", str(campaign.id), "mail_recipients_read",
              details={"state": state, "rows": len(rows)})
        return {"items": [{"id": r.id, "row": r.row_label, "matricula": r.matricula, "address": r.address,
                           "state": r.state, "state_label": st.LABELS[r.state], "bounce_class": r.bounce_class,
                           "code": r.dsn_status or (str(r.smtp_code) if r.smtp_code else ""),
                           "reason": r.dsn_diagnostic or r.reason, "bounce_report_id": r.bounce_report_id,
                           "attempts": r.attempts} for r in rows],
                "total": sum(service.counts(session, campaign.id)[s] for s in ([state] if state else st.STATES))}

    return transaction(request, work)


@router.get("/campaigns/{campaign_id}/report.xlsx", response_class=Response, responses={
    200: {"content": {XLSX: {"schema": {"type": "string", "format": "binary"}}},
          "description": "Resultado del aviso en Excel"}, **errors(401, 403, 404)})
def get_report(request: Request, campaign_id: int = CampaignId, principal: Principal = PrincipalDep):
    """The notice's outcome as XLSX (summary + recipients not reached); audited."""
    def work(session):
        campaign = service.get_campaign(session, principal.actor, campaign_id)
        audit(session, principal.actor, "mail_campaign", str(campaign.id), "mail_report_download")
        return report_xlsx(campaign, service.summary(session, campaign), problem_rows(session, campaign.id))

    data = transaction(request, work)
    return Response(data, media_type=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="resultado-aviso-{campaign_id}.xlsx"'})


@router.get("/bounces/{report_id}/raw", response_class=Response, responses={
    200: {"content": {"message/rfc822": {"schema": {"type": "string", "format": "binary"}}},
          "description": "El reporte de rebote tal como llegó"}, **errors(401, 403, 404)})
def get_bounce_raw(request: Request, report_id: int = Path(ge=1, le=2_147_483_647),
                   principal: Principal = PrincipalDep):
    """The raw bounce report as received (for support staff); authorised through its campaign; audited."""
    def work(session):
        report = session.get(MailBounceReport, report_id)
        if report is None or report.campaign_id is None:
            raise ApiError("bounce_not_found", f"El reporte de rebote {report_id} no existe.", "report_id")
        service.get_campaign(session, principal.actor, report.campaign_id)
        audit(session, principal.actor, "mail_campaign", str(report.campaign_id), "mail_bounce_read",
              details={"report_id": report_id})
        return report.raw

    return Response(transaction(request, work), media_type="message/rfc822",
                    headers={"Content-Disposition": f'attachment; filename="rebote-{report_id}.eml"'})


@router.get("/suppressions", responses=errors(401, 403))
def get_suppressions(request: Request, principal: Principal = PrincipalDep,
                     limit: int = Query(default=200, ge=1, le=5000)) -> list[dict]:
    """The suppression list (Dirección Estatal only)."""
    if principal.role != Role.STATE_OFFICE:
        raise ApiError("forbidden_role", "Solo la Dirección Estatal consulta la lista de supresión.")
    with factory(request)() as session:
        return [{"address": r.address, "kind": r.kind, "reason": r.reason, "campaign_id": r.campaign_id,
                 "created_at": r.created_at.isoformat(),
                 "expires_at": r.expires_at.isoformat() if r.expires_at else None}
                for r in session.scalars(select(MailSuppression).order_by(MailSuppression.created_at.desc())
                                         .limit(limit))]


@router.delete("/suppressions/{address}", status_code=204, response_class=Response, responses=errors(401, 403, 404))
def delete_suppression(request: Request, address: str = Path(min_length=3, max_length=254),
                       principal: Principal = PrincipalDep):
    """Take an address off the suppression list (Dirección Estatal; audited)."""
    transaction(request, lambda s: service.remove_suppression(s, principal.actor, address))
    return Response(status_code=204)
