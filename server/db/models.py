"""SQLAlchemy 2 models of the central server (DESIGN.md §3–§5).

Times are stored timezone-aware (UTC) and always read back aware, also on
SQLite (:class:`UtcDateTime`). The ``students`` table mirrors
:class:`station.domain.Student` column by column plus ``change_seq``: a
server change number (BIGINT, unique, indexed) taken from the ``counters``
row ``change_seq`` while that row is locked until commit, so numbers commit
in order — the basis of the future ``GET /changes?since=`` feed (DESIGN §4).
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON, BigInteger, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, TypeDecorator,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from station.domain.fields import NO_DEFAULT, SAE_FIELDS, orm_columns
from server.db.chain import Chained

BigId = BigInteger().with_variant(Integer, "sqlite")


class UtcDateTime(TypeDecorator):
    """``DateTime(timezone=True)`` that always returns aware UTC values.

    Raises ``ValueError`` when given a naive datetime (a programming error)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class Base(DeclarativeBase):
    """Declarative base; ``Base.metadata`` is Alembic's target."""


class Campus(Base):
    """A plantel: ``code`` (e.g. ``"001"``) and ``name`` ("Ciudad Azteca")."""

    __tablename__ = "campuses"
    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))


class User(Base):
    """A person who signs in. ``role`` is a :class:`station.domain.Role` code;
    ``campuses`` the plantel scope (list of campus codes)."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    display_name: Mapped[str] = mapped_column(String(160), default="")
    campuses: Mapped[list] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Token(Base):
    """A bearer token; only its SHA-256 is stored. Revocable, with expiry."""

    __tablename__ = "tokens"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    station_id: Mapped[str] = mapped_column(String(64), default="")
    address: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


class LoginFailure(Base):
    """One sign-in attempt, for rate limiting per user and per address: ``pending``
    while its password is being checked (deleted when it succeeds), a failure once
    it failed (``pending`` false, ``at`` the time of the failure)."""

    __tablename__ = "login_failures"
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(80))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    pending: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (Index("ix_login_failures_username_at", "username", "at"),
                      Index("ix_login_failures_address_at", "address", "at"))


class Station(Base):
    """A registered enrollment station: ``station_id`` and its Ed25519 public
    key (raw 32 bytes, base64), used to verify signed credential QR codes."""

    __tablename__ = "stations"
    station_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    public_key: Mapped[str] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(String(200), default="")
    registered_by: Mapped[str] = mapped_column(String(80))
    registered_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    #: Planteles this station serves (empty: any plantel of the users signing in).
    campuses: Mapped[list] = mapped_column(JSON, default=list)


class UsedChallenge(Base):
    """A sign-in challenge already answered (one use only; rows older than the
    challenge lifetime are purged)."""

    __tablename__ = "used_challenges"
    nonce: Mapped[str] = mapped_column(String(64), primary_key=True)
    used_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


class StationKey(Base):
    """Every Ed25519 key a station has had (issue 14 §5): ``key_id`` (16 hex
    digits of SHA-256 of the raw key, as in the QR), credentials issued in
    ``[valid_from, valid_until)`` verify; ``revoked_at``: the key is withdrawn."""

    __tablename__ = "station_keys"
    key_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    station_id: Mapped[str] = mapped_column(String(64), index=True)
    public_key: Mapped[str] = mapped_column(String(64))
    valid_from: Mapped[datetime] = mapped_column(UtcDateTime)
    valid_until: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)


#: SQL type of each storage kind of the field table (``"string"`` is called with the max length).
SQL_TYPES = {"string": String, "text": Text, "integer": Integer, "boolean": Boolean, "date": Date,
             "datetime": UtcDateTime}

#: The student columns, built from the field table (station.domain.fields): type, length and
#: nullability come from each row; only keys, indexes and the plantel's required value are said here.
StudentColumns = type("StudentColumns", (), orm_columns(mapped_column, SQL_TYPES, options={
    "matricula": {"primary_key": True}, "curp": {"index": True},
    "campus_code": {"index": True, "default": NO_DEFAULT}, "status": {"index": True},
    "print_order": {"index": True}}))


class StudentRow(StudentColumns, Base):
    """One student's record: the columns of :class:`station.domain.Student` (from the field
    table) plus ``change_seq`` and server timestamps."""

    __tablename__ = "students"
    # sort_order 1: after the field-table columns of the mixin, as the migrations lay the table out
    change_seq: Mapped[int] = mapped_column(BigInteger, unique=True, index=True, sort_order=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, sort_order=1)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, sort_order=1)

    __table_args__ = (Index("ix_students_campus_group", "campus_code", "group_code"),
                      Index("ix_students_campus_status", "campus_code", "status"),
                      # the sync feed's per-plantel scan (migration 0002_sync); declared here so
                      # autogenerate does not propose dropping it
                      Index("ix_students_campus_change_seq", "campus_code", "change_seq"))


class AuditRow(Chained, Base):
    """Who did what (author ``username``, ``sender`` session user), from which station, when, from→to, with which comment
    (DESIGN §3 "Every transition writes an audit event"). ``entity`` is
    ``student``, ``print_order``, ``user``, ``station`` or ``sae_file``.

    Append-only and hash-chained (:mod:`server.db.chain`): rows are inserted
    at commit, the database refuses UPDATE and DELETE."""

    __tablename__ = "audit_events"
    CHAIN_FIELDS = ("at", "username", "role", "station_id", "sender", "entity", "entity_id", "command",
                    "from_status", "to_status", "comment", "change_seq", "details")
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    username: Mapped[str] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(20))
    station_id: Mapped[str] = mapped_column(String(64), default="")
    #: The signed-in user whose session sent the change (``username`` is its author).
    sender: Mapped[str] = mapped_column(String(80), default="")
    entity: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[str] = mapped_column(String(64))
    command: Mapped[str] = mapped_column(String(40))
    from_status: Mapped[str | None] = mapped_column(String(16), nullable=True)
    to_status: Mapped[str | None] = mapped_column(String(16), nullable=True)
    comment: Mapped[str] = mapped_column(Text, default="")
    change_seq: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64), nullable=True)
    row_hash: Mapped[str] = mapped_column(String(64), nullable=True)

    __table_args__ = (Index("ix_audit_entity", "entity", "entity_id"),)


class AccessLogRow(Chained, Base):
    """One read of personal data (issue 13 item 4): who (``username``, ``role``), from which
    station and address, when, what (``resource``: ``student``, ``student_list``, ``photo``,
    ``signature``, ``delivery_signature``, ``sae``, ``campus_xlsx``, ``changes``,
    ``account_slip``, ``account_export``), which students (``matriculas``: space-separated
    with a space at each end, so ``LIKE '% m %'`` finds one; ``students``: their number) and
    which ``fields``. Append-only and hash-chained like the audit."""

    __tablename__ = "access_log"
    CHAIN_FIELDS = ("at", "username", "role", "station_id", "address", "resource", "matriculas", "students",
                    "fields")
    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    username: Mapped[str] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(20))
    station_id: Mapped[str] = mapped_column(String(64), default="")
    address: Mapped[str] = mapped_column(String(64), default="")
    resource: Mapped[str] = mapped_column(String(40))
    matriculas: Mapped[str] = mapped_column(Text, default="")
    students: Mapped[int] = mapped_column(Integer, default=0)
    fields: Mapped[list] = mapped_column(JSON, default=list)
    prev_hash: Mapped[str] = mapped_column(String(64), nullable=True)
    row_hash: Mapped[str] = mapped_column(String(64), nullable=True)

    __table_args__ = (Index("ix_access_log_username_at", "username", "at"),)


class PrintOrder(Base):
    """A numbered print order (manual §2 Solicitado/Imprimiendo/Recibido)."""

    __tablename__ = "print_orders"
    number: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    status: Mapped[str] = mapped_column(String(16))
    campuses: Mapped[list] = mapped_column(JSON, default=list)
    student_count: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class PrintOrderItem(Base):
    """A student included in a print order (kept after reprints)."""

    __tablename__ = "print_order_items"
    order_number: Mapped[int] = mapped_column(ForeignKey("print_orders.number"), primary_key=True)
    matricula: Mapped[str] = mapped_column(ForeignKey("students.matricula"), primary_key=True, index=True)


#: The SAE record's columns: the matrícula and the fields a SAE export sets (SAE_FIELDS), from the field table.
SaeRecordColumns = type("SaeRecordColumns", (), orm_columns(mapped_column, SQL_TYPES, ("matricula", *SAE_FIELDS), {
    "matricula": {"primary_key": True}, "campus_code": {"default": NO_DEFAULT}}))


class SaeRecord(SaeRecordColumns, Base):
    """One row of the latest SAE export loaded on the server (manual §7): the SAE columns of the
    field table plus ``enrolled``, ``source`` and ``imported_at``."""

    __tablename__ = "sae_records"
    enrolled: Mapped[bool] = mapped_column(Boolean, sort_order=1)  # after the field-table columns
    source: Mapped[str] = mapped_column(String(255), default="", sort_order=1)
    imported_at: Mapped[datetime] = mapped_column(UtcDateTime, sort_order=1)


class Counter(Base):
    """Named counters (``change_seq``, ``print_order``). The row is updated
    with ``value = value + n`` so its lock serializes allocation until commit."""

    __tablename__ = "counters"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)
