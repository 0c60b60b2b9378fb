"""``/mail/*`` over a real server (SQLite and PostgreSQL): who may call what, the
refusals (each one tested), what is audited, the preview that names row and field."""
from __future__ import annotations

import base64
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from server.db.models import AuditRow, StudentRow
from server.mail.models import MailBounceReport, MailCampaign, MailSuppression
from station.domain import Actor, Role

TEXT = "Hola {{ first_names }}, tu credencial ({{ matricula }}) está lista en {{ campus_name }}.\n"


@pytest.fixture(scope="module")
def mail_server(server):
    """The shared test server with one sender account."""
    from server.db.engine import run_transaction
    from server.mail.senders import add_sender

    server.db()
    run_transaction(server._factory, lambda s: add_sender(
        s, Actor("estatal", Role.STATE_OFFICE), "avisos", "avisos@conalepmex.edu.mx", "127.0.0.1", 2525,
        security="none", auth="none"))
    return server


def body(**over):
    values = {"name": "Credencial lista", "subject": "Tu credencial, {{ first_names }}", "text": TEXT,
              "audience": {"kind": "students", "campuses": ["001"], "statuses": ["RECEIVED"]}}
    values.update(over)
    return values


def audits(server, command: str) -> int:
    with server.db() as s:
        return s.scalar(select(func.count()).select_from(AuditRow).where(AuditRow.command == command))


def test_who_may_call(mail_server):
    s = mail_server
    r = s.call("supervisor", "POST", "/mail/campaigns", json=body())
    assert r.status_code == 201, r.text
    cid = r.json()["id"]
    before = audits(s, "mail_create")
    paths = [("GET", "/mail/fields", None), ("GET", "/mail/senders", None), ("GET", "/mail/campaigns", None),
             ("POST", "/mail/campaigns", body()), ("GET", f"/mail/campaigns/{cid}", None),
             ("POST", f"/mail/campaigns/{cid}/preview", None), ("POST", f"/mail/campaigns/{cid}/start", None),
             ("POST", f"/mail/campaigns/{cid}/cancel", None), ("GET", f"/mail/campaigns/{cid}/recipients", None),
             ("GET", f"/mail/campaigns/{cid}/report.xlsx", None), ("GET", "/mail/suppressions", None),
             ("POST", "/mail/lists", {"filename": "a.csv", "content_base64": "YQ=="})]
    for method, path, payload in paths:
        assert s.call(None, method, path, json=payload).status_code == 401, path
        for user in ("operador", "admin"):
            r = s.call(user, method, path, json=payload)
            assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden_role", (user, path, r.text)
    # Another plantel's supervisor cannot see or act on it.
    for method, path, payload in paths[4:10]:
        r = s.call("supervisor2", method, path, json=payload)
        assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden_campus", (path, r.text)
    assert cid not in [c["id"] for c in s.call("supervisor2", "GET", "/mail/campaigns").json()]
    assert cid in [c["id"] for c in s.call("estatal", "GET", "/mail/campaigns").json()]
    assert audits(s, "mail_create") == before  # refused requests wrote nothing


def test_supervisor_limited_to_own_planteles(mail_server):
    s = mail_server
    r = s.call("supervisor", "POST", "/mail/campaigns",
               json=body(audience={"kind": "students", "campuses": ["002"]}))
    assert r.status_code == 403 and r.json()["error"]["field"] == "campuses"
    r = s.call("supervisor", "POST", "/mail/campaigns", json=body(audience={"kind": "students"}))
    assert r.status_code == 201 and r.json()["campuses"] == ["001"]
    with s.db() as session:
        own = session.scalar(select(StudentRow.matricula).where(StudentRow.campus_code == "001").limit(1))
        other = session.scalar(select(StudentRow.matricula).where(StudentRow.campus_code == "002").limit(1))
    rows = [{"email": "a@gmail.com", "matricula": own}, {"email": "b@gmail.com", "matricula": other}]
    r = s.call("supervisor", "POST", "/mail/campaigns", json=body(audience={"kind": "list", "rows": rows}))
    assert r.status_code == 403 and "fila 3" in r.json()["error"]["message"]
    r = s.call("supervisor", "POST", "/mail/campaigns",
               json=body(audience={"kind": "list", "rows": [{"email": "cualquiera@gmail.com"}]}))
    assert r.status_code == 403  # no matrícula: a supervisor cannot mail arbitrary addresses
    r = s.call("estatal", "POST", "/mail/campaigns",
               json=body(audience={"kind": "list", "rows": [{"email": "x@gmail.com", "first_names": "X",
                                                              "matricula": "1", "campus_name": "Y"}]}))
    assert r.status_code == 201


