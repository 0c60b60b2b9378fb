"""Sync figures (DESIGN.md §10, issue 4), medians over several runs:

- ``pull_5000_s``: initial pull of a 5,000-student plantel into an empty station (budget ≤ 10 s);
- ``pull_noop_ms``: a pull with nothing new (budget ≤ 200 ms);
- ``push_500_s``: push of 500 queued captures with 50 KB photos (budget ≤ 30 s);
- ``push_wire_ratio``: TCP bytes both ways during that push ÷ payload bytes (blob bytes +
  command JSON), measured by a counting proxy on 127.0.0.1 (budget ≤ 1.15);
- ``push_vs_raw_ratio``: that push ÷ uploading the same bytes to the same server, one plain
  ``PUT /blobs`` per capture (budget ≤ 2);
- ``pull_60000_s``, ``pull_vs_fetch_ratio``: initial pull of a 60,000-student state, and that ÷
  fetching the same pages without storing them (budget ≤ 1.3);
- ``server_push_p95_ms``: p95 latency of ``POST /sync/commands`` with 40 stations × 15 captures
  at once to a server process on PostgreSQL (budget ≤ 300 ms; -1 when PostgreSQL is unreachable);
- ``server_push_vs_db_ratio``: server commands/s in that push ÷ pgbench transactions/s of the same
  statements (:data:`PGBENCH_SCRIPT`) at 40 clients on the same database (budget ≥ 0.5); needs
  ``pgbench`` (Debian ``postgresql-client``);
- ``server_batch_commands_per_s``, ``server_batch_request_p95_ms``, ``server_batch_vs_db_ratio``: the
  same 40 × 15 captures, each station sending its 15 as one ``POST /sync/commands/batch`` (how a
  station pushes since issue 15; every command still its own transaction), and that rate ÷ the
  same pgbench figure;
- ``server_health_per_s``, ``server_signed_in_get_per_s`` and their ``…_vs_db_ratio``: the ceiling of
  the HTTP stack itself in the same set-up — 40 clients × 15 ``GET /health`` (no database), then
  ``GET /campuses`` with the token (one token lookup, one tiny query) — so the push figures can be
  read against what no command route can beat on this machine.

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
from station.domain.demo import DEMO_CONSENT

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "bench-1234!"
PUSH_RUNS = 3
OPERATOR = Actor("operador", Role.OPERATOR, frozenset({"001"}))


def _server(url: str, workers: int = 1) -> tuple[subprocess.Popen, str]:
    from server.testing import free_port

    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "server.cli", "serve", "--db", url, "--port", str(port),
                             "--no-migrate", "--workers", str(workers)], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
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
    from server.testing import sample_jpeg, sample_png

    return {"photo": sample_jpeg(50_000, rng),
            "signature": json.dumps({"strokes": [[[rng.randint(0, 2000), rng.randint(0, 700), i, 1]
                                                  for i in range(300)]]}).encode(),
            "signature_png": sample_png(6_000, rng)}


def _raw_body(rng: random.Random) -> bytes:
    """One JPEG photo the size of a whole capture (photo + signature JSON + signature PNG)."""
    from server.testing import sample_jpeg

    return sample_jpeg(sum(len(b) for b in _capture_blobs(rng).values()), rng)


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
        pushes, ratios, raw_ratios = [], [], []
        rng = random.Random(3)
        port = int(base.rsplit(":", 1)[1])
        for run in range(PUSH_RUNS):
            payload_bytes = 0
            for m in targets[run * 500:(run + 1) * 500]:
                blobs = _capture_blobs(rng)
                payload_bytes += sum(len(b) for b in blobs.values())
                store.execute(Command.CAPTURE, m, OPERATOR, dict(DEMO_CONSENT), blobs=blobs)
            payload_bytes += sum(len(json.dumps(wire_op(op)).encode()) for op in store.outbox())
            proxy = CountingProxy(port)
            papi = ServerApi(f"http://127.0.0.1:{proxy.port}", token=api.token)
            engine = SyncEngine(store, HttpTransport(papi), campuses=["001"], backoff=no_wait_backoff())
            # the raw baseline: per capture ONE valid JPEG as large as that capture's three blobs, for
            # one of the same students (blobs are bound to a student and content-checked since 3fc1e0c)
            raw_bodies = [(_raw_body(rng), m) for m in targets[run * 500:(run + 1) * 500]]
            start = time.perf_counter()
            accepted, refused = engine.push()
            pushes.append(time.perf_counter() - start)
            assert (accepted, refused) == (500, 0), (accepted, refused)
            papi.http.close()
            time.sleep(0.1)
            ratios.append(proxy.bytes / payload_bytes)
            proxy.sock.close()
            start = time.perf_counter()  # the same amount of bytes, one plain upload per capture
            for body, m in raw_bodies:
                api.put_blob(hashlib.sha256(body).hexdigest(), body, "photo", m)
            raw_ratios.append(pushes[-1] / (time.perf_counter() - start))
        store.close()
    finally:
        proc.kill()
        proc.wait()
    return {"pull_5000_s": statistics.median(pulls), "pull_noop_ms": statistics.median(noops),
            "push_500_s": statistics.median(pushes), "push_wire_ratio": statistics.median(ratios),
            "push_vs_raw_ratio": statistics.median(raw_ratios)}


def _pull_figures(tmp: Path, students: int = 60_000, runs: int = 2) -> dict[str, float]:
    """``pull_60000_s``: initial pull of a 60,000-student state into an empty station;
    ``pull_vs_fetch_ratio``: that ÷ fetching the same pages from the same server without storing them."""
    from server.testing import seed

    url = f"sqlite:///{tmp / 'state.sqlite3'}"
    seed(url, PASSWORD, students=students, campuses=1)
    proc, base = _server(url)
    try:
        api = ServerApi(base)
        api.login("estatal", PASSWORD)
        pulls, fetches = [], []
        for run in range(runs):
            start = time.perf_counter()
            cursor, fetched = 0, 0
            while True:
                page = api.changes(cursor, 500, None)
                fetched += len(page["items"])
                cursor = page["next"]
                if not page["more"]:
                    break
            fetches.append(time.perf_counter() - start)
            store = LocalStore(tmp / f"state{run}.sqlite3", os.urandom(32), f"EST-S{run}")
            engine = SyncEngine(store, HttpTransport(api), campuses=[], backoff=no_wait_backoff())
            start = time.perf_counter()
            pulled = engine.pull()
            pulls.append(time.perf_counter() - start)
            store.close()
            assert pulled == fetched >= students, (pulled, fetched)
    finally:
        proc.kill()
        proc.wait()
    return {"pull_60000_s": statistics.median(pulls),
            "pull_vs_fetch_ratio": statistics.median(p / f for p, f in zip(pulls, fetches))}


#: pgbench script: the statements the server runs for one ``POST /sync/commands`` capture (traced from
#: SQLAlchemy on PostgreSQL): the token with its user and station (one joined lookup), then one
#: transaction — student row lock, processed-operation lookup (once, after the lock), blob check, ONE
#: statement that takes the change number, writes the student's changed columns and inserts the stored
#: answer (server.sync.stamping), then the audit row at commit under the chain's advisory lock (last
#: hash read, row inserted; server.db.chain).
PGBENCH_SCRIPT = """
\\set k random(1, :nkeys)
\\set r random(1, 2000000000)
SELECT t.revoked_at, t.expires_at, t.station_id, u.id, u.username, u.role, u.campuses, u.display_name, u.active, s.station_id, s.revoked_at FROM tokens t LEFT OUTER JOIN users u ON u.id = t.user_id LEFT OUTER JOIN stations s ON s.station_id = t.station_id WHERE t.token_hash = :tok;
BEGIN;
SELECT matricula AS m FROM students WHERE matricula = (SELECT matricula FROM bench_keys WHERE i = :k) FOR UPDATE \\gset
SELECT body_sha256, status_code, response FROM sync_operations WHERE op_id = 'pgb' || :client_id || '-' || :r;
SELECT sha256 FROM blob_bindings WHERE matricula = :m AND sha256 IN (:sha1, :sha2);
WITH c AS (UPDATE counters SET value = value + 1 WHERE name = 'change_seq' RETURNING value), s AS (UPDATE students SET status = 'CAPTURED', biometrics_at = now(), status_updated_at = now(), photo_sha256 = :sha1, signature_sha256 = :sha2, updated_at = now(), change_seq = (SELECT value FROM c) WHERE matricula = :m), o AS (INSERT INTO sync_operations (op_id, station_id, seq, username, matricula, command, body_sha256, status_code, created_at, response) SELECT 'pgb' || :client_id || '-' || :r, 'EST-1', 1, 'operador', :m, 'capture', :sha1, 200, now(), CAST(jsonb_set(CAST(CAST(:response AS json) AS jsonb), '{student,change_seq}', to_jsonb(c.value)) AS json) FROM c ON CONFLICT DO NOTHING) SELECT value AS seq FROM c \\gset
SELECT pg_advisory_xact_lock(:chainkey);
SELECT coalesce((SELECT row_hash FROM audit_events ORDER BY id DESC LIMIT 1), repeat('0', 64)) AS prev \\gset
INSERT INTO audit_events (at, username, role, station_id, sender, entity, entity_id, command, from_status, to_status, comment, change_seq, details, prev_hash, row_hash) VALUES (now(), 'operador', 'OPERATOR', 'EST-1', 'operador', 'student', :m, 'capture', 'CAPTURED', 'CAPTURED', '', :seq, '{"op_id": "x", "station_seq": 1}', :prev, md5(:prev || :r) || md5(:r || :prev));
COMMIT;
"""


def _pgbench_tps(url: str, token: str, shas: list[str], clients: int = 40, seconds: int = 8) -> float:
    """Transactions per second of :data:`PGBENCH_SCRIPT` at ``clients`` clients on database ``url``."""
    import psycopg
    from sqlalchemy.engine import make_url

    from server.auth import token_digest
    from server.db.chain import lock_key

    parsed = make_url(url)
    dsn = f"host={parsed.host or '127.0.0.1'} port={parsed.port or 5432} user={parsed.username or 'postgres'} " \
          f"dbname={parsed.database}"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS bench_keys (i int PRIMARY KEY, matricula text)")
        conn.execute("TRUNCATE bench_keys")
        conn.execute("INSERT INTO bench_keys SELECT row_number() OVER (ORDER BY matricula), matricula FROM students "
                     "WHERE status IN ('ENROLLED', 'CAPTURED', 'DEFERRED')")
        nkeys = conn.execute("SELECT count(*) FROM bench_keys").fetchone()[0]
        uid = conn.execute("SELECT user_id FROM tokens WHERE token_hash = %s", (token_digest(token),)).fetchone()[0]
        response = conn.execute("SELECT response FROM sync_operations WHERE status_code = 200 LIMIT 1").fetchone()[0]
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as f:
        f.write(PGBENCH_SCRIPT)
    try:
        for _attempt in range(5):  # other users of the shared PostgreSQL may hold its slots for a moment
            out = subprocess.run(
                ["pgbench", "-n", "-M", "prepared", "-c", str(clients), "-j", "2", "-T", str(seconds), "-f", f.name,
                 "-D", f"nkeys={nkeys}", "-D", f"tok={token_digest(token)}",
                 "-D", f"chainkey={lock_key('audit_events')}", "-D", f"uid={uid}",
                 "-D", f"sha1={shas[0]}", "-D", f"sha2={shas[1]}", "-D", f"response={json.dumps(response)}",
                 "-h", parsed.host or "127.0.0.1", "-p", str(parsed.port or 5432), "-U",
                 parsed.username or "postgres", parsed.database], capture_output=True, text=True,
                timeout=seconds * 6 + 60)
            if "too many clients" not in out.stderr:
                break
            time.sleep(5)
    finally:
        os.unlink(f.name)
    tps = [line for line in out.stdout.splitlines() if line.startswith("tps =")]
    if out.returncode != 0 or not tps:
        raise RuntimeError(f"pgbench: {out.stderr[-1500:]}")
    return float(tps[0].split("=")[1].split()[0])


def _capture_op(op_id: str, station: int, seq: int, matricula: str, shas: list[str]) -> dict:
    """One ``capture`` command of station ``EST-<station>`` as the station sends it (wire shape)."""
    return {"op_id": op_id, "station_id": f"EST-{station:03d}", "seq": seq, "command": "capture",
            "matricula": matricula, "expected_status": None,
            "payload": {"photo_sha256": shas[0], "signature_sha256": shas[1], **DEMO_CONSENT},
            "blob_sha256s": shas, "username": "operador", "created_at": "2026-11-21T10:00:00+00:00"}


def _closed_loop(stations: int, send) -> tuple[float, list[float]]:
    """Run ``send(i, http)`` on ``stations`` threads started together (each with its own
    ``requests.Session``); ``send`` returns the latencies (ms) of the requests it made. Returns
    the seconds from the common start to the last thread's end, and every latency."""
    latencies: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(stations + 1)

    def station(i: int) -> None:
        http = requests.Session()
        barrier.wait()
        mine = send(i, http)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=station, args=(i,)) for i in range(stations)]
    [t.start() for t in threads]
    barrier.wait()
    started = time.perf_counter()
    [t.join() for t in threads]
    return time.perf_counter() - started, latencies


