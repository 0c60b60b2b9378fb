"""SAE: file import with bad rows, lookup with comparison and reasons, import/update (manual §7)."""
from __future__ import annotations

import io
import os

import pytest
from sqlalchemy import func, select

from server.db.models import SaeRecord, StudentRow
from tests.server.helpers import HEADER, csv_bytes, matricula, sae_row

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(server, data: bytes, filename="sae.csv", user="estatal"):
    return server.call(user, "POST", "/sae/files", params={"filename": filename}, data=data,
                       headers={"Content-Type": "text/csv"})


def sae_count(server, prefix: str) -> int:
    with server.db() as s:
        return s.scalar(select(func.count()).select_from(SaeRecord).where(SaeRecord.matricula.like(prefix + "%")))


def test_file_with_bad_rows_imports_good_rows_and_reports_each_bad_one(server):
    good = [sae_row(matricula(1, n)) for n in range(1, 6)]
    bad_curp = sae_row(matricula(1, 10), CURP="TEMGO30312HDFLRBA3")
    dup_a, dup_b = sae_row(matricula(1, 11)), sae_row(matricula(1, 11), Grupo="202-ATRO18")
    short = sae_row(matricula(1, 12))[:5]
    bad_sem = sae_row(matricula(1, 13), Semestre="primero")
    bad_status = sae_row(matricula(1, 14), Estatus="quién sabe")
    unknown_campus = sae_row(matricula(1, 15), Plantel="Atlántida")
    bad_mat = sae_row("180010051-2")
    rows = good[:2] + [bad_curp, [], dup_a, ["", "", ""], short] + good[2:] + [dup_b, bad_sem, bad_status,
                                                                                unknown_campus, bad_mat]
    r = upload(server, csv_bytes(rows))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["imported"] == 5 and body["refused"] == 8 and body["rows"] == 13
    by_row = {e["row"]: e for e in body["errors"]}
    assert by_row[4]["field"] == "curp" and "posición 5" in by_row[4]["message"]  # the manual's O-for-0 CURP
    assert by_row[6]["field"] == "matricula" and "repetida" in by_row[6]["message"]
    assert "repetida" in by_row[12]["message"]
    assert "faltan valores" in by_row[8]["message"]
    assert {e["field"] for e in body["errors"]} >= {"semester", "status", "campus", "matricula", "curp"}
    assert sae_count(server, "9900100") == 5
    with server.db() as s:
        assert s.get(SaeRecord, matricula(1, 11)) is None  # neither duplicate was imported
        assert s.get(SaeRecord, matricula(1, 1)).first_names == "JOSÉ GABRIEL"


def test_latin1_semicolon_file_and_header_variants(server):
    header = ["curp", "MATRÍCULA", "folio", "prematrícula", "NOMBRE", "primer apellido", "Segundo Apellido",
              "plantel", "grupo", "carrera", "Correo Institucional", "INSTITUCION MEDICA", "Numero de afiliacion",
              "estatus", "semestre"]
    rows = [sae_row(matricula(2, n), campus="002", first="ÍÑIGO", surname="PEÑA") for n in range(1, 4)]
    data = csv_bytes(rows, encoding="cp1252", delimiter=";", header=header)
    r = upload(server, data)
    assert r.status_code == 200 and r.json()["imported"] == 3 and r.json()["encoding"] == "cp1252"
    with server.db() as s:
        rec = s.get(SaeRecord, matricula(2, 1))
    assert rec.first_names == "ÍÑIGO" and rec.first_surname == "PEÑA" and rec.campus_name == "Tlalnepantla II"


def test_missing_columns_refuses_the_whole_file(server):
    header = [h for h in HEADER if h not in ("CURP", "Semestre")]
    r = upload(server, csv_bytes([sae_row(matricula(3, 1))[1:-1]], header=header))
    assert r.status_code == 422 and r.json()["error"]["code"] == "sae_missing_columns"
    assert "CURP" in r.json()["error"]["message"] and "Semestre" in r.json()["error"]["message"]
    assert upload(server, b"").json()["error"]["code"] == "sae_empty_file"
    assert upload(server, b"\n\n  \n").json()["error"]["code"] == "sae_empty_file"
    bad_zip = upload(server, b"PK\x03\x04garbage", filename="x.xlsx")
    assert bad_zip.status_code == 422 and bad_zip.json()["error"]["code"] == "sae_bad_file"
    assert sae_count(server, "9900300") == 0


def test_xlsx_file(server):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    ws.append(sae_row(matricula(4, 1)))
    ws.append([])
    ws.append(sae_row(matricula(4, 2), Semestre=3))
    ws.append(sae_row(matricula(4, 3), CURP="X"))
    buf = io.BytesIO()
    wb.save(buf)
    r = server.call("admin", "POST", "/sae/files", params={"filename": "sae.xlsx"}, data=buf.getvalue(),
                    headers={"Content-Type": XLSX})
    assert r.status_code == 200, r.text
    assert r.json()["imported"] == 2 and r.json()["errors"][0]["row"] == 5


def test_failure_midway_leaves_nothing_half_applied(server, monkeypatch):
    from server.db.engine import make_engine, make_session_factory, run_transaction
    from server.services import sae as svc

    rows = [sae_row(matricula(5, n)) for n in range(1, 30)]
    path = os.path.join(os.environ["CREDENCIALIZACION_HOME"], "mid.csv")
    with open(path, "wb") as fh:
        fh.write(csv_bytes(rows))
    original = svc._parse_row

    def exploding(number, *a, **kw):
        if number == 25:
            raise RuntimeError("disco lleno")
        return original(number, *a, **kw)

    monkeypatch.setattr(svc.parse, "_parse_row", exploding)  # where iter_sae_rows looks it up
    engine = make_engine(server.url, pool_size=2)
    try:
        with pytest.raises(RuntimeError):
            run_transaction(make_session_factory(engine), lambda s: svc.import_sae_file(s, path, batch=5))
    finally:
        engine.dispose()
    assert sae_count(server, "9900500") == 0


