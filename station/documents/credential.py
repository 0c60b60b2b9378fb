"""Temporary credential PDF (manual §8 step 9, §9; DESIGN.md §7).

Each credential is a front and a back at real CR80 size (ISO/IEC 7810 ID-1:
85.60 × 53.98 mm, corner radius 3.18 mm), side by side on a US-letter page
(215.9 × 279.4 mm) with cut marks; up to :data:`CARDS_PER_PAGE` credentials
per page for a group batch.

Front (manual §8 step 9): plantel, full name (APELLIDOS NOMBRE), career,
VIGENCIA, PREMATRÍCULA, photo, signature. Back: CURP, institutional e-mail,
health institution, affiliation number, a QR with the signed payload of
:mod:`station.documents.qr_payload`, a Code128 barcode of the matrícula and
the matrícula as text.

Long texts shrink (down to a minimum size) and wrap onto a few lines; as a
last resort the final line is cut with "…", so nothing ever leaves its box.
The photo JPEG is embedded as is (no re-encoding, no downsampling): a
480 × 640 capture in the 22 × 29.3 mm box prints at ≈ 554 dpi.
Text uses the embedded Bitstream Vera font (:mod:`station.documents.fonts`).
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Iterable, Sequence

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
import qrcode
import qrcode.constants
from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.colors import Color, HexColor, black, white
from reportlab.lib.pagesizes import letter
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from station.documents.fonts import register_fonts
from station.documents.qr_payload import CredentialPayload, sign_payload
from station.domain.student import Student
from station.domain.errors import UserError

#: CR80 / ISO/IEC 7810 ID-1 card size in millimetres.
CARD_W_MM = 85.60
CARD_H_MM = 53.98
CARD_RADIUS_MM = 3.18
#: Page size in points (US letter, 612 × 792 pt).
PAGE_SIZE = letter
#: Gap between front and back, and between rows of credentials (mm).
GAP_MM = 10.0
#: Cut marks: distance from the card corner and length (mm), 0.3 pt black.
CUT_OFFSET_MM = 1.0
CUT_LENGTH_MM = 3.5
#: Credentials per letter page in a batch (rows of front + back).
CARDS_PER_PAGE = 4
#: Photo box on the front (mm); 3:4 like the station's 480 × 640 capture.
PHOTO_W_MM = 22.0
PHOTO_H_MM = 29.33
#: QR side (mm, quiet zone included) and Code128 narrow bar (mm).
QR_MM = 24.0
BAR_MM = 0.38
#: Days a temporary credential is valid (issue 14 §5: short; ``temporary_valid_days`` in the config).
TEMPORARY_VALIDITY_DAYS = 90

GREEN = HexColor("#0B6B3A")
INK = HexColor("#1A1A1A")
GREY = HexColor("#5A5A5A")
OUTLINE = HexColor("#9A9A9A")
SAMPLE_MARK = Color(0.85, 0.1, 0.1, alpha=0.28)


@dataclass(frozen=True)
class CardData:
    """Everything one credential needs.

    ``photo_jpeg`` is JPEG bytes (embedded unchanged), ``signature_png`` PNG
    bytes (transparency kept), ``payload`` the signed QR payload whose
    ``valid_until`` is printed as VIGENCIA. ``sample`` overprints "MUESTRA".
    """

    student: Student
    photo_jpeg: bytes
    signature_png: bytes
    payload: CredentialPayload
    sample: bool = False
    station_id: str = ""


class CredentialError(UserError, ValueError):
    """The inputs cannot make a credential (e.g. unreadable photo). ``str()`` is Spanish."""

    code = "credential_invalid"


def temporary_valid_until(student: Student, issued_at: datetime,
                          valid_days: int = TEMPORARY_VALIDITY_DAYS) -> date:
    """Vigencia of a temporary credential: ``issued_at`` + ``valid_days`` days,
    never later than the record's ``valid_until`` when set (manual §10) — a
    temporary card is short-lived whatever the record says."""
    short = issued_at.date() + timedelta(days=valid_days)
    return min(short, student.valid_until) if student.valid_until else short


def make_card(student: Student, photo_jpeg: bytes, signature_png: bytes, key: Ed25519PrivateKey,
              station_id: str, issued_at: datetime | None = None, sample: bool = False,
              valid_days: int = TEMPORARY_VALIDITY_DAYS) -> CardData:
    """Sign the QR payload (key id, matrícula, CURP, full name, photo digest,
    vigencia, issue time) with the station ``key`` and bundle a :class:`CardData`.

    ``issued_at`` defaults to now (UTC). Vigencia: :func:`temporary_valid_until`.
    """
    from station.documents.qr_payload import SAMPLE_KEY_ID

    issued = issued_at or datetime.now(timezone.utc)
    payload = sign_payload(student.matricula, student.curp, student.full_name, photo_jpeg,
                           temporary_valid_until(student, issued, valid_days), key, issued,
                           key_id=SAMPLE_KEY_ID if sample else None)
    return CardData(student, photo_jpeg, signature_png, payload, sample, station_id)


# --------------------------------------------------------------------------- layout helpers

def card_origins(count: int) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    """Bottom-left corners (points) of ``(front, back)`` for ``count`` ≤
    :data:`CARDS_PER_PAGE` credentials on one page, top row first.

    The block of rows is centred horizontally; rows start at the top margin
    so a single credential sits near the top of the sheet.
    """
    page_w, page_h = PAGE_SIZE
    cw, ch, gap = CARD_W_MM * mm, CARD_H_MM * mm, GAP_MM * mm
    left = (page_w - (2 * cw + gap)) / 2
    block_h = CARDS_PER_PAGE * ch + (CARDS_PER_PAGE - 1) * gap
    top = page_h - (page_h - block_h) / 2
    out = []
    for i in range(count):
        y = top - ch - i * (ch + gap)
        out.append(((left, y), (left + cw + gap, y)))
    return out


def wrap_text(text: str, font: str, size: float, max_width: float) -> list[str]:
    """Greedy word wrap at ``size`` points within ``max_width`` points; a word
    wider than the box is broken between characters. Returns the lines."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if stringWidth(candidate, font, size) <= max_width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = ""
        while stringWidth(word, font, size) > max_width:
            cut = len(word) - 1
            while cut > 1 and stringWidth(word[:cut], font, size) > max_width:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    if current:
        lines.append(current)
    return lines


