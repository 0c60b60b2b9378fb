"""Sync figures (DESIGN.md §10, issue 4), medians over several runs:

- ``pull_5000_s``: initial pull of a 5,000-student plantel into an empty station (budget ≤ 10 s);
- ``pull_noop_ms``: a pull with nothing new (budget ≤ 200 ms);
- ``push_500_s``: push of 500 queued captures with 50 KB photos (budget ≤ 30 s);
- ``push_wire_ratio``: TCP bytes both ways during that push ÷ payload bytes (blob bytes +
  command JSON), measured by a counting proxy on 127.0.0.1 (budget ≤ 1.15);
- ``server_push_p95_ms``: p95 latency of ``POST /sync/commands`` with 40 stations pushing at
  once to a server process on PostgreSQL (skipped, value -1, when PostgreSQL is unreachable).

Server: a real ``credencializacion-server serve`` process (SQLite, then PostgreSQL).
"""
from __future__ import annotations

import hashlib
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

from benchmarks._util import percentile
from station.api import ServerApi
from station.domain import Actor, Command, Role, Status
from station.store import LocalStore
from station.sync import HttpTransport, SyncEngine, no_wait_backoff
from station.sync.engine import wire_op

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "bench-1234!"
PUSH_RUNS = 3
OPERATOR = Actor("operador", Role.OPERATOR, frozenset({"001"}))


def _server(url: str) -> tuple[subprocess.Popen, str]:
    from server.testing import free_port

    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "server.cli", "serve", "--db", url, "--port", str(port),
                             "--no-migrate"], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(base + "/health", timeout=0.5).status_code == 200:
                return proc, base
        except requests.RequestException:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("el servidor no arrancó")


class CountingProxy:
    """TCP proxy 127.0.0.1:port → target that counts the bytes in both directions."""

    def __init__(self, target_port: int):
        self.target = ("127.0.0.1", target_port)
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.bytes = 0
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _pipe(self, src, dst):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                with self.lock:
                    self.bytes += len(data)
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def _accept(self):
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            for s in (client, upstream):
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            threading.Thread(target=self._pipe, args=(client, upstream), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client), daemon=True).start()


def _capture_blobs(rng: random.Random) -> dict[str, bytes]:
    photo = b"\xff\xd8\xff\xe0" + rng.randbytes(50_000 - 6) + b"\xff\xd9"
    return {"photo": photo, "signature": json.dumps({"strokes": [[rng.randint(0, 2000), rng.randint(0, 700), i, 1]
                                                                 for i in range(300)]}).encode(),
            "signature_png": b"\x89PNG\r\n\x1a\n" + rng.randbytes(6000)}


def _sync_figures(tmp: Path) -> dict[str, float]:
    from server.testing import seed

    url = f"sqlite:///{tmp / 'server.sqlite3'}"
    seed(url, PASSWORD, students=5000, campuses=1)
    proc, base = _server(url)
    try:
        api = ServerApi(base)
        api.login("operador", PASSWORD)
        pulls, noops = [], []
        store = None
        for run in range(3):
            store = LocalStore(tmp / f"pull{run}.sqlite3", os.urandom(32), f"EST-{run}")
            engine = SyncEngine(store, HttpTransport(api), campuses=["001"], backoff=no_wait_backoff())
            start = time.perf_counter()
            pulled = engine.pull()
            pulls.append(time.perf_counter() - start)
            assert pulled == 5000, pulled
            for _ in range(5):
                start = time.perf_counter()
                engine.pull()
                noops.append((time.perf_counter() - start) * 1000)
            if run < 2:
                store.close()
        # push: 500 captures with 50 KB photos, three runs on different students
        targets = [s.matricula for s in store.find_students(campus="001", statuses=[Status.ENROLLED])]
        pushes, ratios = [], []
        rng = random.Random(3)
        port = int(base.rsplit(":", 1)[1])
        for run in range(PUSH_RUNS):
            payload_bytes = 0
            for m in targets[run * 500:(run + 1) * 500]:
                blobs = _capture_blobs(rng)
                payload_bytes += sum(len(b) for b in blobs.values())
                store.execute(Command.CAPTURE, m, OPERATOR, {}, blobs=blobs)
            payload_bytes += sum(len(json.dumps(wire_op(op)).encode()) for op in store.outbox())
            proxy = CountingProxy(port)
            papi = ServerApi(f"http://127.0.0.1:{proxy.port}", token=api.token)
            engine = SyncEngine(store, HttpTransport(papi), campuses=["001"], backoff=no_wait_backoff())
            start = time.perf_counter()
            accepted, refused = engine.push()
            pushes.append(time.perf_counter() - start)
            assert (accepted, refused) == (500, 0), (accepted, refused)
            papi.http.close()
            time.sleep(0.1)
            ratios.append(proxy.bytes / payload_bytes)
            proxy.sock.close()
        store.close()
    finally:
        proc.kill()
        proc.wait()
    return {"pull_5000_s": statistics.median(pulls), "pull_noop_ms": statistics.median(noops),
            "push_500_s": statistics.median(pushes), "push_wire_ratio": statistics.median(ratios)}


def _server_push_p95(stations: int = 40, per_station: int = 15) -> float:
    from server.testing import create_pg_database, drop_pg_database, seed
    from server.services.admin import register_station  # noqa: F401 (stations not needed: own-user pushes)

    try:
        url = create_pg_database("credencializacion_bench_")
    except Exception:
        return -1.0
    try:
        seed(url, PASSWORD, students=stations * per_station + 200, campuses=1)
        proc, base = _server(url)
        try:
            api = ServerApi(base)
            api.login("operador", PASSWORD)
            token = api.token
            rows = api.changes(0, 2000, ["001"])["items"]
            enrolled = [r["matricula"] for r in rows if r["status"] == "ENROLLED"]
            rng = random.Random(9)
            photo = rng.randbytes(50_000)
            sig = rng.randbytes(3_000)
            shas = [hashlib.sha256(photo).hexdigest(), hashlib.sha256(sig).hexdigest()]
            api.put_blob(shas[0], photo, "photo")
            api.put_blob(shas[1], sig, "signature")
            latencies: list[float] = []
            lock = threading.Lock()
            barrier = threading.Barrier(stations)

            def station(i: int) -> None:
                http = requests.Session()
                mine = enrolled[i::stations][:per_station]
                barrier.wait()
                for seq, m in enumerate(mine, start=1):
                    op = {"op_id": f"BENCH{i:03d}{seq:05d}{rng.randint(0, 10**9):010d}", "station_id": f"EST-{i:03d}",
                          "seq": seq, "command": "capture", "matricula": m, "expected_status": "ENROLLED",
                          "payload": {"photo_sha256": shas[0], "signature_sha256": shas[1]}, "blob_sha256s": shas,
                          "username": "operador", "created_at": "2026-11-21T10:00:00+00:00"}
                    start = time.perf_counter()
                    r = http.post(base + "/sync/commands", json=op, timeout=60,
                                  headers={"Authorization": f"Bearer {token}", "Idempotency-Key": op["op_id"]})
                    elapsed = (time.perf_counter() - start) * 1000
                    assert r.status_code == 200, r.text
                    with lock:
                        latencies.append(elapsed)

            threads = [threading.Thread(target=station, args=(i,)) for i in range(stations)]
            [t.start() for t in threads]
            [t.join() for t in threads]
            return percentile(latencies, 95)
        finally:
            proc.kill()
            proc.wait()
    finally:
        drop_pg_database(url)


def run() -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        figures = _sync_figures(Path(tmp))
    figures["server_push_p95_ms"] = _server_push_p95()
    return figures


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
