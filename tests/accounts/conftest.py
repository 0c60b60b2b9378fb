"""Fixtures of the accounts tests: a real server (SQLite and PostgreSQL) seeded with
two planteles, systems users per plantel and students lacking an address."""
from __future__ import annotations

import csv
import io
import logging
import zipfile

import pytest
from sqlalchemy import select, update

from station.domain import Actor, Role, Status

from tests.sync.server_env import PASSWORD, pg_or_skip, start_server

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
STUDENT_DOMAIN = "alumnos.conalepmex.edu.mx"
STAFF_DOMAIN = "docentes.conalepmex.edu.mx"


class LogSink(logging.Handler):
    """Every log record of the process while the module runs (to grep for passwords)."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record):
        try:
            self.lines.append(self.format(record))
        except Exception:  # pragma: no cover
            self.lines.append(repr(record.__dict__))


@pytest.fixture(scope="module", params=BACKENDS)
def srv(request, tmp_path_factory):
    from server.services.admin import create_user
    from server.settings import FAST_TEST_SETTINGS
    from server.db.models import StudentRow

    sink = LogSink()
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(sink)
    root.setLevel(logging.DEBUG)
    url = pg_or_skip() if request.param == "postgres" else \
        f"sqlite:///{tmp_path_factory.mktemp('acc') / 'server.sqlite3'}"
    server = start_server(url, students=120)
    server.backend = request.param
    server.logs = sink
    server.register_station("EST-001-01")
    admin = Actor("admin", Role.ADMIN)
    with server.db() as s, s.begin():
        # "sistemas" (Centro de Cómputo, plantel 001) comes with the demo data
        create_user(s, admin, "sistemas2", PASSWORD, Role.SYSTEMS, ["002"], "Centro de Cómputo 2",
                    FAST_TEST_SETTINGS)
        # new students arrive from SAE without an institutional address
        s.execute(update(StudentRow).where(StudentRow.status.in_([Status.ENROLLED.value, Status.CAPTURED.value]))
                  .values(institutional_email=""))
    yield server
    server.close()
    root.removeHandler(sink)
    root.setLevel(old_level)
    if request.param == "postgres":
        from server.testing import drop_pg_database

        drop_pg_database(url)


def call(srv, user, method, path, **kw):
    """HTTP call as ``user`` (``None`` = anonymous) → ``requests.Response``."""
    import requests

    headers = dict(kw.pop("headers", {}) or {})
    if user is not None:
        if user not in srv.tokens:
            srv.tokens[user] = srv.api(user).token
        headers["Authorization"] = "Bearer " + srv.tokens[user]
    return requests.request(method, srv.base + path, headers=headers, timeout=120, **kw)


def unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def csv_rows(data: bytes, skip: int = 0) -> list[dict]:
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))[skip:]
    return [dict(zip(lines[0], line)) for line in lines[1:]]


def pending(srv, campus="001") -> list[str]:
    from server.db.models import StudentRow

    with srv.db() as s:
        return list(s.scalars(select(StudentRow.matricula).where(StudentRow.campus_code == campus,
                                                                 StudentRow.institutional_email == "")
                              .order_by(StudentRow.matricula)))
