"""The ORM models are what the migrations build (issue 12 item 1): Alembic's autogenerate
comparison between a database migrated to head and each side's ``Base.metadata`` finds
nothing to do — on the station's SQLCipher cache, and on the server's SQLite and
PostgreSQL. Building the student columns from the field table (station.domain.fields) must
not change the schema; neither may any model edit that forgets its migration."""
from __future__ import annotations

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine


def _differences(engine, metadata, compare_type: bool = True) -> list:
    """Alembic's autogenerate diff between ``engine``'s schema and ``metadata``."""
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": compare_type})
        return compare_metadata(context, metadata)


def _server_metadata():
    """The server's metadata with every model module loaded (as server/migrations/env.py does)."""
    import server.accounts.models  # noqa: F401
    import server.mail.models  # noqa: F401
    import server.requests.models  # noqa: F401
    import server.sync.models  # noqa: F401
    from server.db.models import Base

    return Base.metadata


def test_alembic_environment_loads_every_model_module():
    """A model module the migrations environment does not import is a set of tables autogenerate
    would propose to drop."""
    from pathlib import Path

    import server

    env = (Path(server.__file__).parent / "migrations" / "env.py").read_text(encoding="utf-8")
    for module in ("server.accounts.models", "server.mail.models", "server.requests.models", "server.sync.models"):
        assert f"import {module}" in env, module


def test_station_cache_schema_is_the_orm(tmp_path):
    from station.store import LocalStore
    from station.store.schema import Base

    store = LocalStore(tmp_path / "estacion.sqlite3", os.urandom(32), "EST-1")
    try:
        assert _differences(store.engine, Base.metadata) == []
    finally:
        store.close()


def test_server_sqlite_schema_is_the_orm(tmp_path):
    """Types are not compared on SQLite: it enforces no VARCHAR length, and the migration that
    brought the lengths into agreement (0003_field_lengths) altered PostgreSQL only."""
    from server.db.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'servidor.sqlite3'}"
    upgrade(url)
    engine = create_engine(url)
    try:
        assert _differences(engine, _server_metadata(), compare_type=False) == []
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_server_postgresql_schema_is_the_orm():
    from server.db.migrate import upgrade
    from server.testing import drop_pg_database
    from tests.server.conftest import pg_or_skip

    url = pg_or_skip()
    try:
        upgrade(url)
        engine = create_engine(url)
        try:
            assert _differences(engine, _server_metadata()) == []
        finally:
            engine.dispose()
    finally:
        drop_pg_database(url)
