"""Parsing SAE export files (manual §7): CSV (UTF-8 or Latin-1/cp1252, ``,``/``;``/tab, streamed)
or XLSX, headers matched without accents or case, each bad row reported with its number and reason;
:class:`FileSaeAdapter` answers lookups from one file."""
from __future__ import annotations

import codecs
import csv
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Iterator

from sqlalchemy.orm import Session

from station.domain import (
    STUDENT_FIELDS,
    FieldError,
    validate_curp,
    validate_email,
    validate_matricula,
    validate_name,
)

from server.errors import ApiError

from server.services.sae.records import SaeData


# --- file parsing ---------------------------------------------------------

def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode().lower()
    for ch in "._-/:#":
        text = text.replace(ch, " ")
    return " ".join(text.split())


#: SAE column → pseudo-field of the parser where it is not a student field: the Plantel column holds a
#: plantel code or name that resolves to ``campus_code``/``campus_name``; Estatus decides ``enrolled``.
_COLUMN_KEY = {"campus_code": "campus"}
#: normalized header → field: the SAE columns of the field table (manual §7), then common variants.
HEADER_ALIASES: dict[str, str] = {
    **{_norm(f.sae_column): _COLUMN_KEY.get(f.name, f.name) for f in STUDENT_FIELDS if f.sae_column},
    "nombres": "first_names", "nombre s": "first_names", "apellido paterno": "first_surname",
    "apellido materno": "second_surname", "correo": "institutional_email", "numero afiliacion": "affiliation_number",
    "no afiliacion": "affiliation_number", "num afiliacion": "affiliation_number",
    "estatus": "status", "status": "status",
}
#: Required columns with their Spanish header (the field table's SAE columns but the optional Número de
#: afiliación, plus Estatus).
REQUIRED_COLUMNS: dict[str, str] = {
    **{_COLUMN_KEY.get(f.name, f.name): f.sae_column for f in STUDENT_FIELDS
       if f.sae_column and f.name != "affiliation_number"},
    "status": "Estatus",
}
#: Length limits of the text columns (the field table's); matrícula and CURP are checked by their validators.
_MAX_LEN = {f.name: f.max_length for f in STUDENT_FIELDS
            if f.sae_column and f.max_length and f.name not in ("matricula", "curp", "campus_code")}
#: Column key → label inside a message («El campo … es demasiado largo»).
_LABELS = {**{f.name: f.label_lower for f in STUDENT_FIELDS if f.sae_column}, "campus": "plantel", "status": "estatus"}


@dataclass
class RowProblem:
    """A refused row: ``row`` number (header = 1), ``field``, Spanish ``message``, ``matricula`` if read."""

    row: int
    field: str | None
    message: str
    matricula: str | None = None


class SaeFileError(ApiError):
    """The file as a whole cannot be read (422): ``sae_missing_columns``,
    ``sae_empty_file``, ``sae_bad_file``, ``sae_file_too_large``."""

    def __init__(self, code: str, message: str):
        super().__init__(code, message, "file")


class _CampusResolver:
    def __init__(self, campuses: dict[str, str]):
        self.names = dict(campuses)
        self.by_key = {_norm(code): code for code in campuses}
        self.by_key.update({_norm(name): code for code, name in campuses.items()})

    def resolve(self, text: str) -> str | None:
        return self.by_key.get(_norm(text))


