"""Push, pull, replay, incidencias and retry policy against the model server."""
from __future__ import annotations

import hashlib
import random
from collections import Counter

import pytest

from station.api import ServerApiError
from station.domain import Command, Refusal, Status
from station.store.schema import BlobRow
from station.sync import Backoff, SyncState
from station.sync.engine import CURSOR_KEY

from tests.sync.conftest import OPERATOR, SUPERVISOR, VALIDATION, capture_blobs
from tests.sync.support import FaultyTransport
from station.domain.demo import DEMO_CONSENT


def first(server, status, campus="001", skip=()):
    return next(m for m, st in sorted(server.students.items())
                if st.status == status and st.campus_code == campus and m not in skip)


class Counting:
    """Counts calls per method of a wrapped transport."""

    def __init__(self, inner):
        self.inner = inner
        self.calls = Counter()
        self.put = []

    def __getattr__(self, name):
        method = getattr(self.inner, name)

        def wrapper(*args):
            self.calls[name] += 1
            if name == "put_blob":
                self.put.append(args[0])
            if name == "put_blobs":
                self.put.extend(item[0] for item in args[0])
            return method(*args)

        return wrapper


def test_initial_pull_pages_and_cursor(fake_server, make_station):
    st = make_station(Counting(fake_server))
    result = st.service.run_round()
    mine = [m for m, s in fake_server.students.items() if s.campus_code == "001"]
    assert result.completed and result.pulled == len(mine)
    assert st.transport.calls["changes"] == len(mine) // 25 + 1
    assert sorted(s.matricula for s in st.store.find_students()) == sorted(mine)
    assert st.store.get_setting(CURSOR_KEY)["seq"] == fake_server.counter
    assert st.service.run_round().pulled == 0  # nothing new


def test_capture_is_pushed_blobs_first_then_done(fake_server, make_station):
    st = make_station(Counting(fake_server))
    st.service.run_round()
    m = first(fake_server, Status.ENROLLED)
    blobs = capture_blobs()
    assert st.store.execute(Command.CAPTURE, m, OPERATOR, dict(DEMO_CONSENT), blobs=blobs).status == Status.CAPTURED
    assert st.service.state().pending == 0  # counts refresh on trigger/round
    assert st.service.refresh_counts().pending == 1
    result = st.service.run_round()
    assert (result.pushed, result.rejected, result.pending) == (1, 0, 0)
    assert fake_server.students[m].status == Status.CAPTURED
    assert set(fake_server.blobs) == {hashlib.sha256(b).hexdigest() for b in blobs.values()}
    assert st.store.outbox(states=("done",))[0].matricula == m
    local = st.store.get_student(m)
    assert local == fake_server.students[m]  # server's version (its own timestamps), no pending left


def test_interrupted_blob_upload_resumes_without_resending(fake_server, make_station):
    counting = Counting(fake_server)
    faulty = FaultyTransport(counting)
    st = make_station(faulty)
    st.service.blob_batch = 2
    st.service.run_round()
    ms = [m for m, s in sorted(fake_server.students.items())
          if s.status == Status.ENROLLED and s.campus_code == "001"][:3]
    for m in ms:
        st.store.execute(Command.CAPTURE, m, OPERATOR, dict(DEMO_CONSENT), blobs=capture_blobs())
    faulty.down = False
    # missing_blobs ok, two batches of 2 blobs ok, then the network goes away for the rest of the round
    faulty.faults = [None] * 3 + ["drop"] * 10
    result = st.service.run_round()
    assert not result.completed and result.pending == 3
    sent_first = list(counting.put)
    assert len(sent_first) == 4
    faulty.faults = []
    assert st.service.run_round().pushed == 3
    resent = counting.put[len(sent_first):]
    assert len(resent) == 5 and not set(resent) & set(sent_first)
    with st.store.session() as s:
        assert all(s.get(BlobRow, sha).uploaded for sha in counting.put)


