"""Fixtures of the sync tests: stations (real LocalStore files) and a model server."""
from __future__ import annotations

import os
import random
from datetime import date
from pathlib import Path

import pytest

from station.domain.demo import generate_students, make_campuses
from station.domain import Actor, Role, Status
from station.store import LocalStore
from station.sync import SyncService, no_wait_backoff

from tests.sync.support import FakeServer

KEY = bytes(range(32))
CAMPUSES = make_campuses(2)
OPERATOR = Actor("operador", Role.OPERATOR, frozenset({"001"}))
SUPERVISOR = Actor("supervisor", Role.SUPERVISOR, frozenset({"001"}))
USERS = {"operador": OPERATOR, "supervisor": SUPERVISOR}


def photo_bytes(rng: random.Random | None = None, size: int = 50_000) -> bytes:
    """A real 480×640 JPEG of about ``size`` bytes (random filler, so every capture has its own hash)."""
    from server.testing import sample_jpeg

    return sample_jpeg(size, rng)


def capture_blobs(rng: random.Random | None = None, size: int = 50_000) -> dict[str, bytes]:
    """Photo, signature strokes JSON and signature PNG of one capture."""
    from server.testing import sample_png

    photo = photo_bytes(rng, size)
    return {"photo": photo, "signature": b'{"strokes": [[1, 2, 0, 1]], "n": "%s"}' % photo[4:12].hex().encode(),
            "signature_png": sample_png(1_500, rng)}


VALIDATION = {"health_institution": "IMSS", "affiliation_number": "26180366723", "valid_until": "2030-08-01"}


def demo_students(n: int = 80, seed: int = 7):
    """``n`` students over planteles 001/002, mixed statuses (ENROLLED, CAPTURED, DEFERRED, RECEIVED…)."""
    mix = {Status.ENROLLED: 0.5, Status.CAPTURED: 0.3, Status.DEFERRED: 0.1, Status.RECEIVED: 0.1}
    return list(generate_students(n, CAMPUSES, seed=seed, statuses=mix))


class Station:
    """A station under test: its store, config and :class:`SyncService` over ``transport``."""

    def __init__(self, folder: Path, station_id: str, transport, campuses=("001",)):
        self.folder = folder
        self.station_id = station_id
        self.transport = transport
        self.campuses = list(campuses)
        self.open()

    def open(self):
        self.store = LocalStore(self.folder / "estacion.sqlite3", KEY, self.station_id)
        config = type("Cfg", (), {"campuses": self.campuses})()
        self.service = SyncService(self.store, None, config, transport_factory=lambda: self.transport,
                                   backoff=no_wait_backoff(attempts=4), page_size=25)

    def crash_and_restart(self):
        """Drop every handle (as a killed process would) and reopen from the file."""
        self.store.close()
        self.open()

    def close(self):
        self.store.close()


@pytest.fixture
def fake_server():
    return FakeServer(demo_students(), USERS)


@pytest.fixture
def make_station(tmp_path):
    made = []

    def make(transport, station_id="EST-001-01", campuses=("001",)):
        folder = tmp_path / station_id
        folder.mkdir(exist_ok=True)
        st = Station(folder, station_id, transport, campuses)
        made.append(st)
        return st

    yield make
    for st in made:
        st.close()
