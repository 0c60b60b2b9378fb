"""Bounces end to end: a campaign is sent to the scripted SMTP server, real-format
bounce reports for some of its messages land in a real IMAP mailbox (Dovecot)
next to unrelated mail, the worker polls the mailbox, matches and classifies
them, moves only the matched ones, suppresses the addresses, ends the campaign
and mails the requester the outcome (counts + bounced list, body and XLSX)."""
from __future__ import annotations

import email
import email.policy
import io
import ssl
from pathlib import Path

from imapclient import IMAPClient
from openpyxl import load_workbook
from sqlalchemy import select, update

from server.mail import service
from server.mail.bounces import BouncePolicy, apply_bounce
from server.mail.dsn import classify
from server.mail.models import MailBounceReport, MailCampaign, MailRecipient, MailSuppression
from server.mail.worker import Worker
from server.mail.queue import register_worker
from tests.server.mail.conftest import fast_settings, rows

DSN = Path(__file__).parent / "dsn"
ORIG_ID = "<cred.7.1234.0123456789@conalepmex.edu.mx>"
ORIG_ENVIO = "7.1234.0123456789"


def bounce_for(fixture: str, fixture_rcpt: str, message) -> bytes:
    """A fixture report rewritten to refer to ``message`` (a sink ``Received``)."""
    text = (DSN / fixture).read_text(encoding="utf-8")
    text = text.replace(ORIG_ID, message.header("Message-ID")).replace(ORIG_ENVIO,
                                                                       message.header("X-Credencializacion-Envio"))
    return text.replace(fixture_rcpt, message.rcpt).encode()


def imap(dovecot) -> IMAPClient:
    client = IMAPClient("127.0.0.1", port=dovecot.port, ssl=False, timeout=15)
    client.starttls(ssl.create_default_context(cafile=dovecot.ca_file))
    client.login(dovecot.user, dovecot.password)
    return client


