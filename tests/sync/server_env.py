"""A real server (uvicorn thread on 127.0.0.1) for the sync tests, with helpers."""
from __future__ import annotations

import base64
import os
from collections import Counter
from dataclasses import dataclass, field

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from station.api import ServerApi
from station.domain import Actor, Role

PASSWORD = "demo-1234!"


def pg_or_skip():
    from server.testing import create_pg_database

    try:
        return create_pg_database("credencializacion_sync_")
    except Exception as exc:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"PostgreSQL no disponible en CI: {exc}")
        pytest.skip(f"PostgreSQL no disponible: {exc}")


def public_b64(private: Ed25519PrivateKey) -> str:
    key = private.public_key()
    return base64.b64encode(key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)).decode()


def new_public_key() -> str:
    return public_b64(Ed25519PrivateKey.generate())


@dataclass
class SyncServer:
    """``base`` URL, database ``url``; ``api(user, station)`` signs in over HTTP."""

    base: str
    url: str
    stop: object = None
    _factory: object = None
    _engine: object = None
    tokens: dict = field(default_factory=dict)
    keys: dict = field(default_factory=dict)

    def db(self):
        from server.db.engine import make_engine, make_session_factory

        if self._factory is None:
            self._engine = make_engine(self.url, pool_size=2)
            self._factory = make_session_factory(self._engine)
        return self._factory()

    def register_station(self, station_id: str) -> None:
        from server.services.admin import register_station

        key = self.keys.setdefault(station_id, Ed25519PrivateKey.generate())
        with self.db() as s, s.begin():
            register_station(s, Actor("admin", Role.ADMIN), station_id, public_b64(key), "prueba de sync")

    def api(self, username: str, station_id: str = "") -> ServerApi:
        """A client signed in as ``username``; with ``station_id`` the station proves its key."""
        api = ServerApi(self.base)
        api.login(username, PASSWORD, station_id, self.keys.get(station_id) if station_id else None)
        return api

    def applied(self) -> Counter:
        """op_id → audit events of the server carrying it (how many times it was applied)."""
        from server.db.models import AuditRow

        out: Counter = Counter()
        with self.db() as s:
            for details in s.scalars(select(AuditRow.details).where(AuditRow.entity == "student")):
                if details and details.get("op_id"):
                    out[details["op_id"]] += 1
        return out

    def records(self, campus: str) -> dict:
        from server.db.models import StudentRow
        from server.services.students import student_from_row

        with self.db() as s:
            return {r.matricula: student_from_row(r)
                    for r in s.scalars(select(StudentRow).where(StudentRow.campus_code == campus))}

    def close(self):
        if self.stop:
            self.stop()
        if self._engine is not None:
            self._engine.dispose()


def start_server(url: str, students: int = 120) -> SyncServer:
    from server.testing import run_server_in_thread, seed

    seed(url, PASSWORD, students=students, campuses=2)
    base, stop = run_server_in_thread(url)
    return SyncServer(base, url, stop)
