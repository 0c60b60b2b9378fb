"""Shared helpers: a station key, rendered credentials, an independent decoder (zxing-cpp)."""
from __future__ import annotations

import pypdfium2 as pdfium
import pytest
import zxingcpp
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from station.documents.sample import sample_photo_jpeg, sample_signature_png

STATION = "EST-TEST-01"


@pytest.fixture(scope="session")
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture(scope="session")
def photo() -> bytes:
    return sample_photo_jpeg()


@pytest.fixture(scope="session")
def signature() -> bytes:
    return sample_signature_png()


def render_pages(pdf_bytes: bytes, dpi: int = 300):
    """PIL images of every page at ``dpi``."""
    pdf = pdfium.PdfDocument(pdf_bytes)
    return [page.render(scale=dpi / 72).to_pil() for page in pdf]


def decode(pdf_bytes: bytes, dpi: int = 300) -> list[tuple[str, str]]:
    """``(format name, text)`` of every barcode zxing-cpp finds, page order."""
    out = []
    for img in render_pages(pdf_bytes, dpi):
        out += [(r.format.name, r.text) for r in zxingcpp.read_barcodes(img.convert("L"))]
    return out


def page_text(pdf_bytes: bytes, index: int = 0) -> str:
    """Extracted text of a page with whitespace collapsed to single spaces."""
    page = pdfium.PdfDocument(pdf_bytes)[index]
    return " ".join(page.get_textpage().get_text_range().split())
