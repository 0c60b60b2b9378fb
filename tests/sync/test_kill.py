"""Real processes: server and station on 127.0.0.1, each SIGKILLed mid-push (≥ 50 kills in
total); afterwards every queued command was applied exactly once (none lost, none doubled)."""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from station.domain import Command, Status
from station.store import LocalStore
from station.sync import HttpTransport, SyncEngine

from tests.sync.conftest import KEY, OPERATOR, capture_blobs
from tests.sync.server_env import PASSWORD, SyncServer
from station.domain.demo import DEMO_CONSENT

ROOT = Path(__file__).resolve().parents[2]
CHILD = Path(__file__).with_name("kill_child.py")
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def start_server_process(url: str, port: int) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-m", "server.cli", "serve", "--db", url, "--port", str(port),
                             "--no-migrate"], cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/health", timeout=0.5).status_code == 200:
                return proc
        except requests.RequestException:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("el servidor no arrancó")


def start_station(store: Path, base: str, token: str) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, str(CHILD), str(store), base, token, "EST-001-01"], cwd=ROOT, env=ENV,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout.readline().strip() == "pushing"
    return proc


def kill(proc: subprocess.Popen) -> bool:
    if proc.poll() is not None:
        return False
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    return True


@pytest.mark.slow
def test_sigkill_server_and_station_mid_push_converge(tmp_path):
    from server.testing import free_port, seed
    from server.settings import FAST_TEST_SETTINGS

    url = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    seed(url, PASSWORD, students=300, campuses=1)
    srv = SyncServer("", url)
    srv.register_station("EST-001-01")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    srv.base = base
    server = start_server_process(url, port)
    token = srv.api("supervisor", "EST-001-01").token
    srv.api("operador", "EST-001-01")  # the operator signed in at this station (who-acted rule)
    store_path = tmp_path / "estacion.sqlite3"
    store = LocalStore(store_path, KEY, "EST-001-01")
    SyncEngine(store, HttpTransport(srv.api("supervisor", "EST-001-01")), campuses=["001"]).pull()
    rng = random.Random(4)
    targets = [s.matricula for s in store.find_students(campus="001")
               if s.status in (Status.ENROLLED, Status.CAPTURED, Status.DEFERRED)]

    def queue(n):
        for _ in range(n):
            m = rng.choice(targets)
            assert store.execute(Command.CAPTURE, m, OPERATOR, dict(DEMO_CONSENT),
                                 blobs=capture_blobs(rng, 4_000)) is not None

    queue(150)
    store.close()
    kills = {"server": 0, "station": 0}
    try:
        while sum(kills.values()) < 54:
            if server.poll() is not None:
                server = start_server_process(url, port)
            station = start_station(store_path, base, token)
            time.sleep(rng.uniform(0.05, 0.5))
            if rng.random() < 0.3:
                kills["server"] += kill(server)
                time.sleep(rng.uniform(0.0, 0.2))
            kills["station"] += kill(station)
            store = LocalStore(store_path, KEY, "EST-001-01")
            if store.pending_count() < 40:
                queue(60)
            store.close()
        assert kills["server"] >= 10 and kills["station"] >= 30, kills
        if server.poll() is not None:
            server = start_server_process(url, port)
        station = start_station(store_path, base, token)
        assert station.stdout.readline().strip() == "done"
        station.wait(timeout=60)
    finally:
        kill(server)
    store = LocalStore(store_path, KEY, "EST-001-01")
    try:
        ops = store.outbox(states=("pending", "done", "incidencia"))
        assert ops and all(op.state == "done" for op in ops), {op.state for op in ops}
        applied = srv.applied()
        assert all(applied[op.op_id] == 1 for op in ops)  # zero lost, zero duplicated
        assert set(applied) == {op.op_id for op in ops}
        last_photo = {}
        for op in ops:
            last_photo[op.matricula] = op.payload["photo_sha256"]
        server_records = srv.records("001")
        for m, photo in last_photo.items():
            assert server_records[m].photo_sha256 == photo
            assert store.get_student(m) == server_records[m]
    finally:
        store.close()
        srv.close()
