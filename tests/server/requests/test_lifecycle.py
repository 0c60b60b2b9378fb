"""The whole life of a request of every type, on SQLite and PostgreSQL through the real server
(issue #19 «Must show»: lifecycle for each type, cancellation with a reason)."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from station.domain.requests import REQUEST_TYPES
from tests.server.requests.conftest import act, attach, counts, documents_for, file_request

TYPES = list(REQUEST_TYPES)


@pytest.mark.parametrize("type_code", TYPES)
def test_filed_reviewed_approved_carried_out_and_answered(req, type_code):
    created = file_request(req, "supervisor", type_code)
    folio = created["folio"]
    assert folio.startswith(f"SOL-{created['created_at'][:4]}-") and created["state"] == "received"
    assert created["allowed_actions"] == ["cancel"]  # the requester may only cancel
    for kind, (name, data) in documents_for(type_code).items():
        r = attach(req, "supervisor", folio, kind, name, data)
        assert r.status_code == 201, r.text

    r = act(req, "sistemas", folio, "review")
    assert r.status_code == 200 and r.json()["state"] == "in_review", r.text
    assert r.json()["allowed_actions"] == ["cancel", "approve"]
    r = act(req, "sistemas", folio, "approve")
    assert r.status_code == 200, r.text
    if REQUEST_TYPES[type_code].mass_mail:  # approval starts the campaign at once
        assert r.json()["state"] == "in_progress" and r.json()["campaign_id"]
    else:
        assert r.json()["state"] == "approved"
        r = act(req, "sistemas", folio, "start")
        assert r.json()["state"] == "in_progress", r.text
    assert act(req, "sistemas", folio, "complete").json()["error"]["code"] == "response_required"
    r = act(req, "sistemas", folio, "complete", response="Se atendió la solicitud y se notificó por oficio.")
    assert r.status_code == 200 and r.json()["state"] == "attended", r.text
    detail = r.json()
    assert detail["allowed_actions"] == [] and detail["response"].startswith("Se atendió")
    steps = [(t["action"], t["to_state"]) for t in detail["timeline"] if t["to_state"]]
    expected = [("file", "received"), ("review", "in_review"), ("approve", "approved"), ("start", "in_progress"),
                ("complete", "attended")]
    assert steps == expected
    # every step is in the bitácora and in the audit, and each one mailed the requester
    c = counts(req, folio)
    assert c["log"] == c["audit"] >= len(expected) + len(documents_for(type_code))
    assert _mails_to_requester(req, folio) == len(expected)
    # the response letter
    letter = req.call("supervisor", "GET", f"/requests/{folio}/letter.pdf")
    assert letter.status_code == 200 and letter.content.startswith(b"%PDF-")
    assert folio in _pdf_text(letter.content)
    assert act(req, "sistemas", folio, "cancel", reason="tarde").json()["error"]["code"] == "request_state"


@pytest.mark.parametrize("type_code", TYPES)
def test_cancelled_with_a_reason(req, type_code):
    folio = file_request(req, "supervisor", type_code)["folio"]
    r = act(req, "supervisor", folio, "cancel")
    assert r.status_code == 422 and r.json()["error"]["code"] == "reason_required"
    assert "motivo" in r.json()["error"]["message"]
    r = act(req, "supervisor", folio, "cancel", reason="Se presentó por error; falta el oficio firmado.")
    assert r.status_code == 200, r.text
    detail = r.json()
    assert detail["state"] == "cancelled" and detail["cancel_reason"].startswith("Se presentó por error")
    assert detail["timeline"][-1]["note"].startswith("Se presentó por error")
    assert act(req, "sistemas", folio, "review").json()["error"]["code"] == "request_state"
    # the systems office cancels an approved one, also only with a reason
    other = file_request(req, "supervisor", type_code)["folio"]
    for kind, (name, data) in documents_for(type_code).items():
        assert attach(req, "supervisor", other, kind, name, data).status_code == 201
    act(req, "sistemas", other, "review")
    r = act(req, "sistemas", other, "approve")
    if r.json()["state"] == "approved":
        assert act(req, "supervisor", other, "cancel", reason="ya no").json()["error"]["code"] == "forbidden_role"
        r = act(req, "sistemas", other, "cancel", reason="El plantel retiró el oficio.")
        assert r.json()["state"] == "cancelled"


def test_others_neither_see_nor_act(req):
    folio = file_request(req, "supervisor", "password_reset")["folio"]
    assert req.call("supervisor2", "GET", f"/requests/{folio}").status_code == 404
    assert act(req, "supervisor2", folio, "cancel", reason="x").status_code == 404
    assert act(req, "operador", folio, "review").status_code == 404
    listed = req.call("supervisor2", "GET", "/requests").json()
    assert folio not in [i["folio"] for i in listed["items"]]
    assert folio in [i["folio"] for i in req.call("sistemas", "GET", "/requests", params={"q": folio}).json()["items"]]
    assert req.call("supervisor", "GET", "/requests/log").status_code == 403


def test_bad_input_answers_spanish_errors(req):
    r = req.call("supervisor", "POST", "/requests", json={"type": "no_existe", "fields": {}})
    assert r.status_code == 422 and "no existe" in r.json()["error"]["message"]
    r = req.call("supervisor", "POST", "/requests", json={"type": "password_reset", "fields": {"contact_email": "x"}})
    assert r.status_code == 422 and r.json()["error"]["field"] == "contact_email"
    r = req.call("supervisor", "POST", "/requests", json={"type": "student_accounts",
                                                          "fields": {"contact_email": "a@b.mx", "campus": "002"}})
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden_campus"
    folio = file_request(req, "supervisor", "password_reset")["folio"]
    assert act(req, "sistemas", folio, "fly").status_code == 422
    assert req.call("supervisor", "GET", "/requests/SOL-1-1").status_code == 404
    assert req.call("supervisor", "GET", f"/requests/{folio}/letter.pdf").json()["error"]["code"] == \
        "request_not_attended"


def _mails_to_requester(env, folio: str) -> int:
    from server.mail.models import MailCampaign, MailRecipient

    with env.db() as s:
        return s.scalar(select(func.count()).select_from(MailRecipient)
                        .join(MailCampaign, MailCampaign.id == MailRecipient.campaign_id)
                        .where(MailCampaign.name == f"Solicitud {folio}"))


def _pdf_text(data: bytes) -> str:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    return "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
