"""Service times (issue #19 item 5): an overdue request reminds the systems office once, and
escalates to its head once after a second period; attended requests are left alone."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from server.mail.models import MailRecipient
from server.services.students import utcnow
from server.testing import seed
from station.domain.requests import REQUEST_TYPES
from tests.server.conftest import PASSWORD
from tests.server.requests.conftest import STATE
from tests.server.requests.offline import Db, cli, cli_json

OFFICE = "centro.computo@conalepmex.edu.mx"
HEAD = "jefatura.computo@conalepmex.edu.mx"


@pytest.fixture
def db(fresh_url):
    from server.mail.senders import add_sender

    seed(fresh_url, PASSWORD, students=0, campuses=2)
    database = Db(fresh_url)
    database.tx(lambda s: add_sender(s, STATE, "avisos", "avisos@conalepmex.edu.mx", "127.0.0.1", 2525,
                                     security="none", auth="none"))
    yield database
    database.close()


def _remind(db, at, *extra):
    return cli_json(db.url, "remind", "--now", at.isoformat(), "--office", OFFICE, "--head", HEAD, *extra)


def test_overdue_request_reminds_then_escalates_once(db):
    t0 = utcnow()
    late = db.make("password_reset", "received", t0, documents=False)
    done = db.make("password_reset", "attended", t0)
    hours = REQUEST_TYPES["password_reset"].service_hours
    assert _remind(db, t0 + timedelta(hours=hours - 1))["reminded"] == []
    first = _remind(db, t0 + timedelta(hours=hours + 1))
    assert first["reminded"] == [late] and first["escalated"] == [] and done not in first["reminded"]
    assert _remind(db, t0 + timedelta(hours=hours + 2))["reminded"] == []  # once only
    assert _remind(db, t0 + timedelta(hours=hours + 2))["escalated"] == []  # not yet: 24 h after the reminder
    second = _remind(db, t0 + timedelta(hours=hours + 1 + 24))
    assert second["escalated"] == [late]
    assert _remind(db, t0 + timedelta(hours=hours + 100))["escalated"] == []
    with db.factory() as s:
        to = sorted(s.scalars(select(MailRecipient.address).where(MailRecipient.address.in_([OFFICE, HEAD]))))
    assert to == sorted([OFFICE, HEAD])
    detail = cli_json(db.url, "--as", "sistemas", "show", late, "--json")
    assert [t["action"] for t in detail["timeline"]][-2:] == ["remind", "escalate"]
    assert detail["overdue"] is False  # by the real clock it is not due yet


def test_remind_needs_the_office_address(db):
    done = cli(db.url, "remind")
    assert done.returncode == 2 and "--office" in done.stderr


def test_the_mail_worker_loop_reminds_and_sends(tmp_path, smtp_sink):
    """``mail worker --requests-office …`` runs the reminder job in its loop and delivers it."""
    from server.mail.senders import add_sender
    from server.mail.worker import Worker
    from server.requests.deadlines import worker_job
    from tests.server.mail.conftest import fast_settings

    url = f"sqlite:///{tmp_path / 'loop.sqlite3'}"
    seed(url, PASSWORD, students=0, campuses=2)
    db = Db(url)
    try:
        db.tx(lambda s: add_sender(s, STATE, "avisos", "avisos@conalepmex.edu.mx", "127.0.0.1", smtp_sink.port,
                                   security="none", auth="none", per_minute=0, per_day=0))
        late = db.make("password_reset", "received", utcnow() - timedelta(hours=48), documents=False)
        office = f"oficina.{tmp_path.name}@conalepmex.edu.mx"
        Worker(settings=fast_settings(periodic=((3600.0, worker_job(office, HEAD)),)),
               factory=db.factory).run(until_idle=True)
        got = [m for m in smtp_sink.messages if m.rcpt == office]
        assert len(got) == 1 and late in got[0].header("Subject")
    finally:
        db.close()
