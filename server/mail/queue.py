"""The delivery queue: the ``mail_recipients`` table itself, claimed row by row.

Why a table and not a queue library — decided by measurement (issue 18 §3):
``python -m benchmarks --only mail`` runs the same workload (400 recipients,
one in flight, the two state commits below on ``mail_recipients``) through
this claim and through pgqueuer 1.6 (asyncpg driver, ``concurrency_limit=1``).
On the loaded 2-core machine (load ≈ 10) three benchmark runs (each a median
of 3) gave 27.9, 30.2 and 39.9 recipients/s here against 21.7, 32.3 and
32.5/s with pgqueuer (ratios 1.28, 0.94, 1.23): the same order, both ~60× the
fastest provider limit that matters (Exchange Online 30/min = 0.5/s), so
speed does not decide. What does:

- each recipient's state must live in one row, unique per campaign and
  address, carrying the SMTP answer and later the DSN — the screens, the
  report and the bounce matching read it. With pgqueuer the job row is a
  second copy of "where is this recipient" that can disagree with ours after
  a crash (its heartbeat re-picks a stale job without telling us it may have
  been delivered; we would still need our ``sending`` commit to count
  possible duplicates);
- SQLite is the embedded default and pgqueuer is PostgreSQL-only, so we
  would keep this code anyway and run two mechanisms;
- pgqueuer's rate limits are per entrypoint per second; ours are per sender
  account per minute *and* per day (Exchange Online 10,000, Gmail 2,000)
  with an ETA from the same table;
- it needs asyncio and a second driver (asyncpg): on its psycopg driver the
  benchmark stalled after 50 of 400 jobs.

Claiming with ``SELECT … FOR UPDATE SKIP LOCKED`` (PostgreSQL) lets several
workers share the table; SQLite ignores the clause, there one worker runs
(``BEGIN IMMEDIATE`` serialises it anyway).

Crash safety (the two-commit protocol):

1. :func:`claim` commits ``queued|deferred → sending`` with the worker id.
2. The message is handed to SMTP.
3. :func:`record_outcome` commits ``sending → sent|deferred|failed``.

A worker killed between 1 and 3 leaves ``sending`` rows. :func:`recover`
(run at every start and heartbeat) finds rows of dead workers (stopped,
heartbeat older than ``stale_after``, or — same host — a pid that no longer
exists), puts them back in the queue and adds one to
``possible_duplicates``: if the kill fell after the server accepted the
message and before step 3 committed, that recipient gets it twice. One
worker has at most one row in ``sending``, so a kill causes at most one
duplicate. Nothing recorded ``sent`` is ever sent again.

The same window exists without a crash: a connection lost after DATA began
(no answer to the final dot within the timeout) may follow a message the
server kept (RFC 1047). :func:`record_outcome` retries it and adds one to
``possible_duplicates`` too (``Outcome.maybe_delivered``).
"""
from __future__ import annotations

import os
import random
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, bindparam, or_, select, update

from server.db.models import UtcDateTime
from sqlalchemy.orm import Session

from server.mail import states as st
from server.mail.models import MailCampaign, MailRecipient, MailWorker
from server.mail.smtp import Outcome


@dataclass(frozen=True)
class QueuePolicy:
    """Retry policy. ``backoff_base_s`` × 2^(attempt−1), capped at ``backoff_max_s``,
    ±20 % jitter; after ``max_attempts`` 4xx answers the recipient fails.
    ``stale_after_s``: a worker silent this long is taken for dead."""

    backoff_base_s: float = 60.0
    backoff_max_s: float = 3600.0
    max_attempts: int = 8
    stale_after_s: float = 120.0

    def backoff(self, attempts: int) -> timedelta:
        """Delay before the next attempt after ``attempts`` attempts."""
        delay = min(self.backoff_max_s, self.backoff_base_s * 2 ** max(0, attempts - 1))
        return timedelta(seconds=delay * random.uniform(0.8, 1.2))


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def register_worker(session: Session, now: datetime) -> int:
    """Insert this process's ``mail_workers`` row; return its id."""
    row = MailWorker(hostname=socket.gethostname()[:255], pid=os.getpid(), started_at=now, heartbeat_at=now)
    session.add(row)
    session.flush()
    return row.id


