"""Status report (manual §6) and the per-plantel XLSX list."""
from __future__ import annotations

import io

from sqlalchemy import func, select

from server.db.models import StudentRow


def test_status_report_matches_the_database(server):
    body = server.call("estatal", "GET", "/reports/status").json()
    with server.db() as s:
        counts = {(c, st): n for c, st, n in s.execute(
            select(StudentRow.campus_code, StudentRow.status, func.count())
            .group_by(StudentRow.campus_code, StudentRow.status))}
    codes = [r["campus_code"] for r in body["rows"]]
    assert codes[:3] == ["001", "002", "003"] and codes == sorted(codes)  # other tests add planteles "T…"
    for row in body["rows"]:
        for status, n in row["counts"].items():
            assert n == counts.get((row["campus_code"], status), 0)
        assert row["total"] == sum(row["counts"].values())
    assert body["totals"]["total"] == sum(counts.values())
    assert body["rows"][0]["campus_name"] == "Ciudad Azteca"
    own = server.call("supervisor", "GET", "/reports/status").json()
    assert [r["campus_code"] for r in own["rows"]] == ["001"]


def test_student_list_xlsx(server):
    from openpyxl import load_workbook

    r = server.call("supervisor", "GET", "/reports/campus/001/students.xlsx")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(r.content), read_only=True)
    cells = {str(c) for row in wb.worksheets[0].iter_rows(values_only=True) for c in row if c is not None}
    with server.db() as s:
        some = s.scalar(select(StudentRow.matricula).where(StudentRow.campus_code == "001"))
    assert some in cells
    assert server.call("estatal", "GET", "/reports/campus/999/students.xlsx").status_code == 404
