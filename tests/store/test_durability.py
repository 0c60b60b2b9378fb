"""Durability (DESIGN.md §9): a process killed with SIGKILL mid-save loses no
committed capture and leaves no half-written one."""
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from station.store import LocalStore

from .conftest import KEY, raw_connect, seeded_store_file

CHILD = Path(__file__).with_name("capture_child.py")
RUNS = 20
CAPTURES = 200


@pytest.fixture(scope="module")
def seeded_db(tmp_path_factory):
    return seeded_store_file(tmp_path_factory.mktemp("seed") / "seed.sqlite3", CAPTURES)


def _kill_at_random_moment(db: Path, rng: random.Random) -> list[str]:
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    child = subprocess.Popen([sys.executable, str(CHILD), str(db), str(CAPTURES)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, env=env, text=True)
    committed: list[str] = []
    assert child.stdout.readline().strip() == "ready", child.stderr.read()
    target = rng.randint(0, CAPTURES - 1)
    os.set_blocking(child.stdout.fileno(), True)
    while len(committed) < target:
        line = child.stdout.readline().strip()
        if not line or line == "done":
            break
        committed.append(line)
    time.sleep(rng.random() * 0.01)  # land anywhere inside the next save
    child.send_signal(signal.SIGKILL)
    child.wait()
    committed.extend(l for l in child.stdout.read().split() if l not in ("done",))
    return committed


@pytest.mark.slow
def test_sigkill_during_captures_loses_nothing(tmp_path, seeded_db):
    rng = random.Random(20261121)
    for run in range(RUNS):
        db = tmp_path / f"run{run}.sqlite3"
        shutil.copy(seeded_db, db)
        committed = _kill_at_random_moment(db, rng)

        raw = raw_connect(db)
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        captured = {m for (m,) in raw.execute("select matricula from students where status='CAPTURED'")}
        outbox = {m for (m,) in raw.execute("select matricula from outbox where command='capture'")}
        audited = {m for (m,) in raw.execute("select matricula from audit_events where command='capture'")}
        photos = {m for (m,) in raw.execute("select matricula from blobs where kind='photo'")}
        raw.close()
        # every capture whose commit returned is there, with its outbox command
        assert set(committed) <= captured, f"run {run}: lost {set(committed) - captured}"
        # no half-written capture: record, outbox, audit and blobs go together
        assert captured == outbox == audited == photos, f"run {run}"
        # at most the one in flight committed without being reported
        assert len(captured) - len(committed) <= 1

        store = LocalStore(db, KEY, "EST-001-01")
        for matricula in list(captured)[:5]:
            student = store.get_student(matricula)
            assert store.get_blob(student.photo_sha256).startswith(b"\xff\xd8")
        store.close()
