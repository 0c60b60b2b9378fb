"""The mail engine's service API (used by the HTTP routes, the CLI and other
server features such as requests).

Typical use from another feature::

    from server.mail import service as mail
    campaign = mail.create_campaign(session, actor, mail.CampaignSpec(
        name="Credencial lista", subject="Tu credencial", text="Hola {{ first_names }}…",
        audience={"kind": "students", "campuses": ["001"], "statuses": ["RECEIVED"]},
        requester_email="jefe@plantel.edu.mx"))
    mail.start(session, actor, campaign.id)          # enqueues; the worker sends
    mail.add_finish_listener(lambda session, campaign, summary: ...)

    mail.enqueue_message(session, actor, to="a@b.mx", subject="…", text="…")   # one literal message

Who may do what (:func:`require_mail_role`, :func:`require_campaign_access`):
supervisors for students of their planteles only (an uploaded list must
name, on every row, a matrícula of their planteles), the state office for
every plantel and for lists of outside addresses. Every action is audited
(entity ``mail_campaign``).
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from station.domain import Actor, Role

from server.errors import ApiError, api_error
from server.mail import states as st
from server.mail.addresses import check_address
from server.mail.audience import AudienceRow, check_audience, resolve
from server.mail.fields import TEMPLATE_FIELDS
from server.mail.models import MailCampaign, MailRecipient, MailSender, MailSuppression
from server.mail.templates import NoticeTemplate, RenderError, TemplateRefused, check_template, render
from server.services.admin import audit
from server.services.students import utcnow

MAIL_ROLES = (Role.SUPERVISOR, Role.STATE_OFFICE)
PREVIEW_MAX = 20
_LISTENERS: list[Callable] = []


def add_finish_listener(listener: Callable[[Session, MailCampaign, dict], None]) -> None:
    """Call ``listener(session, campaign, summary)`` inside the transaction that
    marks a campaign finished (``summary`` as :func:`summary` returns)."""
    if listener not in _LISTENERS:
        _LISTENERS.append(listener)


def remove_finish_listener(listener) -> None:
    """Undo :func:`add_finish_listener`."""
    if listener in _LISTENERS:
        _LISTENERS.remove(listener)


@dataclass
class CampaignSpec:
    """What a new campaign needs. ``sender_names`` None = every active sender;
    ``bounce_wait_s``: how long after the last send bounces are awaited before
    the campaign ends and the requester gets the report."""

    name: str
    subject: str
    text: str
    audience: dict
    html: str = ""
    sender_names: list[str] | None = None
    requester_email: str = ""
    bounce_wait_s: int = 3600
    literal: bool = False
    extra: dict = field(default_factory=dict)


def require_mail_role(actor: Actor) -> None:
    """403 ``forbidden_role`` unless supervisor or state office."""
    if actor.role not in MAIL_ROLES:
        raise ApiError("forbidden_role", f"Su perfil ({actor.role.label}) no puede enviar avisos por correo; "
                                              "corresponde a: Supervisor, Dirección Estatal.")


def _scoped(actor: Actor) -> bool:
    return actor.role == Role.SUPERVISOR


def require_campaign_access(actor: Actor, campaign: MailCampaign) -> None:
    """403 unless ``actor`` may see/act on ``campaign`` (see module docstring)."""
    require_mail_role(actor)
    if not _scoped(actor):
        return
    campuses = set(campaign.campuses or [])
    if campaign.created_by == actor.username and campuses <= set(actor.campuses):
        return
    if not campuses or not campuses <= set(actor.campuses):
        raise ApiError("forbidden_campus", "El aviso incluye alumnos de planteles que no tiene asignados.",
                       "campaign")


def get_campaign(session: Session, actor: Actor, campaign_id: int, lock: bool = False) -> MailCampaign:
    """The campaign, authorised for ``actor``. 404 ``campaign_not_found``."""
    campaign = session.get(MailCampaign, campaign_id, with_for_update=lock)
    if campaign is None:
        raise ApiError("campaign_not_found", f"El aviso {campaign_id} no existe.", "campaign")
    require_campaign_access(actor, campaign)
    return campaign


def _senders(session: Session, names: list[str] | None) -> list[MailSender]:
    query = select(MailSender).where(MailSender.active.is_(True)).order_by(MailSender.id)
    rows = list(session.scalars(query))
    if names:
        by_name = {s.name: s for s in rows}
        missing = [n for n in names if n not in by_name]
        if missing:
            raise ApiError("unknown_sender", f"La cuenta remitente «{missing[0]}» no existe o está desactivada.",
                           "senders")
        rows = [by_name[n] for n in dict.fromkeys(names)]
    if not rows:
        raise ApiError("no_sender", "No hay cuentas remitentes configuradas; pida a Sistemas que registre una "
                                         "(credencializacion-server mail sender add).", "senders")
    return rows


def _scope_audience(session: Session, actor: Actor, audience: dict) -> tuple[dict, list[str]]:
    """Normalise ``audience`` for ``actor``; return it and the planteles it reaches."""
    audience = check_audience(audience)
    if audience["kind"] == "students":
        if _scoped(actor):
            if not audience["campuses"]:
                audience["campuses"] = sorted(actor.campuses)
            outside = [c for c in audience["campuses"] if c not in actor.campuses]
            if outside:
                raise ApiError("forbidden_campus", f"El plantel {outside[0]} no está entre sus planteles "
                                                        "asignados.", "campuses")
        return audience, list(audience["campuses"])
    rows = resolve(session, audience)
    campuses = sorted({r.campus_code for r in rows if r.campus_code})
    if _scoped(actor):
        for row in rows:
            if not row.campus_code or row.campus_code not in actor.campuses:
                raise ApiError("forbidden_campus",
                               f"La {row.label} no corresponde a un alumno de sus planteles (matrícula "
                               f"«{row.matricula or 'vacía'}»); un supervisor solo puede escribir a sus alumnos.",
                               "rows")
    return audience, campuses


def create_campaign(session: Session, actor: Actor, spec: CampaignSpec) -> MailCampaign:
    """Create a draft campaign (audited). Refuses (422 ``template_refused``) a
    template with an unknown or password-like field, 403 an audience outside
    the actor's planteles, 422 ``invalid_requester_email``."""
    require_mail_role(actor)
    template = NoticeTemplate(spec.subject, spec.text, spec.html)
    if not spec.literal:
        try:
            check_template(template, set(TEMPLATE_FIELDS))
        except TemplateRefused as exc:
            raise api_error(exc, field=exc.field or exc.part) from None
    audience, campuses = _scope_audience(session, actor, spec.audience)
    senders = _senders(session, spec.sender_names)
    requester = ""
    if spec.requester_email:
        check = check_address(spec.requester_email)
        if not check.ok:
            raise ApiError("invalid_requester_email", f"Correo del solicitante: {check.message}.",
                           "requester_email")
        requester = check.address
    name = (spec.name or "").strip()
    if not name or len(name) > 160:
        raise ApiError("invalid_request", "El nombre del aviso es obligatorio (máximo 160 caracteres).", "name")
    campaign = MailCampaign(name=name, status=st.DRAFT, subject_template=spec.subject, text_template=spec.text,
                            html_template=spec.html, audience=audience, campuses=campuses,
                            sender_ids=[s.id for s in senders], created_by=actor.username,
                            creator_role=actor.role.value, requester_email=requester, secret=secrets.token_hex(16),
                            bounce_wait_s=max(0, int(spec.bounce_wait_s)), created_at=utcnow())
    session.add(campaign)
    session.flush()
    audit(session, actor, "mail_campaign", str(campaign.id), "mail_create", to_status=st.DRAFT,
          details={"name": name, "audience_kind": audience["kind"], "campuses": campuses,
                   "senders": [s.name for s in senders]})
    return campaign