def test_two_stations_offline_first_wins_other_gets_incidencia(fake_server, make_station):
    a = make_station(fake_server, "EST-001-01")
    b = make_station(fake_server, "EST-001-02")
    a.service.run_round(), b.service.run_round()
    m = first(fake_server, Status.CAPTURED)
    # both offline: each re-captures and validates the same student
    for st in (a, b):
        captured = st.store.execute(Command.CAPTURE, m, OPERATOR, dict(DEMO_CONSENT), blobs=capture_blobs())
        assert captured.status == Status.CAPTURED
        assert st.store.execute(Command.VALIDATE, m, SUPERVISOR, VALIDATION).status == Status.VALIDATED
    b_photo = b.store.outbox()[0].payload["photo_sha256"]
    ra = a.service.run_round()
    assert (ra.pushed, ra.rejected) == (2, 0)
    rb = b.service.run_round()
    assert (rb.pushed, rb.rejected, rb.pending) == (0, 2, 0) and rb.completed
    assert fake_server.students[m].photo_sha256 != b_photo
    inc = b.service.incidencias()
    assert [i.command for i in inc] == ["capture", "validate"]
    assert all("Validado" in i.reason for i in inc)  # the server's Spanish reason
    assert inc[0].payload["photo_sha256"] == b_photo and b.store.get_blob(b_photo) is not None  # data kept
    assert inc[0].server_status == Status.VALIDATED
    assert b.store.get_student(m) == fake_server.students[m]  # shows the server's (winning) record
    assert b.service.state().incidencias == 2
    # an operator cannot resolve; a supervisor's retry is refused by the table (validated is final)
    assert isinstance(b.service.resolve_incidencia(inc[0].op_id, "discard", OPERATOR), Refusal)
    retry = b.service.resolve_incidencia(inc[0].op_id, "retry", SUPERVISOR)
    assert isinstance(retry, Refusal) and "Validado" in retry.message
    assert b.service.resolve_incidencia(inc[0].op_id, "discard", SUPERVISOR) is None
    assert b.service.resolve_incidencia(inc[1].op_id, "discard", SUPERVISOR) is None
    assert b.service.incidencias() == [] and b.store.get_blob(b_photo) is not None
    assert [e.command for e in b.store.audit_for(m)][-2:] == ["incidencia_descartada"] * 2


def test_incidencia_retry_requeues_on_new_server_state(fake_server, make_station):
    a = make_station(fake_server, "EST-001-01")
    b = make_station(fake_server, "EST-001-02")
    a.service.run_round(), b.service.run_round()
    m = first(fake_server, Status.CAPTURED)
    assert a.store.execute(Command.DEFER, m, SUPERVISOR, {"comment": "Foto borrosa"}).status == Status.DEFERRED
    b.store.execute(Command.CAPTURE, m, OPERATOR, dict(DEMO_CONSENT), blobs=capture_blobs())
    assert a.service.run_round().pushed == 1
    rb = b.service.run_round()
    assert rb.rejected == 1
    [inc] = b.service.incidencias()
    assert "Aplazado" in inc.reason
    new_op = b.service.resolve_incidencia(inc.op_id, "retry", SUPERVISOR)
    assert isinstance(new_op, str) and new_op != inc.op_id
    [queued] = b.store.outbox()
    assert queued.expected_status == Status.DEFERRED and queued.blob_sha256s == inc.blob_sha256s
    assert b.service.run_round().pushed == 1
    assert fake_server.students[m].photo_sha256 == inc.payload["photo_sha256"]
    assert fake_server.students[m].status == Status.CAPTURED


def test_pending_commands_replayed_on_pulled_server_state(fake_server, make_station):
    st = make_station(fake_server)
    st.service.run_round()
    m = first(fake_server, Status.ENROLLED)
    faulty = FaultyTransport(fake_server)
    st.transport = faulty
    st.store.execute(Command.CAPTURE, m, OPERATOR, dict(DEMO_CONSENT), blobs=capture_blobs())
    # meanwhile the server changes the record's SAE data
    fake_server.students[m] = fake_server.students[m].replace(group_code="999-NUEVO")
    fake_server._store(fake_server.students[m])
    # the push fails (server down), but a pull still gets through
    st.service.transport_factory = lambda: faulty
    faulty.down = True
    assert not st.service.run_round().completed
    faulty.down = False
    from station.sync.engine import SyncEngine
    SyncEngine(st.store, fake_server, campuses=["001"]).pull()
    shown = st.store.get_student(m)
    assert shown.group_code == "999-NUEVO" and shown.status == Status.CAPTURED and shown.photo_sha256
    with st.store.session() as s:
        from station.store.schema import StudentRow
        assert s.get(StudentRow, m).server_state["status"] == "ENROLLED"


