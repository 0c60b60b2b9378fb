"""Every endpoint refuses what it must: wrong role, other plantel, no/expired/revoked token.

Roles and plantel scope are enforced by the server (DESIGN §9). After the
whole matrix nothing has changed: no change number and no audit event was
written by a refused request.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from server.db.models import AuditRow, StudentRow
from tests.server.helpers import csv_bytes, matricula, sae_row

H = "c" * 64
KEY = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="


@pytest.fixture(scope="module")
def targets(server):
    """Students and SAE rows the matrix points at (campus 001 = operador/supervisor, 002 = others)."""
    sae_own, sae_other = matricula(8, 1), matricula(8, 2)
    r = server.call("estatal", "POST", "/sae/files", params={"filename": "d.csv"},
                    data=csv_bytes([sae_row(sae_own), sae_row(sae_other, campus="002")]))
    assert r.json()["imported"] == 2
    return {
        "captured": server.find("CAPTURED"), "received": server.find("RECEIVED"),
        "captured_other": server.find("CAPTURED", campus="002"),
        "enrolled_other": server.find("ENROLLED", campus="002"),
        "received_other": server.find("RECEIVED", campus="002"),
        "sae_own": sae_own, "sae_other": sae_other, "enrolled": server.find("ENROLLED"),
    }


def cmd(command, payload=None):
    return {"command": command, "payload": payload or {}}


USER = {"username": "nuevo1", "password": "segura-123", "role": "operator", "campuses": ["001"]}

# (users, method, path template, json body, status, code)
MATRIX = [
    (("operador", "supervisor", "estatal"), "POST", "/users", USER, 403, "forbidden_role"),
    (("operador", "supervisor", "estatal"), "GET", "/users", None, 403, "forbidden_role"),
    (("operador", "supervisor", "estatal"), "POST", "/users/operador/disable", None, 403, "forbidden_role"),
    (("operador", "supervisor", "estatal"), "POST", "/stations", {"station_id": "E1", "public_key": KEY}, 403,
     "forbidden_role"),
    (("operador", "supervisor", "admin"), "POST", "/print-orders", {"campuses": ["001"]}, 403, "forbidden_role"),
    (("operador", "supervisor", "admin"), "POST", "/print-orders/3/advance", {}, 403, "forbidden_role"),
    (("estatal", "admin"), "POST", "/sae/{sae_own}/import", None, 403, "forbidden_role"),
    (("estatal", "admin"), "POST", "/sae/{enrolled}/update", None, 403, "forbidden_role"),
    (("operador", "supervisor"), "POST", "/sae/{sae_other}/import", None, 403, "sae_other_campus"),
    (("operador", "supervisor"), "POST", "/sae/{enrolled_other}/update", None, 403, "sae_other_campus"),
    (("operador",), "POST", "/students/{captured}/commands", cmd("validate"), 403, "forbidden_role"),
    (("operador",), "POST", "/students/{captured}/commands", cmd("defer", {"comment": "x"}), 403, "forbidden_role"),
    (("operador",), "POST", "/students/{received}/commands", cmd("reject_reprint", {"comment": "x"}), 403,
     "forbidden_role"),
    (("operador",), "POST", "/students/{received}/commands", cmd("reject_retake", {"comment": "x"}), 403,
     "forbidden_role"),
    (("estatal", "admin"), "POST", "/students/{captured}/commands",
     cmd("capture", {"photo_sha256": H, "signature_sha256": H}), 403, "forbidden_role"),
    (("estatal", "admin"), "POST", "/students/{received}/commands",
     cmd("deliver", {"delivery_signature_sha256": H, "temporary_returned": True}), 403, "forbidden_role"),
    (("admin",), "POST", "/students/{captured}/commands", cmd("validate"), 403, "forbidden_role"),
    (("supervisor",), "POST", "/students/{captured_other}/commands", cmd("defer", {"comment": "x"}), 403,
     "forbidden_campus"),
    (("operador", "supervisor"), "POST", "/students/{enrolled_other}/commands",
     cmd("capture", {"photo_sha256": H, "signature_sha256": H}), 403, "forbidden_campus"),
    (("operador", "supervisor"), "POST", "/students/{received_other}/commands",
     cmd("deliver", {"delivery_signature_sha256": H, "temporary_returned": True}), 403, "forbidden_campus"),
    (("operador", "supervisor"), "POST", "/students/{captured_other}/commands", cmd("print_temporary"), 403,
     "forbidden_campus"),
    (("operador", "supervisor"), "POST", "/sae/files", None, 403, "forbidden_role"),
    (("operador", "supervisor"), "GET", "/students?campus=002", None, 403, "forbidden_campus"),
    (("operador", "supervisor"), "GET", "/campuses/002/groups", None, 403, "forbidden_campus"),
    (("operador", "supervisor"), "GET", "/reports/status?campus=002", None, 403, "forbidden_campus"),
    (("operador", "supervisor"), "GET", "/reports/campus/002/students.xlsx", None, 403, "forbidden_campus"),
    (("admin",), "GET", "/reports/campus/001/students.xlsx", None, 403, "forbidden_role"),
]


def _cases():
    for users, method, path, body, status, code in MATRIX:
        for user in users:
            yield pytest.param(user, method, path, body, status, code, id=f"{user}-{method}-{path}")


def _fingerprint(server):
    with server.db() as s:
        return (s.scalar(select(func.max(StudentRow.change_seq))),
                s.scalar(select(func.count()).select_from(AuditRow)))


@pytest.mark.parametrize("user, method, path, body, status, code", list(_cases()))
def test_role_and_campus_denials(server, targets, user, method, path, body, status, code):
    before = _fingerprint(server)
    kw = {"json": body} if body is not None else {}
    if path == "/sae/files":
        kw = {"data": b"CURP\n", "headers": {"Content-Type": "text/csv"}}
    r = server.call(user, method, path.format(**targets), **kw)
    assert r.status_code == status, r.text
    got = r.json()["error"]["code"]
    assert got == code
    assert r.json()["error"]["message"]
    assert _fingerprint(server) == before


def _operations(server):
    doc = server.session.get(server.base + "/openapi.json").json()
    samples = {"matricula": "180010051-1", "code": "001", "number": "1", "username": "operador",
               "station_id": "EST-001-01"}
    for path, item in doc["paths"].items():
        for method in item:
            if path in ("/health", "/auth/login", "/auth/challenge"):  # the public ones
                continue
            concrete = path
            for name, value in samples.items():
                concrete = concrete.replace("{" + name + "}", value)
            yield method.upper(), concrete


@pytest.mark.parametrize("kind", ["none", "expired", "revoked", "disabled"])
def test_every_endpoint_requires_a_valid_session(server, kind):
    if kind == "disabled":
        r = server.call("admin", "POST", "/users", json={"username": "baja1", "password": "segura-123",
                                                         "role": "supervisor", "campuses": ["001"]})
        assert r.status_code in (201, 409)
        token = server.session.post(server.base + "/auth/login",
                                    json={"username": "baja1", "password": "segura-123"}).json()["token"]
        assert server.call("admin", "POST", "/users/baja1/disable").status_code == 200
    elif kind != "none":
        token = server.make_token("estatal", timedelta(seconds=-5) if kind == "expired" else timedelta(hours=1),
                                  revoked=kind == "revoked")
    headers = {} if kind == "none" else {"Authorization": "Bearer " + token}
    expected = {"none": "unauthenticated", "expired": "token_expired", "revoked": "token_revoked",
                "disabled": "token_revoked"}[kind]
    before = _fingerprint(server)
    checked = 0
    for method, path in _operations(server):
        if path == "/openapi.json":
            continue
        r = server.session.request(method, server.base + path, headers=headers, json={} if method == "POST" else None)
        assert r.status_code == 401, (method, path, r.text)
        assert r.json()["error"]["code"] == expected, (method, path)
        checked += 1
    assert checked >= 20
    assert _fingerprint(server) == before
