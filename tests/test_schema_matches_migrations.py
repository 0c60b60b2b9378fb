"""The ORM models are what the migrations build (issue 12 item 1): Alembic's autogenerate
comparison between a database migrated to head and each side's ``Base.metadata`` finds
nothing to do, declared column types and lengths included — on the station's SQLCipher
cache, and on the server's SQLite and PostgreSQL. Building the student columns from the field table (station.domain.fields) must
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
    """Types too, declared lengths included: SQLite enforces no VARCHAR length, but its declared
    schema says the same as PostgreSQL's and the models (0010_sqlite_field_lengths)."""
    from server.db.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'servidor.sqlite3'}"
    upgrade(url)
    engine = create_engine(url)
    try:
        assert _differences(engine, _server_metadata()) == []
    finally:
        engine.dispose()


def _rows(engine, tables) -> dict:
    with engine.connect() as conn:
        return {t: sorted(map(tuple, conn.exec_driver_sql(f"SELECT * FROM {t}").all())) for t in tables}


def test_sqlite_table_rebuild_keeps_rows_references_triggers_and_the_audit_chain(tmp_path, capsys):
    """0010 rebuilds ``campuses``, ``students`` and ``sae_records`` on SQLite: from a database
    at 0009 holding students, an SAE record, a print order that refers to students and a chained
    audit, the upgrade keeps every row, every reference and index, the append-only triggers,
    and ``audit verify`` still passes; the downgrade does the same the other way."""
    from alembic import command
    from sqlalchemy import inspect

    from server.cli import main
    from server.db.migrate import alembic_config, upgrade
    from server.testing import seed

    url = f"sqlite:///{tmp_path / 'servidor.sqlite3'}"
    seed(url, "Contraseña-de-prueba-10", students=12, campuses=2, seed=1010)
    command.downgrade(alembic_config(url), "0009_audit_chain")
    engine = create_engine(url)
    tables = ("campuses", "students", "sae_records", "print_orders", "print_order_items", "audit_events")
    with engine.begin() as conn:
        assert conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = 'students'").scalar().count(
            "VARCHAR(160)") == 3  # career, institutional_email, health_institution: the old lengths
        student = conn.exec_driver_sql("SELECT * FROM students LIMIT 1").mappings().one()
        sae = {k: student[k] for k in ("matricula", "curp", "folio", "prematricula", "first_names", "first_surname",
                                       "second_surname", "campus_code", "campus_name", "group_code", "career",
                                       "institutional_email", "health_institution", "affiliation_number")}
        conn.exec_driver_sql("DELETE FROM sae_records WHERE matricula = ?", (sae["matricula"],))
        conn.exec_driver_sql(f"INSERT INTO sae_records ({', '.join(sae)}, enrolled, semester, source, imported_at) "
                             f"VALUES ({', '.join('?' * len(sae))}, 1, 2, 'prueba', '2026-01-01 00:00:00')",
                             tuple(sae.values()))
        conn.exec_driver_sql("INSERT INTO print_orders (number, status, campuses, student_count, created_by, "
                             "created_at, updated_at) VALUES (9010, 'REQUESTED', '[]', 1, 'estatal', "
                             "'2026-01-01 00:00:00', '2026-01-01 00:00:00')")
        conn.exec_driver_sql("INSERT INTO print_order_items (order_number, matricula) VALUES (9010, ?)",
                             (student["matricula"],))
    before = _rows(engine, tables)
    indexes = {t: sorted(i["name"] for i in inspect(engine).get_indexes(t)) for t in tables[:3]}
    triggers = engine.connect().exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'").all()
    engine.dispose()
    assert before["audit_events"] and before["print_order_items"] and len(before["students"]) == 12

    for step in (lambda: upgrade(url), lambda: command.downgrade(alembic_config(url), "0009_audit_chain"),
                 lambda: upgrade(url)):
        step()
        engine = create_engine(url)
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
            assert conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'").all() == triggers
        assert _rows(engine, tables) == before
        assert {t: sorted(i["name"] for i in inspect(engine).get_indexes(t)) for t in tables[:3]} == indexes
        engine.dispose()
        assert main(["audit", "verify", "--db", url]) == 0, capsys.readouterr()
    engine = create_engine(url)
    try:
        assert _differences(engine, _server_metadata()) == []
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
