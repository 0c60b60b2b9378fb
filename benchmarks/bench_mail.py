"""Mail engine speed (issue 18): messages rendered and handed to SMTP per second,
unthrottled, by the real worker (claim → render → build → SMTP → record, two
commits per message on SQLite), against a bare ``smtplib`` loop sending the
same already-built messages over one connection to the same server (an
``aiosmtpd`` sink on 127.0.0.1). Also the queue's own cost on PostgreSQL:
claims + outcome commits per second with ``FOR UPDATE SKIP LOCKED`` and no
SMTP (the mechanism chosen instead of a queue library; see
:mod:`server.mail.queue`).

Queue mechanism, measured against a kept library (issue 18 §3): the same
workload — ``N`` recipients of one started campaign, one in flight at a time
(so a crash duplicates at most one message), each taken through the
two-commit protocol of :mod:`server.mail.queue` (``sending`` committed before
the hand-over, the outcome after) with no SMTP — once with our
``FOR UPDATE SKIP LOCKED`` claim on ``mail_recipients`` and once with
``pgqueuer`` (one job per recipient, enqueued in one batch, consumed with
``concurrency_limit=1``; the job handler commits the same two state changes
on ``mail_recipients``, because the screens, the report and the bounce
matching read that table). pgqueuer runs on its asyncpg driver: on its
psycopg driver (1.6.0, psycopg 3.3) the run stalled after 50 of 400 jobs with
350 still queued. pgqueuer and asyncpg are optional (``pip install -e
'.[bench]'``); without them the figure is left out and ``mail_pgqueuer_note``
says so.

Figures are medians of 3 runs of ``N`` messages.
"""
from __future__ import annotations

import smtplib
import statistics
import tempfile
import time
from pathlib import Path

N = 400
RUNS = 3


def _setup(url: str, port: int):
    from server.db.engine import make_engine, make_session_factory, run_transaction
    from server.db.migrate import upgrade
    from server.mail import service
    from server.mail.senders import add_sender
    from station.domain import Actor, Role

    upgrade(url)
    engine = make_engine(url, pool_size=2)
    factory = make_session_factory(engine)
    actor = Actor("bench", Role.STATE_OFFICE)
    run_transaction(factory, lambda s: add_sender(s, actor, "bench", "avisos@conalepmex.edu.mx", "127.0.0.1", port,
                                                  security="none", auth="none", per_minute=0, per_day=0))
    rows = [{"email": f"alumno{i:05d}@alumnos.conalepmex.edu.mx", "first_names": f"ALUMNO {i}",
             "matricula": f"2400{i:05d}-1", "campus_name": "Ciudad Azteca"} for i in range(N)]
    spec = service.CampaignSpec(name="bench", subject="{{ first_names }}, tu credencial está lista",
                                text="Hola {{ first_names }}:\n\nTu credencial ({{ matricula }}) llegó a "
                                     "{{ campus_name }}.\n", html="<p>Hola {{ first_names }}</p>",
                                audience={"kind": "list", "rows": rows}, bounce_wait_s=0)
    campaign = run_transaction(factory, lambda s: service.create_campaign(s, actor, spec))
    run_transaction(factory, lambda s: service.start(s, actor, campaign.id))
    return engine, factory


def _ours(port: int, synchronous: str | None = None) -> float:
    """Worker throughput on SQLite; ``synchronous`` overrides the worker's PRAGMA (None = the product's FULL)."""
    from server.mail.queue import QueuePolicy
    from server.mail.worker import Worker, WorkerSettings

    from server.mail.worker import set_sqlite_synchronous

    folder = Path(tempfile.mkdtemp(prefix="bench-mail-"))
    engine, factory = _setup(f"sqlite:///{folder / 'b.sqlite3'}", port)
    engine.dispose()
    set_sqlite_synchronous(engine, synchronous)  # as the worker command runs
    worker = Worker(settings=WorkerSettings(heartbeat_s=1.0, idle_sleep_s=0.01, bounce_poll_s=0,
                                            policy=QueuePolicy()), factory=factory)
    start = time.perf_counter()
    result = worker.run(until_idle=True)
    elapsed = time.perf_counter() - start
    engine.dispose()
    assert result["sent"] == N, result
    return N / elapsed


def _messages() -> list[tuple[str, bytes]]:
    from server.mail.compose import build_message, message_bytes
    from server.mail.templates import NoticeTemplate, render

    template = NoticeTemplate("{{ first_names }}, tu credencial está lista",
                              "Hola {{ first_names }}:\n\nTu credencial ({{ matricula }}) llegó a {{ campus_name }}.\n",
                              "<p>Hola {{ first_names }}</p>")
    out = []
    for i in range(N):
        to = f"alumno{i:05d}@alumnos.conalepmex.edu.mx"
        r = render(template, {"first_names": f"ALUMNO {i}", "matricula": f"2400{i:05d}-1",
                              "campus_name": "Ciudad Azteca"})
        msg = build_message(from_address="avisos@conalepmex.edu.mx", from_name="", to=to, subject=r.subject,
                            text=r.text, html=r.html, msg_id=f"<cred.1.{i}.0123456789@conalepmex.edu.mx>",
                            envio=f"1.{i}.0123456789")
        out.append((to, message_bytes(msg)))
    return out


def _bare(port: int, messages) -> float:
    start = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
        for to, data in messages:
            smtp.sendmail("avisos@conalepmex.edu.mx", [to], data)
    return len(messages) / (time.perf_counter() - start)


