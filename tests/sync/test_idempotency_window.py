"""Idempotency at the exact window (issue 15): the server process dies after
it committed a command and before it answered; the station retries the same
``Idempotency-Key`` against the restarted server and gets the stored answer —
the command is applied once, for every command type.

The fault is deterministic: ``server_child.py --kill-after-commit FLAG``
SIGKILLs the server right after the transaction of the request that finds
``FLAG`` commits. Without the processed-operations lookup the retry is applied
again or refused differently, and this test fails (checked by hand, see
/work/notes/15-sync.md)."""
from __future__ import annotations

import hashlib
from datetime import datetime, timezone
import os
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select
from ulid import ULID

from server.testing import sample_jpeg

from station.domain import Command

from tests.sync.conftest import VALIDATION
from tests.sync.faults import ServerProcess
from tests.sync.server_env import PASSWORD, SyncServer
from station.domain.demo import DEMO_CONSENT

SIG = {}
BLOBS = {}
#: command → (status the student must have, who sends it, payload, expected HTTP status of the answer)
CASES = {
    Command.CAPTURE: ("ENROLLED", "operador", lambda: {"photo_sha256": SIG["photo"],
                                                      "signature_sha256": SIG["signature"], **DEMO_CONSENT}, 200),
    Command.PRINT_TEMPORARY: ("CAPTURED", "operador", dict, 200),
    Command.VALIDATE: ("CAPTURED", "supervisor", lambda: dict(VALIDATION), 200),
    Command.DEFER: ("CAPTURED", "supervisor", lambda: {"comment": "Revisar la foto"}, 200),
    Command.REJECT_REPRINT: ("RECEIVED", "supervisor", lambda: {"comment": "Impresión borrosa"}, 200),
    Command.REJECT_RETAKE: ("RECEIVED", "supervisor", lambda: {"comment": "Foto movida"}, 200),
    Command.DELIVER: ("RECEIVED", "operador", lambda: {"delivery_signature_sha256": SIG["delivery_signature"],
                                                      "temporary_returned": True}, 200),
    # done through their own endpoints: the sync refusal is itself a stored answer
    Command.IMPORT_SAE: ("ENROLLED", "operador", dict, 422),
    Command.UPDATE_SAE: ("ENROLLED", "operador", dict, 422),
    Command.CREATE_PRINT_ORDER: ("VALIDATED", "supervisor", dict, 422),
    Command.START_PRINTING: ("REQUESTED", "supervisor", dict, 422),
    Command.RECEIVE: ("PRINTING", "supervisor", dict, 422),
}


@pytest.fixture(scope="module")
def window(tmp_path_factory):
    from server.testing import free_port, seed

    folder = tmp_path_factory.mktemp("window")
    url = f"sqlite:///{folder / 'server.sqlite3'}"
    seed(url, PASSWORD, students=300, campuses=1)
    srv = SyncServer("", url)
    srv.register_station("EST-001-01")
    flag = folder / "kill-after-commit"
    server = ServerProcess(url, free_port(), "--kill-after-commit", str(flag)).start()
    srv.base = server.base
    sessions = {}
    for user in ("operador", "supervisor"):
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {srv.api(user, 'EST-001-01').token}"
        sessions[user] = session
    for kind in ("photo", "signature", "delivery_signature"):
        data = sample_jpeg(3000) if kind == "photo" else b'{"strokes": [[[1, 2, 0, 1]]], "k": "%s"}' % kind.encode()
        BLOBS[kind] = data
        SIG[kind] = hashlib.sha256(data).hexdigest()
    yield srv, server, sessions, flag
    server.kill()
    srv.close()


def pick(srv: SyncServer, status: str, _used=set()) -> str:
    for matricula, student in sorted(srv.records("001").items()):
        if student.status.value == status and matricula not in _used:
            _used.add(matricula)
            return matricula
    raise AssertionError(f"no hay alumnos en {status}")


@pytest.mark.slow
@pytest.mark.parametrize("command", list(CASES), ids=lambda c: c.value)
def test_server_killed_between_commit_and_answer_then_retry(window, command):
    from server.sync.models import SyncOperation

    srv, server, sessions, flag = window
    status, user, payload, expected = CASES[command]
    matricula = pick(srv, status)
    for kind in {Command.CAPTURE: ("photo", "signature"), Command.DELIVER: ("delivery_signature",)}.get(command, ()):
        assert sessions["operador"].put(f"{server.base}/blobs/{SIG[kind]}", data=BLOBS[kind],
                                        params={"kind": kind, "matricula": matricula}).ok  # bound to this student
    op_id = str(ULID())
    body = {"op_id": op_id, "station_id": "EST-001-01", "seq": 1, "command": command.value,
            "matricula": matricula, "expected_status": status, "payload": payload(), "blob_sha256s": [],
            "username": user, "created_at": datetime.now(timezone.utc).isoformat()}
    send = lambda: sessions[user].post(f"{server.base}/sync/commands", json=body,  # noqa: E731
                                       headers={"Idempotency-Key": op_id}, timeout=60)

    flag.touch()
    with pytest.raises(requests.ConnectionError):
        send()
    assert server.wait_dead() == -9 and not flag.exists()  # died in the window, after the commit
    with srv.db() as s:
        stored = s.get(SyncOperation, op_id)
        assert stored is not None and stored.status_code == expected  # committed before dying
        committed_answer = stored.response

    server.start()
    answer = send()
    assert answer.status_code == expected, answer.text
    assert answer.json() == committed_answer  # the stored answer, not a second evaluation
    assert answer.json()["outcome"] == ("accepted" if expected == 200 else "refused")
    assert srv.applied()[op_id] == (1 if expected == 200 else 0)
    with srv.db() as s:
        assert s.scalar(select(func.count()).select_from(SyncOperation).where(SyncOperation.op_id == op_id)) == 1
