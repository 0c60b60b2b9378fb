"""Opening and migrating the station's SQLite cache (DESIGN.md §4).

SQLite runs in WAL mode with ``synchronous=FULL``: a commit that returned
survives a killed process and a power cut (§9). Before Alembic changes an
existing file, the file is copied aside with SQLite's online backup API.
"""
from __future__ import annotations

import sqlite3
from datetime import datetime, timezone
from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
#: ``PRAGMA synchronous`` of every connection. FULL: WAL commits are fsynced, so a commit that
#: returned survives a power cut (proved by ``tests/store/test_powercut.py``, which also sets it
#: to OFF there to show the harness catches the difference).
SYNCHRONOUS = "FULL"


class StoreOpenError(RuntimeError):
    """The cache file cannot be opened or migrated. ``str()`` is Spanish."""


def make_engine(path: Path) -> Engine:
    """SQLAlchemy engine on ``path`` with WAL, ``synchronous=FULL``, foreign
    keys and a 5 s busy timeout on every connection."""
    engine = create_engine(f"sqlite:///{path}", connect_args={"check_same_thread": False, "timeout": 5.0})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record):  # pragma: no cover - exercised via every test
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={SYNCHRONOUS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()

    return engine


def _alembic_config() -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def head_revision() -> str:
    """The newest migration revision shipped with this build."""
    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (``None`` for an empty file)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def backup_file(path: Path, label: str) -> Path:
    """Copy ``path`` aside as ``<stem>.antes-<label>-<UTC time>.sqlite3`` using
    SQLite's backup API (consistent even with a WAL in use); returns the copy."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.stem}.antes-{label}-{stamp}.sqlite3")
    source = sqlite3.connect(path)
    try:
        dest = sqlite3.connect(target)
        try:
            source.backup(dest)
        finally:
            dest.close()
    finally:
        source.close()
    return target


def migrate(engine: Engine, path: Path | None = None, revision: str = "head") -> Path | None:
    """Upgrade the database to ``revision`` (default: head).

    When the file already holds data at an older revision, it is first
    copied aside with :func:`backup_file`; the copy's path is returned
    (``None`` when nothing was copied). Raises :class:`StoreOpenError` with
    a Spanish message if the migration fails; the copy stays.
    """
    current = current_revision(engine)
    target = head_revision() if revision == "head" else revision
    if current == target:
        return None
    copy = None
    if path is not None and current is not None and path.exists():
        copy = backup_file(path, f"rev{current}")
    cfg = _alembic_config()
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, target)
    except Exception as exc:  # any failure must name the backup, not lose it
        where = f" Se guardó una copia en {copy}." if copy else ""
        raise StoreOpenError(f"No se pudo actualizar la base de datos local: {exc}.{where}") from exc
    return copy
