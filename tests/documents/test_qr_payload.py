"""Signed QR payload (CRD2): round trip and each verdict — valid, unknown key, expired, revoked, altered."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from station.documents.qr_payload import (
    SAMPLE_KEY_ID,
    KeyInfo,
    QrPayloadError,
    decode_payload,
    key_id_of,
    photo_digest,
    sign_payload,
    verify_payload,
)

ISSUED = datetime(2026, 9, 1, 15, 30, 12, 999, tzinfo=timezone.utc)
NOW = ISSUED + timedelta(hours=1)
PHOTO = b"\xff\xd8\xff\xe0foto impresa"
NAME = "ALBARRÁN MALDONADO YAHIR ALEXIS"


def _signed(key, valid=date(2026, 11, 30), issued=ISSUED, photo=PHOTO, key_id=None):
    return sign_payload("180010051-1", "aamy021208hdfllha4", NAME, photo, valid, key, issued, key_id=key_id)


def _keys(*infos):
    return {i.key_id: i for i in infos}


def _info(key, station="EST-001-01", **window):
    return KeyInfo(key_id_of(key), station, key.public_key(), **window)


def test_round_trip_keeps_every_field(key):
    text = _signed(key).encode()
    assert text.startswith(f"CRD2|{key_id_of(key)}|180010051-1|AAMY021208HDFLLHA4|{NAME}|{photo_digest(PHOTO)}|"
                           "20261130|")
    assert len(text.encode()) < 260  # a version-11/12 QR at level M
    p = verify_payload(text, _keys(_info(key)), now=NOW)
    assert (p.matricula, p.curp, p.full_name, p.valid_until) == (
        "180010051-1", "AAMY021208HDFLLHA4", NAME, date(2026, 11, 30))
    assert p.issued_at == ISSUED.replace(microsecond=0)
    assert verify_payload(text, _keys(_info(key)), now=NOW, photo_jpeg=PHOTO)


@pytest.mark.parametrize("old,new", [
    ("180010051-1", "180010052-1"), ("AAMY021208HDFLLHA4", "AAMY021208HDFLLHA5"), (NAME, "OTRO NOMBRE"),
    ("20261130", "20371130"), (photo_digest(PHOTO), photo_digest(b"otra foto")),
])
def test_tampered_field_is_altered(key, old, new):
    text = _signed(key).encode()
    forged = text.replace(old, new, 1)
    assert forged != text
    with pytest.raises(QrPayloadError) as err:
        verify_payload(forged, _keys(_info(key)), now=NOW)
    assert err.value.code == "altered" and "alterada" in str(err.value)


def test_card_whose_photo_was_swapped_is_flagged(key):
    text = _signed(key).encode()
    with pytest.raises(QrPayloadError) as err:
        verify_payload(text, _keys(_info(key)), now=NOW, photo_jpeg=b"\xff\xd8\xff\xe0otra persona")
    assert err.value.code == "altered" and "foto" in str(err.value)
    assert err.value.payload.full_name == NAME  # shown for visual comparison


def test_other_key_is_unknown(key):
    with pytest.raises(QrPayloadError) as err:
        verify_payload(_signed(Ed25519PrivateKey.generate()).encode(), _keys(_info(key)), now=NOW)
    assert err.value.code == "unknown_key" and err.value.payload.matricula == "180010051-1"


def test_a_key_id_pointing_at_another_key_is_altered(key):
    other = Ed25519PrivateKey.generate()
    with pytest.raises(QrPayloadError) as err:
        verify_payload(_signed(other, key_id=key_id_of(key)).encode(), _keys(_info(key)), now=NOW)
    assert err.value.code == "altered"


def test_sample_is_refused(key):
    with pytest.raises(QrPayloadError) as err:
        verify_payload(_signed(key, key_id=SAMPLE_KEY_ID).encode(), {}, now=NOW)
    assert err.value.code == "sample" and "MUESTRA" in str(err.value)


def test_old_card_still_verifies_after_key_rotation_and_a_revoked_one_does_not(key):
    rotated_at = ISSUED + timedelta(days=10)
    new = Ed25519PrivateKey.generate()
    keys = _keys(_info(key, valid_from=ISSUED - timedelta(days=30), valid_until=rotated_at),
                 _info(new, valid_from=rotated_at))
    later = NOW + timedelta(days=20)
    old_card = _signed(key).encode()
    new_card = _signed(new, issued=rotated_at + timedelta(hours=1)).encode()
    assert verify_payload(old_card, keys, now=later).key_id == key_id_of(key)
    assert verify_payload(new_card, keys, now=later).key_id == key_id_of(new)
    # the retired key cannot sign "new" cards
    with pytest.raises(QrPayloadError) as err:
        verify_payload(_signed(key, issued=rotated_at + timedelta(days=1)).encode(), keys, now=later)
    assert err.value.code == "revoked"
    # a re-capture or a delivery revokes earlier temporary credentials of that student
    with pytest.raises(QrPayloadError) as err:
        verify_payload(old_card, keys, now=later, revocations={"180010051-1": ISSUED + timedelta(days=3)})
    assert err.value.code == "revoked" and "revocada" in str(err.value).lower()
    assert verify_payload(new_card, keys, now=later, revocations={"180010051-1": ISSUED + timedelta(days=3)})
    # a withdrawn key revokes every card it signed
    withdrawn = _keys(_info(key, revoked_at=rotated_at))
    with pytest.raises(QrPayloadError) as err:
        verify_payload(old_card, withdrawn, now=later)
    assert err.value.code == "revoked"


def test_expired_and_future_credentials_are_refused(key):
    keys = _keys(_info(key))
    text = _signed(key, valid=date(2026, 12, 31)).encode()
    assert verify_payload(text, keys, today=date(2026, 12, 31), now=NOW)
    with pytest.raises(QrPayloadError) as err:
        verify_payload(text, keys, today=date(2027, 1, 1), now=NOW)
    assert err.value.code == "expired" and "31/12/2026" in str(err.value)
    with pytest.raises(QrPayloadError) as err:
        verify_payload(text, keys, today=date(2026, 9, 1), now=ISSUED - timedelta(days=2))
    assert err.value.code == "future"


SIG = "A" * 86


@pytest.mark.parametrize("text", [
    "", "hola", "https://conalep.edu.mx", "CRD1|a|b|20270801|1|s|" + SIG,
    f"CRD2|k|m|c|n|f|2027-08-01|1800000000|{SIG}", f"CRD2|k|m|c|n|f|20270801|uno|{SIG}",
    "CRD2|k|m|c|n|f|20270801|1800000000|corta", f"CRD2|k|m|c|n|f|20270801|1800000000|{'!' * 86}",
    f"CRD2||m|c|n|f|20270801|1800000000|{SIG}", f"CRD2|k|m|c|n|f|20270801|99999999999999999999|{SIG}",
    f"CRD2|k|m|c|n|f|20270801|-5|{SIG}", f"CRD2|k|m|c|n|f|20270801|0|{SIG}",
    f"CRD2|k|m|c|n|f|20270801|4200000000|{SIG}", f"CRD2|k|m|c|n|f|99999999|1800000000|{SIG}",
    "CRD2|" + "x|" * 5000,
])
def test_malformed_text_is_a_format_error(text):
    with pytest.raises(QrPayloadError) as err:
        decode_payload(text)
    assert err.value.code == "format"


def test_a_separator_inside_a_field_cannot_be_signed(key):
    with pytest.raises(QrPayloadError):
        sign_payload("1|2", "AAMY021208HDFLLHA4", NAME, PHOTO, date(2027, 1, 1), key)