def fit_text(text: str, font: str, max_width: float, max_lines: int, max_size: float,
             min_size: float, step: float = 0.25) -> tuple[float, list[str]]:
    """Largest size in [``min_size``, ``max_size``] (points) at which ``text``
    wraps into ≤ ``max_lines`` lines of ≤ ``max_width`` points.

    Returns ``(size, lines)``. If even ``min_size`` needs more lines, the
    first ``max_lines`` are kept and the last ends with "…" (still within
    ``max_width``).
    """
    size = max_size
    while True:
        lines = wrap_text(text, font, size, max_width)
        if len(lines) <= max_lines:
            return size, lines
        if size - step < min_size - 1e-9:
            break
        size -= step
    lines = lines[:max_lines]
    last = lines[-1] + "…"
    while stringWidth(last, font, size) > max_width and len(last) > 1:
        last = last[:-2] + "…"
    lines[-1] = last
    return size, lines


def _draw_lines(c: Canvas, lines: Sequence[str], font: str, size: float, x: float, top: float,
                leading: float = 1.15) -> float:
    """Draw ``lines`` left-aligned below ``top``; return the y under the last line."""
    c.setFont(font, size)
    y = top
    for line in lines:
        y -= size * leading
        c.drawString(x, y + size * (leading - 1) + size * 0.2, line)
    return y


def _fitted(c: Canvas, text: str, font: str, x: float, top: float, width: float, max_lines: int,
            max_size: float, min_size: float) -> float:
    size, lines = fit_text(text, font, width, max_lines, max_size, min_size)
    return _draw_lines(c, lines, font, size, x, top)


def _cut_marks(c: Canvas, x: float, y: float) -> None:
    w, h = CARD_W_MM * mm, CARD_H_MM * mm
    off, length = CUT_OFFSET_MM * mm, CUT_LENGTH_MM * mm
    c.setStrokeColor(INK)
    c.setLineWidth(0.3)
    for cx, sx in ((x, -1), (x + w, 1)):
        for cy, sy in ((y, -1), (y + h, 1)):
            c.line(cx + sx * off, cy, cx + sx * (off + length), cy)  # horizontal, along the edge line
            c.line(cx, cy + sy * off, cx, cy + sy * (off + length))  # vertical


