"""SAE import figure (issue 15, item 7), median of several runs:

- ``sae_import_50mb_s``: a 50 MB SAE export (CSV, UTF-8, ~400,000 rows, a few bad ones) uploaded
  with ``POST /sae/files`` to a server process on SQLite, until the answer (rows streamed to a
  temporary file, then read in two streamed passes and upserted in batches).
"""
from __future__ import annotations

import json
import statistics
import tempfile
import time
from pathlib import Path

import requests

from station.domain import matricula_check_digit

PASSWORD = "bench-1234!"
RUNS = 2


def write_sae_file(path: Path, megabytes: int = 50) -> int:
    """Write an SAE export of ``megabytes`` MB to ``path``; every 50,000th row is bad. Returns the rows."""
    from tests.server.helpers import HEADER, sae_row

    good = sae_row("7700000001-0")
    n = 0
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(HEADER) + "\r\n")
        while fh.tell() < megabytes * 1024 * 1024:
            n += 1
            row = list(good)
            pre = f"77{n:08d}"
            row[1], row[3] = f"{pre}-{matricula_check_digit(pre)}", pre
            if n % 50_000 == 0:
                row[0] = "MALA"
            fh.write(",".join(row) + "\r\n")
    return n


def run() -> dict[str, float]:
    from benchmarks.bench_sync import _server
    from server.testing import seed

    times = []
    with tempfile.TemporaryDirectory() as tmp:
        sae = Path(tmp) / "sae-50mb.csv"
        rows = write_sae_file(sae)
        for run_no in range(RUNS):
            url = f"sqlite:///{Path(tmp) / f'server{run_no}.sqlite3'}"
            seed(url, PASSWORD, students=0, campuses=3)
            proc, base = _server(url)
            try:
                token = requests.post(f"{base}/auth/login", json={"username": "estatal", "password": PASSWORD},
                                      timeout=60).json()["token"]
                with open(sae, "rb") as fh:
                    start = time.perf_counter()
                    answer = requests.post(f"{base}/sae/files", params={"filename": sae.name}, data=fh,
                                           headers={"Authorization": f"Bearer {token}", "Content-Type": "text/csv"},
                                           timeout=(10, None))
                    times.append(time.perf_counter() - start)
                assert answer.status_code == 200 and answer.json()["rows"] == rows, answer.text[:300]
            finally:
                proc.kill()
                proc.wait()
    return {"sae_import_50mb_s": statistics.median(times)}


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
