"""Alembic environment for the central server (run via :mod:`server.db.migrate`)."""
from __future__ import annotations

from alembic import context
from sqlalchemy import pool

from server.db.engine import make_engine
from server.db.models import Base
import server.mail.models  # noqa: F401  (mail tables join Base.metadata)
import server.sync.models  # noqa: F401
import server.requests.models  # noqa: F401  (request tables)
import server.accounts.models  # noqa: F401  (institutional accounts; without it autogenerate drops their tables)

config = context.config
target_metadata = Base.metadata


def run_migrations_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
