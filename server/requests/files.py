"""What an attachment really is, decided from its bytes (never its name) — issue #19 item 3.

Accepted: PDF (``%PDF-`` header), JPEG and PNG (magic bytes, then decoded by Pillow),
XLSX (a ZIP whose ``[Content_Types].xml`` declares the OOXML workbook and which holds
no ``vbaProject.bin`` nor any macro-enabled content type) and CSV (text: UTF-8 or
Windows-1252, no NUL or control bytes, named ``.csv``). Everything else — an executable
renamed ``.pdf`` (``MZ``/``ELF``), an ``.xlsm`` or ``.xls``, a ZIP of other things,
HTML — is refused with a Spanish reason. Sources: ISO 32000-1 §7.5.2 (PDF header),
ECMA-376 Part 2 §10.1 (content types), [MS-OFFMACRO2] (``vbaProject.bin``).
"""
from __future__ import annotations

import io
import re
import unicodedata
import zipfile

from station.domain.errors import UserError
from station.domain.requests import CSV, JPEG, PDF, PNG, TYPE_NAMES, XLSX

#: A ZIP may not expand beyond this many bytes (ZIP bombs) nor hold more entries.
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
MAX_ZIP_ENTRIES = 5000
_WORKBOOK_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_MACRO_MARKERS = ("macroenabled", "vbaproject", "vnd.ms-office.vba", "vnd.ms-excel.sheet.binary")
_EXECUTABLES = ((b"MZ", "un programa de Windows (EXE/DLL)"), (b"\x7fELF", "un programa de Linux (ELF)"),
                (b"\xca\xfe\xba\xbe", "un programa (Mach-O/Java)"), (b"\xcf\xfa\xed\xfe", "un programa de macOS"),
                (b"#!", "un script ejecutable"), (b"\xd0\xcf\x11\xe0", "un documento de Office antiguo (XLS/DOC), "
                                                             "que puede llevar macros"))


class AttachmentRefused(UserError, ValueError):
    """The bytes are not an accepted document: Spanish ``message``."""

    code = "invalid_attachment"

    def __init__(self, message: str):
        super().__init__(message)


def type_name(content_type: str) -> str:
    """Short Spanish name of a content type (``PDF``, ``Excel (XLSX)``…)."""
    return TYPE_NAMES.get(content_type, content_type)


def clean_filename(name: str) -> str:
    """The last path component of ``name`` without control or bidi characters, at most
    120 characters (extension kept); ``documento`` when nothing is left."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip().strip(".")
    if len(base) > 120:
        stem, dot, ext = base.rpartition(".")
        base = (stem[:110] + dot + ext[:9]) if dot and len(ext) <= 9 else base[:120]
    return base or "documento"


def _image(data: bytes, fmt: str) -> None:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != fmt:
                raise AttachmentRefused(f"La imagen no es {fmt}.")
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise AttachmentRefused(f"La imagen {fmt} está dañada o no se puede leer.") from None


def _xlsx(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise AttachmentRefused("El archivo comprimido está dañado; no es un libro de Excel (XLSX) válido.") from None
    if len(infos) > MAX_ZIP_ENTRIES or sum(i.file_size for i in infos) > MAX_UNZIPPED_BYTES:
        raise AttachmentRefused("El libro de Excel es demasiado grande al descomprimirse.")
    names = {i.filename.lower() for i in infos}
    if any(n.rsplit("/", 1)[-1] == "vbaproject.bin" for n in names):
        raise AttachmentRefused("El libro de Excel contiene macros (vbaProject.bin); solo se aceptan libros sin "
                                "macros (XLSX).")
    if "[content_types].xml" not in names:
        raise AttachmentRefused("El archivo comprimido no es un libro de Excel (XLSX).")
    try:
        types = archive.read("[Content_Types].xml").decode("utf-8", "replace").lower()
    except (KeyError, zipfile.BadZipFile, OSError, RuntimeError, ValueError):
        raise AttachmentRefused("El libro de Excel está dañado.") from None
    if any(marker in types for marker in _MACRO_MARKERS):
        raise AttachmentRefused("El libro de Excel está habilitado para macros (XLSM/XLSB); solo se aceptan libros "
                                "sin macros (XLSX).")
    if _WORKBOOK_MAIN not in types:
        raise AttachmentRefused("El archivo comprimido no es un libro de Excel (XLSX).")


def _csv(data: bytes, filename: str) -> None:
    if not filename.lower().endswith(".csv"):
        raise AttachmentRefused("El archivo es texto; solo se acepta texto como CSV (nombre terminado en .csv).")
    if b"\x00" in data:
        raise AttachmentRefused("El archivo CSV contiene bytes nulos; no es texto.")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise AttachmentRefused("El archivo CSV no es texto en UTF-8 ni en Windows-1252.")
    if any(ord(c) < 32 and c not in "\t\r\n" for c in text):
        raise AttachmentRefused("El archivo CSV contiene caracteres de control; no es texto.")


def sniff(data: bytes, filename: str) -> str:
    """The content type of ``data`` (one of PDF, JPEG, PNG, XLSX, CSV) or raise
    :class:`AttachmentRefused` with the reason. ``filename`` matters only to tell a CSV
    from other text."""
    if not data:
        raise AttachmentRefused("El archivo está vacío.")
    for magic, what in _EXECUTABLES:
        if data.startswith(magic):
            raise AttachmentRefused(f"El archivo es {what}, no un documento; no se acepta aunque su nombre "
                                    f"termine en «{filename.rsplit('.', 1)[-1] if '.' in filename else ''}».")
    if data.startswith(b"%PDF-"):
        if b"%%EOF" not in data[-2048:]:
            raise AttachmentRefused("El PDF está incompleto (falta su marca de fin).")
        return PDF
    if data.startswith(b"\xff\xd8\xff"):
        _image(data, "JPEG")
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        _image(data, "PNG")
        return PNG
    if data.startswith(b"PK\x03\x04"):
        _xlsx(data)
        return XLSX
    head = data[:512].lstrip().lower()
    if head.startswith((b"<!doctype", b"<html", b"<script", b"<?xml", b"<svg")):
        raise AttachmentRefused("El archivo es HTML/XML; solo se aceptan PDF, JPEG, PNG, XLSX o CSV.")
    _csv(data, filename)
    return CSV
