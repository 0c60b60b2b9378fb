"""Fixtures of the mail tests: a seeded SQLite database, the scripted SMTP sink
(``aiosmtpd`` on 127.0.0.1), helpers to register a sender and build a list campaign."""
from __future__ import annotations

import pytest

from server.db.engine import make_engine, make_session_factory, run_transaction
from server.testing import seed
from station.domain import Actor, Role

PASSWORD = "demo-1234!"
STATE = Actor("estatal", Role.STATE_OFFICE, frozenset(), "test")
DOMAIN = "alumnos.conalepmex.edu.mx"


class MailDb:
    """A seeded database: ``url``, ``factory``, ``tx(fn)`` runs one transaction."""

    def __init__(self, url: str):
        self.url = url
        self.engine = make_engine(url, pool_size=2)
        self.factory = make_session_factory(self.engine)

    def tx(self, fn):
        return run_transaction(self.factory, fn)

    def add_sender(self, name: str, port: int, **options):
        from server.mail.senders import add_sender

        values = dict(security="none", auth="none", per_minute=0, per_day=0)
        values.update(options)
        return self.tx(lambda s: add_sender(s, STATE, name, f"{name}@conalepmex.edu.mx", "127.0.0.1", port, **values))

    def list_campaign(self, rows: list[dict], subject="Hola {{ first_names }}",
                      text="Tu credencial {{ matricula }} está lista.\n", **spec):
        """Create and start a list campaign as the state office; return its id."""
        from server.mail import service

        values = dict(name="Prueba", subject=subject, text=text, audience={"kind": "list", "rows": rows},
                      bounce_wait_s=0)
        values.update(spec)
        campaign = self.tx(lambda s: service.create_campaign(s, STATE, service.CampaignSpec(**values)))
        self.tx(lambda s: service.start(s, STATE, campaign.id))
        return campaign.id

    def summary(self, campaign_id: int) -> dict:
        from server.mail import service
        from server.mail.models import MailCampaign

        with self.factory() as session:
            return service.summary(session, session.get(MailCampaign, campaign_id))


@pytest.fixture
def mail_db(tmp_path):
    """A fresh SQLite database with 60 demo students over 2 planteles."""
    url = f"sqlite:///{tmp_path / 'mail.sqlite3'}"
    seed(url, PASSWORD, students=60, campuses=2)
    db = MailDb(url)
    yield db
    db.engine.dispose()


@pytest.fixture
def sink():
    """The scripted SMTP sink (:func:`server.mail.sink.demo_script`)."""
    from server.mail.sink import SmtpSink, demo_script

    with SmtpSink(demo_script) as running:
        yield running


def fast_settings(**over):
    """Worker settings for tests: short backoff, frequent housekeeping, no IMAP."""
    from server.mail.queue import QueuePolicy
    from server.mail.worker import WorkerSettings

    values = dict(heartbeat_s=0.3, idle_sleep_s=0.02, bounce_poll_s=0, policy=QueuePolicy(backoff_base_s=0.2))
    values.update(over)
    return WorkerSettings(**values)


WORKER_ARGS = ["--bounce-poll", "0", "--heartbeat", "0.5", "--backoff", "0.2", "--idle-sleep", "0.02"]


def worker_command(url: str, *extra: str) -> list[str]:
    """``credencializacion-server mail worker --until-idle`` for ``url`` with test timings."""
    import sys

    return [sys.executable, "-m", "server.cli", "mail", "worker", "--db", url, "--until-idle", *WORKER_ARGS, *extra]


def run_worker_process(url: str, timeout: float = 240) -> None:
    """Run the worker command until nothing is left to send; fail on a non-zero exit."""
    import subprocess

    done = subprocess.run(worker_command(url), capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, done.stderr[-3000:]


def rows(n: int, every_fail: int = 0, every_busy: int = 0) -> list[dict]:
    """``n`` list rows: every ``every_fail``-th address answered 550, every ``every_busy``-th 451 twice."""
    out = []
    for i in range(1, n + 1):
        local = f"alumno{i:05d}"
        if every_fail and i % every_fail == 0:
            local = f"noexiste{i:05d}"
        elif every_busy and i % every_busy == 0:
            local = f"ocupado{i:05d}"
        out.append({"email": f"{local}@{DOMAIN}", "first_names": f"ALUMNO {i}", "matricula": f"M{i:05d}"})
    return out


@pytest.fixture
def dovecot():
    """A private Dovecot (see :mod:`tests.server.mail.dovecot`); skipped locally when not installed,
    a failure in CI (``.ci/run`` installs it)."""
    import os

    from tests.server.mail.dovecot import available, start_dovecot

    if not available():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("Dovecot no está instalado en CI (.ci/run debe instalar dovecot-imapd).")
        pytest.skip("Dovecot no está instalado (apt-get install dovecot-imapd).")
    instance = start_dovecot()
    yield instance
    instance.stop()
