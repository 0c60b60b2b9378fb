"""XLSX files from users are opened only after a bomb check (#13 item 8).

An XLSX is a ZIP of XML parts, and openpyxl trusts what it finds: a sheet part that inflates to
gigabytes, a ``<dimension ref="A1:XFD1048576"/>`` that makes every row 16,384 cells wide, a
``<row r="999999999">`` that makes it invent a billion empty rows, a shared-strings part it loads
whole into memory. :func:`check_xlsx` refuses such a file in milliseconds, from the ZIP directory
and the first bytes of each sheet, before openpyxl reads a row; :func:`sheet_rows` then reads the
rows bounded by the same limits, so a file that lied in its headers still stops at the limit.

ZIP sizes can be trusted here: :mod:`zipfile` never inflates a member past the size its directory
declares (it raises ``BadZipFile`` on the mismatch), and openpyxl reads members through it.

Used by the SAE import (``server.services.sae.parse``), mail recipient lists
(``server.mail.audience``) and the institutional-accounts files (``server.accounts.files``).
"""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from station.domain.errors import UserError


@dataclass(frozen=True)
class XlsxLimits:
    """Bounds of an XLSX accepted from a user.

    - ``max_unzipped_bytes``: all parts together once inflated (256 MB: a 60,000-student SAE export
      is about a fifth of it);
    - ``max_part_bytes``: one part inflated (sheet or shared strings; 160 MB);
    - ``max_ratio``: inflated ÷ compressed size of a part over ``ratio_floor_bytes`` (100: sheets of
      real data compress 5–20 times; rows of empty cells compress thousands of times);
    - ``max_parts``: entries in the ZIP;
    - ``max_rows`` / ``max_cols``: rows and columns a sheet may declare or hold.
    """

    max_unzipped_bytes: int = 256 * 1024 * 1024
    max_part_bytes: int = 160 * 1024 * 1024
    max_ratio: float = 100.0
    ratio_floor_bytes: int = 1024 * 1024
    max_parts: int = 2000
    max_rows: int = 300_000
    max_cols: int = 512


DEFAULT_LIMITS = XlsxLimits()


class XlsxRefused(UserError, ValueError):
    """The workbook is refused before it is read; ``message`` says why in Spanish."""

    code = "xlsx_refused"

    def __init__(self, message: str):
        super().__init__(message, "xlsx_refused", "file")


_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b[^>]*?\bref=\"([^\"]+)\"")
_CELL = re.compile(r"^\$?([A-Za-z]{1,3})?\$?(\d+)?$")


def _column_number(letters: str) -> int:
    number = 0
    for char in letters.upper():
        number = number * 26 + (ord(char) - 64)
    return number


def declared_size(ref: str) -> tuple[int, int]:
    """``(rows, columns)`` spanned by a dimension ``ref`` such as ``"A1:AD60001"`` (``(0, 0)`` if
    unreadable). Columns and rows without a bound count as Excel's maxima."""
    corners = ref.split(":")
    rows, cols = [], []
    for corner in corners[:2]:
        match = _CELL.match(corner.strip())
        if not match:
            return 0, 0
        letters, digits = match.groups()
        cols.append(_column_number(letters) if letters else 16384)
        rows.append(int(digits) if digits else 1048576)
    return max(rows) - min(rows) + 1, max(cols) - min(cols) + 1


def check_xlsx(source: str | Path | bytes, limits: XlsxLimits = DEFAULT_LIMITS) -> None:
    """Raise :class:`XlsxRefused` (Spanish) when the XLSX ``source`` (a path or the bytes) would
    inflate past ``limits``, compresses like a bomb, or declares a sheet larger than the limits.
    A file that is not a ZIP is left for the reader to refuse (``BadZipFile`` there)."""
    handle: Any = io.BytesIO(source) if isinstance(source, (bytes, bytearray)) else source
    try:
        archive = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    with archive:
        infos = archive.infolist()
        if len(infos) > limits.max_parts:
            raise XlsxRefused(f"El libro de Excel tiene {len(infos):,} partes internas (máximo "
                              f"{limits.max_parts:,}); no parece un libro normal y no se abrió.")
        total = sum(i.file_size for i in infos)
        if total > limits.max_unzipped_bytes:
            raise XlsxRefused(f"El libro de Excel ocuparía {total / 2**20:,.0f} MB al descomprimirse (máximo "
                              f"{limits.max_unzipped_bytes / 2**20:,.0f} MB); divídalo en archivos más chicos.")
        for info in infos:
            if info.file_size > limits.max_part_bytes:
                raise XlsxRefused(f"Una parte del libro de Excel ({info.filename}) ocuparía "
                                  f"{info.file_size / 2**20:,.0f} MB al descomprimirse (máximo "
                                  f"{limits.max_part_bytes / 2**20:,.0f} MB); divídalo en archivos más chicos.")
            if info.file_size > limits.ratio_floor_bytes and \
                    info.file_size > limits.max_ratio * max(info.compress_size, 1):
                raise XlsxRefused(f"El libro de Excel está comprimido de forma anómala ({info.filename} crece "
                                  f"{info.file_size / max(info.compress_size, 1):,.0f} veces al descomprimirse): "
                                  "parece una «bomba» de compresión con millones de filas o celdas vacías y no "
                                  "se abrió.")
        for info in infos:
            name = info.filename.lower()
            if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
                continue
            try:
                with archive.open(info) as part:
                    head = part.read(64 * 1024)
            except (zipfile.BadZipFile, OSError, RuntimeError, ValueError, NotImplementedError):
                continue  # the reader names the damage
            match = _DIMENSION.search(head)
            if not match:
                continue
            rows, cols = declared_size(match.group(1).decode("ascii", "replace"))
            if rows > limits.max_rows or cols > limits.max_cols:
                raise XlsxRefused(f"La hoja del libro de Excel declara {rows:,} filas × {cols:,} columnas "
                                  f"(máximo {limits.max_rows:,} × {limits.max_cols:,}); no se abrió. Guarde solo "
                                  "el rango con datos.")


def sheet_rows(sheet, limits: XlsxLimits = DEFAULT_LIMITS) -> Iterator[tuple]:
    """The rows of an openpyxl (read-only) ``sheet`` as tuples of values, at most
    ``limits.max_cols`` wide (an empty row is ``()``); raises :class:`XlsxRefused` on reaching row
    ``limits.max_rows + 1`` (openpyxl would otherwise invent the empty rows a ``<row r="…">`` gap
    asks for, each as wide as the sheet)."""
    blank: tuple | None = None  # openpyxl hands out one shared tuple for every invented empty row
    declared = getattr(sheet, "max_column", None)  # from <dimension> (checked by check_xlsx); None without one
    # openpyxl pads every row to max_col: the declared width keeps normal rows as wide as the sheet
    width = min(declared, limits.max_cols) if isinstance(declared, int) and declared > 0 else limits.max_cols
    for number, values in enumerate(sheet.iter_rows(max_row=limits.max_rows + 1, max_col=width,
                                                    values_only=True), start=1):
        if number > limits.max_rows:
            raise XlsxRefused(f"La hoja del libro de Excel tiene más de {limits.max_rows:,} filas; divídala en "
                              "archivos más chicos.")
        if values is blank or values.count(None) == len(values):  # C-speed test, not a Python loop per cell
            blank = values
            yield ()
        else:
            yield values
