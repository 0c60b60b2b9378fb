"""Bounce handling: match a report to its recipient, update the recipient and
the suppression list, and poll a sender's IMAP mailbox (``imapclient``).

:func:`apply_bounce` matches by our ``X-Credencializacion-Envio`` reference
(HMAC-checked against the campaign's secret) or else by the original
Message-ID. Matched reports are stored raw (``mail_bounce_reports``) and:

- ``hard`` → recipient ``bounced`` (hard); address suppressed for good;
- ``complaint`` → recipient ``bounced`` (complaint); address suppressed;
- ``soft`` → the recipient is sent again after a backoff, up to
  ``soft_retries`` times; after that ``bounced`` (soft) and the address is
  suppressed until ``soft_suppress_days`` pass (then it expires).

:func:`poll_mailbox` reads only messages newer than the last UID it saw
(``BODY.PEEK[]``: unrelated mail keeps its unread flag), moves **only
matched** reports to the processed folder (IMAP MOVE, RFC 6851; COPY +
UID EXPUNGE, RFC 4315, where MOVE is missing) and never deletes anything.
"""
from __future__ import annotations

import hmac
import ssl
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from server.db.engine import run_transaction
from server.mail import states as st
from server.mail.compose import check_value
from server.mail.dsn import Bounce, classify
from server.mail.models import MailBounceReport, MailCampaign, MailMailboxState, MailRecipient, MailSender, \
    MailSuppression
from server.services.students import utcnow


@dataclass(frozen=True)
class BouncePolicy:
    """``soft_retries`` resends after soft bounces; ``soft_suppress_days`` how long a
    soft-expired address stays suppressed; ``retry_after_s`` delay before a resend."""

    soft_retries: int = 2
    soft_suppress_days: int = 30
    retry_after_s: float = 3600.0


def match_recipient(session: Session, bounce: Bounce) -> MailRecipient | None:
    """The recipient a bounce refers to (see module docstring), or None."""
    if bounce.envio is not None:
        campaign_id, recipient_id, check = bounce.envio
        campaign = session.get(MailCampaign, campaign_id)
        row = session.get(MailRecipient, recipient_id, with_for_update=True)
        if (campaign is not None and row is not None and row.campaign_id == campaign_id
                and hmac.compare_digest(check, check_value(campaign.secret, campaign_id, recipient_id))):
            return row
    if bounce.message_id:
        return session.scalars(select(MailRecipient).where(MailRecipient.message_id == bounce.message_id)
                               .with_for_update()).first()
    return None


def _suppress(session: Session, address: str, kind: str, reason: str, campaign_id: int, report_id: int,
              expires_at: datetime | None, now: datetime) -> None:
    key = address.lower()
    row = session.get(MailSuppression, key)
    if row is None:
        session.add(MailSuppression(address=key, kind=kind, reason=reason[:1000], campaign_id=campaign_id,
                                    report_id=report_id, created_by="sistema", created_at=now, expires_at=expires_at))
        return
    if row.expires_at is not None or kind in (st.HARD, st.COMPLAINT):
        row.kind, row.reason, row.campaign_id, row.report_id = kind, reason[:1000], campaign_id, report_id
        row.expires_at = expires_at if kind == st.SOFT else None
        row.created_at = now


def apply_bounce(session: Session, bounce: Bounce, raw: bytes, policy: BouncePolicy = BouncePolicy(),
                 now: datetime | None = None) -> int | None:
    """Record a bounce (see module docstring); return the report id, or None when
    it is not a bounce or matches none of our messages."""
    if bounce.bounce_class == st.NOT_A_BOUNCE:
        return None
    row = match_recipient(session, bounce)
    if row is None:
        return None
    now = now or utcnow()
    campaign = session.get(MailCampaign, row.campaign_id)
    report = MailBounceReport(recipient_id=row.id, campaign_id=row.campaign_id, sender_id=row.sender_id,
                              bounce_class=bounce.bounce_class, status=bounce.status[:12],
                              diagnostic=bounce.diagnostic[:4000], recipient=bounce.recipient[:254],
                              message_id=bounce.message_id[:255], subject=bounce.subject[:255], raw=raw,
                              received_at=now)
    session.add(report)
    session.flush()
    if row.state == st.BOUNCED and row.bounce_class in (st.HARD, st.COMPLAINT):
        return report.id
    if row.state not in (st.SENT, st.BOUNCED, st.DEFERRED):
        return report.id  # a delay notice for a message still being retried: kept, nothing to change
    row.dsn_status = bounce.status[:12]
    row.dsn_diagnostic = bounce.diagnostic[:2000]
    row.bounce_report_id = report.id
    row.updated_at = now
    reason = f"{bounce.status} {bounce.diagnostic}".strip() or st.BOUNCE_LABELS[bounce.bounce_class]
    if bounce.bounce_class in (st.HARD, st.COMPLAINT):
        row.state, row.bounce_class = st.BOUNCED, bounce.bounce_class
        row.reason = f"{st.BOUNCE_LABELS[bounce.bounce_class]}: {reason}"[:2000]
        _suppress(session, row.address, bounce.bounce_class, reason, row.campaign_id, report.id, None, now)
        return report.id
    row.soft_bounces += 1
    active = campaign is not None and campaign.status in (st.CAMPAIGN_QUEUED, st.CAMPAIGN_SENDING)
    if row.soft_bounces <= policy.soft_retries and active:
        row.state = st.DEFERRED
        row.next_attempt_at = now + timedelta(seconds=policy.retry_after_s)
        row.reason = f"Rebote temporal {row.soft_bounces}/{policy.soft_retries}; se reenviará: {reason}"[:2000]
    else:
        row.state, row.bounce_class = st.BOUNCED, st.SOFT
        row.reason = f"Rebote temporal (reintentos agotados): {reason}"[:2000]
        _suppress(session, row.address, st.SOFT, reason, row.campaign_id, report.id,
                  now + timedelta(days=policy.soft_suppress_days), now)
    return report.id