def test_password_like_template_refused(mail_server):
    r = mail_server.call("estatal", "POST", "/mail/campaigns",
                         json=body(text="Tu usuario {{ institutional_email }} y contraseña {{ password }}"))
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "template_refused" and r.json()["error"]["field"] == "password"


def test_preview_names_row_and_field_then_start(mail_server):
    s = mail_server
    r = s.call("supervisor", "POST", "/mail/campaigns",
               json=body(text=TEXT + "Vigencia: {{ valid_until }}", audience={"kind": "students",
                                                                               "statuses": ["ENROLLED"]}))
    cid = r.json()["id"]
    r = s.call("supervisor", "POST", f"/mail/campaigns/{cid}/preview")
    assert r.status_code == 422
    error = r.json()["error"]
    assert error["code"] == "template_render_failed" and error["field"] == "valid_until"
    with s.db() as session:
        first = session.scalar(select(StudentRow.matricula).where(StudentRow.campus_code == "001",
                                                                   StudentRow.status == "ENROLLED")
                               .order_by(StudentRow.group_code, StudentRow.matricula).limit(1))
    assert first in error["message"] and "valid_until" in error["message"]
    assert s.call("supervisor", "POST", f"/mail/campaigns/{cid}/start").status_code == 422

    cid = s.call("supervisor", "POST", "/mail/campaigns", json=body()).json()["id"]
    before = audits(s, "mail_preview")
    r = s.call("supervisor", "POST", f"/mail/campaigns/{cid}/preview")
    assert r.status_code == 200, r.text
    preview = r.json()
    assert preview["total"] > 0 and preview["samples"][0]["subject"].startswith("Tu credencial, ")
    assert audits(s, "mail_preview") == before + 1
    r = s.call("supervisor", "POST", f"/mail/campaigns/{cid}/start")
    assert r.status_code == 200 and r.json()["status"] == "queued"
    assert r.json()["counts"]["queued"] + r.json()["counts"]["failed"] == preview["total"]
    assert s.call("supervisor", "POST", f"/mail/campaigns/{cid}/start").json()["error"]["code"] == "campaign_not_draft"
    r = s.call("supervisor", "GET", f"/mail/campaigns/{cid}/recipients", params={"state": "queued", "limit": 5})
    assert r.status_code == 200 and len(r.json()["items"]) <= 5
    r = s.call("supervisor", "GET", f"/mail/campaigns/{cid}/report.xlsx")
    assert r.status_code == 200 and r.content[:2] == b"PK"
    assert s.call("supervisor", "POST", f"/mail/campaigns/{cid}/cancel").json()["status"] == "cancelled"


