"""Durability against a power cut, not only a killed process (DESIGN.md §9, issue 15).

The store runs in a child process over the power-cut VFS (:mod:`tests.powercut`):
whatever SQLite has not fsynced exists only in that process's memory, so
SIGKILL of the child leaves on disk exactly what a machine would keep after
losing power at that instant. With ``synchronous=FULL`` (the product's
setting) every capture whose commit returned survives; the inverse check runs
the same harness with ``synchronous=OFF`` and must lose captures — proof that
the harness can tell the difference (a plain SIGKILL cannot: the OS keeps the
written pages)."""
import os
import random
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from station.store import LocalStore

from .conftest import KEY, raw_connect, seeded_store_file

CHILD = Path(__file__).with_name("powercut_child.py")
CAPTURES = 60


@pytest.fixture(scope="module")
def seeded_db(tmp_path_factory):
    return seeded_store_file(tmp_path_factory.mktemp("seed") / "seed.sqlite3", CAPTURES)


def cut_after(db: Path, synchronous: str, commits: int) -> list[str]:
    """Run the child (``synchronous`` "" = the product's setting) until ``commits`` captures were acknowledged, then cut the power (SIGKILL)."""
    child = subprocess.Popen([sys.executable, str(CHILD), str(db), str(CAPTURES), synchronous],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "ready", child.stderr.read()
        acknowledged = []
        while len(acknowledged) < commits:
            line = child.stdout.readline().strip()
            assert line and line != "done", child.stderr.read()
            acknowledged.append(line)
        child.send_signal(signal.SIGKILL)  # the power cut: unsynced writes die with the process
    finally:
        child.kill()
        child.wait()
    return acknowledged


def on_disk(db: Path) -> tuple[str, set[str], set[str], set[str]]:
    raw = raw_connect(db)
    try:
        check = raw.execute("PRAGMA integrity_check").fetchone()[0]
        captured = {m for (m,) in raw.execute("select matricula from students where status='CAPTURED'")}
        outbox = {m for (m,) in raw.execute("select matricula from outbox where command='capture'")}
        photos = {m for (m,) in raw.execute("select matricula from blobs where kind='photo'")}
    finally:
        raw.close()
    return check, captured, outbox, photos


@pytest.mark.slow
def test_power_cut_loses_no_acknowledged_capture(tmp_path, seeded_db):
    rng = random.Random(1511)
    for run in range(4):
        db = tmp_path / f"full{run}.sqlite3"
        shutil.copy(seeded_db, db)
        acknowledged = cut_after(db, "", rng.randint(5, CAPTURES - 5))
        check, captured, outbox, photos = on_disk(db)
        assert check == "ok"
        assert set(acknowledged) <= captured, f"run {run}: lost {set(acknowledged) - captured}"
        assert captured == outbox == photos  # record, outbox command and blobs together or not at all
        assert len(captured) - len(acknowledged) <= 1  # at most the one in flight
        store = LocalStore(db, KEY, "EST-001-01")  # opens (and migrates) after the cut
        try:
            assert store.pending_count() == len(captured)
        finally:
            store.close()


@pytest.mark.slow
def test_harness_catches_synchronous_off(tmp_path, seeded_db):
    db = tmp_path / "off.sqlite3"
    shutil.copy(seeded_db, db)
    acknowledged = cut_after(db, "OFF", 20)
    check, captured, _outbox, _photos = on_disk(db)
    assert check == "ok"
    assert set(acknowledged) - captured, "synchronous=OFF lost nothing: the harness cannot see a power cut"