def test_transient_errors_retry_with_growing_jittered_backoff(fake_server, make_station):
    faulty = FaultyTransport(fake_server)
    st = make_station(faulty)
    st.service.run_round()
    m = first(fake_server, Status.ENROLLED)
    st.store.execute(Command.CAPTURE, m, OPERATOR, dict(DEMO_CONSENT), blobs=capture_blobs())
    slept = []
    st.service.backoff = Backoff(base_s=1.0, factor=2.0, cap_s=3.0, attempts=6, rng=random.Random(1),
                                 sleep=slept.append)
    # missing_blobs, then one batch of 3 blobs; then the command fails 4 times before it gets through
    faulty.faults = [None] * 2 + ["5xx", "drop", "lose", "5xx", None]
    result = st.service.run_round()
    assert result.completed and result.pushed == 1
    assert len(slept) == 4 and all(0 <= d <= c for d, c in zip(slept, (1.0, 2.0, 3.0, 3.0)))
    assert len(set(slept)) == 4  # jitter: not a fixed schedule
    assert [e["cause"] for e in result.errors] == ["server", "network", "timeout", "server"]
    assert fake_server.applied.most_common(1)[0][1] == 1  # the lost answer did not apply it twice


def test_exhausted_retries_keep_queue_and_name_cause(fake_server, make_station):
    faulty = FaultyTransport(fake_server)
    st = make_station(faulty)
    st.service.run_round()
    st.store.execute(Command.CAPTURE, first(fake_server, Status.ENROLLED), OPERATOR, dict(DEMO_CONSENT),
                     blobs=capture_blobs())
    faulty.faults = [None] * 2  # blobs arrive (one batch), then the server goes away
    seen: list[SyncState] = []
    real_call = faulty._call

    def call(name, *args):
        if not faulty.faults:
            faulty.down = True
        return real_call(name, *args)

    faulty._call = call
    st.service.add_listener(seen.append)
    result = st.service.run_round()
    state = st.service.state()
    assert not result.completed and result.pending == 1
    assert state.online is False and state.last_error.cause == "refused" and state.pending == 1
    assert "rechazó la conexión" in state.last_error.message
    assert any(s.running for s in seen) and not seen[-1].running
    [op] = st.store.outbox()
    assert op.attempts == 4 and op.last_error


def test_401_aborts_round_without_touching_queue(fake_server, make_station):
    class Unauthorized:
        def __getattr__(self, name):
            def fail(*a):
                raise ServerApiError("unauthorized", "La sesión expiró.", 401, "token_expired")
            return fail

    st = make_station(fake_server)
    st.service.run_round()
    st.store.execute(Command.CAPTURE, first(fake_server, Status.ENROLLED), OPERATOR, dict(DEMO_CONSENT),
                     blobs=capture_blobs())
    st.transport = Unauthorized()
    result = st.service.run_round()
    assert not result.completed and result.errors[-1]["status"] == 401
    assert st.service.state().last_error.cause == "unauthorized" and st.service.state().online is True
    assert st.store.outbox()[0].attempts == 0


def test_cursor_saved_only_with_the_records(fake_server, make_station, monkeypatch):
    import station.sync.engine as engine

    st = make_station(fake_server)
    real = engine.merge_server_records
    calls = {"n": 0}

    def failing(session, items, rederive=()):
        calls["n"] += 1
        if calls["n"] == 2:
            real(session, items, rederive)
            raise OSError("disco lleno (simulado)")
        return real(session, items, rederive)

    monkeypatch.setattr(engine, "merge_server_records", failing)
    result = st.service.run_round()
    assert not result.completed and st.service.state().last_error.cause == "local"
    saved = st.store.get_setting(CURSOR_KEY)["seq"]
    have = {s.matricula for s in st.store.find_students()}
    assert len(have) == 25  # the second page rolled back with its cursor
    assert all(fake_server.seqs[m] <= saved for m in have)
    monkeypatch.setattr(engine, "merge_server_records", real)
    assert st.service.run_round().completed
    assert len(st.store.find_students()) == sum(s.campus_code == "001" for s in fake_server.students.values())


def test_stale_answer_does_not_overwrite_newer_server_state(fake_server, make_station):
    st = make_station(fake_server)
    st.service.run_round()
    m = first(fake_server, Status.CAPTURED)
    fake_server.apply_direct(m, Command.DEFER, SUPERVISOR, {"comment": "x"})
    st.service.run_round()
    old = {**fake_server.record(m), "change_seq": 1, "status": "CAPTURED"}
    from station.sync.engine import merge_server_records
    with st.store.session() as s, s.begin():
        assert merge_server_records(s, [old]) == 0
    assert st.store.get_student(m).status == Status.DEFERRED