def _pg_queue() -> float | None:
    """Claims + outcome commits per second on PostgreSQL (no SMTP), or None without PostgreSQL."""
    from server.db.engine import run_transaction
    from server.mail import queue
    from server.mail.smtp import Outcome
    from server.services.students import utcnow
    from server.testing import create_pg_database, drop_pg_database

    try:
        url = create_pg_database("credencializacion_bench_")
    except Exception:
        return None
    try:
        engine, factory = _setup(url, 1)
        wid = run_transaction(factory, lambda s: queue.register_worker(s, utcnow()))
        from sqlalchemy import select

        from server.mail.models import MailSender

        with factory() as s:
            sender_id = s.scalar(select(MailSender.id))
        policy = queue.QueuePolicy()
        start = time.perf_counter()
        done = 0
        while True:
            row = run_transaction(factory, lambda s: queue.claim(s, wid, sender_id, utcnow()))
            if row is None:
                break
            run_transaction(factory, lambda s: queue.record_outcome(s, row, wid, Outcome("sent", 250), utcnow(),
                                                                     policy))
            done += 1
        elapsed = time.perf_counter() - start
        engine.dispose()
        return done / elapsed
    finally:
        drop_pg_database(url)


def _pgqueuer_queue() -> float | None:
    """Recipients per second through pgqueuer with the same two commits per recipient on
    ``mail_recipients`` (see module docstring), enqueue included; None without PostgreSQL."""
    import asyncio
    from datetime import timedelta

    import psycopg
    from pgqueuer import Queries, QueueManager
    from pgqueuer.domain.types import QueueExecutionMode
    from sqlalchemy import select

    from server.mail.models import MailRecipient
    from server.testing import _psycopg_dsn, create_pg_database, drop_pg_database

    try:
        url = create_pg_database("credencializacion_bench_")
    except Exception:
        return None
    try:
        engine, factory = _setup(url, 1)
        with factory() as s:
            ids = list(s.scalars(select(MailRecipient.id).order_by(MailRecipient.id)))
        engine.dispose()
        dsn = _psycopg_dsn(url)

        async def main() -> float:
            import asyncpg

            queue_conn = await asyncpg.connect(dsn)
            work_conn = await psycopg.AsyncConnection.connect(dsn, autocommit=True)
            try:
                queries = Queries.from_asyncpg_connection(queue_conn)
                await queries.install()
                manager = QueueManager(queries)
                done = 0

                @manager.entrypoint("mail", concurrency_limit=1)
                async def deliver(job) -> None:
                    nonlocal done
                    rid = int(job.payload)
                    await work_conn.execute("UPDATE mail_recipients SET state='sending', attempts=attempts+1, "
                                            "updated_at=now() WHERE id=%s AND state IN ('queued','deferred')", (rid,))
                    await work_conn.execute("UPDATE mail_recipients SET state='sent', sent_at=now(), "
                                            "smtp_code=250, updated_at=now() WHERE id=%s AND state='sending'",
                                            (rid,))
                    done += 1

                start = time.perf_counter()
                await queries.enqueue(["mail"] * len(ids), [str(i).encode() for i in ids], [0] * len(ids))
                await manager.run(dequeue_timeout=timedelta(seconds=0.2), batch_size=1, mode=QueueExecutionMode.drain,
                                  log_aggregation_interval=timedelta(0))
                elapsed = time.perf_counter() - start
                assert done == len(ids), (done, len(ids))
                return done / elapsed
            finally:
                await queue_conn.close()
                await work_conn.close()

        return asyncio.run(main())
    finally:
        drop_pg_database(url)


def run() -> dict[str, float]:
    from server.mail.sink import SmtpSink

    ours, normal, bare = [], [], []
    with SmtpSink(keep=False) as sink:
        messages = _messages()
        for _ in range(RUNS):
            ours.append(_ours(sink.port))
            normal.append(_ours(sink.port, "NORMAL"))
            bare.append(_bare(sink.port, messages))
    pg_runs = [x for x in (_pg_queue() for _ in range(RUNS)) if x is not None]
    pg = statistics.median(pg_runs) if pg_runs else None
    try:
        import asyncpg  # noqa: F401 - optional (extra "bench")
        import pgqueuer  # noqa: F401
    except ImportError:
        pgq = None
    else:
        pgq_runs = [x for x in (_pgqueuer_queue() for _ in range(RUNS)) if x is not None]
        pgq = statistics.median(pgq_runs) if pgq_runs else None
    out = {
        "mail_worker_messages_per_s": round(statistics.median(ours), 1),
        "mail_bare_smtplib_messages_per_s": round(statistics.median(bare), 1),
        "mail_worker_vs_bare_smtplib_ratio": round(statistics.median(ours) / statistics.median(bare), 3),
        # The durability the product gave up (see server.mail.worker.WORKER_SQLITE_SYNCHRONOUS):
        "mail_worker_messages_per_s_sqlite_normal": round(statistics.median(normal), 1),
    }
    if pg is not None:
        out["mail_queue_claims_per_s_postgresql"] = round(pg, 1)
        out["mail_queue_vs_exchange_online_limit_ratio"] = round(pg / 0.5, 1)  # 30/min = 0.5 message a second
    if pgq is not None:
        out["mail_pgqueuer_claims_per_s_postgresql"] = round(pgq, 1)
        if pg is not None:
            out["mail_queue_vs_pgqueuer_ratio"] = round(pg / pgq, 2)
    else:
        out["mail_pgqueuer_note"] = "pgqueuer no instalado (pip install -e '.[bench]') o sin PostgreSQL"
    return out
