"""Find and decode the credential QR in an image or a PDF (for ``verify-qr``).

PDF pages are rasterised with pypdfium2 at :data:`PDF_DPI`; images are read
with Pillow; codes are decoded with zxing-cpp. Errors are
:class:`DecodeInputError` with a Spanish ``str()``.
"""
from __future__ import annotations

from pathlib import Path

#: Resolution used to rasterise PDF pages (dots per inch).
PDF_DPI = 300


class DecodeInputError(ValueError):
    """The file cannot be read, or holds no QR code. ``str()`` is Spanish."""


def _images_of(path: Path):
    data = path.read_bytes()
    if data[:5] == b"%PDF-":
        import pypdfium2 as pdfium

        try:
            pdf = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            raise DecodeInputError(f"No se pudo abrir el PDF {path.name}: está dañado o protegido.") from exc
        for page in pdf:
            yield page.render(scale=PDF_DPI / 72).to_pil()
        return
    from PIL import Image, UnidentifiedImageError

    try:
        img = Image.open(path)
        img.load()
    except (UnidentifiedImageError, OSError) as exc:
        raise DecodeInputError(f"El archivo {path.name} no es una imagen ni un PDF legible.") from exc
    yield img


def read_qr_texts(path: Path | str) -> list[str]:
    """Texts of every QR code found in the image or PDF at ``path`` (page order).

    Raises :class:`DecodeInputError` when the file is missing or unreadable,
    or when no QR code is found.
    """
    import zxingcpp

    path = Path(path)
    if not path.is_file():
        raise DecodeInputError(f"No existe el archivo {path}.")
    texts: list[str] = []
    for img in _images_of(path):
        for result in zxingcpp.read_barcodes(img.convert("L"), formats=zxingcpp.BarcodeFormat.QRCode):
            if result.valid:
                texts.append(result.text)
    if not texts:
        raise DecodeInputError(f"No se encontró ningún código QR legible en {path.name}.")
    return texts


def matricula_in_image(image) -> str | None:
    """The matrícula a temporary credential shows to a camera, or ``None``.

    ``image``: a camera frame (``numpy`` H×W×3 BGR or H×W grey, as OpenCV gives it)
    or a PIL image. Reads the QR (its signed ``CRD1|…`` payload, manual §9 /
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
        if text.startswith("CRD1|"):
            try:
                text = decode_payload(text).matricula
            except QrPayloadError:
                continue
        try:
            return validate_matricula(text)
        except ValueError:
            continue
    return None
