"""What an uploaded biometric must look like (DESIGN.md §10; station capture specs).

- ``photo``: a JPEG (Pillow reads it as ``JPEG`` and decodes it) of 240–1200 ×
  320–1600 pixels with the 3:4 portrait shape of the credential crop (the
  station saves 480×640, ``station.photo.TOKEN_SIZE``), at most 512 KB.
- ``signature_png`` / ``delivery_signature_png``: a PNG of 50–4000 × 20–2000
  pixels, at most 2 MB.
- ``signature`` / ``delivery_signature``: UTF-8 JSON object with a
  ``strokes`` list of lists (``drivers.signature.model.Signature.to_json``),
  at most 2 MB.

:func:`check_blob` returns ``None`` or a Spanish reason (the API answers 422
``invalid_blob``). Images are opened with a pixel cap before decoding, so a
"decompression bomb" is refused from its header.
"""
from __future__ import annotations

import io
import json
import warnings

PHOTO_KINDS = {"photo"}
PNG_KINDS = {"signature_png", "delivery_signature_png"}
JSON_KINDS = {"signature", "delivery_signature"}
KINDS = PHOTO_KINDS | PNG_KINDS | JSON_KINDS
#: kind → largest accepted size in bytes.
MAX_BYTES = {"photo": 512 * 1024, **{k: 2 * 1024 * 1024 for k in PNG_KINDS | JSON_KINDS}}


def _image(data: bytes, fmt: str, w_range: tuple[int, int], h_range: tuple[int, int]):
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data), formats=[fmt])
            w, h = img.size
            if not (w_range[0] <= w <= w_range[1] and h_range[0] <= h <= h_range[1]):
                return None, (w, h)
            img.load()
            return img, (w, h)
    except Exception:  # Pillow raises many types for damaged or foreign data
        return None, None


def check_blob(kind: str, data: bytes) -> str | None:
    """``None`` when ``data`` is an acceptable ``kind`` blob, else the Spanish reason."""
    if kind not in KINDS:
        return f"Tipo de archivo «{kind}» desconocido; se esperaba uno de: {', '.join(sorted(KINDS))}."
    if len(data) > MAX_BYTES[kind]:
        return f"El archivo es demasiado grande para «{kind}» (máximo {MAX_BYTES[kind] // 1024} KB)."
    if kind in PHOTO_KINDS:
        img, size = _image(data, "JPEG", (240, 1200), (320, 1600))
        if size is None:
            return "La fotografía no es una imagen JPEG válida."
        if img is None or abs(size[0] * 4 - size[1] * 3) > 0.03 * size[1] * 3:
            return (f"La fotografía mide {size[0]}×{size[1]} píxeles; se espera un recorte vertical 3:4 "
                    "(p. ej. 480×640).")
        return None
    if kind in PNG_KINDS:
        img, size = _image(data, "PNG", (50, 4000), (20, 2000))
        if size is None:
            return "La imagen de la firma no es un PNG válido."
        if img is None:
            return f"La imagen de la firma mide {size[0]}×{size[1]} píxeles, fuera del tamaño esperado."
        return None
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return "La firma no es un documento JSON válido."
    strokes = doc.get("strokes") if isinstance(doc, dict) else None
    if not isinstance(strokes, list) or not all(isinstance(s, list) for s in strokes):
        return "La firma no tiene la forma esperada (una lista «strokes» de trazos)."
    return None
