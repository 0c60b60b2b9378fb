"""Crash recovery of the delivery queue (:func:`server.mail.queue.recover`): only the rows of
workers that are really gone go back to the queue — never the message a live worker has in
flight, which would reach its recipient twice."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event, select

from server.mail import queue, states as st
from server.mail.models import MailRecipient, MailWorker
from server.services.students import utcnow
from server.testing import seed
from tests.server.mail.conftest import PASSWORD, MailDb, rows

POLICY = queue.QueuePolicy()


def _claim_one(db: MailDb, worker_id: int, sender_id: int) -> int:
    return db.tx(lambda s: queue.claim(s, worker_id, sender_id, utcnow())).id


def _row(db: MailDb, recipient_id: int) -> MailRecipient:
    with db.factory() as session:
        return session.get(MailRecipient, recipient_id)


def _worker(db: MailDb, worker_id: int) -> MailWorker:
    with db.factory() as session:
        return session.get(MailWorker, worker_id)


@pytest.mark.postgres
def test_a_worker_that_starts_while_another_recovers_keeps_its_message_in_flight(pg_url, sink):
    """Worker B registers and claims a row right after worker A's recovery has read the worker
    table (READ COMMITTED: its next statements see B). B is alive: A neither marks it stopped nor
    requeues its row. Before the fix A did both — B's message went out twice and every later
    recovery requeued B's next one too (2 workers on a loaded machine: 4 runs of 15)."""
    seed(pg_url, PASSWORD, students=0, campuses=1)
    db, other = MailDb(pg_url), MailDb(pg_url)
    try:
        sender = db.add_sender("avisos", sink.port)
        db.list_campaign(rows(3))
        a = db.tx(lambda s: queue.register_worker(s, utcnow()))
        late: dict[str, int] = {}

        def b_starts_now(conn, cursor, statement, *_):
            if not late and statement.lstrip().upper().startswith("SELECT") and "FROM mail_workers" in statement:
                late["worker"] = other.tx(lambda s: queue.register_worker(s, utcnow()))
                late["row"] = _claim_one(other, late["worker"], sender.id)

        event.listen(db.engine, "after_cursor_execute", b_starts_now)
        try:
            recovered = db.tx(lambda s: queue.recover(s, utcnow(), POLICY, a))
        finally:
            event.remove(db.engine, "after_cursor_execute", b_starts_now)
        assert late, "the injected worker never started: the recovery no longer reads mail_workers"
        assert recovered == 0
        row = _row(db, late["row"])
        assert (row.state, row.worker_id, row.possible_duplicates) == (st.SENDING, late["worker"], 0)
        assert _worker(db, late["worker"]).stopped_at is None
    finally:
        db.engine.dispose()
        other.engine.dispose()


def test_a_silent_worker_loses_its_row_and_gets_it_back_when_it_beats_again(mail_db, sink):
    """A worker silent longer than ``stale_after_s`` is taken for dead: its row in flight goes back
    to the queue (one possible duplicate). When it beats again it is running again, so the
    message it claims next is not requeued under it by the other workers' recoveries."""
    sender = mail_db.add_sender("avisos", sink.port)
    mail_db.list_campaign(rows(3))
    a = mail_db.tx(lambda s: queue.register_worker(s, utcnow()))
    b = mail_db.tx(lambda s: queue.register_worker(s, utcnow() - timedelta(seconds=POLICY.stale_after_s + 5)))
    first = _claim_one(mail_db, b, sender.id)

    assert mail_db.tx(lambda s: queue.recover(s, utcnow(), POLICY, a)) == 1
    row = _row(mail_db, first)
    assert (row.state, row.worker_id, row.possible_duplicates) == (st.QUEUED, None, 1)
    assert _worker(mail_db, b).stopped_at is not None

    assert mail_db.tx(lambda s: queue.heartbeat(s, b, utcnow())) is True
    assert _worker(mail_db, b).stopped_at is None
    second = _claim_one(mail_db, b, sender.id)
    assert mail_db.tx(lambda s: queue.recover(s, utcnow(), POLICY, a)) == 0
    assert _row(mail_db, second).state == st.SENDING
    assert mail_db.tx(lambda s: queue.heartbeat(s, b, utcnow())) is False


def test_rows_of_a_worker_that_stopped_are_requeued(mail_db, sink):
    """A worker recorded as stopped (it exited on an error with a row in flight) is not running:
    its ``sending`` row goes back to the queue at the next recovery of any worker."""
    sender = mail_db.add_sender("avisos", sink.port)
    mail_db.list_campaign(rows(2))
    a = mail_db.tx(lambda s: queue.register_worker(s, utcnow()))
    b = mail_db.tx(lambda s: queue.register_worker(s, utcnow()))
    claimed = _claim_one(mail_db, b, sender.id)
    mail_db.tx(lambda s: queue.stop_worker(s, b, utcnow()))
    assert mail_db.tx(lambda s: queue.recover(s, utcnow(), POLICY, a)) == 1
    assert _row(mail_db, claimed).state == st.QUEUED
    with mail_db.factory() as session:
        assert session.scalars(select(MailWorker.id).where(MailWorker.stopped_at.is_(None))).all() == [a]
