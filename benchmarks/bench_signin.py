"""Sign-in cost with production argon2 parameters (RFC 9106 second option: t=3, 64 MiB, p=4).

- ``signin_ms``: median of 9 sequential ``POST /auth/login`` with the right password.
- ``signin_storm_health_max_ms``: while 40 clients send wrong passwords for made-up
  users at once, the slowest ``GET /health`` (issue 13: must stay under 1 s).
- ``signin_storm_5xx``: answers ≥ 500 during that storm (must be 0).

SQLite server in a temporary folder, real uvicorn on 127.0.0.1.
"""
from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import requests

PASSWORD = "bench-signin-1234"


def run() -> dict[str, float]:
    from server.settings import ServerSettings
    from server.testing import run_server_in_thread, seed, signin_storm

    settings = ServerSettings()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'signin.sqlite3'}"
        seed(url, PASSWORD, students=0, campuses=1, settings=settings)
        base, stop = run_server_in_thread(url, settings=settings)
        try:
            http = requests.Session()
            times = []
            for _ in range(9):
                start = time.perf_counter()
                r = http.post(base + "/auth/login", json={"username": "operador", "password": PASSWORD}, timeout=60)
                times.append((time.perf_counter() - start) * 1000)
                assert r.status_code == 200, r.text
            statuses, seconds = signin_storm(base)
            health = [t * 1000 for t in seconds]
        finally:
            stop()
    return {"signin_ms": round(statistics.median(times), 1),
            "signin_storm_health_max_ms": round(max(health), 1),
            "signin_storm_5xx": float(sum(1 for s in statuses if s >= 500))}


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2))