def heartbeat(session: Session, worker_id: int, now: datetime) -> bool:
    """Refresh the worker's heartbeat. Returns True when another worker had taken this one
    for dead (``stopped_at`` set: a stall longer than ``stale_after_s``); the row is running
    again, so its later claims are not requeued under it while it lives."""
    revived = session.execute(update(MailWorker).where(MailWorker.id == worker_id, MailWorker.stopped_at.is_not(None))
                              .values(stopped_at=None, heartbeat_at=now)).rowcount
    if not revived:
        session.execute(update(MailWorker).where(MailWorker.id == worker_id).values(heartbeat_at=now))
    return bool(revived)


def stop_worker(session: Session, worker_id: int, now: datetime) -> None:
    """Mark a clean exit."""
    session.execute(update(MailWorker).where(MailWorker.id == worker_id).values(stopped_at=now))


def dead_workers(session: Session, now: datetime, policy: QueuePolicy, own_id: int | None = None) -> list[int]:
    """Ids of running workers (``stopped_at`` empty) that look dead: heartbeat older than
    ``stale_after_s`` or — same host — a pid that no longer exists. Only workers seen here
    are judged: one that registers after this query is neither dead nor alive to the caller."""
    here = socket.gethostname()[:255]
    dead = []
    for w in session.scalars(select(MailWorker).where(MailWorker.stopped_at.is_(None))):
        if w.id == own_id:
            continue
        stale = w.heartbeat_at < now - timedelta(seconds=policy.stale_after_s)
        if stale or (w.hostname == here and w.pid != os.getpid() and not _pid_alive(w.pid)):
            dead.append(w.id)
    return dead


def recover(session: Session, now: datetime, policy: QueuePolicy, own_id: int | None = None) -> int:
    """Mark dead workers stopped, then requeue every ``sending`` row whose worker is not
    running (``possible_duplicates`` += 1); return how many rows.

    The requeue asks "is the row's worker stopped?" in its own statement, after the marking,
    instead of "is it outside the set judged alive a moment ago?": under READ COMMITTED a
    worker that registered and claimed in between was outside that set and lost its row in
    flight — sent twice though nobody died (seen with two workers on a loaded machine)."""
    dead = dead_workers(session, now, policy, own_id)
    if dead:
        session.execute(update(MailWorker).where(MailWorker.id.in_(dead)).values(stopped_at=now))
    running = select(MailWorker.id).where(MailWorker.stopped_at.is_(None))
    cond = and_(MailRecipient.state == st.SENDING,
                or_(MailRecipient.worker_id.is_(None), MailRecipient.worker_id.not_in(running)))
    result = session.execute(update(MailRecipient).where(cond).values(
        state=st.QUEUED, worker_id=None, possible_duplicates=MailRecipient.possible_duplicates + 1,
        next_attempt_at=now, updated_at=now).execution_options(synchronize_session=False))
    return result.rowcount or 0


@dataclass(frozen=True)
class Claimed:
    """A claimed row: ids, address, render context and the attempt number."""

    id: int
    campaign_id: int
    address: str
    context: dict
    attempts: int


_DUE = (select(MailRecipient.id)
        .join(MailCampaign, MailCampaign.id == MailRecipient.campaign_id)
        .where(MailRecipient.sender_id == bindparam("b_sender"),
               MailRecipient.state.in_((st.QUEUED, st.DEFERRED)),
               MailRecipient.next_attempt_at <= bindparam("b_now", type_=UtcDateTime),
               MailCampaign.status.in_((st.CAMPAIGN_QUEUED, st.CAMPAIGN_SENDING)))
        .order_by(MailRecipient.next_attempt_at, MailRecipient.id)
        .limit(1)
        .with_for_update(skip_locked=True, of=MailRecipient))
