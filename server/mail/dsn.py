"""Reading bounce reports: RFC 3464 delivery-status notifications, RFC 5965
abuse reports (complaints) and the older plain-text bounces.

:func:`classify` takes one message (bytes) and returns a :class:`Bounce`:
``recipient``, ``bounce_class`` (``hard`` | ``soft`` | ``complaint`` |
``not_a_bounce``), ``status`` (RFC 3463 enhanced code, e.g. ``5.1.1``),
``diagnostic`` (the remote server's words), ``message_id`` (the original
message's Message-ID, angle brackets kept) and ``envio`` (our reference,
see :func:`server.mail.compose.find_envio`).

Order of evidence:

1. ``multipart/report; report-type=feedback-report`` (ARF, RFC 5965) with a
   ``Feedback-Type`` other than ``not-spam`` → ``complaint``.
2. A ``message/delivery-status`` part (RFC 3464 §2): the per-recipient
   block with ``Action: failed`` (else ``delayed``) gives recipient,
   ``Status`` and ``Diagnostic-Code``; ``delivered``/``relayed``/``expanded``
   are success notices → ``not_a_bounce``.
3. Otherwise, a message that looks like a bounce (null or MAILER-DAEMON
   sender, bounce subject) is read as text: ``flufl.bounce`` finds the
   addresses (temporary vs permanent), the SMTP reply and enhanced code are
   taken from the text.
4. Auto-replies (``Auto-Submitted: auto-replied``, vacation notices) and
   everything else → ``not_a_bounce``.

Classes from the enhanced status code (RFC 3463): every 4.x.x → soft;
5.1.x addressing (bad mailbox, domain, syntax, null MX 5.1.10), 5.2.1
disabled mailbox, 5.4.1 (Exchange Online "recipient not found" at the
directory edge), 5.4.4 (unroutable domain) → hard; mailbox full (5.2.2),
message too big (5.2.3), system (5.3.x), other routing, protocol (5.5.x),
content (5.6.x) and policy (5.7.x: a block of *our* mail, the address is
fine) → soft. The diagnostic's words correct an unhelpful code: "user
unknown", "does not exist", "RecipientNotFound"… → hard; "quota",
"mailbox full"… → soft. When unsure we say soft: a soft bounce is retried,
a hard one suppresses the address for good.
"""
from __future__ import annotations

import email
import re
from dataclasses import dataclass
from email.header import decode_header, make_header
from email.message import Message
from email.parser import HeaderParser

from server.mail import states as st
from server.mail.compose import ENVIO_HEADER, find_envio

_STATUS_RE = re.compile(r"(?<![\d.])([245])\.(\d{1,3})\.(\d{1,3})(?![\d.])")
_REPLY_RE = re.compile(r"(?<!\d)([45]\d\d)[ -]+(?:#?([245]\.\d{1,3}\.\d{1,3}))?")
_HARD_WORDS = re.compile(
    r"user unknown|unknown user|no such (user|mailbox|recipient|address)|does ?n[o']t exist|not exist|"
    r"recipient ?not ?found|unknown recipient|invalid recipient|recipient address rejected: user|"
    r"unrouteable address|mailbox (unavailable|not found|does not exist)|no mailbox|account (has been |is )?disabled|"
    r"address rejected|user not found|no existe|usuario desconocido|destinatario desconocido|"
    r"bad destination mailbox|invalid mailbox|mailbox is disabled|account that you tried to reach",
    re.IGNORECASE)
_SOFT_WORDS = re.compile(r"quota|mailbox (is )?full|over ?quota|insufficient (storage|system storage)|"
                         r"buz[oó]n lleno|temporar|try again later|greylist", re.IGNORECASE)
_BOUNCE_SUBJECT = re.compile(
    r"undeliver|undelivered|delivery (status notification|failure|has failed)|mail delivery failed|"
    r"returned mail|failure notice|delivery notification|could not be delivered|nondeliverable|"
    r"no se puede entregar|no entregado|error de entrega|mail system error|rejected|"
    r"warning: (message .{1,40} delayed|could not send)|delayed mail", re.IGNORECASE)
