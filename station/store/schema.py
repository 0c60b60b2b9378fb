"""Tables of the station's local cache (SQLAlchemy 2 declarative).

The schema is created and changed only by the Alembic migrations in
``station/store/migrations``; this module mirrors the head revision.
Timestamps are stored as ISO 8601 UTC text (:class:`UTCDateTime`).
"""
from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import JSON, Boolean, Date, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """Aware ``datetime`` stored as ISO 8601 text in UTC; naive values are refused (``ValueError``)."""

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("Se requiere una fecha con zona horaria (UTC).")
        return value.astimezone(timezone.utc).isoformat()

    def process_result_value(self, value, dialect):
        return None if value is None else datetime.fromisoformat(value)


class Base(DeclarativeBase):
    """Declarative base of the station cache."""


class CampusRow(Base):
    """A plantel known to the station."""

    __tablename__ = "campuses"
    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))


class StudentRow(Base):
    """Columns of :class:`station.domain.Student` plus ``server_state`` (the
    record as last pulled from the server, JSON, for replaying pending
    commands on top of it)."""

    __tablename__ = "students"
    matricula: Mapped[str] = mapped_column(String(16), primary_key=True)
    curp: Mapped[str] = mapped_column(String(18), index=True)
    first_names: Mapped[str] = mapped_column(String(120))
    first_surname: Mapped[str] = mapped_column(String(120))
    second_surname: Mapped[str] = mapped_column(String(120), default="")
    prematricula: Mapped[str] = mapped_column(String(16), default="")
    folio: Mapped[str] = mapped_column(String(32), default="")
    campus_code: Mapped[str] = mapped_column(String(16), default="")
    campus_name: Mapped[str] = mapped_column(String(200), default="")
    group_code: Mapped[str] = mapped_column(String(40), default="")
    career: Mapped[str] = mapped_column(String(200), default="")
    semester: Mapped[int | None] = mapped_column(Integer, nullable=True)
    institutional_email: Mapped[str] = mapped_column(String(200), default="")
    health_institution: Mapped[str] = mapped_column(String(200), default="")
    affiliation_number: Mapped[str] = mapped_column(String(32), default="")
    status: Mapped[str] = mapped_column(String(16))
    valid_until: Mapped[date | None] = mapped_column(Date, nullable=True)
    comment: Mapped[str] = mapped_column(Text, default="")
    print_order: Mapped[int | None] = mapped_column(Integer, nullable=True)
    reprint_count: Mapped[int] = mapped_column(Integer, default=0)
    biometrics_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    status_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    sae_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    photo_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    signature_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    delivery_signature_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    temporary_returned: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    server_state: Mapped[dict | None] = mapped_column(JSON, nullable=True)

    __table_args__ = (
        Index("ix_students_campus_status", "campus_code", "status"),
        Index("ix_students_campus_group_status", "campus_code", "group_code", "status"),
    )


class BlobRow(Base):
    """An encrypted biometric: ``sha256`` (hex) of the *plaintext*, ``kind``
    (``photo`` JPEG, ``signature`` strokes JSON, ``signature_png``,
    ``delivery_signature``, ``delivery_signature_png``), ``sealed`` bytes
    (see :mod:`station.store.crypto`), ``uploaded`` once the server has it."""

    __tablename__ = "blobs"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    matricula: Mapped[str] = mapped_column(String(16), index=True)
    size: Mapped[int] = mapped_column(Integer)
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    uploaded: Mapped[bool] = mapped_column(Boolean, default=False)


class AuditRow(Base):
    """One audit event (DESIGN.md §3): who, station, when, from→to, comment."""

    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(32), unique=True)
    matricula: Mapped[str] = mapped_column(String(16), index=True)
    command: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str | None] = mapped_column(String(16), nullable=True)
    to_status: Mapped[str | None] = mapped_column(String(16), nullable=True)
    username: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(16))
    station_id: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    comment: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[dict] = mapped_column(JSON, default=dict)


class OutboxRow(Base):
    """A command waiting for (or done with) the server (DESIGN.md §4).

    ``seq`` is the per-station sequence; ``op_id`` the idempotency key (ULID);
    ``state``: ``pending`` → ``done`` or ``incidencia`` (refused by the
    server, ``server_reason`` in Spanish, data kept); ``resolved`` once a
    supervisor dealt with an incidencia.
    """

    __tablename__ = "outbox"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    op_id: Mapped[str] = mapped_column(String(32), unique=True)
    station_id: Mapped[str] = mapped_column(String(64))
    command: Mapped[str] = mapped_column(String(32))
    matricula: Mapped[str] = mapped_column(String(16), index=True)
    expected_status: Mapped[str | None] = mapped_column(String(16), nullable=True)
    payload: Mapped[dict] = mapped_column(JSON)
    blob_sha256s: Mapped[list] = mapped_column(JSON, default=list)
    username: Mapped[str] = mapped_column(String(120), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    state: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    server_reason: Mapped[str] = mapped_column(Text, default="")
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class SettingRow(Base):
    """Key/value settings kept with the cache (sync cursor, last success…)."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[dict | list | str | int | float | None] = mapped_column(JSON, nullable=True)