def template_of(campaign: MailCampaign) -> NoticeTemplate:
    """The campaign's :class:`NoticeTemplate`."""
    return NoticeTemplate(campaign.subject_template, campaign.text_template, campaign.html_template)


@dataclass
class Preview:
    """Outcome of a preview: ``total`` rows, rendered ``samples`` (first rows),
    ``problems`` (rows that cannot render: ``{row, field, message}``),
    ``invalid`` (bad addresses: ``{row, address, message, suggestion}``),
    ``suppressed`` (``{row, address, reason}``)."""

    total: int
    samples: list[dict]
    problems: list[dict]
    invalid: list[dict]
    suppressed: list[dict]

    def to_dict(self) -> dict:
        return {"total": self.total, "samples": self.samples, "problems": self.problems,
                "invalid": self.invalid, "suppressed": self.suppressed}


def _active_suppressions(session: Session, addresses: list[str], now: datetime) -> dict[str, MailSuppression]:
    out = {}
    lowered = sorted({a.lower() for a in addresses if a})
    for start in range(0, len(lowered), 500):
        for row in session.scalars(select(MailSuppression).where(MailSuppression.address.in_(lowered[start:start + 500]))):
            if row.expires_at is None or row.expires_at > now:
                out[row.address] = row
    return out


def _evaluate(session: Session, campaign: MailCampaign, rows: list[AudienceRow], samples: int) -> Preview:
    template = template_of(campaign)
    now = utcnow()
    checks = [check_address(r.address) for r in rows]
    suppressed_rows = _active_suppressions(session, [c.address for c in checks if c.ok], now)
    out = Preview(len(rows), [], [], [], [])
    for row, check in zip(rows, checks):
        try:
            rendered = render(template, row.context)
        except RenderError as exc:
            out.problems.append({"row": row.label, "field": exc.field,
                                 "message": f"{row.label.capitalize()}: {exc.message}."})
            continue
        if not check.ok:
            out.invalid.append({"row": row.label, "address": row.address, "message": check.message,
                                "suggestion": check.suggestion})
        elif check.address.lower() in suppressed_rows:
            sup = suppressed_rows[check.address.lower()]
            out.suppressed.append({"row": row.label, "address": check.address, "reason": sup.reason})
        elif len(out.samples) < samples:
            out.samples.append({"row": row.label, "to": check.address, "subject": rendered.subject,
                                "text": rendered.text, "html": rendered.html})
    return out