def _server_push(runs: int = 3, stations: int = 40, per_station: int = 15, workers: int = 2) -> dict[str, float]:
    """40 stations × 15 captures at once to a server process on PostgreSQL, ``runs`` times, each followed by pgbench of the same statements at 40 clients on the same database.

    ``server_push_p95_ms`` (median of the runs' p95), ``server_push_vs_db_ratio`` (median of server
    commands/s ÷ pgbench transactions/s); both -1 when PostgreSQL is unreachable.
    """
    from server.testing import create_pg_database, drop_pg_database, seed

    try:
        url = create_pg_database("credencializacion_bench_")
    except Exception:
        return {"server_push_p95_ms": -1.0, "server_push_vs_db_ratio": -1.0}
    p95s, ratios, rates, tpss = [], [], [], []
    batch_rates: list[float] = []
    batch_p95s: list[float] = []
    floors: dict[str, list[float]] = {}
    try:
        seed(url, PASSWORD, students=2 * stations * per_station, campuses=1)
        proc, base = _server(url, workers)
        try:
            api = ServerApi(base)
            api.login("operador", PASSWORD)
            token = api.token
            capturable, cursor = [], 0
            while True:
                page = api.changes(cursor, 2000, ["001"])
                capturable += [r["matricula"] for r in page["items"] if r["status"] in ("ENROLLED", "CAPTURED",
                                                                                        "DEFERRED")]
                cursor = page["next"]
                if not page["more"]:
                    break
            rng = random.Random(9)
            blobs = _capture_blobs(rng)
            photo, sig = blobs["photo"], blobs["signature"]
            shas = [hashlib.sha256(photo).hexdigest(), hashlib.sha256(sig).hexdigest()]
            for m in capturable[:stations * per_station]:  # blobs are bound to their student (not timed)
                api.put_blob(shas[0], photo, "photo", m)
                api.put_blob(shas[1], sig, "signature", m)
            for run in range(runs):
                todo = capturable[:stations * per_station]  # a capture may be taken again: same work every run
                assert len(todo) == stations * per_station

                def send_one_by_one(i: int, http: requests.Session) -> list[float]:
                    latencies = []
                    for seq, m in enumerate(todo[i::stations][:per_station], start=1):
                        op = _capture_op(f"B{run}{i:03d}{seq:05d}{rng.randint(0, 10**9):010d}", i, seq, m, shas)
                        start = time.perf_counter()
                        r = http.post(base + "/sync/commands", json=op, timeout=120,
                                      headers={"Authorization": f"Bearer {token}", "Idempotency-Key": op["op_id"]})
                        latencies.append((time.perf_counter() - start) * 1000)
                        assert r.status_code == 200, r.text
                    return latencies

                seconds, latencies = _closed_loop(stations, send_one_by_one)
                rates.append(len(latencies) / seconds)
                p95s.append(percentile(latencies, 95))
            for run in range(runs):  # the same captures, each station sending its 15 as ONE batch
                todo = capturable[:stations * per_station]

                def send_batch(i: int, http: requests.Session) -> list[float]:
                    ops = [_capture_op(f"C{run}{i:03d}{seq:05d}{rng.randint(0, 10**9):010d}", i, seq, m, shas)
                           for seq, m in enumerate(todo[i::stations][:per_station], start=1)]
                    start = time.perf_counter()
                    r = http.post(base + "/sync/commands/batch", json={"commands": ops}, timeout=300,
                                  headers={"Authorization": f"Bearer {token}"})
                    elapsed = (time.perf_counter() - start) * 1000
                    assert r.status_code == 200 and all(x["outcome"] == "accepted" for x in r.json()["results"]), \
                        r.text[:500]
                    return [elapsed]

                seconds, batch_latencies = _closed_loop(stations, send_batch)
                batch_rates.append(stations * per_station / seconds)
                batch_p95s.append(percentile(batch_latencies, 95))
            for path, signed_in in (("/health", False), ("/campuses", True)):  # the HTTP stack's own ceiling
                headers = {"Authorization": f"Bearer {token}"} if signed_in else {}

                def send_get(i: int, http: requests.Session) -> list[float]:
                    for _ in range(per_station):
                        r = http.get(base + path, headers=headers, timeout=120)
                        assert r.status_code == 200, r.text[:300]
                    return []

                floors.setdefault(path, []).extend(
                    stations * per_station / _closed_loop(stations, send_get)[0] for _ in range(runs))
        finally:
            proc.terminate()  # the parent stops its workers (and their pooled connections)
            proc.wait()
        for rate in rates:  # pgbench once the server's connections are gone: one run per push run
            tpss.append(_pgbench_tps(url, token, shas, clients=stations))
            ratios.append(rate / tpss[-1])
    finally:
        drop_pg_database(url)
    figures = {"server_push_p95_ms": statistics.median(p95s), "server_push_vs_db_ratio": statistics.median(ratios),
               "server_push_commands_per_s": statistics.median(rates),
               "pgbench_same_statements_tps": statistics.median(tpss)}
    if batch_rates:  # batched push (issue 15): 15 commands per request, each still its own transaction
        figures.update({"server_batch_commands_per_s": statistics.median(batch_rates),
                        "server_batch_request_p95_ms": statistics.median(batch_p95s),
                        "server_batch_vs_db_ratio": statistics.median(batch_rates) / statistics.median(tpss)})
    for path, name in (("/health", "server_health"), ("/campuses", "server_signed_in_get")):
        if floors.get(path):
            figures[f"{name}_per_s"] = statistics.median(floors[path])
            figures[f"{name}_vs_db_ratio"] = figures[f"{name}_per_s"] / statistics.median(tpss)
    return figures


def run() -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        figures = _sync_figures(Path(tmp))
    with tempfile.TemporaryDirectory() as tmp:
        figures.update(_pull_figures(Path(tmp)))
    figures.update(_server_push())
    return figures


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
