"""Retry policy: exponential backoff with full jitter (issue 4 §3).

Delay before retry ``n`` (1-based) is uniform in ``[0, min(cap_s, base_s ·
factor^(n-1))]`` ("full jitter"), so stations that lost the network at the
same moment do not return in lock-step. ``sleep`` and ``rng`` are injectable
so tests never wait.

Home-made on purpose (issue #12 item 7): the one retry loop
(:meth:`station.sync.engine.SyncEngine.call`) does bookkeeping on every failed try
(outbox attempts, online flag, error log) and ends the round with ``RoundAborted``,
and :class:`~station.sync.service.SyncService` uses :meth:`Backoff.delay` between
rounds; tenacity would replace only the ``for`` loop, and its ``wait_random_exponential``
draws from the global ``random`` (no seeded generator for tests), so the declared but
unused dependency was dropped rather than wrapped around this.
"""
from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from typing import Callable


@dataclass
class Backoff:
    """Backoff parameters (seconds) and the number of attempts per call within one round.

    ``attempts``: total tries of one request in a round before the round is
    abandoned (the queue is kept; the next round resumes it).
    """

    base_s: float = 0.5
    factor: float = 2.0
    cap_s: float = 60.0
    attempts: int = 5
    rng: random.Random = field(default_factory=random.Random)
    sleep: Callable[[float], None] = time.sleep

    def delay(self, retry: int) -> float:
        """Seconds to wait before retry number ``retry`` (1 = first retry); ``ValueError`` if < 1."""
        if retry < 1:
            raise ValueError("retry must be >= 1")
        ceiling = min(self.cap_s, self.base_s * self.factor ** (retry - 1))
        return self.rng.uniform(0.0, ceiling)

    def wait(self, retry: int) -> float:
        """Sleep :meth:`delay` seconds; returns the delay."""
        seconds = self.delay(retry)
        if seconds > 0:
            self.sleep(seconds)
        return seconds


def no_wait_backoff(attempts: int = 5, seed: int = 0) -> Backoff:
    """A policy that never sleeps (tests, headless runs that must end fast)."""
    return Backoff(attempts=attempts, rng=random.Random(seed), sleep=lambda _s: None)
