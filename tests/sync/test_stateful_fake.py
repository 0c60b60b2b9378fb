"""The sync state machine (tests/sync/stateful.py) against the in-process model server."""
from __future__ import annotations

from hypothesis import HealthCheck, settings

from station.domain import Actor, Command, Role

from tests.sync.conftest import USERS, demo_students
from tests.sync.stateful import SyncMachine
from tests.sync.support import FakeServer

OFFICE_SUPERVISOR = Actor("supervisor-central", Role.SUPERVISOR, frozenset({"001"}))


class FakeBackend:
    def __init__(self):
        self.server = FakeServer(demo_students(40, seed=11), USERS)
        self.matriculas = sorted(m for m, s in self.server.students.items() if s.campus_code == "001")[:12]

    def transport(self):
        return self.server

    def applied(self):
        return self.server.applied

    def records(self, campus):
        return {m: s for m, s in self.server.students.items() if s.campus_code == campus}

    def server_change(self, m):
        self.server.apply_direct(m, Command.DEFER, OFFICE_SUPERVISOR, {"comment": "Cambio en oficina"})


class FakeSyncMachine(SyncMachine):
    make_backend = FakeBackend


TestSyncFake = FakeSyncMachine.TestCase
TestSyncFake.settings = settings(max_examples=40, stateful_step_count=25, deadline=None,
                                 suppress_health_check=[HealthCheck.too_slow])
