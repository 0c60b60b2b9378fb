"""The sync state machine (tests/sync/stateful.py) against the real server over HTTP on 127.0.0.1.

One server process (SQLite) for the whole run; each example takes 12 fresh
students of plantel 001, so examples do not see each other's commands. The
extra rule ``server_killed_after_commit`` SIGKILLs the real server process
right after it commits a station's command and before it answers (see
``server_child.py``), then restarts it. Examples are derandomized (the same
ones on every run), so a removed idempotency check fails every time.
"""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import rule

from station.domain import Actor, Command, Refusal, Role, Status
from station.sync import HttpTransport

from tests.sync.faults import ServerProcess
from tests.sync.server_env import PASSWORD, SyncServer
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

    @rule(s=st.integers(0, 2))
    def server_killed_after_commit(self, s):
        """The server process dies (SIGKILL) between committing the station's next command and answering."""
        server, flag = _SERVER["process"], _SERVER["flag"]
        flag.touch()
        self.faulty[s].rates = {}
        self.stations[s].service.run_round()
        if flag.exists():  # nothing was committed this round
            flag.unlink()
        else:
            assert server.wait_dead() == -9
            server.start()
        self._check_cursor(s)


@pytest.fixture(scope="module", autouse=True)
def real_server(tmp_path_factory):
    from server.testing import free_port, seed

    folder = tmp_path_factory.mktemp("sm")
    url = f"sqlite:///{folder / 'server.sqlite3'}"
    seed(url, PASSWORD, students=700, campuses=2)
    srv = SyncServer("", url)
    for i in (1, 2, 3):
        srv.register_station(f"EST-001-{i:02d}")
    flag = folder / "kill-after-commit"
    process = ServerProcess(url, free_port(), "--kill-after-commit", str(flag)).start()
    srv.base = process.base
    for i in (1, 2, 3):
        srv.api("operador", f"EST-001-{i:02d}")  # the operator signed in at each station (who-acted rule)
    _SERVER.clear()
    _SERVER.update(srv=srv, process=process, flag=flag)
    yield srv
    process.kill()
    srv.close()


TestSyncRealServer = ServerSyncMachine.TestCase
TestSyncRealServer.settings = settings(max_examples=12, stateful_step_count=20, deadline=None, derandomize=True,
                                       database=None, suppress_health_check=[HealthCheck.too_slow])