def imap_connect(sender: MailSender, secret: str, token_provider: Callable[[], str] | None = None, timeout=30.0):
    """An authenticated ``IMAPClient`` for the sender's bounce mailbox (TLS verified).
    ``xoauth2`` senders log in with ``oauth2_login`` (token from ``token_provider``)."""
    from imapclient import IMAPClient

    context = ssl.create_default_context(cafile=sender.ca_file or None)
    if sender.imap_security == "none" and sender.imap_host not in ("127.0.0.1", "::1", "localhost"):
        raise ValueError("Sin TLS solo se permite IMAP hacia 127.0.0.1.")
    client = IMAPClient(sender.imap_host, port=sender.imap_port, ssl=sender.imap_security == "ssl",
                        ssl_context=context, timeout=timeout)
    if sender.imap_security == "starttls":
        client.starttls(context)
    user = sender.imap_username or sender.username
    if sender.auth == "xoauth2":
        if token_provider is None:
            from server.mail.smtp import msal_token_provider

            token_provider = msal_token_provider(sender.tenant_id, sender.client_id, secret)
        client.oauth2_login(user, token_provider())
    else:
        client.login(user, secret)
    return client


def poll_mailbox(factory: sessionmaker[Session], sender: MailSender, secret: str,
                 policy: BouncePolicy = BouncePolicy(), token_provider=None, client=None) -> dict:
    """Read new messages of the sender's bounce folder; returns ``{seen, matched, moved,
    not_matched}``. Each matched report is committed before it is moved."""
    own = client is None
    client = client or imap_connect(sender, secret, token_provider)
    stats = {"seen": 0, "matched": 0, "moved": 0, "not_matched": 0}
    key = f"{sender.imap_username or sender.username}@{sender.imap_host}:{sender.imap_port}/{sender.imap_folder}"
    try:
        info = client.select_folder(sender.imap_folder)
        uidvalidity = int(info.get(b"UIDVALIDITY", 0))

        def load(session):
            row = session.get(MailMailboxState, key)
            if row is None:
                row = MailMailboxState(key=key, uidvalidity=uidvalidity, last_uid=0)
                session.add(row)
            if row.uidvalidity != uidvalidity:
                row.uidvalidity, row.last_uid = uidvalidity, 0
            return row.last_uid

        last_uid = run_transaction(factory, load)
        uids = sorted(u for u in client.search(["UID", f"{last_uid + 1}:*"]) if u > last_uid)
        processed_ready = False
        move = client.has_capability("MOVE")
        for start in range(0, len(uids), 50):
            batch = uids[start:start + 50]
            fetched = client.fetch(batch, ["BODY.PEEK[]"])
            for uid in batch:
                raw = fetched.get(uid, {}).get(b"BODY[]")
                if raw is None:
                    continue
                stats["seen"] += 1
                bounce = classify(raw)

                def work(session, bounce=bounce, raw=raw, uid=uid):
                    report_id = apply_bounce(session, bounce, raw, policy)
                    state = session.get(MailMailboxState, key)
                    state.last_uid = max(state.last_uid, uid)
                    state.polled_at = utcnow()
                    return report_id

                report_id = run_transaction(factory, work)
                if report_id is None:
                    stats["not_matched"] += 1
                    continue
                stats["matched"] += 1
                if not processed_ready:
                    if not client.folder_exists(sender.imap_processed_folder):
                        client.create_folder(sender.imap_processed_folder)
                    processed_ready = True
                if move:
                    client.move([uid], sender.imap_processed_folder)
                else:
                    client.copy([uid], sender.imap_processed_folder)
                    client.add_flags([uid], [b"\\Deleted"])
                    client.uid_expunge([uid])
                stats["moved"] += 1
    finally:
        if own:
            try:
                client.logout()
            except Exception:
                pass
    return stats
