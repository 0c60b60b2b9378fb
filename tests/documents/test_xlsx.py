"""Excel exports: student list of a plantel and status report (manual §6)."""
from __future__ import annotations

import io
from datetime import date

import openpyxl

from station.domain.demo import DEMO_STATUS_MIX, generate_students
from station.domain.xlsx import status_report_xlsx, student_list_xlsx
from station.domain import REPORT_ORDER, Status
from station.domain.report import build_status_report


def _open(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data)).active


def test_student_list_has_one_row_per_student_with_spanish_headers_and_accents():
    students = list(generate_students(30, statuses=DEMO_STATUS_MIX, seed=7))
    ws = _open(student_list_xlsx(students, "Nezahualcóyotl I"))
    assert ws.title == "Nezahualcóyotl I"
    header = [c.value for c in ws[1]]
    assert header[:4] == ["Matrícula", "Prematrícula", "Folio", "CURP"]
    assert "Estatus" in header and "Número de afiliación" in header
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == [s.matricula for s in students]
    col = header.index("Estatus")
    assert [r[col] for r in rows] == [s.status.label for s in students]
    names = {r[header.index("Primer apellido")] for r in rows}
    assert names == {s.first_surname for s in students}


def test_student_list_writes_vigencia_as_a_date_and_survives_an_empty_group():
    student = next(generate_students(1)).replace(valid_until=date(2027, 8, 1))
    ws = _open(student_list_xlsx([student], "Toluca"))
    header = [c.value for c in ws[1]]
    assert ws.cell(row=2, column=header.index("Vigencia credencial") + 1).value.date() == date(2027, 8, 1)
    empty = _open(student_list_xlsx([], "Plantel: [raro]/?"))
    assert empty.max_row == 1 and ":" not in empty.title


def test_status_report_xlsx_matches_manual_table_and_totals():
    report = build_status_report([
        ("001", "Ciudad Azteca", Status.ENROLLED, 494), ("001", "Ciudad Azteca", Status.DEFERRED, 1),
        ("001", "Ciudad Azteca", Status.CAPTURED, 7), ("002", "Tlalnepantla II", Status.DELIVERED, 3),
        ("002", "Tlalnepantla II", Status.RETAKE, 2),
    ])
    ws = _open(status_report_xlsx(report))
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == ["#", "Plantel", "Alumnos"] + [s.label for s in REPORT_ORDER]
    assert rows[1][:3] == (1, "Ciudad Azteca", 502)
    assert rows[1][3 + REPORT_ORDER.index(Status.ENROLLED)] == 494
    assert rows[2][:3] == (2, "Tlalnepantla II", 5)
    assert rows[3][0] == "Total" and rows[3][2] == 507
    assert rows[3][3 + REPORT_ORDER.index(Status.RETAKE)] == 2
    assert len(rows) == 4
