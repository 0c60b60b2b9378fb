"""The audit and the access log are append-only and hash-chained (issue 13 item 7), on SQLite and
PostgreSQL: the database refuses UPDATE and DELETE, an edited or removed row is named by
``credencializacion-server audit verify``, and concurrent writers never fork the chain."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from station.domain import Actor, Role

from server.cli import main
from server.db.chain import GENESIS
from server.db.engine import make_engine, make_session_factory, run_transaction
from server.db.migrate import upgrade
from server.db.models import AccessLogRow, AuditRow
from server.services.access import record_read
from server.services.admin import audit
from server.services.students import utcnow
from server.testing import seed
from tests.server.conftest import PASSWORD

ADMIN = Actor("admin", Role.ADMIN, station_id="EST-9")


@pytest.fixture
def db(fresh_url):
    """A seeded database of each kind with audit rows and logged reads; yields ``(url, factory)``."""
    seed(fresh_url, PASSWORD, students=0, campuses=1)
    engine = make_engine(fresh_url, pool_size=10)
    factory = make_session_factory(engine)
    for i in range(5):
        def work(s, i=i):
            audit(s, ADMIN, "user", f"u{i}", "create_user", comment=f"alta «{i}» ñ", details={"n": i, "x": [1, "á"]})
            record_read(s, username="estatal", role="STATE_OFFICE", station_id="", address="10.0.0.1",
                        resource="student", matriculas=[f"1800100{i:02d}-1"], fields=["curp"], now=utcnow())
        run_transaction(factory, work)
    yield fresh_url, factory
    engine.dispose()


def _verify(url, capsys):
    code = main(["audit", "verify", "--db", url])
    out = capsys.readouterr()
    return code, out.out + out.err


def _middle_id(factory, model=AuditRow) -> int:
    with factory() as s:
        ids = list(s.scalars(select(model.id).order_by(model.id)))
    return ids[len(ids) // 2]


def _as_superuser(factory, sql: str, table: str = "audit_events") -> None:
    """Run ``sql`` with the append-only triggers out of the way, as only a database superuser can."""
    with factory() as s, s.begin():
        if s.get_bind().dialect.name == "postgresql":
            s.execute(text("SET LOCAL session_replication_role = replica"))  # superuser only: triggers off
        else:
            s.execute(text(f"DROP TRIGGER {table}_no_update"))
            s.execute(text(f"DROP TRIGGER {table}_no_delete"))
        s.execute(text(sql))


def test_verify_passes_on_a_populated_database(db, capsys):
    url, factory = db
    code, out = _verify(url, capsys)
    assert code == 0, out
    assert "cadena íntegra" in out
    with factory() as s:
        first = s.scalar(select(AuditRow).order_by(AuditRow.id).limit(1))
        assert first.prev_hash == GENESIS and len(first.row_hash) == 64
        assert s.scalar(select(func.count()).select_from(AccessLogRow)) == 5


@pytest.mark.parametrize("table", ["audit_events", "access_log"])
def test_update_and_delete_are_refused_by_the_database(db, capsys, table):
    url, factory = db
    for sql in (f"UPDATE {table} SET username = 'otro' WHERE id = (SELECT min(id) FROM {table})",
                f"DELETE FROM {table} WHERE id = (SELECT max(id) FROM {table})"):
        with factory() as s, pytest.raises(DBAPIError) as refused:
            with s.begin():
                s.execute(text(sql))
        assert "solo admite agregar registros" in str(refused.value)
    assert _verify(url, capsys)[0] == 0


def test_an_edited_audit_row_is_named(db, capsys):
    url, factory = db
    target = _middle_id(factory)
    _as_superuser(factory, f"UPDATE audit_events SET username = 'nadie' WHERE id = {target}")
    code, out = _verify(url, capsys)
    assert code == 1, out
    assert f"registro {target} de «audit_events»" in out and "fue modificado" in out


def test_a_deleted_audit_row_is_named_by_the_next_one(db, capsys):
    url, factory = db
    target = _middle_id(factory)
    _as_superuser(factory, f"DELETE FROM audit_events WHERE id = {target}")
    with factory() as s:
        after = s.scalar(select(func.min(AuditRow.id)).where(AuditRow.id > target))
    code, out = _verify(url, capsys)
    assert code == 1, out
    assert f"registro {after} de «audit_events» no enlaza" in out


def test_an_edited_access_log_row_is_named(db, capsys):
    url, factory = db
    target = _middle_id(factory, AccessLogRow)
    _as_superuser(factory, f"UPDATE access_log SET matriculas = ' 180010099-1 ' WHERE id = {target}", "access_log")
    code, out = _verify(url, capsys)
    assert code == 1, out
    assert f"registro {target} de «access_log»" in out


def test_concurrent_writers_do_not_fork_the_chain(db, capsys):
    """Eight writers at once, each committing audit rows and logged reads: one chain, no two rows
    linked to the same predecessor."""
    url, factory = db
    writers, each = 8, 12
    barrier = threading.Barrier(writers)
    errors: list[BaseException] = []

    def writer(w: int) -> None:
        try:
            barrier.wait(timeout=60)
            for i in range(each):
                def work(s, i=i):
                    audit(s, ADMIN, "user", f"w{w}-{i}", "disable_user")
                    audit(s, ADMIN, "station", f"E{w}-{i}", "revoke_station")
                    record_read(s, username=f"op{w}", role="OPERATOR", station_id=f"E{w}", address="",
                                resource="photo", matriculas=["180010001-1"], fields=["photo"], now=utcnow())
                run_transaction(factory, work)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(writers)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert not errors, errors
    with factory() as s:
        for model in (AuditRow, AccessLogRow):
            links = list(s.scalars(select(model.prev_hash)))
            assert len(links) == len(set(links)), f"{model.__tablename__}: two rows follow the same row (a fork)"
        assert s.scalar(select(func.count()).select_from(AccessLogRow)) == 5 + writers * each
    code, out = _verify(url, capsys)
    assert code == 0, out


def test_rows_written_before_the_chain_existed_are_chained_by_the_migration(fresh_url, capsys):
    upgrade(fresh_url, "0008_mail_templates")
    engine = make_engine(fresh_url, pool_size=2)
    with engine.begin() as conn:
        for i in range(3):
            conn.execute(text("INSERT INTO audit_events (at, username, role, station_id, sender, entity, entity_id, "
                              "command, comment, change_seq, details) VALUES (:at, 'admin', 'ADMIN', '', 'admin', "
                              "'user', :e, 'create_user', '', :seq, :d)"),
                         {"at": utcnow(), "e": f"u{i}", "seq": i or None, "d": '{"rol": "operador"}'})
    engine.dispose()
    upgrade(fresh_url)
    code, out = _verify(fresh_url, capsys)
    assert code == 0, out
    assert "Auditoría: 3 registro(s)" in out


def test_verify_usage_errors_exit_2(tmp_path, capsys):
    garbage = tmp_path / "basura.sqlite3"
    garbage.write_bytes(b"esto no es una base de datos" * 100)
    code, out = _verify(f"sqlite:///{garbage}", capsys)
    assert code == 2 and "no se pudo leer la base de datos" in out and "Traceback" not in out
    try:  # no action: a usage error (argparse's SystemExit or the code main returns for it)
        code = main(["audit"])
    except SystemExit as exc:
        code = exc.code
    assert code == 2
