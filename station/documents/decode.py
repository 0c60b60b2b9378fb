"""Find and decode the credential QR in an image or a PDF (for ``verify-qr``).

PDF pages are rasterised with pypdfium2 at up to :data:`PDF_DPI` (lowered so
a page never exceeds :data:`MAX_PIXELS`); the JPEG photos embedded in a PDF
are returned with its QR texts so the signed photo digest can be checked.
Images are read with Pillow (decompression bombs refused); codes are decoded
with zxing-cpp. Errors are :class:`DecodeInputError` with a Spanish ``str()``.
"""
from __future__ import annotations

import stat
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from station.domain.errors import UserError

#: Resolution used to rasterise PDF pages (dots per inch).
PDF_DPI = 300
#: Largest input file read (bytes), pages of a PDF examined, and pixels of one image/page.
MAX_FILE_BYTES = 50_000_000
MAX_PAGES = 50
MAX_PIXELS = 60_000_000


class DecodeInputError(UserError, ValueError):
    """The file cannot be read, or holds no QR code. ``str()`` is Spanish."""

    code = "scan_unreadable"


@dataclass
class CardScan:
    """What one page or image holds: ``texts`` of its QR codes and ``photos`` (the JPEG
    bytes embedded in a PDF page; empty for a photo of a card)."""

    texts: list[str] = field(default_factory=list)
    photos: list[bytes] = field(default_factory=list)


def _pdf_pages(data: bytes, name: str):
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise DecodeInputError(f"No se pudo abrir el PDF {name}: está dañado o protegido.") from exc
    if len(pdf) > MAX_PAGES:
        raise DecodeInputError(f"El PDF {name} tiene {len(pdf)} páginas; se revisan como máximo {MAX_PAGES}.")
    for page in pdf:
        width, height = page.get_size()
        if width <= 0 or height <= 0:
            raise DecodeInputError(f"El PDF {name} tiene una página de tamaño inválido.")
        scale = min(PDF_DPI / 72, (MAX_PIXELS / (width * height)) ** 0.5)
        try:
            image = page.render(scale=scale).to_pil()
        except (pdfium.PdfiumError, MemoryError, ValueError) as exc:
            raise DecodeInputError(f"No se pudo dibujar una página del PDF {name}.") from exc
        photos = []
        for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=3):
            try:
                raw = obj.get_data(decode_simple=True)  # undoes ASCII85/Flate, keeps the JPEG (DCT) bytes
            except (pdfium.PdfiumError, AttributeError, ValueError):
                continue
            raw = bytes(raw)
            if raw[:3] == b"\xff\xd8\xff":
                photos.append(raw)
        yield image, photos


def _image(path: Path):
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(path)
            if img.width * img.height > MAX_PIXELS:
                raise DecodeInputError(f"La imagen {path.name} es demasiado grande ({img.width}×{img.height}).")
            img.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise DecodeInputError(f"La imagen {path.name} es demasiado grande para revisarla.") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise DecodeInputError(f"El archivo {path.name} no es una imagen ni un PDF legible.") from exc
    return img


def read_card(path: Path | str) -> list[CardScan]:
    """The QR texts (and, for a PDF, embedded JPEG photos) of every page or the image at ``path``.

    Raises :class:`DecodeInputError` when the file is missing, not a regular
    file (FIFO, device, folder), too large, unreadable, or holds no QR code.
    """
    import zxingcpp

    path = Path(path)
    try:
        info = path.stat()
    except OSError:
        raise DecodeInputError(f"No existe el archivo {path}.") from None
    if not stat.S_ISREG(info.st_mode):
        raise DecodeInputError(f"{path} no es un archivo normal (carpeta, tubería o dispositivo).")
    if info.st_size > MAX_FILE_BYTES:
        raise DecodeInputError(f"El archivo {path.name} es demasiado grande ({info.st_size // 1_000_000} MB).")
    try:
        with open(path, "rb") as fh:
            head = fh.read(5)
            data = head + fh.read() if head == b"%PDF-" else b""
    except OSError as exc:
        raise DecodeInputError(f"No se pudo leer {path}: {exc.strerror or exc}.") from None
    pages = _pdf_pages(data, path.name) if head == b"%PDF-" else [(_image(path), [])]
    scans: list[CardScan] = []
    for image, photos in pages:
        scan = CardScan(photos=photos)
        for result in zxingcpp.read_barcodes(image.convert("L"), formats=zxingcpp.BarcodeFormat.QRCode):
            if result.valid:
                scan.texts.append(result.text)
        if scan.texts:
            scans.append(scan)
    if not scans:
        raise DecodeInputError(f"No se encontró ningún código QR legible en {path.name}.")
    return scans


def matricula_in_image(image) -> str | None:
    """The matrícula a temporary credential shows to a camera, or ``None``.

    ``image``: a camera frame (``numpy`` H×W×3 BGR or H×W grey, as OpenCV gives it)
    or a PIL image. Reads the QR (its signed ``CRD2|…`` payload, manual §9 /
    DESIGN §7) or the Code128 barcode of the matrícula with zxing-cpp; only a
    matrícula whose check digit is right is returned (the signature is not checked
    here: the look-up only opens the record).
    """
    import zxingcpp

    from station.documents.qr_payload import QrPayloadError, decode_payload
    from station.domain.validators import validate_matricula

    formats = zxingcpp.BarcodeFormat.QRCode | zxingcpp.BarcodeFormat.Code128
    for result in zxingcpp.read_barcodes(image, formats=formats):
        if not result.valid:
            continue
        text = result.text.strip()
        if text.startswith("CRD2|"):
            try:
                text = decode_payload(text).matricula
            except QrPayloadError:
                continue
        try:
            return validate_matricula(text)
        except ValueError:
            continue
    return None
