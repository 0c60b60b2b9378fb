"""What every export format shares: the account row, the format spec, CSV
writing split by the format's row limit, and the check of a written file
against its spec (issue 20 item 3: "each checked against its format's
columns and limits before it is offered")."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Callable, Iterable

from server.accounts.naming import check_address
from server.accounts.passwords import meets_policy
from station.domain.errors import UserError


@dataclass(frozen=True)
class Account:
    """One account to create, as the exports need it.

    ``password`` is the one-time initial password (only ever held in memory
    while a file is written); ``source_id`` the person's stable id
    (matrícula, employee number); ``kind`` one of ``naming.KINDS``.
    """

    address: str
    given_names: str
    first_surname: str
    second_surname: str
    display_name: str
    kind: str
    source_id: str
    campus_code: str
    campus_name: str
    org_unit: str
    password: str

    @property
    def last_name(self) -> str:
        """Both surnames, as Microsoft and Google show "Last name"."""
        return " ".join(p for p in (self.first_surname, self.second_surname) if p)


@dataclass(frozen=True)
class FileSpec:
    """The columns and limits of one CSV file of a format.

    ``header`` exact column names in order; ``required`` those that must be
    non-empty; ``max_rows`` data rows per file (the file is split beyond);
    ``preamble`` rows written before the header (Entra's version row);
    ``bom`` whether the file starts with the UTF-8 byte order mark;
    ``address_columns`` columns holding an address (checked with
    :func:`server.accounts.naming.check_address`); ``password_column`` the
    column holding the initial password (checked against the policy);
    ``allowed`` per-column closed vocabularies; ``max_bytes`` per file.
    """

    name: str
    header: tuple[str, ...]
    required: tuple[str, ...]
    max_rows: int
    preamble: tuple[tuple[str, ...], ...] = ()
    bom: bool = False
    address_columns: tuple[str, ...] = ()
    password_column: str | None = None
    allowed: dict[str, frozenset[str]] = field(default_factory=dict)
    max_len: dict[str, int] = field(default_factory=dict)
    max_bytes: int | None = None


@dataclass(frozen=True)
class ExportFile:
    """A file ready to be offered: ``name`` (no folder), ``data`` bytes, ``rows`` data rows."""

    name: str
    data: bytes
    rows: int


class ExportInvalid(UserError, ValueError):
    """A written file broke its spec; ``problems`` lists Spanish reasons, the ``message`` is the
    first five joined by «; »."""

    code = "export_invalid"

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems[:5]))
        self.problems = problems


#: A cell starting with one of these is a formula when a spreadsheet opens the CSV (OWASP "CSV injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: str) -> str:
    """``value`` as a CSV cell that a spreadsheet shows as text: a leading ``'`` when it starts
    with a formula trigger (:data:`FORMULA_TRIGGERS`), else unchanged. The database keeps the
    text verbatim; only the exported copy is neutralised (#13 item 8)."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS) else value


def write_csv(spec: FileSpec, rows: Iterable[dict[str, str]], stem: str) -> list[ExportFile]:
    """Write ``rows`` (column → value; missing columns empty) as files of at
    most ``spec.max_rows`` data rows named ``{stem}.csv`` or
    ``{stem}-parteNN.csv`` when split. CRLF line ends (RFC 4180). Every cell but the password
    column goes through :func:`csv_cell` (an initial password is random from our own alphabet
    and must reach the tenant exactly)."""
    rows = list(rows)
    chunks = [rows[i:i + spec.max_rows] for i in range(0, len(rows), spec.max_rows)] or [[]]
    files = []
    for number, chunk in enumerate(chunks, start=1):
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        for line in spec.preamble:
            writer.writerow(line)
        writer.writerow(spec.header)
        for row in chunk:
            writer.writerow([row.get(column, "") if column == spec.password_column else csv_cell(row.get(column, ""))
                             for column in spec.header])
        data = buffer.getvalue().encode("utf-8")
        if spec.bom:
            data = b"\xef\xbb\xbf" + data
        name = f"{stem}.csv" if len(chunks) == 1 else f"{stem}-parte{number:02d}.csv"
        files.append(ExportFile(name, data, len(chunk)))
    return files


def check_file(spec: FileSpec, data: bytes) -> list[str]:
    """Spanish problems of ``data`` against ``spec`` (empty = valid): BOM,
    encoding, preamble, exact header, row widths, required values, closed
    vocabularies, lengths, addresses, password policy, duplicate addresses,
    row and byte limits."""
    problems: list[str] = []
    if spec.bom and not data.startswith(b"\xef\xbb\xbf"):
        problems.append(f"{spec.name}: falta la marca BOM de UTF-8.")
    if not spec.bom and data.startswith(b"\xef\xbb\xbf"):
        problems.append(f"{spec.name}: no debe llevar marca BOM.")
    if spec.max_bytes is not None and len(data) > spec.max_bytes:
        problems.append(f"{spec.name}: el archivo pesa {len(data)} bytes; el máximo es {spec.max_bytes}.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return problems + [f"{spec.name}: el archivo no está en UTF-8."]
    lines = list(csv.reader(io.StringIO(text, newline="")))
    for index, expected in enumerate(spec.preamble):
        if index >= len(lines) or tuple(lines[index]) != expected:
            problems.append(f"{spec.name}: la fila {index + 1} debe ser «{','.join(expected)}».")
    start = len(spec.preamble)
    if len(lines) <= start or tuple(lines[start]) != spec.header:
        return problems + [f"{spec.name}: los encabezados no son los de la plantilla oficial."]
    body = lines[start + 1:]
    if len(body) > spec.max_rows:
        problems.append(f"{spec.name}: {len(body)} filas; el formato admite {spec.max_rows} por archivo.")
    seen: set[str] = set()
    for number, line in enumerate(body, start=start + 2):
        if len(line) != len(spec.header):
            problems.append(f"{spec.name}, fila {number}: {len(line)} columnas en lugar de {len(spec.header)}.")
            continue
        row = dict(zip(spec.header, line))
        for column in spec.required:
            if not row[column].strip():
                problems.append(f"{spec.name}, fila {number}: «{column}» es obligatorio.")
        for column, values in spec.allowed.items():
            if row[column] and row[column] not in values:
                problems.append(f"{spec.name}, fila {number}: «{column}» = «{row[column]}» no está permitido.")
        for column, limit in spec.max_len.items():
            if len(row[column]) > limit:
                problems.append(f"{spec.name}, fila {number}: «{column}» excede {limit} caracteres.")
        for column in spec.address_columns:
            reason = check_address(row[column]) if row[column] else None
            if reason:
                problems.append(f"{spec.name}, fila {number}: {reason}")
            key = row[column].lower()
            if key and column == spec.address_columns[0]:
                if key in seen:
                    problems.append(f"{spec.name}, fila {number}: la dirección «{row[column]}» está repetida.")
                seen.add(key)
        if spec.password_column and row[spec.password_column] and not meets_policy(row[spec.password_column]):
            problems.append(f"{spec.name}, fila {number}: la contraseña inicial no cumple la política.")
    return problems


@dataclass(frozen=True)
class Format:
    """An export format: ``code`` (CLI/API), Spanish ``label``, its file
    specs and ``build(accounts, stem) -> list[ExportFile]``. ``carries_password``
    is False when the tenant generates the passwords itself (M365 admin center)."""

    code: str
    label: str
    specs: tuple[FileSpec, ...]
    build: Callable[[list[Account], str], list[ExportFile]]
    carries_password: bool = True

    def spec_for(self, file_name: str) -> FileSpec:
        """The spec a produced file follows (by its name)."""
        if len(self.specs) == 1:
            return self.specs[0]
        return next(spec for spec in self.specs if spec.name == file_name)

    def export(self, accounts: list[Account], stem: str) -> list[ExportFile]:
        """Build the files and check each against its spec; raises :class:`ExportInvalid`."""
        files = self.build(accounts, stem)
        problems: list[str] = []
        for produced in files:
            problems += check_file(self.spec_for(produced.name), produced.data)
        if problems:
            raise ExportInvalid(problems)
        return files
