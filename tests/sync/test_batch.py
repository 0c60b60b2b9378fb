"""Batched sync (issue 15): ``POST /sync/commands/batch`` and ``POST /blobs/batch`` over real
sockets, on SQLite and PostgreSQL, and the station pushing in batches.

Decision under test: a batch is only fewer round trips. Every command in it is authorised,
deduplicated (its own ``op_id``), applied in its own transaction and audited exactly as if it
came alone; a command the session may not send is refused *with its own result* — the same
status and code it would get alone — while the others are applied. Processing stops at the
first non-final answer (424 ``blob_missing``); the rest are ``skipped`` so the station's order
is kept.
"""
from __future__ import annotations

import hashlib
import json
import os

import pytest
import requests
from urllib3 import encode_multipart_formdata

from server.testing import sample_jpeg, sample_png
from station.api import ServerApiError
from station.domain import Command, Status
from station.domain.demo import DEMO_CONSENT

from tests.sync.conftest import OPERATOR, capture_blobs
from tests.sync.support import FaultyTransport, SimulatedCrash
from tests.sync.test_server_sync import BACKENDS, find, op_body, upload  # noqa: F401  (srv below)
from tests.sync.test_server_sync import srv  # noqa: F401  the module's server fixture

STATION = "EST-001-01"


def capture_op(srv, api, m, **kw):
    photo, sig = upload(api, m)
    body = op_body(m, payload={"photo_sha256": photo, "signature_sha256": sig, **DEMO_CONSENT}, **kw)
    body["blob_sha256s"] = [photo, sig]
    return body


def by_code(results):
    return [(r["status"], r["outcome"], (r.get("error") or {}).get("code")) for r in results]


def test_forbidden_commands_refused_each_with_its_own_result_others_applied(srv):
    srv.api("operador", STATION)
    api = srv.api("operador", STATION)  # a session bound to a station that proved its key
    [m1, m2, m3, m4, m5, m6] = find(srv, Status.ENROLLED, n=6)
    [other_campus] = find(srv, Status.ENROLLED, campus="002")
    good1 = capture_op(srv, api, m1, seq=1)
    role = op_body(m2, command="validate", expected="CAPTURED", seq=2,  # an operator may not validate
                   payload={"health_institution": "IMSS", "affiliation_number": "26180366723",
                            "valid_until": "2030-08-01"})
    smuggled = capture_op(srv, api, m3, seq=3, username="supervisor")  # never signed in at this station
    other_station = dict(capture_op(srv, api, m4, seq=4), station_id="EST-OTRA")
    good2 = capture_op(srv, api, m5, seq=5)
    # another plantel's student, with blobs bound to someone else: nothing written, and the batch stops
    ghost = op_body(other_campus, seq=6, payload=dict(good1["payload"]))
    good3 = capture_op(srv, api, m6, seq=7)
    batch = [good1, role, smuggled, other_station, good2, ghost, good3]
    results = api.sync_commands(batch)
    assert [r["op_id"] for r in results] == [b["op_id"] for b in batch]
    assert by_code(results) == [
        (200, "accepted", None),
        (403, "refused", "forbidden_role"),
        (403, "refused", "forbidden_delegation"),
        (403, "refused", "forbidden_station"),
        (200, "accepted", None),
        (424, "retry", "blob_missing"),
        (0, "skipped", None),
    ]
    assert all(r["error"]["message"] for r in results[1:4] + results[5:6])  # a Spanish reason for each
    applied = srv.applied()
    assert applied[good1["op_id"]] == 1 and applied[good2["op_id"]] == 1
    assert all(applied[b["op_id"]] == 0 for b in (role, smuggled, other_station, ghost, good3))
    records = srv.records("001")
    assert records[m1].status == records[m5].status == Status.CAPTURED
    assert records[m2].status == records[m3].status == records[m4].status == records[m6].status == Status.ENROLLED
    # each refusal is exactly what the command gets alone
    for body, result in zip(batch[1:4], results[1:4]):
        with pytest.raises(ServerApiError) as err:
            api.sync_command(body)
        assert (err.value.status, err.value.code) == (result["status"], result["error"]["code"])
    # the skipped command was never looked at: sent again, it goes through
    again = api.sync_commands([good3])
    assert by_code(again) == [(200, "accepted", None)] and srv.applied()[good3["op_id"]] == 1


