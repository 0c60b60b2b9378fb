"""Tables of the mail engine (migration ``0003_mail``; DESIGN.md §11).

- ``mail_senders``: sender accounts (SMTP relay, authentication, rate limits,
  bounce mailbox). Secrets are never stored: ``secret_env`` names the
  environment variable of the worker's host that holds the password or the
  OAuth2 client secret.
- ``mail_campaigns``: one aviso — templates (subject, text, HTML), the
  audience as given, requester, senders, status.
- ``mail_recipients``: one row per campaign and address (unique), carrying
  the render context snapshot and the delivery state machine of
  :mod:`server.mail.states`.
- ``mail_suppressions``: addresses not to be mailed again, with the reason.
- ``mail_bounce_reports``: matched delivery-status reports, raw bytes kept.
- ``mail_workers``: running/finished worker processes (crash recovery).
- ``mail_column_maps``: saved column mappings of uploaded lists.
- ``mail_mailbox_state``: last IMAP UID seen per bounce mailbox.
- ``mail_templates``: saved notice templates per plantel (or state-wide),
  migration ``0008_mail_templates``.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON, Boolean, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from server.db.models import Base, BigId, UtcDateTime


class MailSender(Base):
    """A sender account. ``security``: ``starttls`` | ``ssl`` | ``none`` (``none``
    only for 127.0.0.1 test sinks); ``auth``: ``password`` | ``xoauth2`` | ``none``.
    ``per_minute``/``per_day``: token-bucket limits (0 = no limit)."""

    __tablename__ = "mail_senders"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    from_address: Mapped[str] = mapped_column(String(254))
    from_name: Mapped[str] = mapped_column(String(120), default="")
    host: Mapped[str] = mapped_column(String(255))
    port: Mapped[int] = mapped_column(Integer, default=587)
    security: Mapped[str] = mapped_column(String(10), default="starttls")
    auth: Mapped[str] = mapped_column(String(10), default="password")
    username: Mapped[str] = mapped_column(String(254), default="")
    secret_env: Mapped[str] = mapped_column(String(80), default="")
    ca_file: Mapped[str] = mapped_column(String(500), default="")
    tenant_id: Mapped[str] = mapped_column(String(80), default="")
    client_id: Mapped[str] = mapped_column(String(80), default="")
    per_minute: Mapped[int] = mapped_column(Integer, default=30)
    per_day: Mapped[int] = mapped_column(Integer, default=10000)
    burst: Mapped[int] = mapped_column(Integer, default=1)
    imap_host: Mapped[str] = mapped_column(String(255), default="")
    imap_port: Mapped[int] = mapped_column(Integer, default=993)
    imap_security: Mapped[str] = mapped_column(String(10), default="ssl")
    imap_username: Mapped[str] = mapped_column(String(254), default="")
    imap_folder: Mapped[str] = mapped_column(String(120), default="INBOX")
    imap_processed_folder: Mapped[str] = mapped_column(String(120), default="Rebotes procesados")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class MailCampaign(Base):
    """An aviso. ``status``: draft → queued → sending → finished | cancelled.
    ``campuses``: the planteles whose students it reaches (authorisation
    scope; empty for a state-office list of outside addresses).
    ``secret``: random hex, keys the Message-ID check value."""

    __tablename__ = "mail_campaigns"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(160))
    status: Mapped[str] = mapped_column(String(12), default="draft", index=True)
    subject_template: Mapped[str] = mapped_column(Text)
    text_template: Mapped[str] = mapped_column(Text)
    html_template: Mapped[str] = mapped_column(Text, default="")
    audience: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    campuses: Mapped[list] = mapped_column(JSON, default=list)
    sender_ids: Mapped[list] = mapped_column(JSON, default=list)
    created_by: Mapped[str] = mapped_column(String(80))
    creator_role: Mapped[str] = mapped_column(String(20), default="")
    requester_email: Mapped[str] = mapped_column(String(254), default="")
    secret: Mapped[str] = mapped_column(String(32))
    bounce_wait_s: Mapped[int] = mapped_column(Integer, default=3600)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    last_send_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    report_state: Mapped[str] = mapped_column(String(12), default="none")
    report_message_id: Mapped[str] = mapped_column(String(255), default="")
    report_error: Mapped[str] = mapped_column(Text, default="")


class MailRecipient(Base):
    """One recipient of a campaign (unique per campaign and address).

    ``state`` is one of :data:`server.mail.states.STATES`; ``context`` the
    template values snapshot; ``attempts`` SMTP attempts so far;
    ``possible_duplicates`` how many times a worker died while this row was
    ``sending`` (the message may have been accepted before the kill) or the
    connection was lost after DATA began (RFC 1047: kept, never answered)."""

    __tablename__ = "mail_recipients"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("mail_campaigns.id", ondelete="CASCADE"))
    address: Mapped[str] = mapped_column(String(254))
    matricula: Mapped[str] = mapped_column(String(16), default="")
    campus_code: Mapped[str] = mapped_column(String(16), default="")
    row_label: Mapped[str] = mapped_column(String(80), default="")
    context: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(12), default="queued")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    soft_bounces: Mapped[int] = mapped_column(Integer, default=0)
    possible_duplicates: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime)
    worker_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    sender_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    message_id: Mapped[str] = mapped_column(String(255), default="", index=True)
    smtp_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    smtp_text: Mapped[str] = mapped_column(Text, default="")
    bounce_class: Mapped[str] = mapped_column(String(10), default="")
    dsn_status: Mapped[str] = mapped_column(String(12), default="")
    dsn_diagnostic: Mapped[str] = mapped_column(Text, default="")
    bounce_report_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (UniqueConstraint("campaign_id", "address", name="uq_mail_recipient_campaign_address"),
                      Index("ix_mail_recipients_queue", "state", "next_attempt_at"),
                      Index("ix_mail_recipients_campaign_state", "campaign_id", "state"))


class MailSuppression(Base):
    """An address not to be mailed. ``kind``: ``hard`` | ``complaint`` | ``soft``
    (expires) | ``manual``; ``reason`` in words; ``expires_at`` None = forever."""

    __tablename__ = "mail_suppressions"
    address: Mapped[str] = mapped_column(String(254), primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(Text, default="")
    campaign_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    report_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_by: Mapped[str] = mapped_column(String(80), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class MailBounceReport(Base):
    """A delivery-status report matched to a recipient; ``raw`` is the message as received."""

    __tablename__ = "mail_bounce_reports"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    recipient_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    campaign_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    sender_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    bounce_class: Mapped[str] = mapped_column(String(12))
    status: Mapped[str] = mapped_column(String(12), default="")
    diagnostic: Mapped[str] = mapped_column(Text, default="")
    recipient: Mapped[str] = mapped_column(String(254), default="")
    message_id: Mapped[str] = mapped_column(String(255), default="")
    subject: Mapped[str] = mapped_column(String(255), default="")
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)


class MailWorker(Base):
    """A worker process (``hostname``, ``pid``) with its heartbeat; ``stopped_at`` on clean exit."""

    __tablename__ = "mail_workers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    hostname: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    heartbeat_at: Mapped[datetime] = mapped_column(UtcDateTime)
    stopped_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class MailColumnMap(Base):
    """A saved mapping ``{column header: field name}`` for uploaded lists of one source."""

    __tablename__ = "mail_column_maps"
    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    mapping: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    saved_by: Mapped[str] = mapped_column(String(80), default="")
    saved_at: Mapped[datetime] = mapped_column(UtcDateTime)


class MailMailboxState(Base):
    """Where the bounce poll of one mailbox left off: ``uidvalidity`` and ``last_uid``."""

    __tablename__ = "mail_mailbox_state"
    key: Mapped[str] = mapped_column(String(400), primary_key=True)
    uidvalidity: Mapped[int] = mapped_column(BigId, default=0)
    last_uid: Mapped[int] = mapped_column(BigId, default=0)
    polled_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class MailTemplate(Base):
    """A saved notice template (subject, text, HTML; Jinja2 as in campaigns) named ``name``
    within ``scope``: a plantel code (its supervisors' and the state office's) or ``""``
    (state-wide: saved by the state office, offered to everyone). Unique per scope and name."""

    __tablename__ = "mail_templates"
    __table_args__ = (UniqueConstraint("scope", "name", name="uq_mail_templates_scope_name"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    scope: Mapped[str] = mapped_column(String(16), default="")
    name: Mapped[str] = mapped_column(String(120))
    subject: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(80), default="")
    updated_by: Mapped[str] = mapped_column(String(80), default="")
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
