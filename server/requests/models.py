"""Tables of requests (migration ``0007_requests``).

- ``service_requests``: one request: ``folio`` (``SOL-2026-000123``, per year), type,
  state, requester, plantel, the form ``fields`` (JSON), deadline and reminder marks,
  the mail campaign of a mass e-mail, the response.
- ``request_attachments``: documents, stored encrypted like biometrics
  (:mod:`server.keys` envelope: per-file data key wrapped by the master key).
- ``request_log``: the bitácora — one row per filing, action, upload, reminder,
  read refusal; purged after the retention (:mod:`server.requests.bitacora`). Every
  row is *also* written to the append-only audit (``audit_events``), which is never purged.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from server.db.models import Base, BigId, UtcDateTime


class ServiceRequest(Base):
    """A request (see module docstring). ``state`` is a :class:`station.domain.requests.RequestState` code."""

    __tablename__ = "service_requests"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    folio: Mapped[str] = mapped_column(String(20), unique=True)
    type_code: Mapped[str] = mapped_column(String(32), index=True)
    state: Mapped[str] = mapped_column(String(16), index=True)
    requester: Mapped[str] = mapped_column(String(80), index=True)
    requester_name: Mapped[str] = mapped_column(String(160), default="")
    campus_code: Mapped[str] = mapped_column(String(16), default="", index=True)
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    fields: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    due_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    reminded_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    escalated_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    campaign_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    response: Mapped[str] = mapped_column(Text, default="")
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    handled_by: Mapped[str] = mapped_column(String(80), default="")


class RequestAttachment(Base):
    """A document of a request: ``kind`` (the type's attachment key), original ``filename``,
    ``content_type`` decided from the bytes, ``size`` and ``sha256`` of the plaintext;
    ``data`` is ciphertext (``wrapped_key`` under master key ``key_id``)."""

    __tablename__ = "request_attachments"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("service_requests.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    wrapped_key: Mapped[bytes] = mapped_column(LargeBinary)
    key_id: Mapped[str] = mapped_column(String(32))
    uploaded_by: Mapped[str] = mapped_column(String(80))
    uploaded_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


class RequestLogEntry(Base):
    """One bitácora entry: when, who (``actor``, ``role``), the ``folio``, ``action``
    (an action code or ``file``, ``attach``, ``remind``, ``escalate``, ``read_denied``…),
    ``from_state``/``to_state`` and a ``note`` (reason, response, file name)."""

    __tablename__ = "request_log"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("service_requests.id", ondelete="SET NULL"),
                                                   nullable=True, index=True)
    folio: Mapped[str] = mapped_column(String(20), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    actor: Mapped[str] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(20), default="")
    action: Mapped[str] = mapped_column(String(32))
    from_state: Mapped[str | None] = mapped_column(String(16), nullable=True)
    to_state: Mapped[str | None] = mapped_column(String(16), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (Index("ix_request_log_folio_at", "folio", "at"),)
