"""Direct printing of the temporary credential (issue 16): the page is printed
at its real size (letter with cut marks, or CR80 for card printers), never
«fit to page»; the preview opens at 100 %."""
from __future__ import annotations

from datetime import datetime, timezone

import pypdfium2 as pdfium
import pytest
from PySide6.QtGui import QAction
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewWidget
from PySide6.QtWidgets import QWidget

from ui.printing import CredentialPrinter, configure_printer, paint_pdf


@pytest.fixture
def card():
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from station.documents.credential import make_card
    from station.documents.sample import sample_photo_jpeg, sample_signature_png, sample_student

    return make_card(sample_student(), sample_photo_jpeg(), sample_signature_png(), Ed25519PrivateKey.generate(),
                     "EST-1", datetime(2026, 9, 1, tzinfo=timezone.utc))


def page_sizes_mm(path) -> list[tuple[float, float]]:
    doc = pdfium.PdfDocument(str(path))
    try:
        return [(round(w * 25.4 / 72, 1), round(h * 25.4 / 72, 1)) for w, h in (p.get_size() for p in doc)]
    finally:
        doc.close()


@pytest.mark.parametrize("layout", ["letter", "cr80"])
def test_printed_page_keeps_the_card_size(card, tmp_path, qtbot, layout):
    from station.documents.credential import credentials_cr80_pdf, credentials_pdf

    pdf = tmp_path / "credencial.pdf"
    pdf.write_bytes((credentials_cr80_pdf if layout == "cr80" else credentials_pdf)([card]))
    expected = page_sizes_mm(pdf)
    if layout == "cr80":
        assert expected == [(85.6, 54.0), (85.6, 54.0)]  # front and back, one CR80 page each
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    configure_printer(printer, pdf)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "impreso.pdf"
    printer.setOutputFileName(str(out))
    paint_pdf(printer, pdf)
    printed = page_sizes_mm(out)
    # Same paper at 100 %: nothing shrunk to fit (Qt rounds a custom page to whole points: ≤ 0.2 mm).
    assert len(printed) == len(expected)
    assert all(abs(a - b) <= 0.2 for p, e in zip(printed, expected) for a, b in zip(p, e)), (printed, expected)


def test_preview_opens_at_100_percent_with_save_pdf(card, tmp_path, qtbot):
    from station.documents.credential import credentials_pdf

    pdf = tmp_path / "credencial.pdf"
    pdf.write_bytes(credentials_pdf([card]))
    host = QWidget()
    qtbot.addWidget(host)
    printer = CredentialPrinter(host)
    dialog = printer.preview(pdf, exec_dialog=False)
    qtbot.addWidget(dialog)
    widget = dialog.findChild(QPrintPreviewWidget)
    assert widget.zoomMode() == QPrintPreviewWidget.ZoomMode.CustomZoom and widget.zoomFactor() == 1.0
    save = dialog.findChild(QAction, "savePdf")
    assert save is not None and save.text() == "Guardar PDF…"