def test_raw_bounce_and_suppressions(mail_server):
    s = mail_server
    cid = s.call("supervisor", "POST", "/mail/campaigns", json=body()).json()["id"]
    now = datetime.now(timezone.utc)
    with s.db() as session, session.begin():
        report = MailBounceReport(campaign_id=cid, bounce_class="hard", status="5.1.1", diagnostic="550 5.1.1",
                                  recipient="x@gmail.com", message_id="<m@x>", subject="s",
                                  raw=b"From: MAILER-DAEMON\r\n\r\nbounce", received_at=now)
        session.add(report)
        session.add(MailSuppression(address=f"rebote{cid}@gmail.com", kind="hard", reason="550 5.1.1",
                                    created_by="sistema", created_at=now))
        session.flush()
        rid = report.id
    assert s.call("supervisor2", "GET", f"/mail/bounces/{rid}/raw").status_code == 403
    assert s.call("operador", "GET", f"/mail/bounces/{rid}/raw").status_code == 403
    before = audits(s, "mail_bounce_read")
    r = s.call("supervisor", "GET", f"/mail/bounces/{rid}/raw")
    assert r.status_code == 200 and r.content.endswith(b"bounce")
    assert audits(s, "mail_bounce_read") == before + 1
    assert s.call("supervisor", "GET", "/mail/bounces/999999/raw").status_code == 404

    assert s.call("supervisor", "GET", "/mail/suppressions").status_code == 403
    assert s.call("supervisor", "DELETE", f"/mail/suppressions/rebote{cid}@gmail.com").status_code == 403
    assert any(x["address"] == f"rebote{cid}@gmail.com" for x in s.call("estatal", "GET", "/mail/suppressions").json())
    assert s.call("estatal", "DELETE", f"/mail/suppressions/rebote{cid}@gmail.com").status_code == 204
    assert s.call("estatal", "DELETE", f"/mail/suppressions/rebote{cid}@gmail.com").status_code == 404
    assert audits(s, "mail_unsuppress") >= 1


def test_list_upload_with_saved_mapping(mail_server):
    s = mail_server
    csv = "Nombre;Correo electrónico;Matrícula\nANA;ana.ruiz@gmail.ocm;1\nLUIS;luis@gmail.com;2\n".encode("utf-8-sig")
    payload = {"filename": "alumnos.csv", "content_base64": base64.b64encode(csv).decode()}
    assert s.call("estatal", "POST", "/mail/lists", json=payload).json()["headers"] == ["Nombre", "Correo electrónico",
                                                                                         "Matrícula"]
    mapping = {"Nombre": "first_names", "Correo electrónico": "email", "Matrícula": "matricula"}
    r = s.call("estatal", "POST", "/mail/lists", json={**payload, "mapping": mapping, "save_mapping_as": "ALMA"})
    assert r.status_code == 200 and r.json()["rows"] == 2
    r = s.call("estatal", "POST", "/mail/lists", json={**payload, "mapping_name": "ALMA"})
    audience = r.json()["audience"]
    assert audience["rows"][0] == {"first_names": "ANA", "email": "ana.ruiz@gmail.ocm", "matricula": "1"}
    # An unknown saved mapping is a documented 404 (schemathesis found it undeclared).
    r = s.call("estatal", "POST", "/mail/lists", json={**payload, "mapping_name": "NO-EXISTE"})
    assert r.status_code == 404 and r.json()["error"]["code"] == "mapping_not_found"
    assert "«NO-EXISTE»" in r.json()["error"]["message"]
    declared = s.call("estatal", "GET", "/openapi.json").json()["paths"]["/mail/lists"]["post"]["responses"]
    assert "404" in declared
    r = s.call("estatal", "POST", "/mail/lists", json={**payload, "mapping": {"Nombre": "contraseña"}})
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_mapping"
    r = s.call("estatal", "POST", "/mail/lists", json={"filename": "x.xlsx", "content_base64": "bm8="})
    assert r.status_code == 422 and "Excel" in r.json()["error"]["message"]
    cid = s.call("estatal", "POST", "/mail/campaigns",
                 json=body(text="Hola {{ first_names }}", audience=audience)).json()["id"]
    preview = s.call("estatal", "POST", f"/mail/campaigns/{cid}/preview").json()
    assert preview["invalid"][0]["suggestion"] == "ana.ruiz@gmail.com"  # the typo hint reaches the screen
    with s.db() as session:
        assert session.get(MailCampaign, cid).audience["source"] == "alumnos.csv"