_BOUNCE_FROM = re.compile(r"mailer-daemon|postmaster|mail delivery (subsystem|system)|microsoftexchange", re.IGNORECASE)
_AUTO_REPLY_SUBJECT = re.compile(r"out of (the )?office|automatic reply|auto.?reply|respuesta autom|vacation|"
                                 r"fuera de la oficina|ausente", re.IGNORECASE)
_MSGID_RE = re.compile(r"^message-id:\s*(<[^>\s]+>)", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True)
class Bounce:
    """Classification of one message (see module docstring)."""

    recipient: str
    bounce_class: str
    status: str
    diagnostic: str
    message_id: str
    envio: tuple[int, int, str] | None = None
    subject: str = ""

    def to_json(self) -> dict:
        """The shape printed by ``credencializacion-server mail classify --json``."""
        return {"recipient": self.recipient, "class": self.bounce_class, "status": self.status,
                "diagnostic": self.diagnostic, "message_id": self.message_id}


def _header(msg: Message, name: str) -> str:
    value = msg.get(name)
    if value is None:
        return ""
    try:
        return str(make_header(decode_header(str(value))))
    except Exception:
        return str(value)


def _unfold(value: str) -> str:
    return " ".join(value.split())


def _address(field: str) -> str:
    """``rfc822; user@example.com`` → ``user@example.com``."""
    value = field.split(";", 1)[1] if ";" in field else field
    value = value.strip().strip("<>").strip()
    return value


def _status_blocks(part: Message) -> list[Message]:
    payload = part.get_payload()
    if isinstance(payload, list):
        return [p for p in payload if isinstance(p, Message)]
    text = part.get_payload(decode=True) or b""
    text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    blocks = re.split(r"\r?\n\s*\r?\n", text.strip())
    return [HeaderParser().parsestr(b + "\n") for b in blocks if b.strip()]


def enhanced_code(text: str) -> str:
    """The first RFC 3463 code (``5.1.1``) in ``text``, or ''."""
    match = _STATUS_RE.search(text or "")
    return ".".join(match.groups()) if match else ""


def class_of(status: str, diagnostic: str, permanent: bool | None = None) -> str:
    """hard / soft for a failed delivery with ``status`` and ``diagnostic`` (see module docstring).
    ``permanent`` is the reporter's own verdict when no code says it."""
    if not status:
        reply = _REPLY_RE.search(diagnostic or "")
        if reply:
            status = reply.group(2) or f"{reply.group(1)[0]}.0.0"
    if status.startswith("4"):
        return st.SOFT
    if _SOFT_WORDS.search(diagnostic or "") and not _HARD_WORDS.search(diagnostic or ""):
        return st.SOFT
    if status.startswith("5"):
        _, subject, detail = (status.split(".") + ["0", "0"])[:3]
        if subject == "1" and detail not in ("7", "8"):
            return st.HARD
        if (subject, detail) in (("2", "1"), ("4", "1"), ("4", "4")):
            return st.HARD
        if _HARD_WORDS.search(diagnostic or "") and (subject in ("0", "1", "2") or detail == "0"):
            return st.HARD
        return st.SOFT
    if _HARD_WORDS.search(diagnostic or ""):
        return st.HARD
    if permanent:
        return st.HARD
    return st.SOFT


def _original_message_id(msg: Message, raw_text: str) -> str:
    for part in msg.walk():
        ctype = part.get_content_type()
        if ctype in ("message/rfc822", "message/global"):
            inner = part.get_payload()
            inner = inner[0] if isinstance(inner, list) and inner else inner
            if isinstance(inner, Message) and inner.get("Message-ID"):
                return _unfold(str(inner.get("Message-ID")))
        if ctype in ("text/rfc822-headers", "text/global-headers"):
            body = part.get_payload(decode=True) or b""
            headers = HeaderParser().parsestr(body.decode("utf-8", "replace"))
            if headers.get("Message-ID"):
                return _unfold(str(headers.get("Message-ID")))
    own = _unfold(_header(msg, "Message-ID"))
    for match in _MSGID_RE.finditer(raw_text):
        if match.group(1) != own:
            return match.group(1)
    return ""


