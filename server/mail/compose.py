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
from datetime import datetime, timezone
from email.charset import QP, Charset
from email.header import Header
from email.message import Message
from email.policy import compat32
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr


def _utf8_qp() -> Charset:
    """UTF-8 with quoted-printable bodies (readable, 7-bit safe) instead of base64 (no global change)."""
    cs = Charset("utf-8")
    cs.body_encoding = QP
    return cs

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
                  date: datetime | None = None) -> Message:
    """A ready-to-send message (``email.mime``, compat32: a third of the cost of
    ``EmailMessage`` per message); ``attachments`` are ``(filename, mime type, bytes)``.
    Text parts are UTF-8, quoted-printable when needed; non-ASCII headers RFC 2047-encoded."""
    body: Message = MIMEText(text, "plain", _utf8_qp())
    if html:
        alternative = MIMEMultipart("alternative")
        alternative.attach(body)
        alternative.attach(MIMEText(html, "html", _utf8_qp()))
        body = alternative
    if attachments:
        mixed = MIMEMultipart("mixed")
        mixed.attach(body)
        for filename, mime, data in attachments:
            maintype, _, subtype = mime.partition("/")
            part = MIMEApplication(data, subtype, Name=filename) if maintype == "application" else MIMEText(
                data.decode("utf-8"), subtype, "utf-8")
            part.add_header("Content-Disposition", "attachment", filename=filename)
            mixed.attach(part)
        body = mixed
    body["From"] = formataddr((from_name, from_address), "utf-8") if from_name else from_address
    body["To"] = to
    body["Subject"] = Header(subject, "utf-8").encode() if not subject.isascii() else subject
    body["Date"] = format_datetime(date or datetime.now(timezone.utc))
    body["Message-ID"] = msg_id
    body[ENVIO_HEADER] = envio
    return body


_SMTP_POLICY = compat32.clone(linesep="\r\n")


def message_bytes(message: Message) -> bytes:
    """The message as bytes for SMTP, every line ended by CRLF (RFC 5321 §2.3.8:
    ``smtplib`` sends bytes unchanged, and a bare LF is refused or "fixed" by servers)."""
    return message.as_bytes(policy=_SMTP_POLICY)