def test_replayed_batch_answers_stored_results_and_applies_nothing_twice(srv):
    api = srv.api("operador")
    ms = find(srv, Status.ENROLLED, n=3)
    batch = [capture_op(srv, api, m, seq=i) for i, m in enumerate(ms, start=1)]
    first = api.sync_commands(batch)
    assert [r["outcome"] for r in first] == ["accepted"] * 3
    seqs = [r["student"]["change_seq"] for r in first]
    assert len(set(seqs)) == 3 and all(isinstance(s, int) for s in seqs)
    assert api.sync_commands(batch) == first  # a lost answer: the station sends the whole batch again
    assert api.sync_command(batch[1]) == {k: v for k, v in first[1].items() if k != "status"}  # alone, too
    reused = dict(batch[0], payload=dict(batch[0]["payload"], photo_sha256=batch[0]["payload"]["signature_sha256"]))
    [new] = find(srv, Status.ENROLLED)
    fresh = capture_op(srv, api, new, seq=9)
    mixed = api.sync_commands([batch[2], reused, fresh])
    assert by_code(mixed) == [(200, "accepted", None), (422, "refused", "idempotency_key_reused"),
                              (200, "accepted", None)]
    assert mixed[0] == first[2]
    applied = srv.applied()
    assert all(applied[b["op_id"]] == 1 for b in batch + [fresh])


def test_batch_body_is_bounded(srv):
    api = srv.api("operador")
    [m] = find(srv, Status.ENROLLED)
    body = op_body(m)
    with pytest.raises(ServerApiError) as err:
        api.request("POST", "/sync/commands/batch", json={"commands": [dict(body, op_id=f"{i:026d}")
                                                                       for i in range(101)]})
    assert err.value.status == 422
    with pytest.raises(ServerApiError) as err:
        api.request("POST", "/sync/commands/batch", json={"commands": []})
    assert err.value.status == 422


def _multipart(items):
    manifest = [{"sha256": sha, "kind": kind, "matricula": m} for sha, _d, kind, m in items]
    fields = [("manifest", json.dumps(manifest))] + [("blob", (sha, d, "application/octet-stream"))
                                                     for sha, d, _k, _m in items]
    return encode_multipart_formdata(fields)


def test_blob_batch_checks_each_blob_as_a_single_upload_would(srv):
    api = srv.api("operador")
    [m] = find(srv, Status.ENROLLED)
    [foreign] = find(srv, Status.ENROLLED, campus="002")
    photo, other_photo, png = sample_jpeg(4000), sample_jpeg(4000), sample_png(1500)
    sha = lambda d: hashlib.sha256(d).hexdigest()  # noqa: E731
    items = [(sha(photo), photo, "photo", m),
             (sha(photo), photo[:-1] + b"x", "photo", m),          # damaged on the way
             (sha(other_photo), other_photo, "photo", foreign),    # a student of another plantel
             (sha(png), png, "photo", m),                          # not what ``kind`` promises
             (sha(png), png, "signature_png", m)]
    results = api.put_blobs(items)
    assert [(r["status"], (r.get("error") or {}).get("code")) for r in results] == [
        (201, None), (422, "blob_hash_mismatch"), (403, "forbidden_campus"), (422, "invalid_blob"), (201, None)]
    assert api.blobs_missing([sha(photo), sha(other_photo), sha(png)], [m, foreign, m]) == [sha(other_photo)]
    assert [r["status"] for r in api.put_blobs(items[:1])] == [200]  # held already: idempotent
    assert api.get_blob(sha(png)) == png