def _body_text(msg: Message) -> str:
    chunks = []
    for part in msg.walk():
        if part.get_content_maintype() == "text":
            data = part.get_payload(decode=True) or b""
            charset = part.get_content_charset() or "utf-8"
            try:
                text = data.decode(charset, "replace")
            except LookupError:
                text = data.decode("utf-8", "replace")
            if part.get_content_subtype() == "html":
                text = re.sub(r"<[^>]+>", " ", text)
            chunks.append(text)
    return "\n".join(chunks)


def _complaint(msg: Message, raw_text: str, subject: str) -> Bounce | None:
    report = None
    for part in msg.walk():
        if part.get_content_type() == "message/feedback-report":
            report = part
            break
    if report is None:
        return None
    blocks = _status_blocks(report)
    fields = blocks[0] if blocks else Message()
    kind = _header(fields, "Feedback-Type").strip().lower()
    if kind == "not-spam":
        return Bounce("", st.NOT_A_BOUNCE, "", "not-spam", _original_message_id(msg, raw_text),
                      find_envio(raw_text), subject)
    recipient = _address(_header(fields, "Original-Rcpt-To"))
    if not recipient:
        for part in msg.walk():
            if part.get_content_type() in ("message/rfc822", "text/rfc822-headers"):
                inner = part.get_payload()
                inner = inner[0] if isinstance(inner, list) and inner else None
                if isinstance(inner, Message):
                    recipient = email.utils.parseaddr(_header(inner, "To"))[1]
                else:
                    body = part.get_payload(decode=True) or b""
                    recipient = email.utils.parseaddr(
                        str(HeaderParser().parsestr(body.decode("utf-8", "replace")).get("To") or ""))[1]
                break
    return Bounce(recipient, st.COMPLAINT, "", f"feedback-type: {kind or 'abuse'}",
                  _original_message_id(msg, raw_text), find_envio(raw_text), subject)


def _from_dsn(msg: Message, raw_text: str, subject: str) -> Bounce | None:
    part = next((p for p in msg.walk() if p.get_content_type() in ("message/delivery-status",
                                                                     "message/global-delivery-status")), None)
    if part is None:
        return None
    blocks = _status_blocks(part)
    per_recipient = [b for b in blocks if b.get("Final-Recipient") or b.get("Original-Recipient") or b.get("Action")]
    if not per_recipient:
        return None

    def rank(block):
        action = _header(block, "Action").strip().lower()
        return {"failed": 0, "delayed": 1}.get(action, 2)

    block = sorted(per_recipient, key=rank)[0]
    action = _header(block, "Action").strip().lower()
    recipient = _address(_header(block, "Final-Recipient") or _header(block, "Original-Recipient"))
    if recipient.lower().startswith("rfc822;"):
        recipient = recipient[7:].strip()
    diagnostic = _unfold(_header(block, "Diagnostic-Code"))
    if ";" in diagnostic and diagnostic.split(";", 1)[0].strip().lower() in ("smtp", "x-postfix", "x-unix",
                                                                             "x-local", "x-exim", "x-qmail"):
        diagnostic = diagnostic.split(";", 1)[1].strip()
    status = enhanced_code(_header(block, "Status")) or enhanced_code(diagnostic)
    message_id = _original_message_id(msg, raw_text)
    envio = find_envio(raw_text)
    if action in ("delivered", "relayed", "expanded"):
        return Bounce(recipient, st.NOT_A_BOUNCE, status, diagnostic, message_id, envio, subject)
    if action == "delayed":
        return Bounce(recipient, st.SOFT, status or "4.0.0", diagnostic, message_id, envio, subject)
    if not diagnostic:
        body = _body_text(msg)
        reply = re.search(r"(?:^|\s)([45]\d\d[ -][^\r\n]{4,300})", body)
        diagnostic = _unfold(reply.group(1)) if reply else ""
    return Bounce(recipient, class_of(status, diagnostic, permanent=True), status, diagnostic, message_id,
                  envio, subject)


def _looks_like_bounce(msg: Message, subject: str) -> bool:
    """Strong signs (reporting sender, bounce subject); or a null sender on a
    message that does not call itself an auto-reply (RFC 3834 replies use
    the null sender too)."""
    sender = _header(msg, "From") + " " + _header(msg, "Sender")
    if _BOUNCE_FROM.search(sender) or _BOUNCE_SUBJECT.search(subject):
        return True
    null_sender = bool(msg.get("Return-Path")) and _header(msg, "Return-Path").strip() in ("<>", "")
    return null_sender and not _auto_reply(msg, subject)