def preview(session: Session, actor: Actor, campaign_id: int, samples: int = 5) -> Preview:
    """Render every row (audited read of personal data). Raises 422
    ``template_render_failed`` naming the first row and field that cannot
    render (all of them in the error's ``problems``)."""
    campaign = get_campaign(session, actor, campaign_id)
    rows = resolve(session, campaign.audience)
    result = _evaluate(session, campaign, rows, min(samples, PREVIEW_MAX))
    audit(session, actor, "mail_campaign", str(campaign.id), "mail_preview",
          details={"rows": result.total, "problems": len(result.problems)})
    if result.problems:
        first = result.problems[0]
        raise ApiError("template_render_failed",
                       f"{first['message']} Corrija los datos o la plantilla antes de enviar "
                       f"({len(result.problems)} fila(s) con problemas).", first["field"] or "template",
                       extra={"problems": result.problems[:200]})
    return result


def start(session: Session, actor: Actor, campaign_id: int) -> dict:
    """Enqueue a draft: one ``mail_recipients`` row per distinct address —
    ``queued`` (sender assigned round-robin), ``failed`` (invalid address, with
    the reason and a hint) or ``suppressed``. Refuses like :func:`preview`;
    409 ``campaign_not_draft`` when already started. Returns :func:`summary`."""
    campaign = get_campaign(session, actor, campaign_id, lock=True)
    if campaign.status != st.DRAFT:
        raise ApiError("campaign_not_draft", f"El aviso {campaign_id} ya se inició "
                                                  f"({st.CAMPAIGN_LABELS.get(campaign.status, campaign.status)}).")
    rows = resolve(session, campaign.audience)
    if not rows:
        raise ApiError("audience_empty", "El público elegido no tiene destinatarios.", "audience")
    result = _evaluate(session, campaign, rows, 0)
    if result.problems:
        first = result.problems[0]
        raise ApiError("template_render_failed", f"{first['message']} No se inició el envío.",
                       first["field"] or "template", extra={"problems": result.problems[:200]})
    _enqueue_rows(session, campaign, rows)
    campaign.status = st.CAMPAIGN_QUEUED
    campaign.started_at = utcnow()
    audit(session, actor, "mail_campaign", str(campaign.id), "mail_start", from_status=st.DRAFT,
          to_status=st.CAMPAIGN_QUEUED, details={"rows": len(rows)})
    return summary(session, campaign)


def _enqueue_rows(session: Session, campaign: MailCampaign, rows: list[AudienceRow]) -> None:
    now = utcnow()
    checks = [check_address(r.address) for r in rows]
    suppressed = _active_suppressions(session, [c.address for c in checks if c.ok], now)
    seen: set[str] = set()
    senders = list(campaign.sender_ids) or [None]
    n = 0
    batch = []
    for row, check in zip(rows, checks):
        address = (check.address if check.ok else (row.address or "").strip())[:254] or f"(vacío: {row.label})"
        key = address.lower()
        if key in seen:
            continue
        seen.add(key)
        rec = MailRecipient(campaign_id=campaign.id, address=address, matricula=row.matricula[:16],
                            campus_code=row.campus_code[:16], row_label=row.label[:80], context=row.context,
                            next_attempt_at=now, updated_at=now, sender_id=senders[n % len(senders)])
        n += 1
        if not check.ok:
            rec.state, rec.reason = st.FAILED, f"Dirección no válida: {check.message}."[:2000]
        elif key in suppressed:
            rec.state = st.SUPPRESSED
            rec.reason = f"Dirección en la lista de supresión: {suppressed[key].reason}"[:2000]
        else:
            rec.state = st.QUEUED
        batch.append(rec)
    session.add_all(batch)
    session.flush()


