"""Alembic environment of the station cache; run programmatically by
:func:`station.store.db.migrate` with the connection in ``config.attributes``."""
from alembic import context

from station.store.schema import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
