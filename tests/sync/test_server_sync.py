"""Server sync endpoints over real sockets, on SQLite and PostgreSQL."""
from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
import os
import threading
from pathlib import Path

import pytest
import requests
from ulid import ULID

from server.testing import sample_jpeg
from station.api import ServerApiError
from station.domain import Status

from tests.sync.server_env import pg_or_skip, start_server
from station.domain.demo import DEMO_CONSENT

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(scope="module", params=BACKENDS)
def srv(request, tmp_path_factory):
    from server.testing import drop_pg_database

    url = pg_or_skip() if request.param == "postgres" else \
        f"sqlite:///{tmp_path_factory.mktemp('srv') / 'server.sqlite3'}"
    server = start_server(url)
    server.register_station("EST-001-01")
    yield server
    server.close()
    if request.param == "postgres":
        drop_pg_database(url)


def find(srv, status, campus="001", n=1, _used=set()):
    out = []
    for m, st in sorted(srv.records(campus).items()):
        if st.status == status and (srv.url, m) not in _used:
            _used.add((srv.url, m))
            out.append(m)
            if len(out) == n:
                return out
    raise AssertionError("sin alumnos")


def op_body(matricula, command="capture", payload=None, expected="ENROLLED", username="operador", seq=1):
    return {"op_id": str(ULID()), "station_id": "EST-001-01", "seq": seq, "command": command,
            "matricula": matricula, "expected_status": expected, "payload": payload or {}, "blob_sha256s": [],
            "username": username, "created_at": datetime.now(timezone.utc).isoformat()}


def upload(api, matricula, n=2):
    """Upload a real photo (and signature strokes) for ``matricula``; returns their hashes."""
    shas = []
    for kind in ("photo", "signature")[:n]:
        data = sample_jpeg(3000) if kind == "photo" else json.dumps({"strokes": [[[1, 2, 0, 1]]],
                                                                     "n": os.urandom(8).hex()}).encode()
        sha = hashlib.sha256(data).hexdigest()
        api.put_blob(sha, data, kind, matricula)
        shas.append(sha)
    return shas


def test_blobs_rehashed_idempotent_and_listed_missing(srv):
    api = srv.api("operador")
    [m, other] = find(srv, Status.ENROLLED, n=2)
    data = sample_jpeg(50_000)
    sha = hashlib.sha256(data).hexdigest()
    assert api.blobs_missing([sha], [m]) == [sha]
    with pytest.raises(ServerApiError) as err:
        api.put_blob(sha, data[:-1] + b"x", "photo", m)
    assert err.value.status == 422 and err.value.code == "blob_hash_mismatch" and "SHA-256" in err.value.message
    assert api.put_blob(sha, data, "photo", m)["stored"] is True
    assert api.put_blob(sha, data, "photo", m)["stored"] is False
    assert api.blobs_missing([sha, sha], [m, other]) == [sha]  # held, but not for the other student
    assert api.get_blob(sha) == data
    assert requests.put(f"{srv.base}/blobs/{sha}", data=data).status_code == 401


def test_command_applied_once_and_repeated_key_answers_stored_result(srv):
    api = srv.api("operador")
    [m] = find(srv, Status.ENROLLED)
    photo, sig = upload(api, m)
    body = op_body(m, payload={"photo_sha256": photo, "signature_sha256": sig, **DEMO_CONSENT}, seq=7)
    body["blob_sha256s"] = [photo, sig]
    first = api.sync_command(body)
    assert first["outcome"] == "accepted" and first["student"]["status"] == "CAPTURED"
    again = api.sync_command(body)
    assert again == first
    assert srv.applied()[body["op_id"]] == 1
    changed = dict(body, payload={"photo_sha256": sig, "signature_sha256": photo, **DEMO_CONSENT})
    with pytest.raises(ServerApiError) as err:
        api.sync_command(changed)
    assert err.value.status == 422 and err.value.code == "idempotency_key_reused"
    assert "otro contenido" in err.value.message
    assert srv.applied()[body["op_id"]] == 1


def test_refusal_is_stored_with_spanish_reason_and_current_record(srv):
    api = srv.api("supervisor")
    [m] = find(srv, Status.ENROLLED)
    body = op_body(m, command="validate", expected="CAPTURED", username="supervisor",
                   payload={"health_institution": "IMSS", "affiliation_number": "26180366723",
                            "valid_until": "2030-08-01"})
    for _ in range(2):
        with pytest.raises(ServerApiError) as err:
            api.sync_command(body)
        assert err.value.status == 409 and err.value.body["outcome"] == "refused"
        assert err.value.body["student"]["status"] == "ENROLLED"
        assert "estatus" in err.value.message
    assert srv.applied()[body["op_id"]] == 0


