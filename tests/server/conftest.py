"""Fixtures of the server tests: the same suite runs on SQLite and PostgreSQL.

``server`` is session-scoped and parametrized over the two back-ends: each
gets a seeded database (600 demo students over 3 planteles, users of
:data:`server.services.demo.DEMO_USERS` with :data:`PASSWORD`) and a real
uvicorn server on 127.0.0.1. PostgreSQL runs at 127.0.0.1:5432 (override
with ``CREDENCIALIZACION_TEST_PG``); each run creates and drops its own
``credencializacion_test_<random>`` database. When PostgreSQL is unreachable
the PostgreSQL half is skipped locally but FAILS when ``CI=true``.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import requests

from server.testing import create_pg_database, drop_pg_database, run_server_in_thread, seed

PASSWORD = "demo-1234!"
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def pg_or_skip():
    """Create a throw-away PostgreSQL database, or skip (locally) / fail (CI) when unreachable."""
    try:
        return create_pg_database()
    except Exception as exc:  # psycopg.OperationalError and friends
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"PostgreSQL no disponible en CI: {exc}")
        pytest.skip(f"PostgreSQL no disponible: {exc}")


@dataclass
class ServerEnv:
    """A running test server: ``base`` URL, database ``url``, cached tokens per user."""

    backend: str
    base: str
    url: str
    tokens: dict[str, str] = field(default_factory=dict)
    session: requests.Session = field(default_factory=requests.Session)

    def token(self, username: str) -> str:
        if username not in self.tokens:
            r = self.session.post(self.base + "/auth/login", json={"username": username, "password": PASSWORD})
            assert r.status_code == 200, r.text
            self.tokens[username] = r.json()["token"]
        return self.tokens[username]

    def call(self, user: str | None, method: str, path: str, **kw) -> requests.Response:
        headers = dict(kw.pop("headers", {}) or {})
        if user is not None:
            headers["Authorization"] = "Bearer " + self.token(user)
        kw.setdefault("timeout", (10, None))  # connect only: a slow answer on a loaded machine is not a failure
        return self.session.request(method, self.base + path, headers=headers, **kw)

    def db(self):
        """A new SQLAlchemy session on the server's database (caller closes it)."""
        from server.db.engine import make_engine, make_session_factory

        if not hasattr(self, "_factory"):
            self._engine = make_engine(self.url, pool_size=2)
            self._factory = make_session_factory(self._engine)
        return self._factory()

    def find(self, status: str, campus: str = "001", exclude: set | None = None) -> str:
        """A matrícula in ``status`` at ``campus`` not yet used by another test."""
        from sqlalchemy import select

        from server.db.models import StudentRow

        used = _USED.setdefault(self.backend, set())
        with self.db() as s:
            for m in s.scalars(select(StudentRow.matricula).where(StudentRow.status == status,
                                                                  StudentRow.campus_code == campus)
                               .order_by(StudentRow.matricula)):
                if m not in used and m not in (exclude or set()):
                    used.add(m)
                    return m
        raise AssertionError(f"no quedan alumnos en {status} en {campus}")

    def make_token(self, username: str, expires_in: timedelta, revoked: bool = False) -> str:
        """Insert a token directly (for expired/revoked cases)."""
        import secrets

        from sqlalchemy import select

        from server.auth import token_digest
        from server.db.models import Token, User

        token = secrets.token_urlsafe(32)
        now = datetime.now(timezone.utc)
        with self.db() as s, s.begin():
            user = s.scalar(select(User).where(User.username == username))
            s.add(Token(token_hash=token_digest(token), user_id=user.id, station_id="", address="test",
                        created_at=now - timedelta(hours=13), expires_at=now + expires_in,
                        revoked_at=now if revoked else None))
        return token


_USED: dict[str, set] = {}


@pytest.fixture(scope="session", params=BACKENDS)
def server(request, tmp_path_factory):
    """The running server of one back-end (see module docstring)."""
    backend = request.param
    if backend == "postgres":
        url = pg_or_skip()
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('srv') / 'server.sqlite3'}"
    try:
        seed(url, PASSWORD, students=600, campuses=3)
        base, stop = run_server_in_thread(url)
        env = ServerEnv(backend, base, url)
        yield env
        stop()
        if hasattr(env, "_engine"):
            env._engine.dispose()
    finally:
        if backend == "postgres":
            drop_pg_database(url)


@pytest.fixture(params=BACKENDS)
def fresh_url(request, tmp_path):
    """An empty (unmigrated) database URL of each back-end, dropped afterwards."""
    if request.param == "postgres":
        url = pg_or_skip()
        yield url
        drop_pg_database(url)
    else:
        yield f"sqlite:///{Path(tmp_path) / 'fresh.sqlite3'}"


@pytest.fixture
def pg_url():
    """A throw-away PostgreSQL database (no SQLite variant)."""
    url = pg_or_skip()
    yield url
    drop_pg_database(url)
