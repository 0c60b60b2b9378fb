"""Aviso de privacidad (LGPDPPSO arts. 26–28): the text shown at sign-in and its printable PDF.

:data:`SHORT_NOTICE` is the simplified notice (art. 28) shown on the sign-in
window; :data:`FULL_NOTICE` the integral notice (art. 27), printed with
:func:`privacy_notice_pdf` (``credencializacion aviso --out aviso.pdf``) for
the desk's wall and for students and guardians who ask.
"""
from __future__ import annotations

import io

RESPONSIBLE = "Colegio Nacional de Educación Profesional Técnica (CONALEP), Estado de México"

SHORT_NOTICE = (
    f"Aviso de privacidad simplificado. {RESPONSIBLE} trata los datos de los alumnos (nombre, CURP, matrícula, "
    "correo, institución médica y número de afiliación) y sus datos biométricos (fotografía y firma) solo para "
    "emitir y entregar su credencial escolar. Los datos de menores de edad se tratan con el consentimiento de su "
    "madre, padre o tutor. Puede ejercer sus derechos de acceso, rectificación, cancelación y oposición (ARCO) ante "
    "la Dirección Estatal. Aviso integral: imprímalo desde «Aviso de privacidad»."
)

FULL_NOTICE = [
    ("Responsable", f"{RESPONSIBLE}, a través de la Dirección Estatal y de cada plantel."),
    ("Datos que se tratan", "Nombre completo, CURP, matrícula, prematrícula, plantel, grupo, carrera, correo "
                            "institucional, institución de salud y número de afiliación; fotografía del rostro y "
                            "firma autógrafa digitalizada (datos biométricos, sensibles)."),
    ("Finalidad", "Identificar al alumno, emitir su credencial temporal y su credencial definitiva, y registrar su "
                  "entrega. No se usan para otra finalidad ni se transfieren, salvo los requerimientos de autoridad "
                  "competente previstos en la ley."),
    ("Menores de edad", "La toma de fotografía y firma de un alumno menor de 18 años requiere el consentimiento de "
                        "su madre, padre o tutor, que se registra con su nombre, parentesco, fecha y el usuario que "
                        "lo recabó."),
    ("Conservación", "Las estaciones de los planteles guardan los datos cifrados y borran los biométricos ya "
                     "enviados al servidor central después del plazo configurado; el servidor central los conserva "
                     "mientras el alumno esté inscrito o hasta que la Dirección Estatal atienda una solicitud de "
                     "cancelación."),
    ("Derechos ARCO", "El alumno, o su madre, padre o tutor si es menor, puede solicitar el acceso a sus datos, "
                      "su rectificación, cancelación u oposición ante la Dirección Estatal, que entrega una copia de "
                      "todo lo que se guarda (registro, historial, accesos y biométricos)."),
    ("Cambios", "Los cambios a este aviso se publican en los planteles y en esta estación."),
]


def privacy_notice_pdf() -> bytes:
    """The integral notice as a one-page letter PDF (reportlab, the station's fonts)."""
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    from station.documents.fonts import register_fonts

    regular, bold = register_fonts()
    title = ParagraphStyle("t", fontName=bold, fontSize=15, leading=19, spaceAfter=8)
    head = ParagraphStyle("h", fontName=bold, fontSize=10.5, leading=13, spaceBefore=6)
    body = ParagraphStyle("b", fontName=regular, fontSize=10, leading=13)
    story = [Paragraph("Aviso de privacidad integral — Credencialización de alumnos", title),
             Paragraph(SHORT_NOTICE, body), Spacer(1, 4 * mm)]
    for heading, text in FULL_NOTICE:
        story += [Paragraph(heading, head), Paragraph(text, body)]
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=letter, title="Aviso de privacidad", leftMargin=20 * mm, rightMargin=20 * mm,
                      topMargin=18 * mm, bottomMargin=18 * mm).build(story)
    return out.getvalue()


def aviso_main(argv) -> int:
    """``credencializacion aviso --out ARCHIVO.pdf``: print the integral notice. 0 saved, 2 bad input."""
    from pathlib import Path

    from station.documents.cli import EXIT_INPUT, EXIT_OK, _Parser, _write

    parser = _Parser(prog="credencializacion aviso", description="Genera el aviso de privacidad integral en PDF.")
    parser.add_argument("--out", required=True, type=Path, metavar="ARCHIVO.pdf", help="PDF a crear.")
    args = parser.parse_args(list(argv))
    if not _write(args.out, privacy_notice_pdf()):
        return EXIT_INPUT
    print(f"Aviso de privacidad guardado en {args.out}.")
    return EXIT_OK
