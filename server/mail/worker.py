"""The sending worker (``credencializacion-server mail worker``).

One loop, one message in flight at a time (so a crash can duplicate at most
one message, see :mod:`server.mail.queue`), several sender accounts taken
in turn, each behind its :class:`~server.mail.ratelimit.SenderLimiter`.
Every ``heartbeat_s`` it refreshes its heartbeat, requeues rows of dead
workers, ends finished campaigns and mails their reports; every
``bounce_poll_s`` it polls the bounce mailboxes. Several workers may run
against PostgreSQL (rows are claimed with ``FOR UPDATE SKIP LOCKED``);
on SQLite run one.

Secrets come from the environment: the variable named by the sender's
``secret_env`` holds its password or OAuth2 client secret.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from server.db.engine import make_engine, make_session_factory, run_transaction
from server.mail import queue, states as st
from server.mail.bounces import BouncePolicy, poll_mailbox
from server.mail.compose import ENVIO_HEADER, build_message, envio_token, message_id
from server.mail.models import MailCampaign, MailRecipient, MailSender
from server.mail.ratelimit import SenderLimiter
from server.mail.report import XLSX, problem_rows, report_text, report_xlsx
from server.mail.service import finish_ready, summary, template_of
from server.mail.smtp import Outcome, SenderConfig, SenderError, SmtpSession
from server.mail.templates import RenderError, render
from server.services.students import utcnow

log = logging.getLogger("server.mail")


@dataclass
class WorkerSettings:
    """Tunables: ``heartbeat_s`` housekeeping period, ``idle_sleep_s`` nap when
    nothing is due, ``bounce_poll_s`` IMAP period (0 = never), ``policy``
    and ``bounce_policy`` as in :mod:`server.mail.queue` / :mod:`server.mail.bounces`,
    ``sender_pause_s`` pause of a sender after a connection/auth fault."""

    heartbeat_s: float = 5.0
    idle_sleep_s: float = 1.0
    bounce_poll_s: float = 300.0
    sender_pause_s: float = 60.0
    policy: queue.QueuePolicy = field(default_factory=queue.QueuePolicy)
    bounce_policy: BouncePolicy = field(default_factory=BouncePolicy)
    secrets: dict[str, str] | None = None
    token_providers: dict[str, Callable[[], str]] = field(default_factory=dict)
    #: Jobs of other features run from the loop: ``(period_s, job)``, ``job(factory)`` called at the
    #: first housekeeping and then every ``period_s`` (e.g. overdue-request reminders, issue #19);
    #: a failing job is logged and never stops the sending.
    periodic: tuple[tuple[float, Callable], ...] = ()


class _Sender:
    def __init__(self, row: MailSender, settings: WorkerSettings, sent_last_day: list[float]):
        self.row = row
        self.config = SenderConfig.from_row(row)
        env = settings.secrets if settings.secrets is not None else os.environ
        self.secret = env.get(row.secret_env, "") if row.secret_env else ""
        self.token_provider = settings.token_providers.get(row.name)
        self.limiter = SenderLimiter(row.per_minute, row.per_day, row.burst, time.monotonic(), sent_last_day)
        self.session: SmtpSession | None = None
        self.paused_until = 0.0
        self.idle_until = 0.0
        self.error = ""

    def smtp(self) -> SmtpSession:
        if self.session is None:
            self.session = SmtpSession(self.config, self.secret, self.token_provider)
        if self.session.smtp is None:
            self.session.open()
        return self.session

    def close(self) -> None:
        if self.session is not None:
            self.session.close()


#: ``PRAGMA synchronous`` of the worker's connections to an SQLite file (the embedded
#: default). Decided FULL, not NORMAL (issue 18; DESIGN.md §4 "a commit that returned is on
#: disk"): the promise "a recipient gets a second copy only when the stop fell between the SMTP
#: server's acceptance and the commit of ``sent`` — counted in ``possible_duplicates``, at most one
#: per stop" must hold for a power cut too, not only a killed process. Under NORMAL (WAL) commits
#: reach the disk only at the next checkpoint: a power cut rolls the queue back to it, so every
#: message handed over since then goes out again, uncounted (their ``sending`` claims were lost as
#: well). ``tests/server/mail/test_worker_powercut.py`` shows both. Cost: one fsync per commit
#: (measured in ``python -m benchmarks --only mail``: ``mail_worker_messages_per_s`` FULL vs
#: ``mail_worker_messages_per_s_sqlite_normal``), far above any provider limit (Exchange Online
#: 30 a minute). PostgreSQL: the server's own ``synchronous_commit`` applies.
WORKER_SQLITE_SYNCHRONOUS = "FULL"


def set_sqlite_synchronous(engine, mode: str | None = None) -> None:
    """Make every new connection of ``engine`` (SQLite only; no-op on PostgreSQL) run
    ``PRAGMA synchronous=<mode>`` (default :data:`WORKER_SQLITE_SYNCHRONOUS`, read at connect
    time), after the engine's own PRAGMAs."""
    from sqlalchemy import event

    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _synchronous(dbapi_conn, _record):
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA synchronous={mode or WORKER_SQLITE_SYNCHRONOUS}")
        cur.close()


