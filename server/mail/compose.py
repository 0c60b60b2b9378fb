"""Building the MIME message of one recipient and recognising our own references.

Every message carries its own ``Message-ID`` (RFC 5322 §3.6.4)
``<cred.{campaign}.{recipient}.{check}@{sender domain}>`` and the header
``X-Credencializacion-Envio: {campaign}.{recipient}.{check}``; ``check`` is
an HMAC-SHA256 (10 hex digits) of the pair under the campaign's secret, so
a forged bounce that merely guesses ids is not matched. Both stay the same
when a message is retried, so a receiver sees a resent copy as the same
message. :func:`find_envio` pulls the reference back out of a bounce.
"""
from __future__ import annotations

import hashlib
import hmac
import re
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from datetime import datetime, timezone

ENVIO_HEADER = "X-Credencializacion-Envio"
_TOKEN_RE = re.compile(r"cred\.(\d{1,10})\.(\d{1,19})\.([0-9a-f]{10})@", re.IGNORECASE)
_HEADER_RE = re.compile(ENVIO_HEADER + r":\s*(\d{1,10})\.(\d{1,19})\.([0-9a-f]{10})", re.IGNORECASE)


def check_value(secret: str, campaign_id: int, recipient_id: int) -> str:
    """HMAC check of (campaign, recipient) under ``secret``: 10 hex digits."""
    return hmac.new(secret.encode(), f"{campaign_id}.{recipient_id}".encode(), hashlib.sha256).hexdigest()[:10]


def envio_token(secret: str, campaign_id: int, recipient_id: int) -> str:
    """``{campaign}.{recipient}.{check}`` — the value of :data:`ENVIO_HEADER`."""
    return f"{campaign_id}.{recipient_id}.{check_value(secret, campaign_id, recipient_id)}"


def message_id(secret: str, campaign_id: int, recipient_id: int, from_address: str) -> str:
    """The recipient's Message-ID (angle brackets included)."""
    domain = from_address.rsplit("@", 1)[-1] or "localhost"
    return f"<cred.{envio_token(secret, campaign_id, recipient_id)}@{domain}>"


def find_envio(text: str) -> tuple[int, int, str] | None:
    """``(campaign_id, recipient_id, check)`` from a Message-ID or our header found anywhere
    in ``text`` (a bounce quoting the original), or None."""
    for regex in (_HEADER_RE, _TOKEN_RE):
        match = regex.search(text)
        if match:
            return int(match.group(1)), int(match.group(2)), match.group(3).lower()
    return None


def build_message(*, from_address: str, from_name: str, to: str, subject: str, text: str, html: str = "",
                  msg_id: str, envio: str, attachments: list[tuple[str, str, bytes]] = (),
                  date: datetime | None = None) -> EmailMessage:
    """A ready-to-send message; ``attachments`` are ``(filename, mime type, bytes)``."""
    msg = EmailMessage()
    msg["From"] = formataddr((from_name, from_address)) if from_name else from_address
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = format_datetime(date or datetime.now(timezone.utc))
    msg["Message-ID"] = msg_id
    msg[ENVIO_HEADER] = envio
    msg.set_content(text)
    if html:
        msg.add_alternative(html, subtype="html")
    for filename, mime, data in attachments:
        maintype, _, subtype = mime.partition("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return msg
