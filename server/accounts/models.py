"""Tables of institutional accounts (migration ``0003_accounts``).

- ``account_rules``: the naming rule per kind of person and plantel
  (``campus_code`` empty = the institution's default).
- ``account_batches``: one proposal run (a plantel's students lacking an
  address, an attached staff/graduate list, later an approved request of
  issue 19 through ``request_ref``).
- ``account_proposals``: one proposed address per person (unique address,
  unique person per kind) with its state ``proposed`` → ``created`` and the
  one-time password *sealed* (AES-256-GCM, key outside the database) until
  the slip is printed, then ``NULL``.
- ``directory_addresses``: addresses of the tenant's directory export, so
  new proposals never collide with accounts made outside this system.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.db.models import Base, UtcDateTime

PROPOSED = "proposed"
CREATED = "created"


class AccountRule(Base):
    """A naming rule (see :class:`server.accounts.naming.NamingRule`)."""

    __tablename__ = "account_rules"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))
    campus_code: Mapped[str] = mapped_column(String(16), default="")
    domain: Mapped[str] = mapped_column(String(253))
    template: Mapped[str] = mapped_column(String(200))
    org_unit: Mapped[str] = mapped_column(String(200), default="/{campus}")
    sign_in_url: Mapped[str] = mapped_column(String(200), default="https://portal.office.com")
    updated_by: Mapped[str] = mapped_column(String(80))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (UniqueConstraint("kind", "campus_code", name="uq_account_rules_kind_campus"),)


class AccountBatch(Base):
    """A proposal run: ``kind``, ``campus_code``, ``source`` (``plantel``,
    ``lista:<archivo>``, ``solicitud``), ``request_ref`` (issue 19 folio)."""

    __tablename__ = "account_batches"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))
    campus_code: Mapped[str] = mapped_column(String(16), index=True)
    source: Mapped[str] = mapped_column(String(255), default="")
    request_ref: Mapped[str] = mapped_column(String(64), default="")
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class AccountProposal(Base):
    """One person's proposed (then created) account."""

    __tablename__ = "account_proposals"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("account_batches.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    person_key: Mapped[str] = mapped_column(String(64))
    campus_code: Mapped[str] = mapped_column(String(16), index=True)
    given_names: Mapped[str] = mapped_column(String(120))
    first_surname: Mapped[str] = mapped_column(String(120), default="")
    second_surname: Mapped[str] = mapped_column(String(120), default="")
    birth_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    address: Mapped[str] = mapped_column(String(254), unique=True)
    base: Mapped[str] = mapped_column(String(64))
    collided: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default=PROPOSED, index=True)
    password_sealed: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    confirmed_by: Mapped[str] = mapped_column(String(80), default="")
    slip_printed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    slip_printed_by: Mapped[str] = mapped_column(String(80), default="")

    __table_args__ = (UniqueConstraint("kind", "person_key", name="uq_account_proposals_person"),)


class DirectoryAddress(Base):
    """An address that exists in the tenant (from its directory export)."""

    __tablename__ = "directory_addresses"
    address: Mapped[str] = mapped_column(String(254), primary_key=True)
    source: Mapped[str] = mapped_column(String(255), default="")
    loaded_at: Mapped[datetime] = mapped_column(UtcDateTime)
