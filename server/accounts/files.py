"""Reading the files the systems office uploads (issue 20 items 2, 4 and 6).

- :func:`read_table`: CSV (UTF-8 with or without BOM, else Windows-1252;
  comma, semicolon or tab) or XLSX (``openpyxl``) → header + rows.
- :func:`addresses_in`: the address column of a tenant export (Microsoft 365
  *Active users* / admin-center results, Entra download, Google Workspace
  download, OneRoster ``users.csv``, or our own export files), and the
  password column when the file has one (the admin center's results file).
- :func:`read_people`: an attached list of staff or graduates.

Bad input raises :class:`FileProblem` with a Spanish message naming the row
or column; nothing is half-read.
"""
from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from server.accounts.naming import Person, birth_date_from_curp
from station.domain.errors import UserError

MAX_ROWS = 200_000


class FileProblem(UserError, ValueError):
    """A file that cannot be read as expected (``message`` in Spanish, ``field`` = column)."""

    code = "invalid_file"

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message, field=field)


def _norm(header: str) -> str:
    text = unicodedata.normalize("NFKD", str(header or "")).encode("ascii", "ignore").decode("ascii")
    return " ".join(text.casefold().replace("_", " ").split())


def read_table(data: bytes, filename: str) -> tuple[list[str], list[list[str]]]:
    """Header and rows of a CSV or XLSX file (all cells as stripped text).

    Entra's version row (``version:v1.0``) is skipped. Raises
    :class:`FileProblem` for an empty, unreadable or oversized file.
    """
    if not data:
        raise FileProblem("El archivo está vacío.")
    if filename.lower().endswith(".xlsx") or data[:4] == b"PK\x03\x04":
        from server.xlsx_guard import XlsxRefused, check_xlsx, sheet_rows

        try:
            check_xlsx(data)  # zip bombs, huge declared dimensions: refused before a row is read
            import openpyxl

            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            sheet = book.worksheets[0]
            lines = [["" if c is None else (c.date().isoformat() if isinstance(c, datetime) else str(c)).strip()
                      for c in row] for row in sheet_rows(sheet)]
        except XlsxRefused as exc:
            raise FileProblem(exc.message) from None
        except Exception:
            raise FileProblem("El archivo XLSX no se pudo leer (¿está dañado o protegido?).") from None
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")  # Excel's "CSV" on Spanish Windows
        if "\x00" in text:
            raise FileProblem("El archivo no es un CSV de texto (contiene bytes nulos); use CSV o XLSX.")
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        try:
            lines = [[c.strip() for c in row] for row in csv.reader(io.StringIO(text, newline=""), dialect)]
        except csv.Error as exc:
            raise FileProblem(f"El archivo CSV no se pudo leer: {exc}.") from None
    lines = [line for line in lines if any(line)]
    if lines and len(lines[0]) == 1 and lines[0][0].lower().startswith("version:"):
        lines = lines[1:]
    if not lines:
        raise FileProblem("El archivo no tiene encabezados ni filas.")
    if len(lines) - 1 > MAX_ROWS:
        raise FileProblem(f"El archivo tiene {len(lines) - 1} filas; el máximo es {MAX_ROWS}.")
    return lines[0], lines[1:]


ADDRESS_HEADERS = ("user principal name", "user name [userprincipalname] required", "userprincipalname",
                   "user name", "username", "email address [required]", "email address", "primary email", "email",
                   "correo institucional", "correo")
PASSWORD_HEADERS = ("password", "initial password [passwordprofile] required", "password [required]", "contrasena",
                    "contrasena inicial")


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    normalized = [_norm(h) for h in header]
    for name in names:
        if name in normalized:
            return normalized.index(name)
    return None


@dataclass(frozen=True)
class AddressRow:
    """One row of a tenant file: its 1-based ``line`` in the file, the ``address``
    and the ``password`` when the file carries one (else ``""``)."""

    line: int
    address: str
    password: str = ""


def addresses_in(data: bytes, filename: str) -> list[AddressRow]:
    """Addresses (and passwords, if present) of a tenant export; raises
    :class:`FileProblem` when no address column is recognised."""
    header, rows = read_table(data, filename)
    col = _column(header, ADDRESS_HEADERS)
    if col is None:
        raise FileProblem("No se encontró la columna de la dirección de correo (p. ej. «User principal name», "
                          "«Email Address [Required]», «username» o «correo»).")
    pwd = _column(header, PASSWORD_HEADERS)
    out = []
    for number, row in enumerate(rows, start=2):
        address = row[col].strip() if col < len(row) else ""
        if address:
            password = row[pwd].strip() if pwd is not None and pwd < len(row) else ""
            out.append(AddressRow(number, address, password))
    return out


PEOPLE_COLUMNS = {
    "key": ("clave", "numero de empleado", "no. empleado", "matricula", "numero de control", "rfc", "curp"),
    "given_names": ("nombre", "nombres", "nombre(s)"),
    "first_surname": ("primer apellido", "apellido paterno", "paterno"),
    "second_surname": ("segundo apellido", "apellido materno", "materno"),
    "curp": ("curp",),
    "birth_date": ("fecha de nacimiento", "nacimiento"),
    "campus_code": ("plantel", "centro de trabajo", "clave de plantel", "cct"),
}
PEOPLE_LABELS = {"key": "clave o número de empleado", "given_names": "nombre", "first_surname": "primer apellido"}


def _birth(value: str, curp: str) -> date | None:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return datetime.strptime(value[:10], fmt).date()
        except ValueError:
            continue
    return birth_date_from_curp(curp)


def read_people(data: bytes, filename: str, kind: str, campus_code: str) -> list[Person]:
    """People of an attached staff or graduate list.

    Columns are recognised by their Spanish names (``nombre``, ``primer
    apellido``, ``segundo apellido``, ``clave``/``número de empleado``/
    ``CURP``, ``fecha de nacimiento``, ``plantel``); a missing plantel cell
    takes ``campus_code``. Raises :class:`FileProblem` naming a missing
    column, an empty required cell (with its row) or a repeated key.
    """
    header, rows = read_table(data, filename)
    cols = {name: _column(header, names) for name, names in PEOPLE_COLUMNS.items()}
    for name, label in PEOPLE_LABELS.items():
        if cols[name] is None:
            raise FileProblem(f"Falta la columna «{label}» en la lista.", name)
    people, seen = [], set()

    def cell(row, name):
        index = cols[name]
        return row[index].strip() if index is not None and index < len(row) else ""

    for number, row in enumerate(rows, start=2):
        values = {name: cell(row, name) for name in cols}
        for name, label in PEOPLE_LABELS.items():
            if not values[name]:
                raise FileProblem(f"Fila {number}: falta «{label}».", name)
        for name in ("given_names", "first_surname", "second_surname"):
            if len(values[name]) > 120:
                raise FileProblem(f"Fila {number}: «{name}» excede 120 caracteres.", name)
        if values["campus_code"] and values["campus_code"] != campus_code:
            raise FileProblem(f"Fila {number}: la persona es del plantel «{values['campus_code'][:16]}», no del "
                              f"plantel {campus_code} de esta lista.", "campus_code")
        if values["key"] in seen:
            raise FileProblem(f"Fila {number}: la clave «{values['key']}» está repetida en la lista.", "key")
        seen.add(values["key"])
        people.append(Person(kind, values["key"][:64], values["given_names"], values["first_surname"],
                             values["second_surname"], campus_code,
                             _birth(values["birth_date"], values["curp"])))
    if not people:
        raise FileProblem("La lista no tiene personas.")
    return people
