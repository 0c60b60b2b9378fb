"""Status report PDF (manual §6)."""
from __future__ import annotations

from datetime import datetime

import pypdfium2 as pdfium

from station.documents.report_pdf import status_report_pdf
from station.domain import REPORT_ORDER, Status
from station.domain.report import StatusReport, build_status_report

from .conftest import page_text


def test_report_pdf_has_every_status_column_the_rows_and_the_total():
    report = build_status_report([("001", "Ciudad Azteca", Status.ENROLLED, 494),
                                  ("001", "Ciudad Azteca", Status.RECEIVED, 8),
                                  ("040", "Ñado", Status.DELIVERED, 3)])
    pdf = status_report_pdf(report, generated_at=datetime(2026, 9, 1, 10, 30))
    w, h = pdfium.PdfDocument(pdf)[0].get_size()
    assert (round(w), round(h)) == (792, 612)  # landscape letter
    text = page_text(pdf)
    for label in [s.label for s in REPORT_ORDER] + ["#", "Plantel", "Alumnos"]:
        assert label in text
    assert "1 Ciudad Azteca 502 494" in text and "2 Ñado 3" in text
    assert "Total 505 494" in text and "01/09/2026 10:30" in text


def test_an_empty_report_still_prints_a_zero_total():
    assert "Total 0 0" in page_text(status_report_pdf(StatusReport([])))


def test_a_long_report_repeats_the_header_on_every_page():
    report = build_status_report([(f"{i:03d}", f"Plantel {i}", Status.ENROLLED, i) for i in range(1, 61)])
    pdf = status_report_pdf(report)
    pages = len(pdfium.PdfDocument(pdf))
    assert pages >= 2
    assert all("Imprimiendo" in page_text(pdf, i) for i in range(pages))
