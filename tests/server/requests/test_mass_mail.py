"""A mass e-mail request end to end against the test SMTP server (issue #19 «Must show»; seed
*solicitud-envio-correos-masivos-unicauca*): filed, approved by someone else, sent by the mail
worker, and the requester's confirmation received with the counts — nobody chases anybody."""
from __future__ import annotations

import email
import email.policy

from sqlalchemy import select

from server.mail.worker import Worker
from tests.server.mail.conftest import fast_settings
from tests.server.requests.conftest import act, file_request


def _body(raw: bytes) -> str:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    part = message.get_body(preferencelist=("plain",))
    return part.get_content()


def test_mass_mail_request_is_sent_and_answered_with_the_counts(req, smtp_sink):
    from server.db.models import StudentRow
    from server.mail import service as mail
    from server.mail.models import MailCampaign

    with req.db() as s:
        group = s.scalar(select(StudentRow.group_code).where(StudentRow.campus_code == "001")
                         .order_by(StudentRow.group_code).limit(1))
        audience = list(s.scalars(select(StudentRow.institutional_email).where(
            StudentRow.campus_code == "001", StudentRow.group_code == group)))
    contact = f"difusion.{req.backend}@plantel001.conalepmex.edu.mx"
    created = file_request(req, "supervisor", "mass_mail", contact_email=contact, groups=[group],
                           subject=f"Aviso {req.backend} {{{{ curp }}}}")
    folio = created["folio"]
    assert act(req, "sistemas", folio, "review").json()["state"] == "in_review"
    refused = act(req, "supervisor", folio, "approve")  # the requester is no approver
    assert refused.status_code == 403
    r = act(req, "sistemas", folio, "approve")
    assert r.status_code == 200 and r.json()["state"] == "in_progress", r.text
    campaign_id = r.json()["campaign_id"]

    req.db().close()  # builds the env's session factory
    Worker(settings=fast_settings(), factory=req._factory).run(until_idle=True)

    detail = req.call("supervisor", "GET", f"/requests/{folio}").json()
    assert detail["state"] == "attended", detail["timeline"]
    assert detail["timeline"][-1]["actor"] == "sistema"
    with req.db() as s:
        summary = mail.summary(s, s.get(MailCampaign, campaign_id))
    assert summary["status"] == "finished" and summary["total"] == len(audience)
    sent = summary["counts"]["sent"]
    assert sent == len([a for a in audience if a]) and sent > 0
    assert f"{sent} enviados" in detail["response"]
    # the students got the message as written (nothing of it evaluated as a template)
    # (the sink is shared: other tests' campaigns reach the same students with other subjects)
    subject = f"Aviso {req.backend} {{{{ curp }}}}"
    to_students = [m for m in smtp_sink.messages if m.rcpt in audience
                   and str(email.message_from_bytes(m.data, policy=email.policy.default)["Subject"]) == subject]
    assert len(to_students) == sent
    # the requester's confirmation, with the folio and the counts
    mails = [m for m in smtp_sink.messages if m.rcpt == contact]
    subjects = [str(email.message_from_bytes(m.data, policy=email.policy.default)["Subject"]) for m in mails]
    assert f"Solicitud {folio}: Atendida" in subjects, subjects
    confirmation = _body(mails[subjects.index(f"Solicitud {folio}: Atendida")].data)
    assert folio in confirmation and f"{sent} enviados" in confirmation and f"{summary['total']} destinatarios" \
        in confirmation
    # every earlier step mailed the requester too
    assert {f"Solicitud {folio}: {s}" for s in ("Recibida", "En revisión", "Aprobada", "En proceso")} <= set(subjects)
