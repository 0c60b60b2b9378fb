"""Helpers for benchmark modules: medians over repeated runs."""
from __future__ import annotations

import statistics
import time
from typing import Callable


def median_of(fn: Callable[[], float], runs: int = 5) -> float:
    """Call ``fn`` ``runs`` times (each returns one figure) and return the median."""
    return statistics.median(fn() for _ in range(runs))


def timed_ms(fn: Callable[[], object]) -> float:
    """Wall time of one call of ``fn`` in milliseconds."""
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000.0


def percentile(values: list[float], q: float) -> float:
    """The ``q`` (0–100) percentile of ``values`` (inclusive method)."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[int(q) - 1]