# One statement claims the row: UPDATE … WHERE id = (SELECT … FOR UPDATE SKIP LOCKED) RETURNING …
_CLAIM = (update(MailRecipient)
          .where(MailRecipient.id == _DUE.scalar_subquery())
          .values(state=st.SENDING, worker_id=bindparam("b_worker"), attempts=MailRecipient.attempts + 1,
                  updated_at=bindparam("b_now", type_=UtcDateTime))
          .returning(MailRecipient.id, MailRecipient.campaign_id, MailRecipient.address, MailRecipient.context,
                     MailRecipient.attempts))
_START = (update(MailCampaign)
          .where(MailCampaign.id == bindparam("b_campaign"), MailCampaign.status == st.CAMPAIGN_QUEUED)
          .values(status=st.CAMPAIGN_SENDING, started_at=bindparam("b_now", type_=UtcDateTime)))


def claim(session: Session, worker_id: int, sender_id: int, now: datetime,
          started: set[int] | None = None) -> Claimed | None:
    """Take the next due recipient of ``sender_id`` (campaigns queued or sending):
    ``→ sending``, attempts + 1, in the caller's transaction. None when nothing is due.
    ``started`` caches campaign ids already marked ``sending``."""
    row = session.execute(_CLAIM, {"b_sender": sender_id, "b_now": now, "b_worker": worker_id}).first()
    if row is None:
        return None
    if started is None or row.campaign_id not in started:
        session.execute(_START, {"b_campaign": row.campaign_id, "b_now": now})
        if started is not None:
            started.add(row.campaign_id)
    return Claimed(row.id, row.campaign_id, row.address, dict(row.context or {}), row.attempts)


def release(session: Session, recipient_id: int, worker_id: int, now: datetime) -> None:
    """Give a claimed row back untouched (sender-level fault: attempts − 1)."""
    session.execute(update(MailRecipient).where(MailRecipient.id == recipient_id, MailRecipient.worker_id == worker_id,
                                                MailRecipient.state == st.SENDING)
                    .values(state=st.QUEUED, worker_id=None, attempts=MailRecipient.attempts - 1,
                            next_attempt_at=now + timedelta(seconds=30), updated_at=now))


_RECORD = (update(MailRecipient)
           .where(MailRecipient.id == bindparam("b_rid"), MailRecipient.state == st.SENDING,
                  MailRecipient.worker_id == bindparam("b_wid")))


def record_outcome(session: Session, claimed: Claimed, worker_id: int, outcome: Outcome, now: datetime,
                   policy: QueuePolicy, message_id: str = "") -> str | None:
    """Store the SMTP answer of a claimed row (one UPDATE guarded by ``state = sending``
    and the worker id, so a row recovered meanwhile is never overwritten); return the
    new state, or None when the row was no longer ours."""
    values: dict = {"worker_id": None, "updated_at": now, "smtp_code": outcome.code,
                    "smtp_text": outcome.text[:2000]}
    if message_id:
        values["message_id"] = message_id
    attempts = claimed.attempts
    if outcome.kind == "sent":
        values.update(state=st.SENT, sent_at=now, reason="")
    elif outcome.kind == "failed":
        values.update(state=st.FAILED, reason=f"Rechazado por el servidor: {outcome.code} {outcome.text}".strip()[:2000])
    else:
        if outcome.kind == "connection":
            attempts -= 1
            values["attempts"] = attempts
        if outcome.maybe_delivered:  # lost after DATA began: the next attempt may be a second copy
            values["possible_duplicates"] = MailRecipient.possible_duplicates + 1
        if attempts >= policy.max_attempts:
            values.update(state=st.FAILED, reason=(f"Se agotaron {attempts} intentos; última respuesta: "
                                                   f"{outcome.code or ''} {outcome.text}").strip()[:2000])
        else:
            values.update(state=st.DEFERRED, next_attempt_at=now + policy.backoff(max(1, attempts)),
                          reason=f"Reintento programado: {outcome.code or ''} {outcome.text}".strip()[:2000])
    result = session.execute(_RECORD.values(**values), {"b_rid": claimed.id, "b_wid": worker_id})
    return values["state"] if result.rowcount else None
