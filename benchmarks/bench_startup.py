"""Start-up of the station: process start → sign-in window shown (DESIGN §10: ≤ 2.5 s).

Each run spawns ``python -m app`` with ``CREDENCIALIZACION_STARTUP_PROBE=1``
(offscreen Qt, a throw-away home); the application prints a marker once the
sign-in window is shown and exits. The figure is the wall time from spawning
the process to reading that marker, median of several runs (the first run,
which warms the OS file cache, is discarded).
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time

RUNS = 5
MARKER = "credencializacion: inicio de sesión mostrado"


def one_start(env: dict) -> float:
    """Seconds from spawn to the marker. Raises RuntimeError if the window never shows."""
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "app"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=env, text=True, encoding="utf-8")
    try:
        for line in proc.stdout:
            if line.startswith(MARKER):
                elapsed = time.perf_counter() - started
                proc.wait(timeout=30)
                return elapsed
        raise RuntimeError(f"La ventana de inicio de sesión no se mostró: {proc.stderr.read()[-500:]}")
    finally:
        if proc.poll() is None:
            proc.kill()


def run() -> dict[str, float]:
    """``{"startup_s": median seconds}``."""
    with tempfile.TemporaryDirectory(prefix="credencializacion-bench-") as home:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", CREDENCIALIZACION_HOME=home,
                   CREDENCIALIZACION_STARTUP_PROBE="1")
        one_start(env)  # warm-up
        times = [one_start(env) for _ in range(RUNS)]
    return {"startup_s": round(statistics.median(times), 3)}


if __name__ == "__main__":  # pragma: no cover
    print(run())