class Worker:
    """A worker on ``db_url`` (or an existing session ``factory``). :meth:`run` loops
    until ``stop`` is set (or, with ``until_idle``, until nothing is left to do)."""

    def __init__(self, db_url: str | None = None, settings: WorkerSettings | None = None,
                 factory: sessionmaker[Session] | None = None):
        self.settings = settings or WorkerSettings()
        self._engine = None
        if factory is None:
            self._engine = make_engine(db_url, pool_size=2)
            set_sqlite_synchronous(self._engine)
            factory = make_session_factory(self._engine)
        self.factory = factory
        self.worker_id: int | None = None
        self.senders: dict[int, _Sender] = {}
        self.templates: dict[int, tuple] = {}
        self.started: set[int] = set()
        self.stop = threading.Event()
        self.sent = 0
        self.attempts = 0
        self._last_house = 0.0
        self._last_poll = 0.0
        self._last_jobs: dict[int, float] = {}

    # ----------------------------------------------------------- housekeeping
    def _load_senders(self) -> None:
        day_ago = utcnow() - timedelta(days=1)

        def work(session):
            rows = list(session.scalars(select(MailSender).where(MailSender.active.is_(True))))
            history = {}
            for row in rows:
                if row.id in self.senders:
                    continue
                stamps = session.scalars(select(MailRecipient.updated_at).where(
                    MailRecipient.sender_id == row.id, MailRecipient.attempts > 0,
                    MailRecipient.updated_at > day_ago))
                history[row.id] = [t.timestamp() for t in stamps]
            return rows, history

        rows, history = run_transaction(self.factory, work)
        for row in rows:
            if row.id not in self.senders:
                self.senders[row.id] = _Sender(row, self.settings, history.get(row.id, []))

    def housekeeping(self, force: bool = False) -> None:
        """Heartbeat, crash recovery, finished campaigns, reports, bounce polling."""
        now_m = time.monotonic()
        if not force and now_m - self._last_house < self.settings.heartbeat_s:
            return
        self._last_house = now_m
        now = utcnow()

        def work(session):
            revived = queue.heartbeat(session, self.worker_id, now)
            recovered = queue.recover(session, now, self.settings.policy, self.worker_id)
            finished = finish_ready(session, now)
            return revived, recovered, finished

        revived, recovered, finished = run_transaction(self.factory, work)
        if revived:
            log.warning("Otro trabajador dio a este por detenido (más de %.0f s sin latido); sigue enviando.",
                        self.settings.policy.stale_after_s)
        if recovered:
            log.warning("Se recuperaron %d destinatarios de un trabajador detenido.", recovered)
        self._load_senders()
        self.send_reports()
        if self.settings.bounce_poll_s and (force or now_m - self._last_poll >= self.settings.bounce_poll_s):
            self._last_poll = now_m
            self.poll_bounces()
        self.run_periodic(now_m)

    def run_periodic(self, now_m: float) -> None:
        """Run the due :attr:`WorkerSettings.periodic` jobs (see there)."""
        for index, (period, job) in enumerate(self.settings.periodic):
            last = self._last_jobs.get(index)
            if last is not None and now_m - last < period:
                continue
            self._last_jobs[index] = now_m
            try:
                job(self.factory)
            except Exception as exc:  # a feature's job must never stop the mail
                log.warning("Falló una tarea periódica del trabajador de correo: %s", exc)

    def poll_bounces(self) -> dict:
        """Poll every sender's bounce mailbox once; returns the summed stats."""
        total = {"seen": 0, "matched": 0, "moved": 0, "not_matched": 0}
        for sender in self.senders.values():
            if not sender.row.imap_host:
                continue
            try:
                stats = poll_mailbox(self.factory, sender.row, sender.secret, self.settings.bounce_policy,
                                     sender.token_provider)
            except Exception as exc:  # IMAP down: try again next period, keep sending
                log.warning("No se pudo revisar el buzón de rebotes de %s: %s", sender.row.name, exc)
                sender.error = f"Buzón de rebotes: {exc}"
                continue
            for k in total:
                total[k] += stats[k]
        return total

    def send_reports(self) -> int:
        """Mail pending campaign reports to their requesters; return how many were sent."""
        sent = 0
        while True:
            def claim(session):
                campaign = session.scalars(select(MailCampaign).where(MailCampaign.report_state == "pending")
                                           .order_by(MailCampaign.id).limit(1)
                                           .with_for_update(skip_locked=True)).first()
                if campaign is None:
                    return None
                campaign.report_state = "sending"
                result = summary(session, campaign)
                rows = problem_rows(session, campaign.id)
                return campaign, result, rows

            claimed = run_transaction(self.factory, claim)
            if claimed is None:
                return sent
            campaign, result, rows = claimed
            sender = self.senders.get((campaign.sender_ids or [None])[0]) or next(iter(self.senders.values()), None)
            subject, text, html = report_text(campaign, result, rows)
            data = report_xlsx(campaign, result, rows)
            state, error, msg_id = "failed", "", ""
            if sender is None:
                error = "No hay cuenta remitente para enviar el reporte."
            else:
                msg_id = f"<reporte.{campaign.id}.{campaign.secret[:10]}@{sender.config.from_address.rsplit('@', 1)[-1]}>"
                message = build_message(from_address=sender.config.from_address, from_name=sender.config.from_name,
                                        to=campaign.requester_email, subject=subject, text=text, html=html,
                                        msg_id=msg_id, envio=f"reporte.{campaign.id}",
                                        attachments=[(f"resultado-aviso-{campaign.id}.xlsx", XLSX, data)])
                try:
                    outcome = sender.smtp().send(message, campaign.requester_email)
                    state = "sent" if outcome.kind == "sent" else ("pending" if outcome.kind != "failed" else "failed")
                    error = "" if outcome.kind == "sent" else f"{outcome.code or ''} {outcome.text}".strip()
                except SenderError as exc:
                    state, error = "pending", exc.message
                    sender.close()

            def done(session, campaign_id=campaign.id, state=state, error=error, msg_id=msg_id):
                row = session.get(MailCampaign, campaign_id)
                row.report_state, row.report_error, row.report_message_id = state, error[:2000], msg_id

            run_transaction(self.factory, done)
            if state == "sent":
                sent += 1
            else:
                return sent

    # -------------------------------------------------------------- sending
    def _template(self, session: Session, campaign_id: int):
        if campaign_id not in self.templates:
            campaign = session.get(MailCampaign, campaign_id)
            self.templates[campaign_id] = (template_of(campaign), campaign.secret)
        return self.templates[campaign_id]

    def step(self) -> bool:
        """Try to send one message; True when one was attempted."""
        now_m, now_w = time.monotonic(), time.time()
        for sender in sorted(self.senders.values(), key=lambda s: s.limiter.wait_time(now_m, now_w)):
            if sender.paused_until > now_m or sender.idle_until > now_m:
                continue
            if sender.limiter.wait_time(now_m, now_w) > 0:
                continue
            if self._send_one(sender):
                return True
        return False

    def _claim(self, session: Session, sender: _Sender):
        row = queue.claim(session, self.worker_id, sender.row.id, utcnow(), self.started)
        if row is None:
            return None
        return row, *self._template(session, row.campaign_id)

    def _deliver(self, sender: _Sender, row, template, secret) -> tuple[Outcome | None, str]:
        """Render and hand one claimed row to SMTP; ``(None, …)`` when the sender itself failed
        (the row is released uncharged and the sender paused)."""
        rid, cid, address = row.id, row.campaign_id, row.address
        msg_id = message_id(secret, cid, rid, sender.config.from_address)
        try:
            rendered = render(template, row.context)
        except RenderError as exc:
            return Outcome("failed", None, f"No se pudo llenar la plantilla: {exc.message}"), msg_id
        message = build_message(from_address=sender.config.from_address, from_name=sender.config.from_name,
                                to=address, subject=rendered.subject, text=rendered.text, html=rendered.html,
                                msg_id=msg_id, envio=envio_token(secret, cid, rid))
        try:
            smtp = sender.smtp()
        except SenderError as exc:
            log.error("Cuenta remitente %s: %s", sender.row.name, exc.message)
            sender.error = exc.message
            sender.paused_until = time.monotonic() + self.settings.sender_pause_s
            sender.close()
            run_transaction(self.factory, lambda s: queue.release(s, rid, self.worker_id, utcnow()))
            return None, msg_id
        sender.limiter.record(time.monotonic(), time.time())
        self.attempts += 1
        outcome = smtp.send(message, address)
        if outcome.kind == "connection":
            sender.close()
        return outcome, msg_id

    def _send_one(self, sender: _Sender) -> bool:
        """Claim, send, record — chaining: when the sender may send again at once, the
        commit that records one outcome also claims the next row (one commit per message
        instead of two; the window between SMTP acceptance and the commit is unchanged)."""
        claimed = run_transaction(self.factory, lambda s: self._claim(s, sender))
        if claimed is None:
            sender.idle_until = time.monotonic() + self.settings.idle_sleep_s
            return False
        while claimed is not None:
            row, template, secret = claimed
            outcome, msg_id = self._deliver(sender, row, template, secret)
            if outcome is None:
                return False
            now_m = time.monotonic()
            chain = (not self.stop.is_set() and sender.limiter.wait_time(now_m, time.time()) == 0
                     and now_m - self._last_house < self.settings.heartbeat_s)

            def work(session, row=row, outcome=outcome, msg_id=msg_id, chain=chain):
                state = queue.record_outcome(session, row, self.worker_id, outcome, utcnow(), self.settings.policy,
                                             msg_id)
                return state, (self._claim(session, sender) if chain else None)

            state, claimed = run_transaction(self.factory, work)
            if state == st.SENT:
                self.sent += 1
                sender.error = ""
            if chain and claimed is None:
                sender.idle_until = time.monotonic() + self.settings.idle_sleep_s
        return True

    def pending(self) -> int:
        """Recipients still queued, deferred or sending plus reports not mailed."""
        with self.factory() as session:
            rows = session.scalar(select(func.count()).select_from(MailRecipient).join(
                MailCampaign, MailCampaign.id == MailRecipient.campaign_id).where(
                MailRecipient.state.in_(st.PENDING),
                MailCampaign.status.in_((st.CAMPAIGN_QUEUED, st.CAMPAIGN_SENDING))))
            active = session.scalar(select(func.count()).select_from(MailCampaign).where(
                MailCampaign.status.in_((st.CAMPAIGN_QUEUED, st.CAMPAIGN_SENDING))))
            reports = session.scalar(select(func.count()).select_from(MailCampaign).where(
                MailCampaign.report_state.in_(("pending", "sending"))))
        return (rows or 0) + (active or 0) + (reports or 0)

    def run(self, until_idle: bool = False) -> dict:
        """The loop (see module docstring). Returns ``{sent, attempts}``."""
        self.worker_id = run_transaction(self.factory, lambda s: queue.register_worker(s, utcnow()))
        try:
            self.housekeeping(force=True)
            while not self.stop.is_set():
                self.housekeeping()
                if self.step():
                    continue
                now_m, now_w = time.monotonic(), time.time()
                all_idle = all(s.idle_until > now_m or s.paused_until > now_m for s in self.senders.values())
                if until_idle and all_idle and self.pending() == 0:
                    self.housekeeping(force=True)
                    if self.pending() == 0:
                        break
                waits = [max(s.limiter.wait_time(now_m, now_w), s.idle_until - now_m, s.paused_until - now_m)
                         for s in self.senders.values()] or [self.settings.idle_sleep_s]
                self.stop.wait(max(0.0005, min(min(waits), self.settings.idle_sleep_s)))
        finally:
            for sender in self.senders.values():
                sender.close()
            run_transaction(self.factory, lambda s: queue.stop_worker(s, self.worker_id, utcnow()))
            if self._engine is not None:
                self._engine.dispose()
        return {"sent": self.sent, "attempts": self.attempts}
