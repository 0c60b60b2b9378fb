"""SAE (Sistema de Administración Escolar) adapter, file import and lookup (manual §7).

- :class:`SaeAdapter` is the interface: ``lookup(session, matricula) -> SaeData | None``.
  The reference adapter, :class:`DatabaseSaeAdapter`, answers from the
  ``sae_records`` table that :func:`import_sae_file` fills from SAE export
  files; :class:`FileSaeAdapter` reads one export file directly (tests, demos).
- :func:`import_sae_file` reads CSV (UTF-8 or Latin-1/cp1252, ``,``/``;``/tab,
  streamed) or XLSX (openpyxl read-only) with the columns of manual §7 plus
  Estatus and Semestre (Número de afiliación optional); header names are
  matched without accents or case. Bad rows are reported with their row
  number and reason; good rows are written; everything happens in ONE
  transaction, so a failure leaves the SAE data exactly as before.
- :func:`evaluate` decides what a user may do with an SAE record: the
  allowed actions (``import``/``update``) or the reason why not — not
  enrolled, another plantel, semester not allowed, record already validated
  — using the shared transition table as a dry run.
"""
from __future__ import annotations

import codecs
import csv
import unicodedata
from dataclasses import asdict, dataclass, fields
from datetime import datetime
from pathlib import Path
from typing import Iterator, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from station.domain import (
    SAE_FIELDS, STUDENT_FIELDS, Actor, Command, Context, FieldError, Refusal, Student, apply_command, validate_curp,
    validate_email, validate_matricula, validate_name,
)

from server.db.models import Campus, SaeRecord, StudentRow
from server.errors import ApiError
from server.services.students import precheck, student_from_row, utcnow


@dataclass(frozen=True)
class SaeData:
    """A student as the SAE reports it. ``enrolled`` = Estatus "inscrito"."""

    matricula: str
    curp: str
    first_names: str
    first_surname: str
    second_surname: str
    campus_code: str
    campus_name: str
    group_code: str
    career: str
    enrolled: bool
    semester: int | None
    folio: str = ""
    prematricula: str = ""
    institutional_email: str = ""
    health_institution: str = ""
    affiliation_number: str = ""

    def domain_fields(self) -> dict:
        """The ``payload["fields"]`` of the SAE import/update commands (empty optional values left out,
        so an SAE blank never erases data captured at the desk)."""
        out = {k: getattr(self, k) for k in SAE_FIELDS}
        for key in ("institutional_email", "health_institution", "affiliation_number", "folio"):
            if not out[key]:
                del out[key]
        return out


class SaeAdapter(Protocol):
    """Source of SAE data. ``lookup`` returns ``None`` when the matrícula is not in SAE."""

    def lookup(self, session: Session, matricula: str) -> SaeData | None:
        """The SAE record of ``matricula`` or ``None``."""


_SAE_DATA_FIELDS = tuple(f.name for f in fields(SaeData))


class DatabaseSaeAdapter:
    """Reference adapter: the latest SAE export files loaded with :func:`import_sae_file`."""

    def lookup(self, session: Session, matricula: str) -> SaeData | None:
        row = session.get(SaeRecord, matricula)
        if row is None:
            return None
        return SaeData(**{k: getattr(row, k) for k in _SAE_DATA_FIELDS})


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
    ``sae_empty_file``, ``sae_bad_file``."""

    def __init__(self, code: str, message: str):
        super().__init__(422, code, message, "file")


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
        try:
            from openpyxl import load_workbook

            wb = load_workbook(path, read_only=True, data_only=True)
            sheet = wb.worksheets[0]
        except Exception as exc:  # openpyxl raises many types for a corrupt file
            raise SaeFileError("sae_bad_file", "El archivo XLSX está dañado o no es un libro de Excel válido.") from exc

        def xlsx_rows():
            try:
                for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                    yield number, [_cell(v) for v in values]
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


@dataclass
class ImportResult:
    """Outcome of :func:`import_sae_file` (see :class:`server.schemas.SaeImportResult`)."""

    rows: int
    imported: int
    refused: int
    errors: list[RowProblem]
    errors_truncated: bool
    encoding: str

    def to_dict(self) -> dict:
        return {**asdict(self), "errors": [asdict(e) for e in self.errors]}


def import_sae_file(session: Session, path: str | Path, source: str = "", max_errors: int = 1000,
                    batch: int = 1000) -> ImportResult:
    """Load an SAE export file into ``sae_records`` inside the caller's transaction.

    Two streamed passes: the first finds repeated matrículas (every row of a
    repeated matrícula is refused — which one is right cannot be known — and
    its previous SAE data is kept), the second validates and upserts in
    batches. Raises :class:`SaeFileError` (422) for a file that cannot be
    read as a whole; otherwise row errors are returned (at most
    ``max_errors`` listed, all counted). The caller commits, or rolls back on
    any exception — nothing is half-applied.
    """
    path = Path(path)
    resolver = _CampusResolver({c.code: c.name for c in session.scalars(select(Campus))})
    first_row: dict[str, int] = {}
    duplicates: dict[str, list[int]] = {}
    _enc, first_pass = _raw_matriculas(path)
    for number, matricula in first_pass:
        if matricula in first_row:
            duplicates.setdefault(matricula, [first_row[matricula]]).append(number)
        else:
            first_row[matricula] = number
    del first_row
    encoding, parsed = iter_sae_rows(path, resolver)
    now = utcnow()
    result = ImportResult(0, 0, 0, [], False, encoding)
    pending: list[dict] = []
    upsert = _upsert_statement(session)

    def problem(p: RowProblem):
        result.refused += 1
        if len(result.errors) < max_errors:
            result.errors.append(p)
        else:
            result.errors_truncated = True

    def flush():
        if not pending:
            return
        session.execute(upsert, pending)
        result.imported += len(pending)
        pending.clear()

    for number, item in parsed:
        result.rows += 1
        if isinstance(item, RowProblem):
            problem(item)
            continue
        rows_of = duplicates.get(item.matricula)
        if rows_of:
            others = ", ".join(str(n) for n in rows_of if n != number)
            problem(RowProblem(number, "matricula", f"La matrícula {item.matricula} está repetida en el archivo "
                                                    f"(también en la fila {others}); no se importó ninguna de esas filas.",
                               item.matricula))
            continue
        pending.append({**asdict(item), "source": source[:255], "imported_at": now})
        if len(pending) >= batch:
            flush()
    flush()
    return result


def _upsert_statement(session: Session):
    """``INSERT … ON CONFLICT (matricula) DO UPDATE`` for PostgreSQL and SQLite (an
    index-backed upsert; a DELETE … IN on a table growing inside the transaction has
    no statistics and degrades to sequential scans on PostgreSQL)."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    stmt = dialect_insert(SaeRecord)
    columns = [c.name for c in SaeRecord.__table__.columns if c.name != "matricula"]
    return stmt.on_conflict_do_update(index_elements=["matricula"],
                                      set_={c: getattr(stmt.excluded, c) for c in columns})


