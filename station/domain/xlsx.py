"""Excel exports: the student list of a plantel and the status report (manual §6).

Manual §6: "se puede descargar la información en excel de los alumnos haciendo
click en el nombre del plantel" — :func:`student_list_xlsx` is that download;
:func:`status_report_xlsx` is the same table as the report PDF. Both return the
bytes of an ``.xlsx`` workbook (openpyxl), headers in Spanish (es-MX).

In the domain because the station (exports, report CLI) and the server
(``GET /reports/campuses/{code}/students.xlsx``) serve the same workbook, and
the server may import only ``station.domain`` (DESIGN.md §2).
"""
from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any, Iterable

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from station.domain.fields import FIELDS_BY_NAME, label
from station.domain.report import StatusReport
from station.domain.statuses import REPORT_ORDER
from station.domain.student import Student

_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="1F5F3F")
_BOLD = Font(bold=True)

#: Fields of the student list, in column order; headers are the field table's labels.
STUDENT_LIST_FIELDS: tuple[str, ...] = (
    "matricula", "prematricula", "folio", "curp", "first_surname", "second_surname", "first_names", "campus_name",
    "campus_code", "group_code", "career", "semester", "institutional_email", "health_institution",
    "affiliation_number", "status", "valid_until", "print_order", "reprint_count", "biometrics_at",
    "status_updated_at", "delivered_at", "comment",
)


def _getter(name: str) -> Any:
    if name == "status":
        return lambda s: s.status.label
    return lambda s: getattr(s, name)


#: (header, getter) for each column of the student list, in order.
STUDENT_COLUMNS: tuple[tuple[str, Any], ...] = tuple((label(name), _getter(name)) for name in STUDENT_LIST_FIELDS)


def _cell_value(value: Any) -> Any:
    # Excel has no time zones: write local-free naive datetimes (UTC as stored).
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    return value


def _as_text_cells(ws) -> None:
    """Write every text cell of the last row as text, never a formula: openpyxl turns a string
    starting with ``=`` into a live formula, and comments or SAE names are user text
    (``=HYPERLINK(...)`` would run in the reader's Excel — #13 item 8, OWASP CSV injection)."""
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def text_only(ws) -> None:
    """Make every text cell of worksheet ``ws`` a text cell, never a formula (see
    :func:`_as_text_cells`); for sheets whose rows hold text from users or from outside
    (bounce diagnostics, campaign names)."""
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"


def _style_header(ws, ncols: int) -> None:
    for col in range(1, ncols + 1):
        cell = ws.cell(row=1, column=col)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.freeze_panes = "A2"


def _fit_widths(ws, widths: list[int]) -> None:
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(max(w + 2, 8), 60)


def _to_bytes(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def student_list_xlsx(students: Iterable[Student], campus_name: str) -> bytes:
    """The student list of one plantel as ``.xlsx`` bytes (manual §6 download).

    One sheet named after ``campus_name`` (truncated to Excel's 31 characters),
    a header row (see :data:`STUDENT_COLUMNS`) and one row per student in the
    order given. Status is written with its Spanish label; dates as Excel
    dates (UTC, no zone). Never raises on empty input (header only).
    """
    wb = Workbook()
    ws = wb.active
    title = "".join(c for c in (campus_name or "Alumnos") if c not in '[]:*?/\\')[:31] or "Alumnos"
    ws.title = title
    headers = [h for h, _ in STUDENT_COLUMNS]
    ws.append(headers)
    widths = [len(h) for h in headers]
    for student in students:
        row = [_cell_value(get(student)) for _, get in STUDENT_COLUMNS]
        ws.append(row)
        _as_text_cells(ws)
        for i, v in enumerate(row):
            if v is not None:
                widths[i] = max(widths[i], len(str(v)) if not isinstance(v, (date, datetime)) else 12)
    for col, name in enumerate(STUDENT_LIST_FIELDS, start=1):
        if FIELDS_BY_NAME[name].type is date:
            for (cell,) in ws.iter_rows(min_row=2, min_col=col, max_col=col):
                cell.number_format = "yyyy-mm-dd"
        elif FIELDS_BY_NAME[name].type is datetime:
            for (cell,) in ws.iter_rows(min_row=2, min_col=col, max_col=col):
                cell.number_format = "yyyy-mm-dd hh:mm"
    _style_header(ws, len(headers))
    _fit_widths(ws, widths)
    ws.auto_filter.ref = ws.dimensions
    return _to_bytes(wb)


def status_report_headers() -> list[str]:
    """Column headers of the status report (manual §6): ``#``, ``Plantel``,
    ``Alumnos`` and one Spanish status label per :data:`REPORT_ORDER` entry."""
    return ["#", "Plantel", "Alumnos"] + [s.label for s in REPORT_ORDER]


def status_report_xlsx(report: StatusReport) -> bytes:
    """The status report of manual §6 as ``.xlsx`` bytes.

    Sheet "Reporte de estatus": header (:func:`status_report_headers`), one
    row per plantel (``#`` is 1-based, Plantel is the campus name) and a bold
    "Total" row with the sums. Counts are integers.
    """
    wb = Workbook()
    ws = wb.active
    ws.title = "Reporte de estatus"
    headers = status_report_headers()
    ws.append(headers)
    widths = [len(h) for h in headers]
    for i, row in enumerate(report.rows, start=1):
        values = [i, row.campus_name, row.total] + [row.counts.get(s, 0) for s in REPORT_ORDER]
        ws.append(values)
        widths[1] = max(widths[1], len(row.campus_name))
    totals = report.totals
    ws.append(["Total", "", totals.total] + [totals.counts.get(s, 0) for s in REPORT_ORDER])
    for cell in ws[ws.max_row]:
        cell.font = _BOLD
    _style_header(ws, len(headers))
    _fit_widths(ws, widths)
    return _to_bytes(wb)