def _outline(c: Canvas, x: float, y: float) -> None:
    c.setStrokeColor(OUTLINE)
    c.setLineWidth(0.25)
    c.roundRect(x, y, CARD_W_MM * mm, CARD_H_MM * mm, CARD_RADIUS_MM * mm, stroke=1, fill=0)


def _header(c: Canvas, x: float, y: float, height_mm: float, left: str, right: str, bold: str,
            regular: str) -> None:
    w, h = CARD_W_MM * mm, CARD_H_MM * mm
    band = height_mm * mm
    p = c.beginPath()
    r = CARD_RADIUS_MM * mm
    # Band with the card's rounded top corners.
    p.moveTo(x, y + h - band)
    p.lineTo(x, y + h - r)
    p.arcTo(x, y + h - 2 * r, x + 2 * r, y + h, startAng=180, extent=-90)
    p.lineTo(x + w - r, y + h)
    p.arcTo(x + w - 2 * r, y + h - 2 * r, x + w, y + h, startAng=90, extent=-90)
    p.lineTo(x + w, y + h - band)
    p.close()
    c.setFillColor(GREEN)
    c.drawPath(p, stroke=0, fill=1)
    c.setFillColor(white)
    base = y + h - band / 2 - 2.4
    size, (line,) = fit_text(left, bold, 50 * mm, 1, 7.5, 5)
    c.setFont(bold, size)
    c.drawString(x + 3 * mm, base, line)
    size, (line,) = fit_text(right, regular, 28 * mm, 1, 5.5, 4)
    c.setFont(regular, size)
    c.drawRightString(x + w - 3 * mm, base, line)


def _sample_mark(c: Canvas, x: float, y: float) -> None:
    c.saveState()
    c.setFillColor(SAMPLE_MARK)
    c.translate(x + CARD_W_MM * mm / 2, y + CARD_H_MM * mm / 2)
    c.rotate(22)
    c.setFont(register_fonts()[1], 26)
    c.drawCentredString(0, -9, "MUESTRA")
    c.restoreState()


def _image(data: bytes, what: str) -> ImageReader:
    try:
        reader = ImageReader(io.BytesIO(data))
        reader.getSize()
    except Exception as exc:  # reportlab/Pillow raise many types for bad images
        raise CredentialError(f"No se pudo leer la {what} del alumno: el archivo está dañado "
                              "o no es una imagen.") from exc
    return reader


