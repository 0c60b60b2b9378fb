"""The SQLite server against a power cut (issue 15): a command the server
answered 200 is on disk after the power goes, with ``synchronous=FULL`` (the
server's setting); the same harness with ``synchronous=OFF`` loses answered
commands (the inverse check: the harness sees what a SIGKILL cannot).

The server runs in a child process over the power-cut VFS (:mod:`tests.powercut`);
SIGKILL of that process is the cut."""
from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

import pytest
import requests
from ulid import ULID

from station.domain import Status

from server.testing import sample_jpeg
from tests.sync.faults import ServerProcess
from tests.sync.server_env import PASSWORD, SyncServer
from station.domain.demo import DEMO_CONSENT


def seeded(tmp_path: Path) -> tuple[str, Path]:
    from server.testing import seed

    path = tmp_path / "server.sqlite3"
    url = f"sqlite:///{path}"
    seed(url, PASSWORD, students=200, campuses=1)
    srv = SyncServer("", url)
    srv.register_station("EST-001-01")
    srv.close()  # nothing but the server may hold the file across the cut
    return url, path


def push_until_cut(url: str, synchronous: str, tmp_path: Path, acknowledged_target: int) -> list[str]:
    """Capture students one command at a time; cut the power after ``acknowledged_target`` answers."""
    from server.testing import free_port

    raw = sqlite3.connect(url.removeprefix("sqlite:///"))
    todo = [m for (m,) in raw.execute("select matricula from students where status=? order by matricula",
                                      (Status.ENROLLED.value,))]
    raw.close()
    server = ServerProcess(url, free_port(), "--powercut", *(["--synchronous", synchronous] if synchronous else []))
    server.start()
    try:
        session = requests.Session()
        token = session.post(f"{server.base}/auth/login",  # own commands: no station binding needed
                             json={"username": "operador", "password": PASSWORD}).json()["token"]
        session.headers["Authorization"] = f"Bearer {token}"
        blobs = {"photo": sample_jpeg(4000), "signature": b'{"strokes": [[[1, 2, 0, 1]]]}'}
        shas = {kind: hashlib.sha256(data).hexdigest() for kind, data in blobs.items()}
        acknowledged = []
        for seq, matricula in enumerate(todo[:acknowledged_target], start=1):
            for kind, data in blobs.items():  # bound to each student it is used for
                assert session.put(f"{server.base}/blobs/{shas[kind]}", data=data,
                                   params={"kind": kind, "matricula": matricula}).ok
            op_id = str(ULID())
            body = {"op_id": op_id, "station_id": "EST-001-01", "seq": seq, "command": "capture",
                    "matricula": matricula, "expected_status": "ENROLLED", "username": "operador",
                    "payload": {"photo_sha256": shas["photo"], "signature_sha256": shas["signature"], **DEMO_CONSENT},
                    "blob_sha256s": []}
            answer = session.post(f"{server.base}/sync/commands", json=body, headers={"Idempotency-Key": op_id})
            assert answer.status_code == 200, answer.text
            acknowledged.append(op_id)
    finally:
        server.kill()  # the power cut
    return acknowledged


def on_disk(path: Path) -> tuple[str, set[str]]:
    raw = sqlite3.connect(path)
    try:
        check = raw.execute("PRAGMA integrity_check").fetchone()[0]
        ops = {op for (op,) in raw.execute("select op_id from sync_operations")}
    finally:
        raw.close()
    return check, ops


@pytest.mark.slow
def test_answered_commands_survive_a_power_cut(tmp_path):
    url, path = seeded(tmp_path)
    acknowledged = push_until_cut(url, "", tmp_path, 25)
    check, ops = on_disk(path)
    assert check == "ok"
    assert set(acknowledged) <= ops, f"perdidos: {set(acknowledged) - ops}"
    srv = SyncServer("", url)
    try:
        applied = srv.applied()
        assert all(applied[op] == 1 for op in acknowledged)
    finally:
        srv.close()


@pytest.mark.slow
def test_harness_catches_server_with_synchronous_off(tmp_path):
    url, path = seeded(tmp_path)
    acknowledged = push_until_cut(url, "OFF", tmp_path, 10)
    check, ops = on_disk(path)
    assert check == "ok"
    assert set(acknowledged) - ops, "synchronous=OFF no perdió nada: el arnés no distingue un corte de luz"
