"""Retention (issue 14 §2): acknowledged biometrics and other planteles' records leave the station."""
from datetime import timedelta

from sqlalchemy import update

from station.domain.demo import generate_students, make_campuses
from station.store import LocalStore
from station.store.db import backup_file, migration_backups
from station.store.retention import holdings, purge
from station.store.schema import BlobRow, OutboxRow

from .conftest import KEY, NOW, fake_jpeg, fake_png
from station.domain.demo import DEMO_CONSENT


def _capture(store, actor, matricula, when):
    return store.execute("capture", matricula, actor, dict(DEMO_CONSENT), now=when,
                         blobs={"photo": fake_jpeg(), "signature": b'{"s": "%s"}' % matricula.encode(),
                                "signature_png": fake_png()})


def test_acknowledged_old_biometrics_and_other_planteles_are_purged(tmp_path, operator):
    store = LocalStore(tmp_path / "e.sqlite3", KEY, "EST-001-01")
    campuses = make_campuses(2)
    store.upsert_students(generate_students(20, campuses, seed=3))
    mine = [s.matricula for s in store.find_students(campus="001")]
    other = [s.matricula for s in store.find_students(campus="002")]
    old = _capture(store, operator, mine[0], NOW - timedelta(days=40))       # acknowledged, 40 days old
    fresh = _capture(store, operator, mine[1], NOW - timedelta(days=2))      # acknowledged, recent
    pending = _capture(store, operator, mine[2], NOW - timedelta(days=40))   # old but not yet accepted
    foreign = _capture(store, operator.__class__(operator.username, operator.role, frozenset({"002"})),
                       other[0], NOW - timedelta(days=1))
    with store.session() as s, s.begin():
        s.execute(update(BlobRow).values(uploaded=True))
        s.execute(update(OutboxRow).where(OutboxRow.matricula != pending.matricula).values(state="done"))
    result = purge(store, 30, ["001"], now=NOW)
    assert store.get_blob(old.photo_sha256) is None
    assert store.get_blob(fresh.photo_sha256) is not None
    assert store.get_blob(pending.photo_sha256) is not None                  # still needed for the push
    assert store.get_student(foreign.matricula) is None and store.get_blob(foreign.photo_sha256) is None
    assert all(store.get_student(m) is None for m in other)
    assert store.get_student(old.matricula) is not None                      # own plantel's record stays
    assert result == {"biometrics": 6, "students": len(other)}
    held = holdings(store, now=NOW)
    assert held["biometrics"] == 6 and held["students"] == len(mine) and held["pending"] == 1
    store.close()


def test_only_the_last_two_migration_copies_are_kept(tmp_path):
    from station.store.crypto import page_key

    path = tmp_path / "e.sqlite3"
    LocalStore(path, KEY, "E").close()
    for label in ("a", "b", "c", "d"):
        backup_file(path, label, page_key(KEY))
    copies = migration_backups(path)
    assert [c.name.split(".antes-")[1].split("-")[0] for c in copies] == ["c", "d"]
    assert all(c.stat().st_mode & 0o777 == 0o600 for c in copies)
