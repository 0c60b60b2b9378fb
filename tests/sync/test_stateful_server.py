"""The sync state machine (tests/sync/stateful.py) against the real server over HTTP on 127.0.0.1.

One server (SQLite) for the whole run; each example takes 12 fresh students
of plantel 001, so examples do not see each other's commands.
"""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings

from station.domain import Actor, Command, Refusal, Role, Status
from station.sync import HttpTransport

from tests.sync.server_env import start_server
from tests.sync.stateful import SyncMachine

OFFICE = Actor("supervisor", Role.SUPERVISOR, frozenset({"001"}), "OFICINA")
_SERVER = {}


class ServerBackend:
    def __init__(self):
        srv = _SERVER["srv"]
        self.srv = srv
        used = _SERVER.setdefault("used", set())
        fresh = [m for m, s in sorted(srv.records("001").items())
                 if s.status in (Status.ENROLLED, Status.CAPTURED, Status.DEFERRED) and m not in used][:12]
        assert len(fresh) == 12, "se agotaron los alumnos de prueba"
        used.update(fresh)
        self.matriculas = fresh
        self.ops_before = srv.applied()

    def transport(self):
        station = _SERVER.setdefault("next_station", [0])
        station[0] = station[0] % 3 + 1
        return HttpTransport(self.srv.api("supervisor", f"EST-001-{station[0]:02d}"))

    def applied(self):
        return self.srv.applied() - self.ops_before

    def records(self, campus):
        return self.srv.records(campus)

    def server_change(self, m):
        from server.services.students import apply_student_command

        with self.srv.db() as s, s.begin():
            result = apply_student_command(s, m, Command.DEFER, OFFICE, {"comment": "Cambio en oficina"})
            if isinstance(result, Refusal):
                s.rollback()


class ServerSyncMachine(SyncMachine):
    make_backend = ServerBackend


@pytest.fixture(scope="module", autouse=True)
def real_server(tmp_path_factory):
    srv = start_server(f"sqlite:///{tmp_path_factory.mktemp('sm') / 'server.sqlite3'}", students=700)
    for i in (1, 2, 3):
        srv.register_station(f"EST-001-{i:02d}")
    _SERVER.clear()
    _SERVER["srv"] = srv
    yield srv
    srv.close()


TestSyncRealServer = ServerSyncMachine.TestCase
TestSyncRealServer.settings = settings(max_examples=12, stateful_step_count=20, deadline=None,
                                       suppress_health_check=[HealthCheck.too_slow])