@pytest.fixture(scope="session")
def big_sae_file(tmp_path_factory):
    """A ~50 MB SAE export (UTF-8) with a few bad rows scattered in it; built once per session."""
    path = tmp_path_factory.mktemp("big") / "sae-50mb.csv"
    good = sae_row(matricula(7, 1))
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(HEADER) + "\r\n")
        n = 0
        while fh.tell() < 50 * 1024 * 1024:
            n += 1
            row = list(good)
            pre = f"77{n:08d}"
            from station.domain import matricula_check_digit
            row[1] = f"{pre}-{matricula_check_digit(pre)}"
            row[3] = pre
            if n % 50_000 == 0:
                row[0] = "MALA"
            fh.write(",".join(row) + "\r\n")
    return path, n


def test_50_mb_file(server, big_sae_file):
    path, n = big_sae_file
    with open(path, "rb") as fh:
        r = server.call("estatal", "POST", "/sae/files", params={"filename": "sae-50mb.csv"}, data=fh,
                        headers={"Content-Type": "text/csv"})
    assert r.status_code == 200, r.text[:500]
    body = r.json()
    assert body["rows"] == n and body["refused"] == n // 50_000 and body["imported"] == n - n // 50_000
    assert sae_count(server, "77") == body["imported"]


# --- lookup, comparison, import and update --------------------------------------------------

@pytest.fixture(scope="module")
def sae_cases(server):
    """SAE rows for the lookup reasons: eligible (001), baja, other plantel, semester 8,
    and SAE rows for existing students (changed group; a validated one)."""
    with server.db() as s:
        enrolled = s.scalar(select(StudentRow).where(StudentRow.campus_code == "001",
                                                     StudentRow.status == "ENROLLED").order_by(StudentRow.matricula.desc()))
        validated = s.scalar(select(StudentRow).where(StudentRow.campus_code == "001",
                                                      StudentRow.status == "VALIDATED").order_by(StudentRow.matricula.desc()))
    def row_for(st, **over):
        return sae_row(st.matricula, campus=st.campus_code, first=st.first_names, surname=st.first_surname,
                       second=st.second_surname, CURP=st.curp, Semestre=str(st.semester or 1), **over)

    cases = {"new": matricula(6, 1), "baja": matricula(6, 2), "other": matricula(6, 3), "sem8": matricula(6, 4),
             "enrolled": enrolled.matricula, "validated": validated.matricula}
    rows = [sae_row(cases["new"]), sae_row(cases["baja"], status="baja"), sae_row(cases["other"], campus="002"),
            sae_row(cases["sem8"], semester=8), row_for(enrolled, Grupo="999-NUEVO"), row_for(validated, Grupo="999-NUEVO")]
    r = upload(server, csv_bytes(rows))
    assert r.status_code == 200 and r.json()["imported"] == 6, r.text
    return cases


def test_lookup_new_student_allows_import_then_import(server, sae_cases):
    m = sae_cases["new"]
    r = server.call("operador", "GET", f"/sae/{m}")
    body = r.json()
    assert r.status_code == 200 and body["exists"] is False and body["allowed"] == ["import"]
    assert body["reason"] is None and body["sae"]["first_names"] == "JOSÉ GABRIEL"
    assert {c["field"] for c in body["comparison"]} >= {"curp", "group_code", "career"}
    r = server.call("operador", "POST", f"/sae/{m}/import")
    assert r.status_code == 201 and r.json()["status"] == "ENROLLED" and r.json()["campus_name"] == "Ciudad Azteca"
    again = server.call("operador", "POST", f"/sae/{m}/import")
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_exists"
    assert server.call("operador", "GET", f"/sae/{m}").json()["allowed"] == ["update"]


@pytest.mark.parametrize("case, code", [("baja", "sae_not_enrolled"), ("other", "sae_other_campus"),
                                        ("sem8", "sae_semester_not_allowed"), ("validated", "invalid_status")])
def test_lookup_gives_the_reason_and_import_is_refused(server, sae_cases, case, code):
    m = sae_cases[case]
    body = server.call("supervisor", "GET", f"/sae/{m}").json()
    assert body["allowed"] == [] and body["reason"]["code"] == code and body["reason"]["message"]
    action = "update" if case == "validated" else "import"
    r = server.call("supervisor", "POST", f"/sae/{m}/{action}")
    assert r.status_code in (403, 409) and r.json()["error"]["code"] == code


def test_update_shows_differences_and_applies_sae_data(server, sae_cases):
    m = sae_cases["enrolled"]
    body = server.call("supervisor", "GET", f"/sae/{m}").json()
    diff = {c["field"]: c for c in body["comparison"] if c["differs"]}
    assert diff["group_code"]["sae"] == "999-NUEVO" and body["allowed"] == ["update"]
    r = server.call("supervisor", "POST", f"/sae/{m}/update")
    assert r.status_code == 200 and r.json()["group_code"] == "999-NUEVO" and r.json()["status"] == "ENROLLED"
    assert r.json()["sae_updated_at"] is not None


def test_lookup_unknown_and_role_reason(server, sae_cases):
    r = server.call("operador", "GET", f"/sae/{matricula(6, 99)}")
    assert r.status_code == 404 and r.json()["error"]["code"] == "sae_not_found"
    body = server.call("estatal", "GET", f"/sae/{sae_cases['new']}").json()
    assert body["allowed"] == [] and body["reason"]["code"] == "forbidden_role"
