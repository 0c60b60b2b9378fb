"""The account slip: the student's institutional address and one-time password on paper
(issue 20 item 5; DESIGN.md §13 "the first password reaches the student on paper at the desk, once").

Half a letter sheet (215.9 × 139.7 mm), embedded Vera font: title, the
student's name and matrícula, the address, the one-time password in large
type with each character spelled out (so ``l``/``I`` or ``0``/``O`` are never
confused — the generator avoids them anyway), and the steps to change it.
The PDF is built in memory and never written to disk by the station.
"""
from __future__ import annotations

import io
from datetime import datetime

from reportlab.lib import colors
from reportlab.lib.pagesizes import letter
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from station.documents.fonts import register_fonts

GREEN = colors.HexColor("#0B6B3A")
PAGE = (letter[0], letter[1] / 2)

_NAMES = {"#": "numeral", "$": "pesos", "%": "porcentaje", "&": "ampersand", "*": "asterisco", "+": "más",
          "-": "guion", "=": "igual", "?": "interrogación", "@": "arroba"}


def spell(password: str) -> str:
    """Each character named for dictation: ``"aB3#"`` → ``"a minúscula · B mayúscula · 3 · numeral"``."""
    parts = []
    for c in password:
        if c.isalpha():
            parts.append(f"{c} {'mayúscula' if c.isupper() else 'minúscula'}")
        elif c.isdigit():
            parts.append(c)
        else:
            parts.append(_NAMES.get(c, c))
    return " · ".join(parts)


def account_slip_pdf(full_name: str, matricula: str, address: str, password: str, sign_in_url: str,
                     printed_at: datetime | None = None) -> bytes:
    """PDF bytes of the slip (see module docstring). Raises ``ValueError`` for an empty address or password."""
    if not address or not password:
        raise ValueError("La hoja de la cuenta necesita la dirección y la contraseña.")
    regular, bold = register_fonts()
    printed_at = printed_at or datetime.now().astimezone()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=PAGE, pageCompression=1)
    c.setTitle(f"Cuenta de correo institucional {matricula}")
    c.setAuthor("Credencialización")
    width, height = PAGE
    left = 18 * mm
    y = height - 18 * mm
    c.setFillColor(GREEN)
    c.setFont(bold, 15)
    c.drawString(left, y, "Tu cuenta de correo institucional")
    c.setFillColor(colors.black)
    y -= 9 * mm
    c.setFont(regular, 10)
    c.drawString(left, y, f"Alumno: {full_name}")
    y -= 5 * mm
    c.drawString(left, y, f"Matrícula: {matricula}")
    y -= 10 * mm
    c.setFont(regular, 10)
    c.drawString(left, y, "Correo (usuario):")
    c.setFont(bold, 14)
    c.drawString(left + 34 * mm, y, address)
    y -= 10 * mm
    c.setFont(regular, 10)
    c.drawString(left, y, "Contraseña inicial:")
    c.setFont("Courier-Bold", 18)
    c.drawString(left + 34 * mm, y, password)
    y -= 6 * mm
    c.setFont(regular, 7.5)
    c.drawString(left + 34 * mm, y, spell(password))
    y -= 10 * mm
    c.setFont(bold, 10)
    c.drawString(left, y, "Cómo cambiarla")
    c.setFont(regular, 9.5)
    steps = (f"1. Entra a {sign_in_url} e inicia sesión con tu correo y esta contraseña.",
             "2. El sistema te pedirá una contraseña nueva: elige una que solo tú conozcas.",
             "3. Esta contraseña inicial sirve una sola vez; esta hoja no se vuelve a imprimir.",
             "4. Si la pierdes, pide el restablecimiento de contraseña en el Centro de Cómputo.")
    for step in steps:
        y -= 5.5 * mm
        c.drawString(left, y, step)
    c.setFont(regular, 7)
    c.setFillColor(colors.HexColor("#555555"))
    c.drawString(left, 10 * mm, f"Impreso el {printed_at:%d/%m/%Y %H:%M}. Guarda esta hoja en un lugar seguro o "
                                "destrúyela después de cambiar tu contraseña.")
    c.showPage()
    c.save()
    return buf.getvalue()