def _front(c: Canvas, card: CardData, x: float, y: float) -> None:
    regular, bold = register_fonts()
    s = card.student
    _outline(c, x, y)
    _header(c, x, y, 9, "CONALEP ESTADO DE MÉXICO", "CREDENCIAL TEMPORAL", bold, regular)
    # Photo: embedded as is (JPEG pass-through, full resolution). It fills its
    # box ("cover"): a photo of another aspect is centred and clipped, not
    # distorted nor letterboxed.
    px, ptop = x + 3 * mm, y + 42 * mm
    pw, ph = PHOTO_W_MM * mm, PHOTO_H_MM * mm
    photo = _image(card.photo_jpeg, "fotografía")
    iw, ih = photo.getSize()
    scale = max(pw / iw, ph / ih)
    dw, dh = iw * scale, ih * scale
    c.saveState()
    clip = c.beginPath()
    clip.rect(px, ptop - ph, pw, ph)
    c.clipPath(clip, stroke=0, fill=0)
    c.drawImage(photo, px + (pw - dw) / 2, ptop - ph + (ph - dh) / 2, dw, dh)
    c.restoreState()
    c.setStrokeColor(OUTLINE)
    c.setLineWidth(0.3)
    c.rect(px, ptop - ph, pw, ph, stroke=1, fill=0)
    # Text column right of the photo.
    tx, tw = x + 28 * mm, (CARD_W_MM - 28 - 3) * mm
    c.setFillColor(GREEN)
    bottom = _fitted(c, s.campus_name or s.campus_code, bold, tx, ptop + 1, tw, 1, 7.5, 5)
    c.setFillColor(INK)
    bottom = _fitted(c, s.full_name, bold, tx, bottom - 2.5, tw, 3, 9, 5.5)
    c.setFillColor(GREY)
    _fitted(c, s.career, regular, tx, bottom - 2, tw, 3, 7, 5)
    # VIGENCIA and PREMATRÍCULA under the photo.
    c.setFillColor(INK)
    for i, (label, value) in enumerate((("VIGENCIA: ", f"{card.payload.valid_until:%d/%m/%Y}"),
                                        ("PREMATRÍCULA: ", s.prematricula or "—"))):
        ly = y + (8.2 - i * 3.6) * mm
        size, (line,) = fit_text(label + value, bold, 44 * mm, 1, 6.5, 4.5)
        c.setFont(bold, size)
        c.drawString(px, ly, label)
        c.setFont(regular, size)
        c.drawString(px + stringWidth(label, bold, size), ly, value)
    # Signature box, bottom right, with a line and caption.
    sx, sy, sw, sh = x + 50 * mm, y + 4.2 * mm, 32.6 * mm, 9.5 * mm
    sig = _image(card.signature_png, "firma")
    iw, ih = sig.getSize()
    scale = min(sw / iw, sh / ih)
    c.drawImage(sig, sx + (sw - iw * scale) / 2, sy + (sh - ih * scale) / 2, iw * scale, ih * scale,
                mask="auto")
    c.setStrokeColor(GREY)
    c.setLineWidth(0.4)
    c.line(sx, sy, sx + sw, sy)
    c.setFillColor(GREY)
    c.setFont(regular, 4.5)
    c.drawCentredString(sx + sw / 2, sy - 5.5, "FIRMA DEL ALUMNO")
    if card.sample:
        _sample_mark(c, x, y)


def _field(c: Canvas, label: str, value: str, x: float, top: float, width: float, max_lines: int,
           regular: str, bold: str) -> float:
    c.setFillColor(GREY)
    c.setFont(bold, 4.6)
    c.drawString(x, top - 4.6, label)
    c.setFillColor(INK)
    return _fitted(c, value or "—", regular, x, top - 5.4, width, max_lines, 6.8, 4.8)


def _back(c: Canvas, card: CardData, x: float, y: float) -> None:
    regular, bold = register_fonts()
    s, p = card.student, card.payload
    _outline(c, x, y)
    if card.sample:  # under the content, so the QR and barcode stay readable
        _sample_mark(c, x, y)
    _header(c, x, y, 6, s.campus_name or "CONALEP", "CONALEP ESTADO DE MÉXICO", bold, regular)
    tx, tw = x + 3 * mm, 52 * mm
    top = y + (CARD_H_MM - 7.5) * mm
    top = _field(c, "CURP", s.curp, tx, top, tw, 1, regular, bold) - 1.8
    top = _field(c, "CORREO INSTITUCIONAL", s.institutional_email, tx, top, tw, 2, regular, bold) - 1.8
    top = _field(c, "INSTITUCIÓN MÉDICA", s.health_institution, tx, top, tw, 2, regular, bold) - 1.8
    _field(c, "NÚMERO DE AFILIACIÓN", s.affiliation_number, tx, top, tw, 1, regular, bold)
    # QR (quiet zone of 4 modules included in QR_MM), top right.
    side = QR_MM * mm
    qx, qy = x + (CARD_W_MM - 1.5) * mm - side, y + (CARD_H_MM - 6.5) * mm - side
    _draw_qr(c, p.encode(), qx, qy, side)
    # Code128 of the matrícula, bottom left, with the matrícula as text under it.
    bar = Code128(s.matricula, barWidth=BAR_MM * mm, barHeight=8 * mm, quiet=0)
    bar.drawOn(c, tx, y + 6.8 * mm)
    c.setFillColor(INK)
    c.setFont(bold, 8.5)
    c.drawString(tx, y + 3.2 * mm, s.matricula)
    c.setFont(regular, 4.5)
    c.setFillColor(GREY)
    c.drawString(tx + stringWidth(s.matricula, bold, 8.5) + 2, y + 3.2 * mm, "MATRÍCULA")
    # Issue facts under the QR.
    right = x + (CARD_W_MM - 3) * mm
    c.drawRightString(right, y + 6.2 * mm, f"Emitida {p.issued_at.astimezone():%d/%m/%Y %H:%M}")
    size, (line,) = fit_text(f"Estación {card.station_id} · clave {p.key_id}", regular, 26 * mm, 1, 4.5, 3.5)
    c.setFont(regular, size)
    c.drawRightString(right, y + 3.6 * mm, line)