def enqueue_message(session: Session, actor: Actor, to: str, subject: str, text: str, html: str = "",
                    name: str = "", requester_email: str = "", sender_name: str | None = None,
                    bounce_wait_s: int = 0) -> MailCampaign:
    """Send one literal (already written) message, tracked like any campaign
    (state, retries, bounces). Used by other features (e.g. requests); any
    role may trigger it through those features, so no role check here —
    callers authorise. Returns the queued one-recipient campaign."""
    check = check_address(to)
    if not check.ok:
        raise ApiError("invalid_address", f"Destinatario: {check.message}.", "to")
    spec = CampaignSpec(name=name or subject[:160], subject="{{ asunto }}", text="{{ texto }}",
                        html="{{ html|safe }}" if html else "", literal=True,
                        audience={"kind": "list", "rows": [{"email": check.address}]},
                        sender_names=[sender_name] if sender_name else None, requester_email=requester_email,
                        bounce_wait_s=bounce_wait_s)
    system = Actor(actor.username, Role.STATE_OFFICE, actor.campuses, actor.station_id)
    campaign = create_campaign(session, system, spec)
    rows = [AudienceRow("mensaje", check.address, "", "", {"asunto": subject, "texto": text, "html": html})]
    _enqueue_rows(session, campaign, rows)
    campaign.status = st.CAMPAIGN_QUEUED
    campaign.started_at = utcnow()
    return campaign


def cancel(session: Session, actor: Actor, campaign_id: int) -> dict:
    """Stop a campaign: rows still queued/deferred stay so (not sent); audited.
    409 ``campaign_final`` when it already ended."""
    campaign = get_campaign(session, actor, campaign_id, lock=True)
    if campaign.status in (st.FINISHED, st.CANCELLED):
        raise ApiError("campaign_final", "El aviso ya terminó.")
    before = campaign.status
    campaign.status = st.CANCELLED
    campaign.finished_at = utcnow()
    audit(session, actor, "mail_campaign", str(campaign.id), "mail_cancel", from_status=before,
          to_status=st.CANCELLED)
    return summary(session, campaign)


def counts(session: Session, campaign_id: int) -> dict[str, int]:
    """Recipients per state (every state present, zeros included)."""
    out = {s: 0 for s in st.STATES}
    for state, n in session.execute(select(MailRecipient.state, func.count()).where(
            MailRecipient.campaign_id == campaign_id).group_by(MailRecipient.state)):
        out[state] = n
    return out


def summary(session: Session, campaign: MailCampaign, eta_s: float | None = None) -> dict:
    """``{id, name, status, status_label, counts, bounced: {hard, soft, complaint},
    possible_duplicates, total, pending, eta_seconds, created_by, requester_email, …}``."""
    by_state = counts(session, campaign.id)
    bounce_counts = {k: 0 for k in (st.HARD, st.SOFT, st.COMPLAINT)}
    for cls, n in session.execute(select(MailRecipient.bounce_class, func.count()).where(
            MailRecipient.campaign_id == campaign.id, MailRecipient.state == st.BOUNCED)
            .group_by(MailRecipient.bounce_class)):
        if cls in bounce_counts:
            bounce_counts[cls] = n
    dups = session.scalar(select(func.coalesce(func.sum(MailRecipient.possible_duplicates), 0))
                          .where(MailRecipient.campaign_id == campaign.id)) or 0
    pending = sum(by_state[s] for s in st.PENDING)
    if eta_s is None and pending and campaign.status in (st.CAMPAIGN_QUEUED, st.CAMPAIGN_SENDING):
        eta_s = estimate_eta(session, campaign, pending)
    return {"id": campaign.id, "name": campaign.name, "status": campaign.status,
            "status_label": st.CAMPAIGN_LABELS.get(campaign.status, campaign.status),
            "counts": by_state, "bounced": bounce_counts, "possible_duplicates": int(dups),
            "total": sum(by_state.values()), "pending": pending, "eta_seconds": eta_s,
            "created_by": campaign.created_by, "requester_email": campaign.requester_email,
            "campuses": list(campaign.campuses or []), "created_at": campaign.created_at.isoformat(),
            "started_at": campaign.started_at.isoformat() if campaign.started_at else None,
            "finished_at": campaign.finished_at.isoformat() if campaign.finished_at else None,
            "report_state": campaign.report_state}


