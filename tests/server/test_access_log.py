"""Reads of personal data are logged and limited per user (issue 13 item 4), on SQLite and PostgreSQL:
every read of a student's record, SAE data, list, XLSX or biometrics leaves who, station, address,
when and which students in the access log the state office queries (API and CLI); past the
per-user limit a read is refused (429, Spanish, ``Retry-After``) and nothing is read."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from server.cli import main
from server.db.models import AccessLogRow, StudentRow
from server.settings import ServerSettings
from server.testing import run_server_in_thread, seed
from tests.server.attackers import TestStation, bearer, photo_jpeg, put_blob, sha
from tests.server.conftest import PASSWORD, ServerEnv
from tests.server.helpers import matricula

LIMIT = 12
SETTINGS = ServerSettings(argon2_time_cost=1, argon2_memory_kib=1024, argon2_parallelism=1, read_limit=LIMIT)


@pytest.fixture
def env(fresh_url):
    """A server of each back-end whose users may read :data:`LIMIT` times per window."""
    seed(fresh_url, PASSWORD, students=30, campuses=2, settings=SETTINGS)
    base, stop = run_server_in_thread(fresh_url, settings=SETTINGS)
    server = ServerEnv("x", base, fresh_url)
    yield server
    stop()
    if hasattr(server, "_engine"):
        server._engine.dispose()


def _students(env: ServerEnv, campus: str) -> list[str]:
    with env.db() as s:
        return list(s.scalars(select(StudentRow.matricula).where(StudentRow.campus_code == campus)
                              .order_by(StudentRow.matricula)))


def _logged(env: ServerEnv) -> int:
    with env.db() as s:
        return s.scalar(select(func.count()).select_from(AccessLogRow))


def test_every_personal_data_read_is_logged_and_the_state_office_can_query_it(env, capsys):
    own, other = _students(env, "001")[0], _students(env, "002")[0]
    station = TestStation(env, "EST-001-07")
    token = station.sign_in("operador")
    photo = photo_jpeg(7)
    assert put_blob(env, token, photo, "photo", own).status_code == 201
    reads = {
        "student": f"/students/{other}",  # another plantel's record (manual §13): allowed, and logged
        "sae": f"/sae/{own}",
        "biometrics": f"/blobs/{sha(photo)}",
        "student_list": "/students?campus=001&page_size=5",
        "campus_xlsx": "/reports/campus/001/students.xlsx",
    }
    for path in reads.values():
        r = env.session.get(env.base + path, headers=bearer(token))
        assert r.status_code == 200, (path, r.text)
    log = env.call("estatal", "GET", "/access-log", params={"username": "operador"}).json()
    assert [e["resource"] for e in reversed(log)] == list(reads)
    assert all(e["station_id"] == "EST-001-07" and e["address"] == "127.0.0.1" and e["role"] == "operator"
               for e in log)
    by_resource = {e["resource"]: e for e in log}
    assert by_resource["student"]["students"] == [other] and "curp" in by_resource["student"]["fields"]
    assert by_resource["biometrics"]["students"] == [own] and by_resource["biometrics"]["fields"] == ["photo"]
    assert by_resource["student_list"]["count"] == 5
    assert by_resource["campus_xlsx"]["count"] == len(_students(env, "001"))
    who_read_other = env.call("estatal", "GET", "/access-log", params={"matricula": other}).json()
    assert [e["resource"] for e in who_read_other] == ["student"]
    # desk roles cannot read the log
    for user in ("operador", "supervisor"):
        r = env.call(user, "GET", "/access-log")
        assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden_role"
    assert main(["access-log", "--db", env.url, "--matricula", other]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2 and f"\toperador\toperator\tEST-001-07\t127.0.0.1\tstudent\t1\t{other}" in lines[1]


def test_a_refused_or_missing_read_is_not_logged(env):
    other = _students(env, "002")[0]
    assert env.call("operador", "GET", f"/students/{matricula(1, 9999)}").status_code == 404
    assert env.call("operador", "GET", "/students", params={"campus": "002"}).status_code == 403
    assert env.call("operador", "GET", "/reports/campus/002/students.xlsx").status_code == 403
    assert _logged(env) == 0
    assert env.call("operador", "GET", f"/students/{other}").status_code == 200
    assert _logged(env) == 1


def test_reads_beyond_the_per_user_limit_get_429_with_retry_after(env):
    mine = _students(env, "001")
    for m in mine[:LIMIT]:
        assert env.call("operador", "GET", f"/students/{m}").status_code == 200
    refused = env.call("operador", "GET", f"/students/{mine[LIMIT]}")
    assert refused.status_code == 429, refused.text
    body = refused.json()["error"]
    assert body["code"] == "too_many_reads" and "Demasiadas consultas" in body["message"]
    assert "StudentOut" not in refused.text and mine[LIMIT] not in refused.text  # nothing of the record
    assert 1 <= int(refused.headers["Retry-After"]) <= int(SETTINGS.read_window.total_seconds())
    assert _logged(env) == LIMIT  # the refused read left no entry (and read nothing)
    # another user is not affected, and the station's replication feed is logged but never limited
    assert env.call("supervisor", "GET", f"/students/{mine[0]}").status_code == 200
    changes = env.call("operador", "GET", "/sync/changes", params={"since": 0, "limit": 5})
    assert changes.status_code == 200 and len(changes.json()["items"]) == 5
    assert env.call("estatal", "GET", "/access-log", params={"username": "operador", "limit": 1}).json()[0][
        "resource"] == "changes"
