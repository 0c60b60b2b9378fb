"""Mass e-mail requests ↔ the mail engine (issue #19 item 5; seed
*solicitud-envio-correos-masivos-unicauca* steps 3–5: the IT office sends, then confirms to
the requester — who should never have to chase it).

- :func:`launch`: once approved, the request becomes a campaign
  (:func:`server.mail.service.create_campaign` + :func:`~server.mail.service.start`) to the
  students of the chosen plantel/groups (no plantel chosen: the request's own plantel; every
  plantel only for a request filed without one, e.g. by the state office), and moves to «En proceso».
- :func:`on_campaign_finished` (installed with :func:`install`, called by the mail engine
  inside the transaction that ends a campaign): the request is attended automatically and
  the requester receives the counts.

The requester's message is sent *as written*: every ``{`` is turned into a Jinja expression
printing ``{`` (:func:`literal`), so nothing in it is evaluated as a template.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from station.domain import Actor, Role
from station.domain.requests import RequestAction, RequestState

from server.requests import journal
from server.requests.models import ServiceRequest
from server.requests.settings import RequestSettings
from server.services.students import utcnow


def literal(text: str) -> str:
    """``text`` as a Jinja template that renders to exactly ``text`` (one pass: each ``{``
    becomes ``{{ '{' }}``, so no ``{{``, ``{%`` or ``{#`` survives)."""
    return text.replace("{", "{{ '{' }}")


def _is_html(text: str) -> bool:
    lowered = text.lower()
    return "<p" in lowered or "<br" in lowered or "<div" in lowered or "<html" in lowered or "</" in lowered


def launch(session: Session, actor: Actor, request: ServiceRequest, settings: RequestSettings, now: datetime) -> int:
    """Create and start the campaign of the approved mass e-mail ``request`` as ``actor``
    (authorised by the approval; the engine's refusals — no sender, empty audience —
    propagate and undo the approval). Moves the request to «En proceso». Returns the campaign id."""
    from server.mail import service as mail
    from server.requests.service import transition

    fields = request.fields or {}
    campus = fields.get("campus") or request.campus_code  # never wider than the request's plantel
    audience = {"kind": "students", "campuses": [campus] if campus else [],
                "groups": list(fields.get("groups") or []), "statuses": []}
    message = fields.get("message", "")
    html = literal(message) if _is_html(message) else ""
    text = literal(message if not html else _strip_tags(message))
    system = Actor(actor.username, Role.STATE_OFFICE, frozenset(), actor.station_id)
    campaign = mail.create_campaign(session, system, mail.CampaignSpec(
        name=f"Solicitud {request.folio}: {fields.get('subject', '')}"[:160], subject=literal(fields.get("subject", "")),
        text=text, html=html, audience=audience, literal=True, bounce_wait_s=settings.mass_mail_bounce_wait_s))
    result = mail.start(session, system, campaign.id)
    request.campaign_id = campaign.id
    journal.record(session, actor, request, "campaign", now, note=f"Aviso {campaign.id}: {result['total']} "
                                                                  f"destinatarios ({fields.get('sender', '')}).",
                   details={"campaign": campaign.id, "total": result["total"]})
    transition(session, actor, request, RequestAction.START, now,
               note=f"El envío comenzó: {result['total']} destinatarios.")
    return campaign.id


def _strip_tags(html: str) -> str:
    import re

    return re.sub(r"\s*\n\s*\n\s*", "\n\n", re.sub(r"<[^>]+>", "", html)).strip() + "\n"


def counts_text(summary: dict) -> str:
    """Spanish counts of a finished campaign: sent, failed, bounced, suppressed, total."""
    c = summary["counts"]
    bounced = summary.get("bounced", {})
    return (f"Envío terminado: {c.get('sent', 0)} enviados, {c.get('failed', 0)} fallidos, "
            f"{c.get('bounced', 0)} rebotados (definitivos {bounced.get('hard', 0)}, temporales "
            f"{bounced.get('soft', 0)}), {c.get('suppressed', 0)} omitidos por supresión; "
            f"{summary.get('total', 0)} destinatarios en total.")


def on_campaign_finished(session: Session, campaign, summary: dict) -> None:
    """Mail-engine finish listener: attend the in-progress request whose campaign this is,
    with the counts as response (mailed to the requester). Other campaigns are ignored."""
    from server.requests.service import SYSTEM, transition

    request = session.scalar(select(ServiceRequest).where(ServiceRequest.campaign_id == campaign.id)
                             .with_for_update())
    if request is None or request.state != RequestState.IN_PROGRESS.value:
        return
    transition(session, SYSTEM, request, RequestAction.COMPLETE, utcnow(), response=counts_text(summary))


def install() -> None:
    """Register :func:`on_campaign_finished` with the mail engine (idempotent); called by the
    app factory and the CLI so every process that may end a campaign answers requests."""
    from server.mail.service import add_finish_listener

    add_finish_listener(on_campaign_finished)
