"""Hash-chained, append-only tables (issue 13 item 7; DESIGN.md §10).

Each row of a chained table (``audit_events``, ``access_log``) stores
``prev_hash`` — the ``row_hash`` of the row before it (:data:`GENESIS` for
the first) — and ``row_hash = SHA-256(prev_hash + "\\n" + canonical JSON of
the row's content)`` (:func:`row_digest`; content = the columns named in the
model's ``CHAIN_FIELDS``, times as ISO-8601 UTC with microseconds, JSON
values re-read as JSON). Editing, inserting or deleting a row in the middle
breaks the link to it or from it; :func:`verify_chain` finds the first
broken row. Database triggers (migration ``0009_audit_chain``) refuse
UPDATE and DELETE, so editing needs a superuser who disables them first.

Writers never compute anything themselves: they ``session.add`` rows as
usual. The rows are held back from every flush and inserted when the
session commits (a ``before_commit`` hook), after the chain lock was taken —
``pg_advisory_xact_lock`` on PostgreSQL (released by the COMMIT right after),
the write lock SQLite's ``BEGIN IMMEDIATE`` already holds. Two concurrent
writers therefore never read the same last hash (no fork), and the lock is
held only for "read last hash, insert, commit", never across a command's
other work. Rows of one chain enter it in the order they were added.

A session that needs a chained row's ``id`` before commit cannot have it:
it is assigned at the insert, at commit.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any, Iterator

from sqlalchemy import event, select, text
from sqlalchemy.orm import Session

#: ``prev_hash`` of the first row of every chain.
GENESIS = "0" * 64
_PENDING = "chain_pending"
_SEALING = "chain_sealing"


class Chained:
    """Mixin marker of a chained model: it defines ``CHAIN_FIELDS`` (column names whose
    values are hashed, in any order), ``id``, ``prev_hash`` and ``row_hash`` columns."""

    CHAIN_FIELDS: tuple[str, ...] = ()


def _canonical_value(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc).isoformat(timespec="microseconds")
    if isinstance(value, (dict, list)):
        return json.loads(json.dumps(value, ensure_ascii=False))  # as it reads back from a JSON column
    return value


def canonical_content(row: Chained) -> str:
    """Canonical JSON (sorted keys, no spaces, UTF-8 text) of ``row``'s ``CHAIN_FIELDS``."""
    content = {name: _canonical_value(getattr(row, name)) for name in row.CHAIN_FIELDS}
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def row_digest(prev_hash: str, row: Chained) -> str:
    """SHA-256 hex of ``prev_hash + "\\n" + canonical_content(row)``."""
    return hashlib.sha256(f"{prev_hash}\n{canonical_content(row)}".encode("utf-8", "surrogatepass")).hexdigest()


@lru_cache(maxsize=None)
def lock_key(table: str) -> int:
    """The signed 64-bit PostgreSQL advisory-lock key of ``table``'s chain."""
    return int.from_bytes(hashlib.sha256(f"chain:{table}".encode()).digest()[:8], "big", signed=True)


_LAST_HASH: dict[type, Any] = {}
_ADVISORY_LOCK = text("SELECT pg_advisory_xact_lock(:k)")


def last_hash(session: Session, model: type) -> str:
    """``row_hash`` of the newest row of ``model``'s table (:data:`GENESIS` when empty)."""
    statement = _LAST_HASH.get(model)
    if statement is None:  # built once per chained table (Core, compiled form cached)
        table = model.__table__
        statement = _LAST_HASH[model] = select(table.c.row_hash).order_by(table.c.id.desc()).limit(1)
    return session.connection().scalar(statement) or GENESIS


def apply_defaults(row: Chained) -> None:
    """Fill unset columns with their Python-side defaults now, so the hash covers the
    values the INSERT will store (``default=""``, ``default=dict`` …)."""
    for column in row.__table__.columns:
        default = column.default
        if default is None or getattr(row, column.key, None) is not None:
            continue
        if default.is_scalar:
            setattr(row, column.key, default.arg)
        elif default.is_callable:
            setattr(row, column.key, default.arg(None))


