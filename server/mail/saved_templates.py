"""Saved notice templates («Avisos por correo» → Plantillas guardadas), per plantel scope.

A template is saved under a *scope*: a plantel code, or ``""`` for a
state-wide template. Who may do what:

- supervisors see the templates of their planteles and the state-wide ones;
  they save and delete only in their planteles' scopes (with one plantel the
  scope is implied);
- the state office sees, saves and deletes in every scope; its default scope
  is state-wide;
- everyone else: 403 ``forbidden_role``.

Saving the same name in the same scope replaces that template. The template
is checked as a campaign's is (:func:`server.mail.templates.check_template`:
sandboxed Jinja2, known fields only, nothing password-like) — 422
``template_refused`` naming the part and field. Saves and deletions are audited
(entity ``mail_template``). Loading one is reading its text: no personal data,
not audited.
"""
from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from station.domain import Actor, Role

from server.db.models import Campus
from server.errors import ApiError, api_error
from server.mail.fields import TEMPLATE_FIELDS
from server.mail.models import MailTemplate
from server.mail.service import require_mail_role
from server.mail.templates import NoticeTemplate, TemplateRefused, check_template
from server.services.admin import audit
from server.services.students import utcnow

STATE_WIDE = ""
NAME_MAX = 120


def to_dict(row: MailTemplate) -> dict:
    """The API view: ``{id, name, scope, subject, text, html, updated_by, updated_at}``."""
    return {"id": row.id, "name": row.name, "scope": row.scope, "subject": row.subject, "text": row.text,
            "html": row.html, "updated_by": row.updated_by, "updated_at": row.updated_at.isoformat()}


def _visible(actor: Actor):
    if actor.role == Role.SUPERVISOR:
        return or_(MailTemplate.scope == STATE_WIDE, MailTemplate.scope.in_(sorted(actor.campuses)))
    return True


def list_templates(session: Session, actor: Actor) -> list[MailTemplate]:
    """Templates ``actor`` may use, state-wide first, then by plantel and name."""
    require_mail_role(actor)
    query = select(MailTemplate).order_by(MailTemplate.scope, MailTemplate.name)
    if actor.role == Role.SUPERVISOR:
        query = query.where(_visible(actor))
    return list(session.scalars(query))


def _writable_scope(session: Session, actor: Actor, scope: str | None) -> str:
    if actor.role == Role.SUPERVISOR:
        own = sorted(actor.campuses)
        if scope is None:
            if len(own) != 1:
                raise ApiError("invalid_scope", "Indique el plantel de la plantilla "
                                                     f"(tiene asignados {', '.join(own) or 'ninguno'}).", "scope")
            return own[0]
        if scope == STATE_WIDE:
            raise ApiError("forbidden_scope", "Solo la Dirección Estatal guarda o borra plantillas para todos "
                                                   "los planteles.", "scope")
        if scope not in own:
            raise ApiError("forbidden_campus", f"El plantel {scope} no está entre sus planteles asignados.",
                           "scope")
        return scope
    scope = STATE_WIDE if scope is None else scope.strip()
    if scope and session.get(Campus, scope) is None:
        raise ApiError("invalid_scope", f"El plantel {scope} no existe.", "scope")
    return scope


def save_template(session: Session, actor: Actor, name: str, subject: str, text: str, html: str = "",
                  scope: str | None = None) -> tuple[MailTemplate, bool]:
    """Create or replace the template ``name`` in ``scope`` (see module docstring);
    returns ``(row, created)``. Audited ``mail_template_save``."""
    require_mail_role(actor)
    name = (name or "").strip()
    if not name or len(name) > NAME_MAX:
        raise ApiError("invalid_request", f"El nombre de la plantilla es obligatorio (máximo {NAME_MAX} "
                                               "caracteres).", "name")
    try:
        check_template(NoticeTemplate(subject, text, html or ""), set(TEMPLATE_FIELDS))
    except TemplateRefused as exc:
        raise api_error(exc, field=exc.field or exc.part) from None
    scope = _writable_scope(session, actor, scope)
    row = session.scalar(select(MailTemplate).where(MailTemplate.scope == scope, MailTemplate.name == name)
                         .with_for_update())
    created = row is None
    now = utcnow()
    if created:
        row = MailTemplate(scope=scope, name=name, created_by=actor.username)
        session.add(row)
    row.subject, row.text, row.html = subject, text, html or ""
    row.updated_by, row.updated_at = actor.username, now
    session.flush()
    audit(session, actor, "mail_template", str(row.id), "mail_template_save",
          details={"name": name, "scope": scope, "created": created})
    return row, created


def delete_template(session: Session, actor: Actor, template_id: int) -> None:
    """Delete a template ``actor`` may write (404 when absent or not visible). Audited ``mail_template_delete``."""
    require_mail_role(actor)
    row = session.get(MailTemplate, template_id)
    if row is None or (actor.role == Role.SUPERVISOR and row.scope != STATE_WIDE
                       and row.scope not in actor.campuses):
        raise ApiError("template_not_found", f"La plantilla {template_id} no existe.", "template")
    _writable_scope(session, actor, row.scope)
    audit(session, actor, "mail_template", str(row.id), "mail_template_delete",
          details={"name": row.name, "scope": row.scope})
    session.delete(row)
