"""Embedded TrueType fonts for the printed documents.

We use Bitstream Vera (Vera.ttf, VeraBd.ttf), which reportlab ships inside
its own package (``reportlab/fonts/``) under the free Bitstream Vera licence,
so nothing extra ships with the product. Vera covers Latin-1: every Spanish
accent, ``Ñ``/``ñ``, ``Ü`` and ``¿¡``. reportlab embeds a subset of the
font in each PDF, so the documents print the same on any machine.
"""
from __future__ import annotations

import functools
import os

import reportlab
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

#: Registered font names (use these in ``canvas.setFont``).
REGULAR = "CredVera"
BOLD = "CredVera-Bold"

_FILES = {REGULAR: "Vera.ttf", BOLD: "VeraBd.ttf"}


def font_dir() -> str:
    """Folder holding reportlab's bundled fonts (``…/reportlab/fonts``)."""
    return os.path.join(os.path.dirname(reportlab.__file__), "fonts")


@functools.cache
def register_fonts() -> tuple[str, str]:
    """Register the embedded fonts once per process; return ``(REGULAR, BOLD)``.

    Raises ``FileNotFoundError`` if the reportlab installation lacks its fonts
    (a broken install).
    """
    for name, filename in _FILES.items():
        pdfmetrics.registerFont(TTFont(name, os.path.join(font_dir(), filename)))
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD)
    return REGULAR, BOLD
