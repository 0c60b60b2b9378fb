"""Alembic migrations run programmatically (the scripts ship as package data).

:func:`upgrade` brings a database to the newest schema and seeds the
counters; :func:`alembic_config` builds the Alembic configuration without an
``alembic.ini`` on disk, so it works from a wheel or a PyInstaller bundle.
"""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import select

from server.db.engine import make_engine, make_session_factory, normalize_url
from server.db.models import Counter

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
COUNTERS = ("change_seq", "print_order")


def alembic_config(url: str) -> Config:
    """Alembic ``Config`` for ``url`` with ``server/migrations`` as script location."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", normalize_url(url).replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    """Migrate the database at ``url`` to ``revision`` and make sure the counters exist."""
    command.upgrade(alembic_config(url), revision)
    engine = make_engine(url)
    try:
        factory = make_session_factory(engine)
        with factory() as session, session.begin():
            have = set(session.scalars(select(Counter.name)))
            for name in COUNTERS:
                if name not in have:
                    session.add(Counter(name=name, value=0))
    finally:
        engine.dispose()
