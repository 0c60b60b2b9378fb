"""Temporary credential PDF: decodable codes, every field, real sizes, long texts, photo dpi."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pypdfium2 as pdfium
import pytest
from reportlab.lib.units import mm

from station.domain.demo import generate_students
from station.documents.credential import (
    CARD_H_MM,
    CARD_W_MM,
    PHOTO_W_MM,
    CredentialError,
    credential_pdf,
    credentials_pdf,
    fit_text,
    make_card,
)
from station.documents.fonts import register_fonts
from station.documents.qr_payload import KeyInfo, QrPayloadError, key_id_of, verify_payload
from station.documents.sample import sample_student

from .conftest import STATION, decode, page_text

ISSUED = datetime(2026, 9, 1, 12, 0, tzinfo=timezone.utc)
NOW = datetime(2026, 9, 2, tzinfo=timezone.utc)
PT_PER_MM = 72 / 25.4


def _keys(key):
    return {key_id_of(key): KeyInfo(key_id_of(key), STATION, key.public_key())}
LONG_NAME = "ÑÚÑEZ DE LA CRUZ CASTAÑEDA IBÁÑEZ MARÍA DE LOS ÁNGELES ITZEL"  # 60 characters
LONG_CAREER = ("PT-B en Mantenimiento de Sistemas Automáticos, Electromecánica Industrial y Climatización.")


@pytest.fixture(scope="module")
def student():
    return sample_student().replace(valid_until=date(2027, 8, 1))


@pytest.fixture(scope="module")
def pdf(student, key, photo, signature) -> bytes:
    return credential_pdf(make_card(student, photo, signature, key, STATION, ISSUED))


def test_qr_and_code128_decode_back_to_the_matricula_and_a_valid_signature(pdf, student, key):
    found = dict(decode(pdf, dpi=300))
    assert found["Code128"] == student.matricula
    payload = verify_payload(found["QRCode"], _keys(key), now=NOW)
    assert (payload.matricula, payload.curp, payload.full_name, payload.valid_until) == (
        student.matricula, student.curp, student.full_name, date(2026, 11, 30))  # 90 days, not the record's 2027
    assert payload.key_id == key_id_of(key) and payload.issued_at == ISSUED


@pytest.mark.parametrize("dpi", [150, 200, 600])
def test_codes_decode_at_common_scan_resolutions(pdf, student, dpi):
    formats = {fmt: text for fmt, text in decode(pdf, dpi=dpi)}
    assert formats.get("Code128") == student.matricula
    assert formats.get("QRCode", "").startswith("CRD2|") and f"|{student.matricula}|" in formats["QRCode"]


def test_tampered_qr_payload_from_the_printed_card_is_refused(pdf, key):
    text = dict(decode(pdf))["QRCode"]
    forged = text.replace("260010999-1", "260010998-1")
    with pytest.raises(QrPayloadError) as err:
        verify_payload(forged, _keys(key), now=NOW)
    assert err.value.code == "altered"


def test_text_extraction_finds_every_field(pdf, student):
    text = page_text(pdf)
    for value in (student.campus_name, student.full_name, student.career, "VIGENCIA: 30/11/2026",
                  f"PREMATRÍCULA: {student.prematricula}", student.curp, student.institutional_email,
                  student.health_institution, student.affiliation_number, student.matricula,
                  "CORREO INSTITUCIONAL", "INSTITUCIÓN MÉDICA", "NÚMERO DE AFILIACIÓN"):
        assert value in text, value
    assert "CASTAÑEDA ORDÓÑEZ MARÍA DE LOS ÁNGELES" in text  # accents and Ñ survive the embedded font


def test_fonts_are_embedded_and_no_base14_font_is_used(pdf):
    assert b"/FontFile2" in pdf
    assert b"/BaseFont /Helvetica" not in pdf


def _card_rects(pdf_bytes: bytes, index: int = 0) -> list[tuple[float, float, float, float]]:
    """Bounds (pt) of the drawn card outlines: path objects about one card in size."""
    page = pdfium.PdfDocument(pdf_bytes)[index]
    rects = []
    for obj in page.get_objects(max_depth=3):
        if obj.type != pdfium.raw.FPDF_PAGEOBJ_PATH:
            continue
        left, bottom, right, top = obj.get_bounds()
        if abs((right - left) / PT_PER_MM - CARD_W_MM) < 1 and abs((top - bottom) / PT_PER_MM - CARD_H_MM) < 1:
            rects.append((left, bottom, right, top))
    return rects


def test_page_is_letter_and_cards_are_cr80_within_0_2_mm(pdf):
    page = pdfium.PdfDocument(pdf)[0]
    w, h = page.get_size()
    assert abs(w / PT_PER_MM - 215.9) <= 0.2 and abs(h / PT_PER_MM - 279.4) <= 0.2
    rects = _card_rects(pdf)
    assert len(rects) == 2  # front and back
    for left, bottom, right, top in rects:
        assert abs((right - left) / PT_PER_MM - 85.60) <= 0.2
        assert abs((top - bottom) / PT_PER_MM - 53.98) <= 0.2
        assert left > 0 and right < w and bottom > 0 and top < h


def test_photo_is_embedded_at_300_dpi_or_better(pdf):
    page = pdfium.PdfDocument(pdf)[0]
    images = [o for o in page.get_objects(max_depth=3) if o.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE]
    photo = max(images, key=lambda o: o.get_px_size()[0] * o.get_px_size()[1])
    left, bottom, right, top = photo.get_bounds()
    px_w, px_h = photo.get_px_size()
    assert px_w / ((right - left) / 72) >= 300 and px_h / ((top - bottom) / 72) >= 300
    assert (right - left) >= PHOTO_W_MM * mm - 0.5  # the photo covers its box


def _chars(pdf_bytes: bytes, needle: str) -> list[tuple[float, float, float, float]]:
    """Char boxes (pt) of the text ``needle`` on page 0, found across line breaks."""
    page = pdfium.PdfDocument(pdf_bytes)[0]
    tp = page.get_textpage()
    boxes, wanted = [], needle.replace(" ", "")
    for i in range(tp.count_chars()):
        boxes.append((tp.get_text_range(i, 1), tp.get_charbox(i)))
    text = "".join(c for c, _ in boxes)
    visible = [(c, b) for c, b in boxes if not c.isspace()]
    joined = "".join(c for c, _ in visible)
    start = joined.find(wanted)
    assert start >= 0, f"{needle!r} not found in {text!r}"
    return [b for _, b in visible[start:start + len(wanted)]]


def test_a_60_character_name_and_a_90_character_career_fit_inside_the_card(student, key, photo, signature):
    assert len(LONG_NAME) == 60 and len(LONG_CAREER) == 90
    long = student.replace(first_surname="ÑÚÑEZ DE LA CRUZ", second_surname="CASTAÑEDA IBÁÑEZ",
                           first_names="MARÍA DE LOS ÁNGELES ITZEL", career=LONG_CAREER)
    assert long.full_name == LONG_NAME
    pdf = credential_pdf(make_card(long, photo, signature, key, STATION, ISSUED))
    text = page_text(pdf)
    assert LONG_NAME in text and LONG_CAREER in text  # nothing cut
    front = min(_card_rects(pdf), key=lambda r: r[0])
    left, bottom, right, top = front
    column_left = left + 27.5 * mm  # right of the photo
    signature_top = bottom + 14 * mm
    header_bottom = top - 9 * mm
    for needle in (LONG_NAME, LONG_CAREER):
        for x0, y0, x1, y1 in _chars(pdf, needle):
            assert column_left <= x0 and x1 <= right - 2 * mm, needle
            assert signature_top <= y0 and y1 <= header_bottom, needle
    assert dict(decode(pdf))["Code128"] == long.matricula


def test_fit_text_never_exceeds_its_box_even_for_an_unbreakable_text():
    _, bold = register_fonts()
    from reportlab.pdfbase.pdfmetrics import stringWidth

    size, lines = fit_text("X" * 400, bold, 100, 2, 9, 5)
    assert size == 5 and len(lines) == 2 and lines[-1].endswith("…")
    assert all(stringWidth(line, bold, size) <= 100 for line in lines)
    size, lines = fit_text("corto", bold, 100, 2, 9, 5)
    assert (size, lines) == (9, ["corto"])


def test_batch_puts_a_whole_group_in_one_pdf_four_per_page(key, photo, signature):
    group = list(generate_students(9, seed=11))
    pdf = credentials_pdf([make_card(s, photo, signature, key, STATION, ISSUED) for s in group])
    doc = pdfium.PdfDocument(pdf)
    assert len(doc) == 3
    assert [len(_card_rects(pdf, i)) for i in range(3)] == [8, 8, 2]
    found = decode(pdf, dpi=200)
    assert sorted(t for f, t in found if f == "Code128") == sorted(s.matricula for s in group)
    qr = [verify_payload(t, _keys(key), now=NOW).matricula for f, t in found if f == "QRCode"]
    assert sorted(qr) == sorted(s.matricula for s in group)


def test_unreadable_photo_and_empty_batch_are_spanish_errors(student, key, signature):
    with pytest.raises(CredentialError, match="fotografía"):
        credential_pdf(make_card(student, b"no es jpeg", signature, key, STATION, ISSUED))
    with pytest.raises(CredentialError, match="No hay credenciales"):
        credentials_pdf([])


def test_vigencia_defaults_for_a_record_not_validated_yet(key, photo, signature):
    s = sample_student()  # CAPTURED, no valid_until
    card = make_card(s, photo, signature, key, STATION, ISSUED)
    assert card.payload.valid_until == date(2026, 11, 30)  # issue date + 90 days
    assert "VIGENCIA: 30/11/2026" in page_text(credential_pdf(card))
    assert make_card(s, photo, signature, key, STATION, ISSUED, valid_days=30).payload.valid_until == date(2026, 10, 1)