def _draw_qr(c: Canvas, text: str, x: float, y: float, side: float, border: int = 4) -> None:
    """Draw ``text`` as a QR (level M, byte mode) filling a ``side``-point square
    whose lower-left corner is (``x``, ``y``), quiet zone of ``border`` modules
    included. Dark runs of each row are one rectangle each, in one path."""
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    qr.add_data(text.encode("utf-8"))
    qr.make(fit=True)
    matrix = qr.get_matrix()
    n = len(matrix)
    module = side / (n + 2 * border)
    path = c.beginPath()
    for r, row in enumerate(matrix):
        top = y + side - (border + r) * module
        col = 0
        while col < n:
            if row[col]:
                start = col
                while col < n and row[col]:
                    col += 1
                path.rect(x + (border + start) * module, top - module, (col - start) * module, module)
            else:
                col += 1
    c.setFillColor(black)
    c.drawPath(path, stroke=0, fill=1)


def _page_note(c: Canvas, regular: str) -> None:
    c.setFillColor(GREY)
    c.setFont(regular, 7)
    c.drawCentredString(PAGE_SIZE[0] / 2, PAGE_SIZE[1] - 8 * mm,
                        "Credencial temporal · Imprimir a tamaño real (100 %, sin ajustar a la página) "
                        "y recortar por las marcas · CR80 85.60 × 53.98 mm")


def credentials_pdf(cards: Iterable[CardData], title: str = "Credenciales temporales") -> bytes:
    """Render credentials (front + back each) to PDF bytes, :data:`CARDS_PER_PAGE` per letter page.

    Raises :class:`CredentialError` when there is nothing to print or a photo
    or signature cannot be read.
    """
    regular, _ = register_fonts()
    cards = list(cards)
    if not cards:
        raise CredentialError("No hay credenciales que imprimir.")
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=PAGE_SIZE, pageCompression=1, initialFontName=regular, initialFontSize=8)
    c.setTitle(title)
    c.setAuthor("Credencialización — CONALEP Estado de México")
    c.setCreator("credencializacion")
    for start in range(0, len(cards), CARDS_PER_PAGE):
        chunk = cards[start:start + CARDS_PER_PAGE]
        _page_note(c, regular)
        for card, (front, back) in zip(chunk, card_origins(len(chunk))):
            _front(c, card, *front)
            _back(c, card, *back)
            _cut_marks(c, *front)
            _cut_marks(c, *back)
        c.showPage()
    c.save()
    return buf.getvalue()


def credential_pdf(card: CardData) -> bytes:
    """One credential (front + back) on a letter page, as PDF bytes. See :func:`credentials_pdf`."""
    return credentials_pdf([card], title=f"Credencial temporal {card.student.matricula}")


def credentials_cr80_pdf(cards: Iterable[CardData], title: str = "Credenciales temporales") -> bytes:
    """Render credentials for a card printer (Evolis, Zebra, Fargo): one page per card
    side at CR80 size (85.60 × 53.98 mm, ISO/IEC 7810 ID-1), front then back, no
    cut marks. Raises :class:`CredentialError` as :func:`credentials_pdf`."""
    regular, _ = register_fonts()
    cards = list(cards)
    if not cards:
        raise CredentialError("No hay credenciales que imprimir.")
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=(CARD_W_MM * mm, CARD_H_MM * mm), pageCompression=1, initialFontName=regular,
               initialFontSize=8)
    c.setTitle(title)
    c.setAuthor("Credencialización — CONALEP Estado de México")
    c.setCreator("credencializacion")
    for card in cards:
        _front(c, card, 0, 0)
        c.showPage()
        _back(c, card, 0, 0)
        c.showPage()
    c.save()
    return buf.getvalue()