def test_saved_templates_per_plantel_scope(mail_server):
    """Save, list (load), replace and delete named templates: supervisors within their planteles,
    the state office everywhere and state-wide; checked like campaigns; every write audited."""
    s = mail_server
    tpl = {"name": "Credencial lista", "subject": "{{ first_names }}, tu credencial", "text": TEXT}
    saves, deletes = audits(s, "mail_template_save"), audits(s, "mail_template_delete")
    r = s.call("supervisor", "PUT", "/mail/templates", json=tpl)
    assert r.status_code == 200 and r.json()["scope"] == "001" and r.json()["created"], r.text
    own_id = r.json()["id"]
    # Same name, same plantel: replaced, not duplicated.
    r = s.call("supervisor", "PUT", "/mail/templates", json={**tpl, "text": "Hola {{ first_names }}."})
    assert r.json()["id"] == own_id and not r.json()["created"]
    assert s.call("supervisor2", "PUT", "/mail/templates", json=tpl).json()["scope"] == "002"
    r = s.call("estatal", "PUT", "/mail/templates", json={**tpl, "name": "Aviso estatal"})
    assert r.status_code == 200 and r.json()["scope"] == ""
    state_id = r.json()["id"]

    mine = {(t["scope"], t["name"]): t for t in s.call("supervisor", "GET", "/mail/templates").json()}
    assert ("001", "Credencial lista") in mine and ("", "Aviso estatal") in mine
    assert not any(scope == "002" for scope, _ in mine)  # another plantel's templates are not offered
    assert mine[("001", "Credencial lista")]["text"] == "Hola {{ first_names }}."  # loading gives the text
    assert {t["scope"] for t in s.call("estatal", "GET", "/mail/templates").json()} >= {"", "001", "002"}

    refusals = [
        ("supervisor", {**tpl, "scope": "002"}, 403, "forbidden_campus"),
        ("supervisor", {**tpl, "scope": ""}, 403, "forbidden_scope"),
        ("estatal", {**tpl, "scope": "999"}, 422, "invalid_scope"),
        ("supervisor", {**tpl, "text": "Tu contraseña es {{ password }}"}, 422, "template_refused"),
        ("supervisor", {**tpl, "text": "Hola {{ apodo }}"}, 422, "template_refused"),
        ("supervisor", {**tpl, "text": "{% for x in y %}"}, 422, "template_refused"),
        ("operador", tpl, 403, "forbidden_role"),
    ]
    for user, payload, status, code in refusals:
        r = s.call(user, "PUT", "/mail/templates", json=payload)
        assert r.status_code == status and r.json()["error"]["code"] == code, (user, payload, r.text)
        assert r.json()["error"]["message"]  # Spanish, for the screen
    assert s.call(None, "GET", "/mail/templates").status_code == 401

    # Deleting: not another plantel's (invisible → 404), not the state-wide one as a supervisor.
    assert s.call("supervisor2", "DELETE", f"/mail/templates/{own_id}").status_code == 404
    r = s.call("supervisor", "DELETE", f"/mail/templates/{state_id}")
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden_scope"
    assert s.call("supervisor", "DELETE", f"/mail/templates/{own_id}").status_code == 204
    assert s.call("supervisor", "DELETE", f"/mail/templates/{own_id}").status_code == 404
    assert own_id not in [t["id"] for t in s.call("supervisor", "GET", "/mail/templates").json()]
    assert audits(s, "mail_template_save") == saves + 4 and audits(s, "mail_template_delete") == deletes + 1
    with s.db() as session:
        row = session.scalars(select(AuditRow).where(AuditRow.command == "mail_template_delete")
                              .order_by(AuditRow.id.desc())).first()
        assert row.username == "supervisor" and row.details["scope"] == "001"
