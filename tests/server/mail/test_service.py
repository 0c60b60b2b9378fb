"""The service API other features use (the requests issue): one literal message,
tracked like any campaign, and a listener told when a campaign ends."""
from __future__ import annotations

import email
import email.policy

import pytest

from server.errors import ApiError
from server.mail import service
from server.mail.worker import Worker
from station.domain import Actor, Role
from tests.server.mail.conftest import fast_settings

OPERATOR = Actor("operador", Role.OPERATOR, frozenset({"001"}), "test")


def test_enqueue_message_and_finish_listener(mail_db, sink):
    mail_db.add_sender("avisos", sink.port)
    finished = []

    def listener(session, campaign, summary):
        finished.append((campaign.id, summary["counts"]["sent"], summary["status"]))

    service.add_finish_listener(listener)
    try:
        campaign = mail_db.tx(lambda s: service.enqueue_message(
            s, OPERATOR, to="solicitante@conalepmex.edu.mx", subject="Solicitud 12: aprobada",
            text="Su solicitud {{ no es plantilla }} fue aprobada.\n", name="Solicitud 12"))
        Worker(settings=fast_settings(), factory=mail_db.factory).run(until_idle=True)
    finally:
        service.remove_finish_listener(listener)
    assert finished == [(campaign.id, 1, "finished")]
    received = email.message_from_bytes(sink.messages[0].data, policy=email.policy.default)
    assert received["Subject"] == "Solicitud 12: aprobada" and received["To"] == "solicitante@conalepmex.edu.mx"
    assert received.get_body(("plain",)).get_content().replace("\r\n", "\n") == "Su solicitud {{ no es plantilla }} fue aprobada.\n"
    with pytest.raises(ApiError) as err:
        mail_db.tx(lambda s: service.enqueue_message(s, OPERATOR, to="x@gmail.ocm", subject="s", text="t"))
    assert err.value.status == 422 and "gmail.com" in err.value.message