def _auto_reply(msg: Message, subject: str) -> bool:
    auto = _header(msg, "Auto-Submitted").strip().lower()
    if auto.startswith("auto-replied"):
        return True
    if msg.get("X-Autoreply") or msg.get("X-Autorespond") or _header(msg, "Precedence").lower() == "auto_reply":
        return True
    return bool(_AUTO_REPLY_SUBJECT.search(subject)) and not _BOUNCE_SUBJECT.search(subject)


def _plain_bounce(msg: Message, raw_text: str, subject: str) -> Bounce | None:
    if not _looks_like_bounce(msg, subject):
        return None
    try:
        from flufl.bounce import all_failures

        temporary, permanent = all_failures(msg)
    except Exception:  # a detector choking on a strange message must not stop the poll
        temporary, permanent = set(), set()
    addresses = [a.decode("utf-8", "replace") if isinstance(a, bytes) else str(a) for a in (*permanent, *temporary)]
    body = _body_text(msg)
    diagnostic = ""
    recipient = addresses[0] if addresses else ""
    if recipient:
        # The reply that follows the address in the transcript is the diagnostic.
        idx = body.lower().find(recipient.lower())
        window = body[idx: idx + 1200] if idx >= 0 else body
        reply = re.search(r"(?<!\d)([45]\d\d[ -][^\r\n]{3,400}(?:\r?\n[ \t]+[^\r\n]+)*)", window)
        if reply:
            diagnostic = _unfold(reply.group(1))
        elif idx >= 0:
            # qmail (QSBMF): the lines after "<address>:" up to a blank line, ending in "(#5.1.1)".
            paragraph = re.split(r"\r?\n\s*\r?\n", window, maxsplit=1)[0]
            lines = paragraph.splitlines()[1:]
            diagnostic = _unfold(" ".join(lines))[:1000]
    if not diagnostic:
        reply = re.search(r"(?<!\d)([45]\d\d[ -][^\r\n]{3,400})", body)
        diagnostic = _unfold(reply.group(1)) if reply else ""
    if not recipient:
        match = re.search(r"<?([A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,})>?", body)
        recipient = match.group(1) if match else ""
        if not recipient and not diagnostic:
            return None
    status = enhanced_code(diagnostic)
    is_permanent = bool(permanent) or bool(re.search(r"permanent (error|failure)|fatal error", body, re.IGNORECASE))
    bounce_class = class_of(status, diagnostic, permanent=is_permanent) if (status or diagnostic or is_permanent) \
        else st.SOFT
    if not permanent and temporary and not status.startswith("5"):
        bounce_class = st.SOFT
    if not status and diagnostic:
        code = _REPLY_RE.search(diagnostic)
        status = (code.group(2) or f"{code.group(1)[0]}.0.0") if code else ""
    return Bounce(recipient, bounce_class, status, diagnostic, _original_message_id(msg, raw_text),
                  find_envio(raw_text), subject)


def classify(raw: bytes) -> Bounce:
    """Classify one message given as bytes (see module docstring). Never raises for bad input."""
    try:
        msg = email.message_from_bytes(raw)
    except Exception:
        return Bounce("", st.NOT_A_BOUNCE, "", "", "")
    raw_text = raw.decode("utf-8", "replace")
    subject = _unfold(_header(msg, "Subject"))
    for reader in (_complaint, _from_dsn):
        try:
            found = reader(msg, raw_text, subject)
        except Exception:
            found = None
        if found is not None:
            return found
    try:
        found = _plain_bounce(msg, raw_text, subject)
    except Exception:
        found = None
    if found is not None:
        return found
    if _auto_reply(msg, subject):
        return Bounce("", st.NOT_A_BOUNCE, "", "respuesta automática", _original_message_id(msg, raw_text),
                      find_envio(raw_text), subject)
    return Bounce("", st.NOT_A_BOUNCE, "", "", "", None, subject)


__all__ = ["Bounce", "classify", "class_of", "enhanced_code", "ENVIO_HEADER"]
