"""Sender accounts: registration (systems office, through the CLI) and the public view.

A sender never stores its secret: ``secret_env`` names the environment
variable of the worker host holding the password or the OAuth2 client
secret. ``preset`` fills the rate limits from
:data:`server.mail.ratelimit.PRESETS` (``exchange-online``, ``gmail``).
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from station.domain import Actor

from server.errors import ApiError, api_error
from server.mail.addresses import check_address
from server.mail.models import MailSender
from server.mail.ratelimit import PRESETS
from server.mail.smtp import SenderConfig, SenderError
from server.services.admin import audit
from server.services.students import utcnow

PUBLIC_FIELDS = ("id", "name", "from_address", "from_name", "per_minute", "per_day", "active")


def add_sender(session: Session, actor: Actor, name: str, from_address: str, host: str, port: int,
               preset: str | None = None, **options) -> MailSender:
    """Create or update the sender ``name`` (audited). ``options``: any
    :class:`MailSender` column. Raises 422 ``invalid_sender`` in Spanish."""
    check = check_address(from_address)
    if not check.ok:
        raise ApiError("invalid_sender", f"Remitente: {check.message}.", "from_address")
    values = dict(options)
    if preset:
        if preset not in PRESETS:
            raise ApiError("invalid_sender", f"Perfil de límites desconocido «{preset}» "
                                                  f"(use {', '.join(PRESETS)}).", "preset")
        for key, value in PRESETS[preset].items():
            values.setdefault(key, value)
    row = session.scalar(select(MailSender).where(MailSender.name == name))
    if row is None:
        row = MailSender(name=name, created_at=utcnow(), from_address=check.address, host=host, port=port)
        session.add(row)
    row.from_address, row.host, row.port = check.address, host, port
    for key, value in values.items():
        if not hasattr(MailSender, key) or key in ("id", "created_at"):
            raise ApiError("invalid_sender", f"Opción desconocida «{key}».", key)
        setattr(row, key, value)
    defaults = {c.name: c.default.arg for c in MailSender.__table__.columns if c.default is not None
                and not callable(c.default.arg)}
    for key, value in defaults.items():
        if getattr(row, key) is None:
            setattr(row, key, value)
    try:
        SenderConfig.from_row(row).check()
    except SenderError as exc:
        raise api_error(exc) from None
    session.flush()
    audit(session, actor, "mail_sender", name[:64], "mail_sender_save",
          details={k: getattr(row, k) for k in ("host", "port", "security", "auth", "username", "secret_env",
                                                "per_minute", "per_day", "imap_host")})
    return row


def public(row: MailSender) -> dict:
    """What screens may see of a sender (no host credentials)."""
    return {k: getattr(row, k) for k in PUBLIC_FIELDS}
