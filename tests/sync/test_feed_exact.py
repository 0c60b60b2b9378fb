"""The changes feed stays exact under load (issue 15): 20 stations push
commands at once while two stations pull page by page; no puller ever sees a
change number twice or out of order, and after a last pull each holds exactly
the server's final records — none skipped, though change numbers are taken at
the last moment and transactions commit in any order. SQLite and PostgreSQL."""
from __future__ import annotations

import random
import threading

import pytest
import requests
from ulid import ULID

from station.domain import Status

from tests.sync.server_env import pg_or_skip, start_server
from station.domain.demo import DEMO_CONSENT

WRITERS = 20
PER_WRITER = 12
PAGE = 7


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def srv(request, tmp_path):
    from server.testing import drop_pg_database

    url = pg_or_skip() if request.param == "postgres" else f"sqlite:///{tmp_path / 'server.sqlite3'}"
    server = start_server(url, students=200)
    yield server
    server.close()
    if request.param == "postgres":
        drop_pg_database(url)


class Puller:
    """Pulls ``/sync/changes`` from its cursor, checking order, keeping the newest record of each student."""

    def __init__(self, base: str, token: str):
        self.base, self.cursor, self.records, self.seen = base, 0, {}, []
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {token}"

    def pull_once(self) -> bool:
        page = self.http.get(f"{self.base}/sync/changes", params={"since": self.cursor, "limit": PAGE,
                                                                  "campus": "001"}, timeout=60).json()
        seqs = [item["change_seq"] for item in page["items"]]
        assert seqs == sorted(set(seqs)) and all(s > self.cursor for s in seqs), (self.cursor, seqs)
        assert page["next"] >= self.cursor
        self.seen += seqs
        for item in page["items"]:
            self.records[item["matricula"]] = item
        self.cursor = page["next"]
        return page["more"]

    def drain(self) -> None:
        while self.pull_once():
            pass


@pytest.mark.slow
def test_feed_exact_under_20_writers_and_2_pullers(srv):
    api = srv.api("operador")
    pool = sorted(m for m, s in srv.records("001").items()
                  if s.status in (Status.ENROLLED, Status.CAPTURED, Status.DEFERRED))[:60]
    from server.testing import sample_jpeg

    blobs = {"photo": sample_jpeg(2000, random.Random("photo")), "signature": b'{"strokes": [[[1, 2, 0, 1]]]}'}
    shas = [__import__("hashlib").sha256(data).hexdigest() for data in blobs.values()]
    for m in pool:  # blobs are bound to each student they are used for
        for sha, (kind, data) in zip(shas, blobs.items()):
            api.put_blob(sha, data, kind, m)
    pullers = [Puller(srv.base, api.token) for _ in range(2)]
    pullers[1].drain()  # one starts from a full state, the other from zero during the writes
    stop = threading.Event()
    failures: list[BaseException] = []

    def pull_loop(puller: Puller) -> None:
        try:
            while not stop.is_set():
                puller.pull_once()
        except BaseException as exc:  # reported by the main thread
            failures.append(exc)

    def writer(i: int) -> None:
        try:
            http = requests.Session()
            http.headers["Authorization"] = f"Bearer {api.token}"
            rng = random.Random(i)
            for seq in range(1, PER_WRITER + 1):
                op_id = str(ULID())
                body = {"op_id": op_id, "station_id": f"EST-{i:03d}", "seq": seq, "command": "capture",
                        "matricula": rng.choice(pool), "expected_status": None, "username": "operador",
                        "payload": {"photo_sha256": shas[0], "signature_sha256": shas[1], **DEMO_CONSENT},
                        "blob_sha256s": []}
                answer = http.post(f"{srv.base}/sync/commands", json=body, headers={"Idempotency-Key": op_id},
                                   timeout=120)
                assert answer.status_code == 200, answer.text
        except BaseException as exc:
            failures.append(exc)

    readers = [threading.Thread(target=pull_loop, args=(p,)) for p in pullers]
    writers = [threading.Thread(target=writer, args=(i,)) for i in range(WRITERS)]
    for t in readers + writers:
        t.start()
    for t in writers:
        t.join()
    stop.set()
    for t in readers:
        t.join()
    assert not failures, failures[0]
    final = {m: s for m, s in srv.records("001").items()}
    for puller in pullers:
        puller.drain()
        assert len(puller.seen) == len(set(puller.seen))  # no change number delivered twice
        assert puller.records.keys() >= set(pool)
        for m, student in final.items():
            if m in puller.records:
                got = puller.records[m]
                assert got["status"] == student.status.value and got["photo_sha256"] == student.photo_sha256, m
                assert got["change_seq"] == student.extra["change_seq"], m  # the newest change, none skipped
    assert pullers[0].records == pullers[1].records
    assert pullers[0].records.keys() == final.keys()