def _hold_back(session: Session, _flush_context, _instances) -> None:
    """``before_flush``: chained rows wait for the commit (see module docstring)."""
    if session.info.get(_SEALING):
        return
    held = [obj for obj in session.new if isinstance(obj, Chained)]
    if held:
        held.sort(key=lambda o: getattr(o, "_sa_instance_state").insert_order or 0)
        pending = session.info.setdefault(_PENDING, [])
        for obj in held:
            session.expunge(obj)
            pending.append(obj)


def _seal(session: Session) -> None:
    """``before_commit``: take each chain's lock, link the held rows and insert them."""
    if session.info.get(_SEALING):
        return
    pending = session.info.pop(_PENDING, [])
    fresh = [obj for obj in session.new if isinstance(obj, Chained)]
    fresh.sort(key=lambda o: getattr(o, "_sa_instance_state").insert_order or 0)
    for obj in fresh:
        session.expunge(obj)
    pending += fresh
    if not pending:
        return
    postgres = session.get_bind().dialect.name == "postgresql"
    by_model: dict[type, list] = {}
    for obj in pending:
        by_model.setdefault(type(obj), []).append(obj)
    session.info[_SEALING] = True
    try:
        session.flush()  # every other write first: the lock is held only for the chain's own insert
        for model in sorted(by_model, key=lambda m: m.__tablename__):  # one lock order for every writer
            if postgres:
                session.connection().execute(_ADVISORY_LOCK, {"k": lock_key(model.__tablename__)})
            prev = last_hash(session, model)
            for obj in by_model[model]:
                apply_defaults(obj)
                obj.prev_hash = prev
                obj.row_hash = prev = row_digest(prev, obj)
                session.add(obj)
            session.flush()
    finally:
        session.info.pop(_SEALING, None)


def _forget(session: Session, *_args) -> None:
    """After a rollback the held rows are gone with the rest of the transaction."""
    session.info.pop(_PENDING, None)
    session.info.pop(_SEALING, None)


event.listen(Session, "before_flush", _hold_back)
event.listen(Session, "before_commit", _seal)
event.listen(Session, "after_rollback", _forget)
event.listen(Session, "after_soft_rollback", _forget)


@dataclass(frozen=True)
class ChainBreak:
    """The first broken row of a chain: its ``id`` and the Spanish ``reason``."""

    table: str
    row_id: int
    reason: str


def walk(session: Session, model: type, batch: int = 2000) -> Iterator[tuple[int, ChainBreak | None]]:
    """Yield ``(rows checked so far, break or None)`` for each row of ``model`` in ``id`` order
    (read in batches of ``batch``, so a long chain does not fill memory)."""
    prev = GENESIS
    after = None
    count = 0
    table = model.__tablename__
    while True:
        query = select(model).order_by(model.id).limit(batch)
        if after is not None:
            query = query.where(model.id > after)
        rows = list(session.scalars(query))
        if not rows:
            return
        for row in rows:
            count += 1
            if row.prev_hash != prev:
                yield count, ChainBreak(table, row.id, (
                    f"el registro {row.id} de «{table}» no enlaza con el registro anterior: se borró, insertó o "
                    f"modificó un registro entre ambos"))
                return
            if row.row_hash != row_digest(prev, row):
                yield count, ChainBreak(table, row.id, (
                    f"el contenido del registro {row.id} de «{table}» no coincide con su huella: fue modificado "
                    f"después de escribirse"))
                return
            yield count, None
            prev = row.row_hash
        after = rows[-1].id
        session.expunge_all()


def verify_chain(session: Session, model: type) -> tuple[int, ChainBreak | None]:
    """Walk ``model``'s chain; return ``(rows checked, first break or None)``."""
    checked = 0
    for checked, broken in walk(session, model):
        if broken is not None:
            return checked, broken
    return checked, None
