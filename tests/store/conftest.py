import os
from datetime import datetime, timezone

import pytest

from station.domain.demo import generate_students, make_campuses
from station.domain import Actor, Role
from station.store import LocalStore
from station.store.crypto import page_key
from station.store.db import connect_raw

KEY = bytes(range(32))


def seeded_store_file(path, students: int):
    """Create a station store at ``path`` holding ``students`` demo students of one plantel; return ``path``."""
    store = LocalStore(path, KEY, "EST-001-01")
    store.upsert_students(generate_students(students, make_campuses(1), seed=11))
    store.close()
    return path


def raw_connect(path, key=None):
    """A DB-API connection on an encrypted store file (what a tool with the key sees)."""
    return connect_raw(path, page_key(key or KEY))


@pytest.fixture
def store(tmp_path):
    s = LocalStore(tmp_path / "estacion.sqlite3", KEY, "EST-001-01")
    s.upsert_students(generate_students(50, make_campuses(1), seed=7))
    yield s
    s.close()


@pytest.fixture
def operator():
    return Actor("capturista", Role.OPERATOR, frozenset({"001"}), "EST-001-01")


@pytest.fixture
def supervisor():
    return Actor("supervisor", Role.SUPERVISOR, frozenset({"001"}), "EST-001-01")


def fake_jpeg(size=50_000) -> bytes:
    return b"\xff\xd8\xff\xe0" + os.urandom(size - 6) + b"\xff\xd9"


def fake_png() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + os.urandom(2000)


NOW = datetime(2026, 11, 21, 10, 0, tzinfo=timezone.utc)