def estimate_eta(session: Session, campaign: MailCampaign, pending: int) -> float | None:
    """Seconds to hand the campaign's pending recipients to its senders at their limits
    (see :func:`server.mail.ratelimit.eta_seconds`)."""
    import time

    from server.mail.ratelimit import SenderLimiter, eta_seconds

    now = utcnow()
    limiters = []
    for sender in session.scalars(select(MailSender).where(MailSender.id.in_(campaign.sender_ids or [-1]))):
        used = session.scalar(select(func.count()).select_from(MailRecipient).where(
            MailRecipient.sender_id == sender.id, MailRecipient.sent_at > now - timedelta(days=1))) or 0
        limiters.append(SenderLimiter(sender.per_minute, sender.per_day, sender.burst, time.monotonic(),
                                      [now.timestamp()] * int(used)))
    return eta_seconds(pending, limiters, now.timestamp())


def list_campaigns(session: Session, actor: Actor, limit: int = 100) -> list[MailCampaign]:
    """Campaigns ``actor`` may see, newest first."""
    require_mail_role(actor)
    rows = session.scalars(select(MailCampaign).order_by(MailCampaign.id.desc()).limit(limit * 4 if _scoped(actor)
                                                                                      else limit))
    out = []
    for c in rows:
        try:
            require_campaign_access(actor, c)
        except ApiError:
            continue
        out.append(c)
    return out[:limit]


def finish_ready(session: Session, now: datetime | None = None) -> list[int]:
    """End campaigns with nothing pending whose bounce wait has passed: status
    ``finished``, report pending when a requester is set, listeners called.
    Returns the ids finished."""
    now = now or utcnow()
    done = []
    active = list(session.scalars(select(MailCampaign).where(
        MailCampaign.status.in_((st.CAMPAIGN_QUEUED, st.CAMPAIGN_SENDING))).with_for_update(skip_locked=True)))
    for campaign in active:
        pending = session.scalar(select(func.count()).select_from(MailRecipient).where(
            MailRecipient.campaign_id == campaign.id, MailRecipient.state.in_(st.PENDING)))
        if pending:
            continue
        last = session.scalar(select(func.max(MailRecipient.sent_at)).where(MailRecipient.campaign_id == campaign.id))
        if last is not None and last + timedelta(seconds=campaign.bounce_wait_s) > now:
            continue
        campaign.status = st.FINISHED
        campaign.finished_at = now
        if campaign.requester_email and campaign.report_state == "none":
            campaign.report_state = "pending"
        result = summary(session, campaign)
        for listener in list(_LISTENERS):
            listener(session, campaign, result)
        done.append(campaign.id)
    return done


def remove_suppression(session: Session, actor: Actor, address: str) -> None:
    """Take an address off the suppression list (state office only; audited). 404 when absent."""
    if actor.role != Role.STATE_OFFICE:
        raise ApiError("forbidden_role", "Solo la Dirección Estatal puede quitar direcciones de la lista de "
                                              "supresión.")
    row = session.get(MailSuppression, address.lower())
    if row is None:
        raise ApiError("suppression_not_found", f"«{address}» no está en la lista de supresión.", "address")
    audit(session, actor, "mail_suppression", address.lower()[:64], "mail_unsuppress",
          details={"kind": row.kind, "reason": row.reason[:200]})
    session.delete(row)


def requeue_failed(session: Session, actor: Actor, campaign_id: int, recipient_ids: list[int] | None = None) -> int:
    """Send again to failed/soft-bounced recipients (e.g. after fixing an address upstream). Audited."""
    campaign = get_campaign(session, actor, campaign_id, lock=True)
    now = utcnow()
    cond = [MailRecipient.campaign_id == campaign.id, MailRecipient.state == st.FAILED,
            MailRecipient.smtp_code.is_not(None)]
    if recipient_ids:
        cond.append(MailRecipient.id.in_(recipient_ids))
    n = session.execute(update(MailRecipient).where(*cond).values(
        state=st.QUEUED, attempts=0, next_attempt_at=now, updated_at=now)).rowcount or 0
    if n:
        campaign.status = st.CAMPAIGN_QUEUED
        campaign.finished_at = None
        campaign.report_state = "none" if campaign.report_state == "pending" else campaign.report_state
    audit(session, actor, "mail_campaign", str(campaign.id), "mail_retry_failed", details={"rows": n})
    return n
