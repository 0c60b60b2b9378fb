"""A connection lost after DATA began (the server may have kept the message but its answer never
arrived, RFC 1047) is told apart from one lost before: only the first counts a possible duplicate
on the recipient, since the retry may deliver a second copy."""
from __future__ import annotations

import time

from server.mail import queue, service, states as st
from server.mail.models import MailCampaign, MailRecipient
from server.mail.sink import SmtpSink
from server.mail.smtp import Outcome, SenderConfig, SmtpSession
from server.services.students import utcnow
from tests.server.mail.conftest import rows

MESSAGE = b"From: avisos@conalepmex.edu.mx\r\nTo: a@b.mx\r\nSubject: Hola\r\n\r\nHola.\r\n"


def _session(port: int, timeout: float = 5.0) -> SmtpSession:
    config = SenderConfig(id=1, name="avisos", from_address="avisos@conalepmex.edu.mx", from_name="Avisos",
                          host="127.0.0.1", port=port, security="none", auth="none")
    return SmtpSession(config, timeout=timeout)


def test_an_answer_lost_after_data_may_have_delivered():
    """The sink keeps the message, then answers after the client's timeout: the outcome is a
    connection fault that may have delivered — and the sink indeed holds the copy."""
    with SmtpSink() as sink:
        sink.on_data = lambda: time.sleep(1.5)
        smtp = _session(sink.port, timeout=0.4)
        smtp.open()
        outcome = smtp.send(MESSAGE, "alumno1@alumnos.conalepmex.edu.mx")
        assert (outcome.kind, outcome.maybe_delivered) == ("connection", True), outcome
        assert len(sink.messages) == 1


def test_a_connection_lost_before_data_delivered_nothing():
    """The server goes away before the message is handed over: a connection fault that cannot have
    delivered anything. The next message on a sound connection starts unmarked."""
    sink = SmtpSink().start()
    smtp = _session(sink.port)
    smtp.open()
    sink.stop()
    outcome = smtp.send(MESSAGE, "alumno1@alumnos.conalepmex.edu.mx")
    assert (outcome.kind, outcome.maybe_delivered) == ("connection", False), outcome
    with SmtpSink() as again:
        smtp = _session(again.port)
        assert smtp.send(MESSAGE, "alumno2@alumnos.conalepmex.edu.mx") == Outcome("sent", 250, "")


def test_a_possibly_delivered_message_is_retried_and_counted(mail_db, sink):
    """The queue retries it (deferred, the attempt not charged) and counts one possible duplicate,
    shown in the campaign's summary; a connection fault before DATA counts none."""
    sender = mail_db.add_sender("avisos", sink.port)
    campaign_id = mail_db.list_campaign(rows(2))
    worker = mail_db.tx(lambda s: queue.register_worker(s, utcnow()))
    policy = queue.QueuePolicy()
    states = []
    for maybe in (True, False):
        claimed = mail_db.tx(lambda s: queue.claim(s, worker, sender.id, utcnow()))
        outcome = Outcome("connection", None, "TimeoutError: timed out", maybe_delivered=maybe)
        states.append(mail_db.tx(lambda s, c=claimed, o=outcome: queue.record_outcome(s, c, worker, o, utcnow(), policy)))
    assert states == [st.DEFERRED, st.DEFERRED]
    with mail_db.factory() as session:
        recipients = session.query(MailRecipient).order_by(MailRecipient.id).all()
        assert [(r.attempts, r.possible_duplicates) for r in recipients] == [(0, 1), (0, 0)]
        assert service.summary(session, session.get(MailCampaign, campaign_id))["possible_duplicates"] == 1
