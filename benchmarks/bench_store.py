"""Local store figures (DESIGN.md §10): ``lookup_p95_ms`` (find by matrícula among
60,000 students), ``report_ms`` (counts per status per plantel over 60,000) and
``save_capture_ms`` (seal + commit + outbox for a capture with a 50 KB photo)."""
from __future__ import annotations

import os
import random
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks._util import percentile
from station.domain.demo import DEMO_STATUS_MIX, generate_students, make_campuses
from station.domain import Actor, Role, Status
from station.store import LocalStore
from station.domain.demo import DEMO_CONSENT

STUDENTS = 60_000


def run() -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        store = LocalStore(Path(tmp) / "bench.sqlite3", os.urandom(32), "EST-BENCH")
        students = list(generate_students(STUDENTS, make_campuses(40), statuses=DEMO_STATUS_MIX, seed=1))
        store.upsert_students(students, batch=10_000)
        rng = random.Random(5)
        keys = [s.matricula for s in students]

        p95s = []
        for _ in range(5):
            samples = []
            for matricula in rng.sample(keys, 1000):
                start = time.perf_counter()
                assert store.get_student(matricula) is not None
                samples.append((time.perf_counter() - start) * 1000)
            p95s.append(percentile(samples, 95))

        reports = []
        for _ in range(11):
            start = time.perf_counter()
            report = store.status_report()
            reports.append((time.perf_counter() - start) * 1000)
        assert report.totals.total == STUDENTS

        actor = Actor("bench", Role.OPERATOR, frozenset(c.code for c in make_campuses(40)), "EST-BENCH")
        enrolled = [s.matricula for s in students if s.status == Status.ENROLLED][:40]
        saves = []
        for matricula in enrolled:
            photo = b"\xff\xd8" + os.urandom(50_000)
            signature = os.urandom(6_000)
            start = time.perf_counter()
            store.execute("capture", matricula, actor, dict(DEMO_CONSENT),
                          blobs={"photo": photo, "signature": signature, "signature_png": os.urandom(8_000)})
            saves.append((time.perf_counter() - start) * 1000)
        store.close()
    return {
        "lookup_p95_ms": round(statistics.median(p95s), 3),
        "report_ms": round(statistics.median(reports), 2),
        "save_capture_ms": round(statistics.median(saves), 2),
    }