def test_bounces_matched_moved_suppressed_and_reported(mail_db, sink, dovecot, monkeypatch):
    monkeypatch.setenv("TEST_IMAP_SECRET", dovecot.password)
    mail_db.add_sender("avisos", sink.port, imap_host="127.0.0.1", imap_port=dovecot.port, imap_security="starttls",
                       imap_username=dovecot.user, secret_env="TEST_IMAP_SECRET", ca_file=dovecot.ca_file)
    campaign = mail_db.list_campaign(rows(12), requester_email="servicios.escolares@conalepmex.edu.mx",
                                     bounce_wait_s=3600)
    settings = fast_settings(bounce_poll_s=0.2, bounce_policy=BouncePolicy(soft_retries=0))
    worker = Worker(settings=settings, factory=mail_db.factory)
    import threading

    thread = threading.Thread(target=worker.run)
    thread.start()
    try:
        import time

        deadline = time.monotonic() + 60
        while len(sink.messages) < 12 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        worker.stop.set()
        thread.join(30)
    assert len(sink.messages) == 12 and mail_db.summary(campaign)["status"] == "sending"  # waiting for bounces
    sent = {m.rcpt: m for m in sink.messages}
    by_local = {rcpt.split("@")[0]: m for rcpt, m in sent.items()}

    reports = {
        "alumno00001": bounce_for("exo_5_1_10_recipient_not_found.eml", "juan.perez@alumnos.conalepmex.edu.mx",
                                  by_local["alumno00001"]),
        "alumno00002": bounce_for("gmail_5_1_1_no_such_user.eml", "noexiste.alumno@gmail.com", by_local["alumno00002"]),
        "alumno00003": bounce_for("postfix_5_2_2_mailbox_full.eml", "lleno02@alumnos.example.net",
                                  by_local["alumno00003"]),
        "alumno00004": bounce_for("exim_plain_permanent.eml", "baja04@alumnos.example.org", by_local["alumno00004"]),
        "alumno00005": bounce_for("arf_abuse_yahoo.eml", "quejoso@yahoo.com", by_local["alumno00005"]),
        "alumno00006": bounce_for("sendmail_5_1_1_user_unknown.eml", "noexiste07@example.edu", by_local["alumno00006"]),
    }
    unrelated = [
        (DSN / "plain_reply_gracias.eml").read_bytes(),
        (DSN / "autoreply_vacation_es.eml").read_bytes(),
        (DSN / "postfix_5_1_1_user_unknown.eml").read_bytes(),  # a bounce of a message we never sent
        # a forged report: our header shape with a wrong check value must not match
        bounce_for("gmail_5_1_1_no_such_user.eml", "noexiste.alumno@gmail.com", by_local["alumno00007"])
        .replace(by_local["alumno00007"].header("X-Credencializacion-Envio").encode(), b"1.7.ffffffffff")
        .replace(by_local["alumno00007"].header("Message-ID").encode(), b"<forjado@example.com>"),
    ]
    client = imap(dovecot)
    for raw in unrelated[:2]:
        client.append("INBOX", raw)
    for raw in reports.values():
        client.append("INBOX", raw)
    for raw in unrelated[2:]:
        client.append("INBOX", raw)
    client.logout()

    # Bounces keep arriving for a while; then the wait is over and the campaign ends.
    first = Worker(settings=settings, factory=mail_db.factory)
    first._load_senders()
    stats = first.poll_bounces()
    assert stats == {"seen": 10, "matched": 6, "moved": 6, "not_matched": 4}
    assert first.poll_bounces() == {"seen": 0, "matched": 0, "moved": 0, "not_matched": 0}  # nothing read twice
    mail_db.tx(lambda s: s.execute(update(MailCampaign).where(MailCampaign.id == campaign).values(bounce_wait_s=0)))
    Worker(settings=settings, factory=mail_db.factory).run(until_idle=True)

    summary = mail_db.summary(campaign)
    with mail_db.factory() as session:
        error = session.get(MailCampaign, campaign).report_error
    assert summary["status"] == "finished" and summary["report_state"] == "sent", error
    assert summary["counts"] == {"queued": 0, "sending": 0, "sent": 6, "deferred": 0, "failed": 0, "bounced": 6,
                                 "suppressed": 0}
    assert summary["bounced"] == {"hard": 4, "soft": 1, "complaint": 1}
    with mail_db.factory() as session:
        states = {r.address.split("@")[0]: r for r in session.scalars(select(MailRecipient))}
        assert states["alumno00001"].bounce_class == "hard" and states["alumno00001"].dsn_status == "5.1.10"
        assert states["alumno00003"].bounce_class == "soft" and states["alumno00005"].bounce_class == "complaint"
        assert states["alumno00007"].state == "sent"  # the forged report changed nothing
        raw = session.get(MailBounceReport, states["alumno00002"].bounce_report_id).raw
        assert classify(raw).bounce_class == "hard" and b"NoSuchUser" in raw  # the raw report is kept, viewable
        suppressed = {r.address.split("@")[0]: r for r in session.scalars(select(MailSuppression))}
        assert set(suppressed) == {"alumno00001", "alumno00002", "alumno00003", "alumno00004", "alumno00005",
                                   "alumno00006"}
        assert suppressed["alumno00001"].expires_at is None and suppressed["alumno00005"].kind == "complaint"
        assert suppressed["alumno00003"].kind == "soft" and suppressed["alumno00003"].expires_at is not None

    # Only matched reports moved; unrelated mail untouched (still unread) in the inbox.
    client = imap(dovecot)
    client.select_folder("INBOX")
    left = client.fetch(client.search(["ALL"]), ["BODY.PEEK[]", "FLAGS"])
    assert len(left) == 4
    assert all(b"\\Seen" not in item[b"FLAGS"] for item in left.values())
    bodies = [item[b"BODY[]"].replace(b"\r\n", b"\n") for item in left.values()]
    assert sorted(bodies) == sorted(raw.replace(b"\r\n", b"\n") for raw in unrelated)
    client.select_folder("Rebotes procesados")
    assert len(client.search(["ALL"])) == 6
    client.logout()

    # The requester's report: counts and the bounced list with reasons, in the body and as XLSX.
    report = [m for m in sink.messages if m.rcpt == "servicios.escolares@conalepmex.edu.mx"]
    assert len(report) == 1
    parsed = email.message_from_bytes(report[0].data, policy=email.policy.default)
    body = parsed.get_body(("plain",)).get_content()
    assert "Enviados sin rebote: 6" in body and "Rebotados: 6 (permanentes 4, temporales 1, quejas 1)" in body
    assert "alumno00001@" in body and "5.1.10" in body and "RecipientNotFound" in body
    attachment = next(parsed.iter_attachments())
    assert attachment.get_filename() == f"resultado-aviso-{campaign}.xlsx"
    book = load_workbook(io.BytesIO(attachment.get_content()))
    problems = list(book["No entregados"].iter_rows(values_only=True))
    assert problems[0][3] == "Correo" and len(problems) == 1 + 6
    assert {row[3].split("@")[0] for row in problems[1:]} == set(suppressed)
    summary_sheet = {row[0]: row[1] for row in book["Resumen"].iter_rows(values_only=True) if row[0]}
    assert summary_sheet["Enviado"] == 6 and summary_sheet["Rebote permanente"] == 4

    # A later campaign skips the suppressed addresses.
    later = mail_db.list_campaign(rows(8))
    counts = mail_db.summary(later)["counts"]
    assert counts["suppressed"] == 6 and counts["queued"] == 2


def test_soft_bounce_retried_then_expires(mail_db, sink):
    mail_db.add_sender("avisos", sink.port)
    campaign = mail_db.list_campaign(rows(1), bounce_wait_s=3600)
    worker = Worker(settings=fast_settings(), factory=mail_db.factory)
    worker.worker_id = mail_db.tx(lambda s: register_worker(s, service.utcnow()))
    worker._load_senders()
    policy = BouncePolicy(soft_retries=1, retry_after_s=0)
    for attempt in (1, 2):
        assert worker.step()
        message = sink.messages[-1]
        raw = bounce_for("postfix_5_2_2_mailbox_full.eml", "lleno02@alumnos.example.net", message)
        report = mail_db.tx(lambda s: apply_bounce(s, classify(raw), raw, policy))
        assert report is not None
        with mail_db.factory() as session:
            row = session.scalars(select(MailRecipient).where(MailRecipient.campaign_id == campaign)).one()
            assert row.state == ("deferred" if attempt == 1 else "bounced")
    with mail_db.factory() as session:
        suppression = session.get(MailSuppression, row.address.lower())
        assert suppression.kind == "soft" and suppression.expires_at is not None
    assert len(sink.messages) == 2  # retried once, then given up
