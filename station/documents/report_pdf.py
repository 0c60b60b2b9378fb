"""Status report per plantel as PDF (manual §6 "Reporte de estatus por Plantel").

Landscape US-letter, embedded Vera font, one table: ``#``, ``Plantel``,
``Alumnos`` and one column per status in :data:`station.domain.REPORT_ORDER`
(Spanish labels), then the bold "Total" row. Long reports continue on more
pages with the header row repeated.
"""
from __future__ import annotations

import io
from datetime import datetime

from reportlab.lib import colors
from reportlab.lib.pagesizes import landscape, letter
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from station.documents.fonts import register_fonts
from station.domain.xlsx import status_report_headers
from station.domain.report import StatusReport
from station.domain.statuses import REPORT_ORDER

GREEN = colors.HexColor("#0B6B3A")


def status_report_pdf(report: StatusReport, generated_at: datetime | None = None,
                      subtitle: str = "Muestra de procesos de los planteles") -> bytes:
    """Render ``report`` to PDF bytes (landscape letter, 279.4 × 215.9 mm).

    ``generated_at`` (default: now, local time) is printed under the title.
    An empty report prints the header and a zero "Total" row.
    """
    regular, bold = register_fonts()
    generated_at = generated_at or datetime.now().astimezone()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=landscape(letter), leftMargin=12 * mm, rightMargin=12 * mm,
                            topMargin=14 * mm, bottomMargin=14 * mm, title="Reporte de estatus por Plantel",
                            author="Credencialización — CONALEP Estado de México", creator="credencializacion")
    title = ParagraphStyle("t", fontName=bold, fontSize=15, leading=19, textColor=GREEN)
    small = ParagraphStyle("s", fontName=regular, fontSize=8.5, leading=11, textColor=colors.HexColor("#444444"))
    cell = ParagraphStyle("c", fontName=regular, fontSize=8, leading=9.5)
    head = ParagraphStyle("h", fontName=bold, fontSize=6.5, leading=8, textColor=colors.white, alignment=1)
    data: list[list] = [[Paragraph(h, head) for h in status_report_headers()]]
    for i, row in enumerate(report.rows, start=1):
        data.append([str(i), Paragraph(row.campus_name or row.campus_code, cell), f"{row.total:,}"]
                    + [f"{row.counts.get(s, 0):,}" for s in REPORT_ORDER])
    totals = report.totals
    data.append(["Total", "", f"{totals.total:,}"] + [f"{totals.counts.get(s, 0):,}" for s in REPORT_ORDER])
    widths = [9 * mm, 48 * mm, 17 * mm] + [18 * mm] * len(REPORT_ORDER)  # 254 mm: fits the 255.4 mm frame
    table = Table(data, colWidths=widths, repeatRows=1)
    last = len(data) - 1
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), regular, 8),
        ("BACKGROUND", (0, 0), (-1, 0), GREEN),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (2, 1), (-1, -1), "RIGHT"),
        ("ALIGN", (0, 1), (0, -1), "CENTER"),
        ("ROWBACKGROUNDS", (0, 1), (-1, last - 1), [colors.white, colors.HexColor("#F1F5F2")]),
        ("FONT", (0, last), (-1, last), bold, 8),
        ("SPAN", (0, last), (1, last)),
        ("ALIGN", (0, last), (1, last), "LEFT"),
        ("LINEABOVE", (0, last), (-1, last), 0.8, GREEN),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor("#B8C4BC")),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, 0), 1.5),
        ("RIGHTPADDING", (0, 0), (-1, 0), 1.5),
    ]))
    story = [Paragraph("Reporte de estatus por Plantel", title),
             Paragraph(f"{subtitle} · Generado el {generated_at:%d/%m/%Y %H:%M}", small),
             Spacer(1, 5 * mm), table]
    doc.build(story)
    return buf.getvalue()