def detect_encoding(path: Path) -> str:
    """``utf-8-sig`` when the whole file decodes as UTF-8, else ``cp1252`` (or ``latin-1`` when
    cp1252 cannot decode it). Streams the file in 1 MiB chunks."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        return "utf-8-sig"
    except UnicodeDecodeError:
        pass
    decoder = codecs.getincrementaldecoder("cp1252")()
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(1 << 20):
                decoder.decode(chunk)
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date().isoformat()
    return str(value).strip()


def _is_xlsx(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(4) == b"PK\x03\x04"


def _raw_rows(path: Path) -> tuple[str, Iterator[tuple[int, list[str]]]]:
    """``(encoding, iterator of (row number, cells))`` for CSV or XLSX."""
    if _is_xlsx(path):
        from server.xlsx_guard import XlsxRefused, check_xlsx, sheet_rows

        try:
            check_xlsx(path)  # zip bombs, huge declared dimensions: refused before openpyxl reads a row
        except XlsxRefused as exc:
            raise SaeFileError("sae_file_too_large", exc.message) from None
        try:
            from openpyxl import load_workbook

            wb = load_workbook(path, read_only=True, data_only=True)
            sheet = wb.worksheets[0]
        except Exception as exc:  # openpyxl raises many types for a corrupt file
            raise SaeFileError("sae_bad_file", "El archivo XLSX está dañado o no es un libro de Excel válido.") from exc

        def xlsx_rows():
            try:
                for number, values in enumerate(sheet_rows(sheet), start=1):
                    yield number, [_cell(v) for v in values]
            except XlsxRefused as exc:
                raise SaeFileError("sae_file_too_large", exc.message) from None
            finally:
                wb.close()

        return "xlsx", xlsx_rows()
    encoding = detect_encoding(path)

    def csv_rows():
        with open(path, "r", encoding=encoding, newline="") as fh:
            first = fh.readline()
            counts = {d: first.count(d) for d in (",", ";", "\t", "|")}
            delimiter = max(counts, key=counts.get) if any(counts.values()) else ","
            fh.seek(0)
            reader = csv.reader(fh, delimiter=delimiter)
            try:
                for cells in reader:
                    yield reader.line_num, [c.strip() for c in cells]
            except csv.Error as exc:
                raise SaeFileError("sae_bad_file", f"El archivo CSV está mal formado cerca de la línea "
                                                   f"{reader.line_num}: {exc}.") from None

    return encoding, csv_rows()


def _parse_row(number: int, cells: list[str], columns: dict[str, int], campuses: _CampusResolver
               ) -> SaeData | RowProblem:
    def get(name: str) -> str:
        idx = columns.get(name)
        return cells[idx] if idx is not None and idx < len(cells) else ""

    raw_matricula = get("matricula")
    if len(cells) < len(columns) and max(columns.values()) >= len(cells):
        missing = [REQUIRED_COLUMNS.get(n, n) for n, i in columns.items() if i >= len(cells) and n in REQUIRED_COLUMNS]
        if missing:
            return RowProblem(number, None, f"La fila tiene {len(cells)} columnas; faltan valores de: "
                                            f"{', '.join(missing)}.", raw_matricula or None)
    for name in columns:
        value = get(name)
        if "\x00" in value:
            return RowProblem(number, name, f"El campo {_LABELS.get(name, name)} contiene un carácter nulo.",
                              raw_matricula or None)
        if name in _MAX_LEN and len(value) > _MAX_LEN[name]:
            return RowProblem(number, name, f"El campo {_LABELS.get(name, name)} es demasiado largo "
                                            f"(máximo {_MAX_LEN[name]} caracteres).", raw_matricula or None)
    try:
        matricula = validate_matricula(raw_matricula)
        curp = validate_curp(get("curp"))
        first_names = validate_name(get("first_names"), "first_names")
        first_surname = validate_name(get("first_surname"), "first_surname")
        second_surname = validate_name(get("second_surname"), "second_surname")
        email = get("institutional_email")
        if email:
            email = validate_email(email)
    except FieldError as exc:
        return RowProblem(number, exc.field, exc.message, raw_matricula or None)
    campus_text = get("campus")
    campus_code = campuses.resolve(campus_text)
    if campus_code is None:
        return RowProblem(number, "campus", f"Plantel desconocido: «{campus_text}».", matricula)
    status = _norm(get("status"))
    if status in ("inscrito", "inscrita", "activo", "activa"):
        enrolled = True
    elif status in ("baja", "baja temporal", "baja definitiva", "egresado", "egresada", "no inscrito"):
        enrolled = False
    else:
        return RowProblem(number, "status", f"Estatus desconocido: «{get('status')}» (se espera «inscrito» o «baja»).",
                          matricula)
    semester_text = get("semester")
    try:
        semester = int(semester_text)
        if not 1 <= semester <= 12:
            raise ValueError
    except ValueError:
        return RowProblem(number, "semester", f"El semestre «{semester_text}» no es un número de 1 a 12.", matricula)
    for required in ("group_code", "career"):
        if not get(required):
            return RowProblem(number, required, f"Falta el {_LABELS[required]}.", matricula)
    prematricula = get("prematricula") or matricula.split("-")[0]
    return SaeData(
        matricula=matricula, curp=curp, first_names=first_names, first_surname=first_surname,
        second_surname=second_surname, campus_code=campus_code, campus_name=campuses.names[campus_code],
        group_code=get("group_code"), career=get("career"), enrolled=enrolled, semester=semester,
        folio=get("folio"), prematricula=prematricula, institutional_email=email,
        health_institution=get("health_institution"), affiliation_number=get("affiliation_number"),
    )


def iter_sae_rows(path: Path, campuses: _CampusResolver) -> tuple[str, Iterator[tuple[int, SaeData | RowProblem]]]:
    """``(encoding, iterator of (row number, SaeData or RowProblem))`` over a file.

    Raises :class:`SaeFileError` for an empty file, missing columns or an
    unreadable file. Empty lines are skipped.
    """
    encoding, rows = _raw_rows(path)
    header = None
    for number, cells in rows:
        if any(cells):
            header = (number, cells)
            break
    if header is None:
        raise SaeFileError("sae_empty_file", "El archivo no tiene datos (está vacío).")
    columns: dict[str, int] = {}
    for idx, name in enumerate(header[1]):
        key = HEADER_ALIASES.get(_norm(name))
        if key and key not in columns:
            columns[key] = idx
    missing = [label for key, label in REQUIRED_COLUMNS.items() if key not in columns]
    if missing:
        raise SaeFileError("sae_missing_columns",
                           "Al archivo le faltan columnas del SAE: " + ", ".join(missing) + ". "
                           "Revise que la primera fila tenga los encabezados del manual (§7).")

    def parsed():
        for number, cells in rows:
            if not any(cells):
                continue
            yield number, _parse_row(number, cells, columns, campuses)

    return encoding, parsed()


class FileSaeAdapter:
    """Adapter over one SAE export file kept in memory (valid rows only).

    ``campuses`` maps campus code → name for resolving the Plantel column."""

    def __init__(self, path: str | Path, campuses: dict[str, str]):
        self.records: dict[str, SaeData] = {}
        for _row_no, parsed in iter_sae_rows(Path(path), _CampusResolver(campuses))[1]:
            if isinstance(parsed, SaeData):
                self.records[parsed.matricula] = parsed

    def lookup(self, session: Session, matricula: str) -> SaeData | None:
        return self.records.get(matricula)
