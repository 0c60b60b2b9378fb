"""Alembic migrations: from an empty file, and from the previous revision with data."""

from alembic.command import downgrade

from station.store import LocalStore, head_revision
from station.store.crypto import page_key
from station.store.db import _alembic_config, current_revision, make_engine, migrate

from .conftest import KEY, raw_connect


def test_empty_database_reaches_head(tmp_path):
    store = LocalStore(tmp_path / "a.sqlite3", KEY, "EST")
    assert current_revision(store.engine) == head_revision()
    assert store.migration_backup is None
    store.close()


def test_upgrade_from_previous_revision_keeps_data_and_copies_file(tmp_path):
    path = tmp_path / "b.sqlite3"
    engine = make_engine(path, page_key(KEY))
    migrate(engine, path, revision="0001")
    db = raw_connect(path)
    db.execute(
        "insert into students (matricula, curp, first_names, first_surname, second_surname, prematricula, folio,"
        " campus_code, campus_name, group_code, career, institutional_email, health_institution,"
        " affiliation_number, status, comment, reprint_count) values"
        " ('180010051-1','AAMY021208HDFLLHA4','YAHIR ALEXIS','ALBARRÁN','MALDONADO','180010051','340100337',"
        " '001','Ciudad Azteca','102-ELIN18','PT-B','y@conalepmex.edu.mx','IMSS','26180366723','CAPTURED','',0)")
    db.commit()
    db.close()
    engine.dispose()

    store = LocalStore(path, KEY, "EST")
    assert current_revision(store.engine) == head_revision()
    student = store.get_student("180010051-1")
    assert student.first_surname == "ALBARRÁN" and student.status.value == "CAPTURED"
    assert store.migration_backup is not None and store.migration_backup.exists()
    copy = raw_connect(store.migration_backup)
    assert copy.execute("select version_num from alembic_version").fetchone()[0] == "0001"
    assert copy.execute("select count(*) from students").fetchone()[0] == 1
    copy.close()
    store.close()


def test_downgrade_and_upgrade_again(tmp_path):
    path = tmp_path / "c.sqlite3"
    store = LocalStore(path, KEY, "EST")
    cfg = _alembic_config()
    with store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        downgrade(cfg, "0001")
    assert current_revision(store.engine) == "0001"
    store.close()
    again = LocalStore(path, KEY, "EST")
    assert current_revision(again.engine) == head_revision()
    again.close()
