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


def _sqlite_foreign_keys(connection, on: bool) -> None:
    """Turn SQLite's foreign-key enforcement on or off. Only outside a transaction (inside one
    SQLite ignores it), so on the driver's connection, which runs in autocommit mode."""
    connection.connection.driver_connection.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


def _check_sqlite_foreign_keys(connection) -> None:
    """Raise (the transaction then rolls back) when the migrations left a dangling reference."""
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise RuntimeError(f"La migración dejó {len(broken)} referencias rotas (tabla {broken[0][0]}); "
                           "no se aplicó.")


def run_migrations_online() -> None:
    """Migrate in one transaction. On SQLite, a ``batch_alter_table`` rebuild drops a table other
    tables may refer to (``students`` ← ``print_order_items``): as SQLite's documented procedure
    for table rebuilds says, foreign keys are off while the migrations run and
    ``PRAGMA foreign_key_check`` must find nothing before the transaction commits."""
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            _sqlite_foreign_keys(connection, False)
        try:
            context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
            with context.begin_transaction():
                context.run_migrations()
                if sqlite:
                    _check_sqlite_foreign_keys(connection)
        finally:
            if sqlite:
                _sqlite_foreign_keys(connection, True)
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
