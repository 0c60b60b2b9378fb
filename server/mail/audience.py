"""Who a notice goes to: students chosen by plantel, group and status, or an
uploaded XLSX/CSV list read through a column mapping.

An audience is a JSON object stored with the campaign:

- ``{"kind": "students", "campuses": ["001"], "groups": ["102-ELIN18"],
  "statuses": ["RECEIVED"]}`` (empty list = any); the address is the
  student's ``institutional_email``;
- ``{"kind": "list", "rows": [{"email": …, "matricula": …, field: value}],
  "source": "archivo.xlsx"}`` — rows already mapped by :func:`read_list`.
  When a row names a matrícula that exists, the student's fields fill in
  what the row does not carry.

:func:`resolve` turns an audience into :class:`AudienceRow` values.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from station.domain import Status

from server.db.models import StudentRow
from server.errors import ApiError
from server.mail.fields import TEMPLATE_FIELDS, student_context
from server.services.students import student_from_row

ADDRESS_KEY = "email"
MAX_LIST_ROWS = 20_000


@dataclass(frozen=True)
class AudienceRow:
    """One prospective recipient: ``label`` names the row for people (``fila 7`` or
    the matrícula), ``address`` as given, ``matricula``/``campus_code`` when known,
    ``context`` the template values."""

    label: str
    address: str
    matricula: str
    campus_code: str
    context: dict[str, str]


def _students(session: Session, campuses, groups, statuses) -> list[StudentRow]:
    query = select(StudentRow)
    if campuses:
        query = query.where(StudentRow.campus_code.in_(campuses))
    if groups:
        query = query.where(StudentRow.group_code.in_(groups))
    if statuses:
        query = query.where(StudentRow.status.in_(statuses))
    return list(session.scalars(query.order_by(StudentRow.campus_code, StudentRow.group_code, StudentRow.matricula)))


def check_audience(audience: dict) -> dict:
    """Validate the shape of an audience; return it normalised. Raises 422 ``invalid_audience``."""
    kind = audience.get("kind")
    if kind == "students":
        out = {"kind": "students"}
        for key in ("campuses", "groups", "statuses"):
            values = audience.get(key) or []
            if not isinstance(values, list) or not all(isinstance(v, str) and 0 < len(v) <= 40 for v in values):
                raise ApiError("invalid_audience", f"«{key}» debe ser una lista de textos.", key)
            out[key] = sorted(set(values))
        unknown = [s for s in out["statuses"] if s not in Status.__members__]
        if unknown:
            raise ApiError("invalid_audience", f"Estatus desconocido: {unknown[0]}.", "statuses")
        return out
    if kind == "list":
        rows = audience.get("rows")
        if not isinstance(rows, list) or not rows:
            raise ApiError("invalid_audience", "La lista de destinatarios está vacía.", "rows")
        if len(rows) > MAX_LIST_ROWS:
            raise ApiError("invalid_audience", f"La lista tiene más de {MAX_LIST_ROWS:,} filas.", "rows")
        allowed = set(TEMPLATE_FIELDS) | {ADDRESS_KEY}
        clean = []
        for n, row in enumerate(rows, start=2):
            if not isinstance(row, dict):
                raise ApiError("invalid_audience", f"La fila {n} no es un objeto.", "rows")
            clean.append({k: str(v).strip()[:500] for k, v in row.items()
                          if k in allowed and v is not None and str(v).strip()})
        return {"kind": "list", "rows": clean, "source": str(audience.get("source", ""))[:120]}
    raise ApiError("invalid_audience", "El público debe ser «students» (alumnos) o «list» (lista cargada).",
                   "kind")


def resolve(session: Session, audience: dict) -> list[AudienceRow]:
    """The rows of ``audience`` (see module docstring), in a stable order."""
    if audience["kind"] == "students":
        rows = _students(session, audience["campuses"], audience["groups"], audience["statuses"])
        return [AudienceRow(r.matricula, r.institutional_email or "", r.matricula, r.campus_code,
                            student_context(student_from_row(r))) for r in rows]
    wanted = [r.get("matricula", "") for r in audience["rows"] if r.get("matricula")]
    known = {}
    for start in range(0, len(wanted), 500):
        for r in session.scalars(select(StudentRow).where(StudentRow.matricula.in_(wanted[start:start + 500]))):
            known[r.matricula] = r
    out = []
    for n, row in enumerate(audience["rows"], start=2):
        student = known.get(row.get("matricula", ""))
        context = student_context(student_from_row(student)) if student is not None else {}
        context.update({k: v for k, v in row.items() if k != ADDRESS_KEY})
        out.append(AudienceRow(f"fila {n}", row.get(ADDRESS_KEY, ""), row.get("matricula", ""),
                               student.campus_code if student is not None else "", context))
    return out


def read_table(data: bytes, filename: str) -> tuple[list[str], list[list[str]]]:
    """Headers and rows of an uploaded ``.xlsx`` or ``.csv`` (UTF-8 with or without BOM,
    else Windows-1252; comma or semicolon). Raises 422 ``invalid_list_file`` in Spanish."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        from server.xlsx_guard import XlsxRefused, check_xlsx, sheet_rows

        try:
            check_xlsx(data)  # zip bombs, huge declared dimensions: refused before a row is read
            from openpyxl import load_workbook

            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            sheet = book.worksheets[0]
            values = [["" if v is None else str(v).strip() for v in row] for row in sheet_rows(sheet)]
            book.close()
        except XlsxRefused as exc:
            raise ApiError("invalid_list_file", exc.message, "file") from None
        except Exception:
            raise ApiError("invalid_list_file", f"No se pudo leer «{filename}» como libro de Excel (.xlsx).",
                           "file") from None
    elif name.endswith(".csv") or name.endswith(".txt"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", "replace")
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        values = [[c.strip() for c in row] for row in csv.reader(io.StringIO(text), dialect)]
    else:
        raise ApiError("invalid_list_file", "El archivo debe ser .xlsx o .csv.", "file")
    values = [row for row in values if any(row)]
    if not values:
        raise ApiError("invalid_list_file", f"«{filename}» no tiene filas.", "file")
    return values[0], values[1:]


def read_list(data: bytes, filename: str, mapping: dict[str, str]) -> dict:
    """An audience ``{"kind": "list", …}`` from a file and a ``{header: field}`` mapping.

    The mapping must send one column to ``email``; targets must be template
    fields. Raises 422 ``invalid_mapping`` naming the column.
    """
    headers, rows = read_table(data, filename)
    allowed = set(TEMPLATE_FIELDS) | {ADDRESS_KEY}
    index = {h: i for i, h in enumerate(headers)}
    for column, target in mapping.items():
        if column not in index:
            raise ApiError("invalid_mapping", f"La columna «{column}» no está en el archivo.", column)
        if target not in allowed:
            raise ApiError("invalid_mapping", f"La columna «{column}» se asignó a «{target}», que no es un campo.",
                           column)
    if ADDRESS_KEY not in mapping.values():
        raise ApiError("invalid_mapping", "Indique qué columna tiene el correo del destinatario.", ADDRESS_KEY)
    out = []
    for row in rows:
        out.append({target: row[index[column]] if index[column] < len(row) else ""
                    for column, target in mapping.items()})
    return check_audience({"kind": "list", "rows": out, "source": filename})
