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

from station.domain.fields import orm_columns


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


#: SQL type of each storage kind of the field table (``"string"`` is called with the max length).
SQL_TYPES = {"string": String, "text": Text, "integer": Integer, "boolean": Boolean, "date": Date,
             "datetime": UTCDateTime}

#: The student columns, built from the field table (station.domain.fields): type, length and
#: nullability come from each row; only the keys and indexes are said here.
StudentColumns = type("StudentColumns", (), orm_columns(mapped_column, SQL_TYPES, options={
    "matricula": {"primary_key": True}, "curp": {"index": True}}))


class StudentRow(StudentColumns, Base):
    """Columns of :class:`station.domain.Student` (from the field table) plus ``server_state``
    (the record as last pulled from the server, JSON, for replaying pending commands on top
    of it)."""

    __tablename__ = "students"
    # sort_order 1: after the field-table columns of the mixin, as the migrations lay the table out
    server_state: Mapped[dict | None] = mapped_column(JSON, nullable=True, sort_order=1)

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