def test_blob_batch_is_bounded_before_reading(srv, monkeypatch):
    import server.sync.routes as routes

    monkeypatch.setattr(routes, "MAX_BLOB_BATCH_BYTES", 64 * 1024)  # the server runs in this process
    api = srv.api("operador")
    headers = {"Authorization": f"Bearer {api.token}"}
    big = os.urandom(64 * 1024 + 1)
    body, ctype = _multipart([(hashlib.sha256(big).hexdigest(), big, "photo", "X")])
    r = requests.post(f"{srv.base}/blobs/batch", data=body, headers={**headers, "Content-Type": ctype}, timeout=60)
    assert r.status_code == 413 and r.json()["error"]["code"] == "payload_too_large"

    def chunked():  # no Content-Length: bounded while reading
        yield body

    r = requests.post(f"{srv.base}/blobs/batch", data=chunked(), headers={**headers, "Content-Type": ctype},
                      timeout=60)
    assert r.status_code == 413
    too_many = [(hashlib.sha256(b"%d" % i).hexdigest(), b"%d" % i, "photo", "X") for i in range(65)]
    body, ctype = _multipart(too_many)
    r = requests.post(f"{srv.base}/blobs/batch", data=body, headers={**headers, "Content-Type": ctype}, timeout=60)
    assert r.status_code == 422 and "64" in r.json()["error"]["message"]
    assert requests.post(f"{srv.base}/blobs/batch", data=body, headers={"Content-Type": ctype},
                         timeout=60).status_code == 401


# --- the station side, on the model server ------------------------------------


class Recording:
    """Counts requests per method of a wrapped transport and the size of each command batch."""

    def __init__(self, inner):
        self.inner = inner
        self.calls: dict[str, int] = {}
        self.batches: list[int] = []

    def __getattr__(self, name):
        method = getattr(self.inner, name)

        def wrapper(*args):
            self.calls[name] = self.calls.get(name, 0) + 1
            if name == "push_commands":
                self.batches.append(len(args[0]))
            return method(*args)

        return wrapper


def test_station_pushes_in_batches_and_a_crash_between_batches_loses_and_doubles_nothing(fake_server,
                                                                                          make_station):
    faulty = FaultyTransport(Recording(fake_server))
    st = make_station(faulty)
    st.service.batch_size, st.service.blob_batch = 4, 6
    st.service.run_round()
    ms = [m for m, s in sorted(fake_server.students.items())
          if s.status == Status.ENROLLED and s.campus_code == "001"][:10]
    for m in ms:
        st.store.execute(Command.CAPTURE, m, OPERATOR, dict(DEMO_CONSENT), blobs=capture_blobs())
    rec = faulty.inner
    # missing_blobs, 5 blob batches (30 blobs / 6), the first command batch; the second is applied by
    # the server and the station dies before it could commit the answers
    faulty.faults = [None] * 7 + ["crash"]
    with pytest.raises(SimulatedCrash):
        st.service.run_round()
    assert rec.calls["put_blobs"] == 5 and "put_blob" not in rec.calls and "push_command" not in rec.calls
    assert rec.batches == [4, 4]
    st.crash_and_restart()
    st.service.batch_size = 4
    states = {op.matricula: op.state for op in st.store.outbox(states=("pending", "done"))}
    assert [states[m] for m in ms] == ["done"] * 4 + ["pending"] * 6  # one local commit per answered batch
    result = st.service.run_round()
    assert result.completed and (result.pushed, result.pending) == (6, 0)
    assert rec.batches == [4, 4, 4, 2]  # the lost batch is sent again, then the rest
    assert all(fake_server.applied[op.op_id] == 1 for op in st.store.outbox(states=("done",)))
    assert all(st.store.get_student(m).status == Status.CAPTURED for m in ms)
