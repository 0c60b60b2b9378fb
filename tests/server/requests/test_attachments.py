"""Documents (issue #19 item 3): only PDF, JPEG, PNG, XLSX without macros and CSV, decided by
content; bounded in size; encrypted at rest; read only by the requester and the systems role.

Broken on purpose once (``attachments.may_read`` returning True for anyone): the other-plantel
and admin reads answered 200 and the test failed. See /work/notes/19-req-core.md."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from server.testing import sample_jpeg, sample_png
from tests.server.requests.conftest import MAX_BYTES, act, attach, file_request, macro_workbook, pdf_bytes, xlsx_bytes


@pytest.fixture
def folio(req):
    return file_request(req, "supervisor", "staff_accounts")["folio"]


ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 200


@pytest.mark.parametrize("name,data,words", [
    ("oficio.pdf", EXE, "programa de Windows"),
    ("oficio.pdf", ELF, "programa de Linux"),
    ("oficio.pdf", b"#!/bin/sh\nrm -rf /\n", "script"),
    ("oficio.pdf", b"<html><script>alert(1)</script></html>", "HTML"),
    ("oficio.pdf", b"%PDF-1.7\n" + b"x" * 100, "incompleto"),
    ("oficio.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 50, "dañada"),
])
def test_renamed_or_broken_files_are_refused(req, folio, name, data, words):
    r = attach(req, "supervisor", folio, "oficio", name, data)
    assert r.status_code == 422, r.text
    assert r.json()["error"]["code"] == "invalid_attachment" and words in r.json()["error"]["message"]


@pytest.mark.parametrize("kind", ["vba", "xlsm"])
def test_macro_workbooks_are_refused(req, folio, kind):
    r = attach(req, "supervisor", folio, "data_file", "personal.xlsx", macro_workbook(kind))
    assert r.status_code == 422, r.text
    assert "macros" in r.json()["error"]["message"]


def test_oversized_file_is_refused_before_storing(req, folio):
    r = attach(req, "supervisor", folio, "oficio", "oficio.pdf", b"%PDF-1.4\n" + b"0" * MAX_BYTES)
    assert r.status_code == 413 and r.json()["error"]["code"] == "payload_too_large", r.text
    assert req.call("supervisor", "GET", f"/requests/{folio}").json()["attachments"] == []


def test_wrong_document_kind_or_type_for_the_slot(req, folio):
    r = attach(req, "supervisor", folio, "oficio", "oficio.xlsx", xlsx_bytes())
    assert r.status_code == 422 and "Excel" in r.json()["error"]["message"]
    r = attach(req, "supervisor", folio, "ine", "ine.pdf", pdf_bytes())
    assert r.status_code == 422 and r.json()["error"]["field"] == "kind"
    r = attach(req, "supervisor", folio, "data_file", "lista.txt", b"nombre,correo\nana,a@b.mx\n")
    assert r.status_code == 422 and "CSV" in r.json()["error"]["message"]
    r = attach(req, "supervisor", folio, "data_file", "lista.csv", b"nombre,correo\x00\n")
    assert r.status_code == 422


@pytest.mark.parametrize("kind,name,data,content_type", [
    ("oficio", "oficio.pdf", pdf_bytes(), "application/pdf"),
    ("oficio", "oficio.png", sample_png(), "image/png"),
    ("data_file", "personal.xlsx", xlsx_bytes(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("data_file", "personal.csv", "nombre,correo\nPEÑA ANA,ana@x.mx\n".encode("cp1252"), "text/csv"),
])
def test_accepted_documents(req, folio, kind, name, data, content_type):
    r = attach(req, "supervisor", folio, kind, name, data)
    assert r.status_code == 201, r.text
    assert r.json()["content_type"] == content_type and r.json()["size"] == len(data)


def test_ine_scan_is_encrypted_and_read_only_by_requester_and_systems(req):
    from server.requests.models import RequestAttachment, RequestLogEntry

    folio = file_request(req, "supervisor", "graduate_account")["folio"]
    scan = sample_jpeg(40_000)
    r = attach(req, "supervisor", folio, "ine", "INE frente.jpg", scan)
    assert r.status_code == 201, r.text
    doc = r.json()["id"]
    with req.db() as s:
        stored = s.get(RequestAttachment, doc)
        assert stored.key_id and scan[:64] not in stored.data and stored.data != scan  # ciphertext at rest
    path = f"/requests/{folio}/attachments/{doc}"
    for reader in ("sistemas", "supervisor"):
        got = req.call(reader, "GET", path)
        assert got.status_code == 200 and got.content == scan and got.headers["content-type"] == "image/jpeg"
    for outsider in ("supervisor2", "operador2", "admin", "operador"):
        got = req.call(outsider, "GET", path)
        assert got.status_code == 404 and got.json()["error"]["code"] == "attachment_not_found", outsider
    assert req.call("supervisor2", "GET", f"/requests/{folio}/attachments/999999").status_code == 404
    with req.db() as s:
        denied = list(s.scalars(select(RequestLogEntry.actor).where(RequestLogEntry.folio == folio,
                                                                    RequestLogEntry.action == "read_denied")))
    assert sorted(denied) == sorted(["supervisor2", "operador2", "admin", "operador", "supervisor2"])


def test_closed_request_takes_no_more_documents(req, folio):
    act(req, "supervisor", folio, "cancel", reason="Duplicada.")
    r = attach(req, "supervisor", folio, "oficio", "oficio.pdf", pdf_bytes())
    assert r.status_code == 409 and r.json()["error"]["code"] == "request_closed"
