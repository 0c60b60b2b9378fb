"""Per-sender rate limits: a token bucket per minute plus a rolling 24-hour cap.

Presets (vendor limits, 2026): Exchange Online 30 messages a minute and
10,000 recipients a day (learn.microsoft.com, "Exchange Online limits",
sending limits); Gmail / Google Workspace 2,000 messages a day per user
(support.google.com/a/answer/166852) with no published per-minute limit
(we pace at 60/min so one burst never trips the anti-abuse heuristics).

The minute bucket refills continuously at ``per_minute / 60`` tokens a
second up to ``burst`` tokens (``burst=1`` paces evenly, so no 60-second
window ever holds more than ``per_minute`` sends). The daily cap counts the
attempts recorded in the database in the last 24 h (so it survives a
worker restart) plus those made since — see :class:`SenderLimiter`.
Times are ``time.monotonic()`` seconds unless told.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass

PRESETS: dict[str, dict[str, int]] = {
    "exchange-online": {"per_minute": 30, "per_day": 10_000, "burst": 1},
    "gmail": {"per_minute": 60, "per_day": 2_000, "burst": 1},
    "sin-limite": {"per_minute": 0, "per_day": 0, "burst": 1},
}


class TokenBucket:
    """``rate`` tokens per second, at most ``capacity`` banked; starts full.

    ``rate <= 0`` means unlimited (:meth:`wait_time` is always 0).
    """

    def __init__(self, rate: float, capacity: float, now: float):
        self.rate = rate
        self.capacity = max(1.0, capacity)
        self.tokens = self.capacity
        self.stamp = now

    def _refill(self, now: float) -> None:
        if now > self.stamp:
            self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
            self.stamp = now

    def wait_time(self, now: float) -> float:
        """Seconds until one token is available (0 when available now)."""
        if self.rate <= 0:
            return 0.0
        self._refill(now)
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate

    def take(self, now: float) -> None:
        """Spend one token (call only when :meth:`wait_time` is 0)."""
        if self.rate <= 0:
            return
        self._refill(now)
        self.tokens -= 1


@dataclass
class SenderLimiter:
    """Both limits of one sender. ``per_minute``/``per_day`` 0 = unlimited.

    ``sent_last_day`` is the list of wall-clock (epoch seconds) attempts of
    the last 24 h, loaded from the database at start; :meth:`record` appends.
    """

    per_minute: int
    per_day: int
    burst: int
    now_mono: float
    sent_last_day: list[float]

    def __post_init__(self):
        self.bucket = TokenBucket(self.per_minute / 60.0 if self.per_minute > 0 else 0.0, self.burst, self.now_mono)
        self.day: deque[float] = deque(sorted(self.sent_last_day))

    def wait_time(self, now_mono: float, now_wall: float) -> float:
        """Seconds until this sender may send again (0 = now)."""
        wait = self.bucket.wait_time(now_mono)
        if self.per_day > 0:
            while self.day and self.day[0] <= now_wall - 86400:
                self.day.popleft()
            if len(self.day) >= self.per_day:
                wait = max(wait, self.day[len(self.day) - self.per_day] + 86400 - now_wall)
        return wait

    def record(self, now_mono: float, now_wall: float) -> None:
        """Count one attempt."""
        self.bucket.take(now_mono)
        if self.per_day > 0:
            self.day.append(now_wall)

    def per_second(self) -> float:
        """Sustained rate in messages a second (``inf`` when unlimited by the minute bucket)."""
        return self.per_minute / 60.0 if self.per_minute > 0 else float("inf")

    def remaining_today(self, now_wall: float) -> int | None:
        """Sends left in the rolling day (None = no daily cap)."""
        if self.per_day <= 0:
            return None
        return max(0, self.per_day - sum(1 for t in self.day if t > now_wall - 86400))


def eta_seconds(pending: int, limiters: list[SenderLimiter], now_wall: float) -> float | None:
    """Estimated seconds to hand ``pending`` messages to the senders at their limits.

    Each sender contributes its per-minute rate until its daily quota is
    spent; what is left over waits for the next day. ``None`` when no
    sender has a rate limit (as fast as the server allows).
    """
    if pending <= 0:
        return 0.0
    rates = [lim.per_second() for lim in limiters]
    if not limiters or all(r == float("inf") for r in rates):
        return None
    today = 0
    capped = True
    for lim in limiters:
        left = lim.remaining_today(now_wall)
        if left is None:
            capped = False
        else:
            today += left
    total_rate = sum(r for r in rates if r != float("inf")) or 1.0
    if not capped or pending <= today:
        return pending / total_rate
    daily = sum(lim.per_day for lim in limiters if lim.per_day > 0) or 1
    days_after = (pending - today) / daily
    return today / total_rate + 86400 * int(days_after) + ((pending - today) % daily) / total_rate
