"""A Hypothesis state machine for sync under faults, independent of the server backend.

Several stations capture, validate and defer while a transport drops,
duplicates, delays/reorders messages, returns 5xx, loses answers after the
server committed, and stations crash between the server's commit and their
local acknowledgement. Invariants:

- the server applies each operation at most once (exactly once for ``done``);
- a station's cursor never moves backwards;
- after healing and a final pull: every command is ``done`` or an
  incidencia with a reason, and every station equals the server.

A *backend* supplies: ``transport()`` (the inner transport, for every
station), ``applied()`` (``Counter`` op_id → times applied on the server),
``records(campus)`` (matrícula → :class:`Student`), ``server_change(m)``
(a change made on the server by someone else) and ``matriculas``.
"""
from __future__ import annotations

import random
import tempfile
from pathlib import Path

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from station.domain import Command
from station.store.schema import OutboxRow
from station.sync.engine import CURSOR_KEY

from tests.sync.conftest import OPERATOR, SUPERVISOR, VALIDATION, Station, capture_blobs
from tests.sync.support import FaultyTransport, SimulatedCrash
from station.domain.demo import DEMO_CONSENT

FAULT_PROFILES = [
    {},
    {"drop": 0.15, "lose": 0.15, "dup": 0.1, "delay": 0.1, "5xx": 0.1},
    {"lose": 0.3, "crash": 0.1},
    {"delay": 0.3, "dup": 0.2},
    {"drop": 0.5},
]


class SyncMachine(RuleBasedStateMachine):
    """Subclass and set ``make_backend`` (a callable returning a fresh backend)."""

    make_backend = None
    n_stations = 3

    def __init__(self):
        super().__init__()
        self.tmp = tempfile.TemporaryDirectory(prefix="sync-sm-")
        self.backend = type(self).make_backend()
        self.stations: list[Station] = []
        self.faulty: list[FaultyTransport] = []
        self.cursors: list[int] = []

    @initialize(seed=st.integers(0, 2**32 - 1))
    def setup(self, seed):
        for i in range(self.n_stations):
            faulty = FaultyTransport(self.backend.transport(), random.Random(seed + i))
            folder = Path(self.tmp.name) / f"est{i}"
            folder.mkdir()
            station = Station(folder, f"EST-001-{i + 1:02d}", faulty)
            self.stations.append(station)
            self.faulty.append(faulty)
            self.cursors.append(0)

    def _student(self, i):
        return self.backend.matriculas[i % len(self.backend.matriculas)]

    @rule(s=st.integers(0, 2), i=st.integers(0, 11), seed=st.integers(0, 2**16))
    def capture(self, s, i, seed):
        self.stations[s].store.execute(Command.CAPTURE, self._student(i), OPERATOR, dict(DEMO_CONSENT),
                                       blobs=capture_blobs(random.Random(seed), size=2_000))

    @rule(s=st.integers(0, 2), i=st.integers(0, 11))
    def validate(self, s, i):
        self.stations[s].store.execute(Command.VALIDATE, self._student(i), SUPERVISOR, VALIDATION)

    @rule(s=st.integers(0, 2), i=st.integers(0, 11))
    def defer(self, s, i):
        self.stations[s].store.execute(Command.DEFER, self._student(i), SUPERVISOR, {"comment": "Revisar foto"})

    @rule(i=st.integers(0, 11))
    def server_change(self, i):
        self.backend.server_change(self._student(i))

    @rule(s=st.integers(0, 2), profile=st.sampled_from(FAULT_PROFILES), seed=st.integers(0, 2**16))
    def sync(self, s, profile, seed):
        faulty = self.faulty[s]
        faulty.rates, faulty.rng = profile, random.Random(seed)
        try:
            self.stations[s].service.run_round()
        except SimulatedCrash:
            self.stations[s].crash_and_restart()
        self._check_cursor(s)

    @rule(s=st.integers(0, 2))
    def crash_after_server_commit(self, s):
        """The next command reaches the server, which commits; the station dies before recording it."""
        faulty = self.faulty[s]
        faulty.rates = {}
        faulty.faults = ["crash"] * 3
        try:
            self.stations[s].service.run_round()
        except SimulatedCrash:
            pass
        faulty.faults = []
        self.stations[s].crash_and_restart()
        self._check_cursor(s)

    @precondition(lambda self: any(f.delayed for f in self.faulty))
    @rule(s=st.integers(0, 2))
    def deliver_late(self, s):
        self.faulty[s].flush_delayed()

    def _check_cursor(self, s):
        value = self.stations[s].store.get_setting(CURSOR_KEY) or {}
        seq = int(value.get("seq", 0))
        assert seq >= self.cursors[s], "el cursor retrocedió"
        self.cursors[s] = seq

    @invariant()
    def applied_at_most_once(self):
        if self.stations:
            assert max(self.backend.applied().values(), default=0) <= 1

    def teardown(self):
        try:
            if self.stations:
                self._heal_and_check()
        finally:
            for station in self.stations:
                station.close()
            self.tmp.cleanup()

    def _heal_and_check(self):
        for faulty in self.faulty:
            faulty.rates, faulty.faults = {}, []
            faulty.flush_delayed()
        for station in self.stations:
            for _ in range(3):
                result = station.service.run_round()
                if result.completed and result.pending == 0:
                    break
            assert result.completed and result.pending == 0, result
        for idx, station in enumerate(self.stations):
            assert station.service.run_round().completed  # final pull
            self._check_cursor(idx)
        applied = self.backend.applied()
        server = self.backend.records("001")
        seen_ops = set()
        for station in self.stations:
            with station.store.session() as s:
                ops = list(s.query(OutboxRow))
            for op in ops:
                seen_ops.add(op.op_id)
                assert op.state in ("done", "incidencia"), op.state
                if op.state == "done":
                    assert applied[op.op_id] == 1, op.op_id
                else:
                    assert applied[op.op_id] == 0 and op.server_reason.strip()
            local = {x.matricula: x for x in station.store.find_students(campus="001")}
            assert local.keys() == server.keys()
            for m, record in server.items():
                assert local[m] == record, (station.station_id, m)
        assert set(k for k, v in applied.items() if v) <= seen_ops
