"""Smoothing of live verdicts over several frames so the traffic lights do not flicker."""
from __future__ import annotations

import statistics
from collections import deque
from dataclasses import dataclass

from station.photo.geometry import EyePair
from station.photo.quality import CHECK_ORDER, MSG_ACCEPTED, Analysis, Check


@dataclass(frozen=True)
class SmoothedVerdict:
    """Verdict over the last frames: ``checks`` in :data:`CHECK_ORDER` (ok by majority,
    score and value medians), ``eyes`` averaged (source px), ``frames`` how many were used."""

    checks: tuple[Check, ...]
    eyes: EyePair | None
    frames: int

    @property
    def accepted(self) -> bool:
        """True when every smoothed check passes."""
        return bool(self.checks) and all(c.ok for c in self.checks)

    @property
    def message(self) -> str:
        """Guidance of the first failing check, or «Foto correcta»."""
        return next((c.message for c in self.checks if not c.ok), MSG_ACCEPTED)


class VerdictSmoother:
    """Majority vote over the last ``window`` analyses (default 5 ≈ 0.5 s at 10 Hz).

    Eye positions are averaged over the frames that found a face; a frame with no face
    clears the eye history so the overlay does not lag behind a person leaving.
    Raises ``ValueError`` if ``window`` < 1. Not thread-safe: call from one thread.
    """

    def __init__(self, window: int = 5) -> None:
        if window < 1:
            raise ValueError("window must be ≥ 1")
        self._history: deque[Analysis] = deque(maxlen=window)

    def reset(self) -> None:
        """Forget the history (e.g. after a new capture)."""
        self._history.clear()

    def update(self, analysis: Analysis) -> SmoothedVerdict:
        """Add one analysis and return the smoothed verdict."""
        self._history.append(analysis)
        frames = list(self._history)
        checks = []
        for name in CHECK_ORDER:
            items = [a.check(name) for a in frames]
            ok_votes = sum(1 for c in items if c.ok)
            ok = ok_votes * 2 > len(items)
            values = [c.value for c in items if c.value is not None]
            latest_matching = next((c for c in reversed(items) if c.ok == ok), items[-1])
            checks.append(
                Check(name, ok, statistics.median(c.score for c in items),
                      statistics.median(values) if values else None, latest_matching.message)
            )
        with_eyes = [a.eyes for a in frames if a.eyes is not None]
        eyes = None
        if analysis.eyes is not None and with_eyes:
            n = len(with_eyes)
            eyes = EyePair(
                (sum(e.left[0] for e in with_eyes) / n, sum(e.left[1] for e in with_eyes) / n),
                (sum(e.right[0] for e in with_eyes) / n, sum(e.right[1] for e in with_eyes) / n),
            )
        return SmoothedVerdict(tuple(checks), eyes, len(frames))
