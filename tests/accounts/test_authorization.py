"""Who may do what with institutional accounts, over HTTP (issue 20: "test refusals for
other roles and planteles; audit every action"). Each refusal also checks nothing was written."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.accounts.conftest import STAFF_DOMAIN, STUDENT_DOMAIN, call, csv_rows, pending, unzip

CAMPUS_ROUTES = [("GET", "/accounts/campuses/001/preview"), ("GET", "/accounts/campuses/001/proposals"),
                 ("POST", "/accounts/campuses/001/proposals"),
                 ("GET", "/accounts/campuses/001/export?format=m365"),
                 ("POST", "/accounts/campuses/001/import"),
                 ("POST", "/accounts/campuses/001/lists?kind=staff")]


def _counts(srv):
    from server.accounts.models import AccountBatch, AccountProposal
    from server.db.models import AuditRow

    with srv.db() as s:
        return (s.scalar(select(func.count()).select_from(AccountProposal)),
                s.scalar(select(func.count()).select_from(AccountBatch)),
                s.scalar(select(func.count()).select_from(AuditRow)))


@pytest.fixture(scope="module", autouse=True)
def rules(srv):
    for kind, domain in (("student", STUDENT_DOMAIN), ("staff", STAFF_DOMAIN)):
        answer = call(srv, "admin", "PUT", f"/accounts/rules/{kind}", json={"domain": domain})
        assert answer.status_code == 200, answer.text


@pytest.mark.parametrize("user", ["operador", "supervisor", "estatal", "admin"])
@pytest.mark.parametrize("method,path", CAMPUS_ROUTES)
def test_other_roles_are_refused(srv, user, method, path):
    before = _counts(srv)
    answer = call(srv, user, method, path, data=b"correo\r\na@b.mx\r\n")
    assert answer.status_code == 403, answer.text
    assert answer.json()["error"]["code"] == "forbidden_role"
    assert "Centro de Cómputo" in answer.json()["error"]["message"]
    assert _counts(srv) == before


@pytest.mark.parametrize("method,path", CAMPUS_ROUTES)
def test_systems_of_another_plantel_is_refused(srv, method, path):
    before = _counts(srv)
    answer = call(srv, "sistemas2", method, path, data=b"correo\r\na@b.mx\r\n")
    assert answer.status_code == 403 and answer.json()["error"]["code"] == "forbidden_campus", answer.text
    assert _counts(srv) == before


def test_anonymous_is_refused(srv):
    for method, path in CAMPUS_ROUTES + [("GET", "/accounts/slips/180010051-1")]:
        assert call(srv, None, method, path).status_code == 401


def test_rules_only_systems_or_admin_and_bad_rules_explained(srv):
    assert call(srv, "operador", "PUT", "/accounts/rules/student", json={"domain": "x.mx"}).status_code == 403
    bad = call(srv, "sistemas", "PUT", "/accounts/rules/student", json={"domain": "no es dominio"})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "domain"
    long_domain = "a" * 60 + ".edu.mx"
    too_long = call(srv, "sistemas", "PUT", "/accounts/rules/student", json={"domain": long_domain})
    assert too_long.status_code == 422 and "79" in too_long.json()["error"]["message"]
    token = call(srv, "sistemas", "PUT", "/accounts/rules/student", json={"domain": "a.mx", "template": "{nombre}"})
    assert token.status_code == 422 and token.json()["error"]["field"] == "template"
    unknown = call(srv, "sistemas", "PUT", "/accounts/rules/alien", json={"domain": "a.mx"})
    assert unknown.status_code == 422


def test_the_generic_command_endpoint_cannot_set_an_address(srv):
    m = pending(srv)[0]
    answer = call(srv, "sistemas", "POST", f"/students/{m}/commands",
                  json={"command": "set_institutional_email", "payload": {}})
    assert answer.status_code == 422 and answer.json()["error"]["code"] == "command_not_allowed_here"


def test_staff_list_follows_the_rule_and_exports_and_is_audited(srv):
    from server.db.models import AuditRow

    staff = ("clave,nombre,primer apellido,segundo apellido,curp\r\n"
             "E001,María de los Ángeles,De la Cruz,Peña,CUPM800312MDFRXR09\r\n"
             "E002,Mario,De la Cruz,Ibáñez,\r\n")
    answer = call(srv, "sistemas", "POST", "/accounts/campuses/001/lists", params={"kind": "staff"},
                  data=staff.encode("utf-8"))
    assert answer.status_code == 200, answer.text
    addresses = {p["key"]: p["address"] for p in answer.json()}
    assert addresses == {"E001": f"mcruz1203@{STAFF_DOMAIN}", "E002": f"mcruz0000@{STAFF_DOMAIN}"}
    files = unzip(call(srv, "sistemas", "GET", "/accounts/campuses/001/export",
                       params={"format": "oneroster12", "kind": "staff"}).content)
    users = csv_rows(files["users.csv"])
    assert {u["username"] for u in users} == set(addresses.values())
    roles = csv_rows(files["roles.csv"])
    assert {r["role"] for r in roles} == {"teacher"}
    again = call(srv, "sistemas", "POST", "/accounts/campuses/001/lists", params={"kind": "staff"},
                 data=staff.encode("utf-8"))
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_proposed"
    missing = call(srv, "sistemas", "POST", "/accounts/campuses/001/lists", params={"kind": "graduate"},
                   data=b"clave,nombre\r\nX,Ana\r\n")
    assert missing.status_code == 422 and "primer apellido" in missing.json()["error"]["message"]
    with srv.db() as s:
        commands = set(s.scalars(select(AuditRow.command).where(AuditRow.username == "sistemas")))
        rule_set_by = set(s.scalars(select(AuditRow.username).where(AuditRow.command == "set_account_rule")))
    assert {"propose_accounts", "export_accounts"} <= commands and "admin" in rule_set_by
    call(srv, "sistemas", "GET", "/accounts/campuses/001/preview")
    with srv.db() as s:
        assert s.scalar(select(func.count()).select_from(AuditRow).where(AuditRow.command == "preview_accounts"))


def test_slip_refusals(srv):
    m = pending(srv)[0]
    # systems may not print a slip; a desk user of another plantel may not either
    assert call(srv, "sistemas", "POST", f"/accounts/slips/{m}").json()["error"]["code"] == "forbidden_role"
    assert call(srv, "operador2", "POST", f"/accounts/slips/{m}").json()["error"]["code"] == "forbidden_campus"
    # no created account yet → 404 with a Spanish reason
    answer = call(srv, "operador", "POST", f"/accounts/slips/{m}")
    assert answer.status_code == 404 and answer.json()["error"]["code"] == "no_account"
    assert call(srv, "operador", "GET", "/accounts/slips/no-es-matricula").status_code == 422


def test_bad_files_and_formats_are_explained(srv):
    bad = call(srv, "sistemas", "POST", "/accounts/campuses/001/import", data=b"\x00\x01garbage")
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_file"
    empty = call(srv, "sistemas", "POST", "/accounts/campuses/001/import", data=b"")
    assert empty.status_code == 422
    fmt = call(srv, "sistemas", "GET", "/accounts/campuses/001/export", params={"format": "lotus"})
    assert fmt.status_code == 422 and fmt.json()["error"]["code"] == "unknown_format"
    nobody = call(srv, "sistemas", "POST", "/accounts/campuses/001/import",
                  data=b"correo\r\nnadie@alumnos.conalepmex.edu.mx\r\n").json()
    assert nobody["matched"] == 0 and nobody["unmatched"][0]["line"] == 2