def _raw_matriculas(path: Path) -> tuple[str, Iterator[tuple[int, str]]]:
    encoding, rows = _raw_rows(path)

    def gen():
        column = None
        for number, cells in rows:
            if not any(cells):
                continue
            if column is None:
                for idx, name in enumerate(cells):
                    if HEADER_ALIASES.get(_norm(name)) == "matricula":
                        column = idx
                        break
                else:
                    return
                continue
            if column < len(cells) and cells[column]:
                yield number, cells[column].strip()

    return encoding, gen()


# --- lookup and evaluation --------------------------------------------------

COMPARED_FIELDS: tuple[tuple[str, str], ...] = (
    ("curp", "CURP"), ("folio", "Folio"), ("prematricula", "Prematrícula"), ("first_names", "Nombre"),
    ("first_surname", "Primer apellido"), ("second_surname", "Segundo apellido"), ("campus_code", "Plantel"),
    ("group_code", "Grupo"), ("career", "Carrera"), ("semester", "Semestre"),
    ("institutional_email", "Correo institucional"), ("health_institution", "Institución médica"),
    ("affiliation_number", "Número de afiliación"),
)


def comparison(sae: SaeData, student: Student | None) -> list[dict]:
    """Field-by-field comparison (manual §7, two columns): ``field``, ``label``, ``sae``, ``current``, ``differs``."""
    out = []
    for key, label in COMPARED_FIELDS:
        sae_value = getattr(sae, key)
        current = getattr(student, key) if student is not None else None
        out.append({"field": key, "label": label, "sae": sae_value, "current": current,
                    "differs": student is not None and (sae_value or "") != (current or "")})
    return out


def command_payload(sae: SaeData, allowed_semesters: tuple[int, ...]) -> dict:
    """Payload of ``import_sae``/``update_sae`` built on the server from SAE data (never from the client)."""
    return {"matricula": sae.matricula, "fields": sae.domain_fields(),
            "sae": {"enrolled": sae.enrolled, "allowed_semesters": list(allowed_semesters)}}


def evaluate(student: Student | None, sae: SaeData, actor: Actor, allowed_semesters: tuple[int, ...],
             now: datetime) -> tuple[Command, Refusal | None]:
    """Which command applies (import when there is no record, else update) and the reason it
    is not allowed, or ``None`` when it is. Order of reasons: role, not enrolled, another
    plantel (the SAE plantel is not the user's), then the transition table (semester not
    allowed, record already validated, …)."""
    command = Command.IMPORT_SAE if student is None else Command.UPDATE_SAE
    refusal = precheck(None, command, actor, "")
    if refusal is not None:
        return command, refusal
    if not sae.enrolled:
        return command, Refusal("sae_not_enrolled", "El alumno no está registrado como inscrito en el SAE (baja).")
    if not actor.may_write_campus(sae.campus_code):
        return command, Refusal("sae_other_campus",
                                f"El alumno está inscrito en el SAE en el plantel {sae.campus_name} "
                                f"({sae.campus_code}), que no está entre sus planteles asignados.")
    result = apply_command(student, command, actor, command_payload(sae, allowed_semesters),
                           Context(now=now, online=True))
    return command, result if isinstance(result, Refusal) else None


def lookup(session: Session, adapter: SaeAdapter, matricula: str) -> tuple[SaeData, StudentRow | None]:
    """SAE data and credentialing row of ``matricula``; 404 ``sae_not_found`` when SAE does not know it."""
    sae = adapter.lookup(session, matricula)
    if sae is None:
        raise ApiError(404, "sae_not_found", f"La matrícula {matricula} no se encuentra en el SAE.", "matricula")
    return sae, session.get(StudentRow, matricula)


def student_of(row: StudentRow | None) -> Student | None:
    """Domain value of an optional row."""
    return student_from_row(row) if row is not None else None