def test_missing_blob_is_424_and_not_stored(srv):
    api = srv.api("operador")
    [m] = find(srv, Status.ENROLLED)
    ghost = "ab" * 32
    body = op_body(m, payload={"photo_sha256": ghost, "signature_sha256": ghost})
    with pytest.raises(ServerApiError) as err:
        api.sync_command(body)
    assert err.value.status == 424 and err.value.code == "blob_missing"
    photo, sig = upload(api, m)
    body["payload"] = {"photo_sha256": photo, "signature_sha256": sig, **DEMO_CONSENT}
    assert api.sync_command(body)["outcome"] == "accepted"  # same key, now with blobs: not a reuse


def test_delegation_needs_a_station_bound_token(srv):
    [m] = find(srv, Status.ENROLLED)
    photo, sig = upload(srv.api("operador"), m)
    body = op_body(m, payload={"photo_sha256": photo, "signature_sha256": sig, **DEMO_CONSENT}, username="operador")
    with pytest.raises(ServerApiError) as err:
        srv.api("supervisor").sync_command(body)
    assert err.value.status == 403 and err.value.code == "forbidden_delegation"
    bound = srv.api("supervisor", "EST-001-01")
    with pytest.raises(ServerApiError) as err:  # the operator never signed in at EST-001-01
        bound.sync_command(body)
    assert err.value.status == 403 and err.value.code == "forbidden_delegation"
    srv.api("operador", "EST-001-01")
    answer = bound.sync_command(body)
    assert answer["outcome"] == "accepted"
    # the author's own role and planteles apply: an operator cannot validate, even via a supervisor's session
    body2 = op_body(m, command="validate", expected="CAPTURED", username="operador",
                    payload={"health_institution": "IMSS", "affiliation_number": "26180366723",
                             "valid_until": "2030-08-01"})
    with pytest.raises(ServerApiError) as err:
        bound.sync_command(body2)
    assert err.value.status == 403 and err.value.code == "forbidden_role"


def test_concurrent_duplicates_apply_once(srv):
    api_tokens = [srv.api("operador").token for _ in range(4)]
    ms = find(srv, Status.ENROLLED, n=3)
    uploader = srv.api("operador")
    bodies = []
    for m in ms:
        photo, sig = upload(uploader, m)
        bodies.append(op_body(m, payload={"photo_sha256": photo, "signature_sha256": sig, **DEMO_CONSENT}))
    results = []

    def send(token, body):
        r = requests.post(f"{srv.base}/sync/commands", json=body,
                          headers={"Authorization": f"Bearer {token}", "Idempotency-Key": body["op_id"]}, timeout=60)
        results.append((body["op_id"], r.status_code, r.json()))

    threads = [threading.Thread(target=send, args=(t, b)) for b in bodies for t in api_tokens]
    [t.start() for t in threads]
    [t.join() for t in threads]
    applied = srv.applied()
    for body in bodies:
        answers = [(code, ans) for op, code, ans in results if op == body["op_id"]]
        assert len(answers) == 4 and all(a == answers[0] for a in answers)
        assert answers[0][0] == 200 and applied[body["op_id"]] == 1


def test_changes_feed_pages_in_order_and_respects_scope(srv):
    api = srv.api("operador")
    seen, cursor, pages = [], 0, 0
    while True:
        page = api.changes(cursor, 17, ["001"])
        pages += 1
        seqs = [i["change_seq"] for i in page["items"]]
        assert seqs == sorted(seqs) and all(s > cursor for s in seqs)
        seen += page["items"]
        assert page["next"] >= cursor
        cursor = page["next"]
        if not page["more"]:
            break
    assert pages > 2 and {i["campus_code"] for i in seen} == {"001"}
    assert len({i["matricula"] for i in seen}) == len(srv.records("001"))
    assert api.changes(cursor, 17, ["001"])["items"] == []
    with pytest.raises(ServerApiError) as err:
        api.changes(0, 10, ["002"])
    assert err.value.status == 403


def test_feed_never_moves_past_an_uncommitted_change(srv):
    """A change number allocated by a transaction still open must not be skipped:
    the feed's ``next`` stays below it until that transaction commits."""
    if not srv.url.startswith("postgresql"):
        pytest.skip("en SQLite los escritores bloquean al lector; el caso es de PostgreSQL")
    from station.domain import Actor, Role

    from server.services.students import apply_student_command

    api = srv.api("operador")
    cursor = 0
    while True:
        page = api.changes(cursor, 500, ["001"])
        cursor = page["next"]
        if not page["more"]:
            break
    [m] = find(srv, Status.CAPTURED)
    session = srv.db()
    try:
        session.begin()
        result = apply_student_command(session, m, "defer", Actor("supervisor", Role.SUPERVISOR, frozenset({"001"})),
                                       {"comment": "Foto con sombra"})
        assert result.extra["change_seq"] > cursor
        page = api.changes(cursor, 500, ["001"])
        assert page["items"] == [] and page["next"] == cursor
        session.commit()
    finally:
        session.close()
    page = api.changes(cursor, 500, ["001"])
    assert [i["matricula"] for i in page["items"]] == [m] and page["next"] == result.extra["change_seq"]
