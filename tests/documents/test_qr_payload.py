"""Signed QR payload: round trip and every refusal reason."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from station.documents.qr_payload import (
    SAMPLE_STATION_ID,
    QrPayloadError,
    decode_payload,
    sign_payload,
    verify_payload,
)

ISSUED = datetime(2026, 9, 1, 15, 30, 12, 999, tzinfo=timezone.utc)
NOW = ISSUED + timedelta(hours=1)


def _signed(key, station="EST-001-01", valid=date(2027, 8, 1)):
    return sign_payload("180010051-1", "aamy021208hdfllha4", valid, station, key, ISSUED)


def test_round_trip_keeps_every_field_and_is_compact(key):
    text = _signed(key).encode()
    assert text.startswith("CRD1|180010051-1|AAMY021208HDFLLHA4|20270801|")
    assert len(text) < 170  # fits a version-9/10 QR at level M
    p = verify_payload(text, {"EST-001-01": key.public_key()}, now=NOW)
    assert (p.matricula, p.curp, p.valid_until, p.station_id) == (
        "180010051-1", "AAMY021208HDFLLHA4", date(2027, 8, 1), "EST-001-01")
    assert p.issued_at == ISSUED.replace(microsecond=0)


@pytest.mark.parametrize("field,old,new", [
    ("matrícula", "180010051-1", "180010052-1"),
    ("CURP", "AAMY021208HDFLLHA4", "AAMY021208HDFLLHA5"),
    ("vigencia", "20270801", "20370801"),
])
def test_tampered_field_is_refused_as_bad_signature(key, field, old, new):
    text = _signed(key).encode()
    forged = text.replace(old, new, 1)
    assert forged != text
    with pytest.raises(QrPayloadError) as err:
        verify_payload(forged, {"EST-001-01": key.public_key()}, now=NOW)
    assert err.value.code == "bad_signature"
    assert "alterada" in str(err.value)


def test_other_stations_key_is_a_bad_signature(key):
    other = Ed25519PrivateKey.generate()
    with pytest.raises(QrPayloadError) as err:
        verify_payload(_signed(other).encode(), {"EST-001-01": key.public_key()}, now=NOW)
    assert err.value.code == "bad_signature"


def test_unknown_station_and_sample_are_refused_with_the_decoded_data(key):
    with pytest.raises(QrPayloadError) as err:
        verify_payload(_signed(key, "EST-999").encode(), {"EST-001-01": key.public_key()}, now=NOW)
    assert err.value.code == "unknown_station" and "EST-999" in str(err.value)
    assert err.value.payload.matricula == "180010051-1"
    with pytest.raises(QrPayloadError) as err:
        verify_payload(_signed(key, SAMPLE_STATION_ID).encode(), {}, now=NOW)
    assert err.value.code == "sample" and "MUESTRA" in str(err.value)


def test_expired_and_future_credentials_are_refused(key):
    keys = {"EST-001-01": key.public_key()}
    text = _signed(key, valid=date(2026, 12, 31)).encode()
    assert verify_payload(text, keys, today=date(2026, 12, 31), now=NOW)
    with pytest.raises(QrPayloadError) as err:
        verify_payload(text, keys, today=date(2027, 1, 1), now=NOW)
    assert err.value.code == "expired" and "31/12/2026" in str(err.value)
    with pytest.raises(QrPayloadError) as err:
        verify_payload(text, keys, today=date(2026, 9, 1), now=ISSUED - timedelta(days=2))
    assert err.value.code == "future"


@pytest.mark.parametrize("text", [
    "", "hola", "https://conalep.edu.mx", "CRD2|a|b|20270801|1|s|" + "A" * 86,
    "CRD1|a|b|2027-08-01|1|s|" + "A" * 86, "CRD1|a|b|20270801|uno|s|" + "A" * 86,
    "CRD1|a|b|20270801|1|s|corta", "CRD1|a|b|20270801|1|s|" + "!" * 86, "CRD1||b|20270801|1|s|" + "A" * 86,
])
def test_malformed_text_is_a_format_error(text):
    with pytest.raises(QrPayloadError) as err:
        decode_payload(text)
    assert err.value.code == "format"


def test_a_separator_inside_a_field_cannot_be_signed(key):
    with pytest.raises(QrPayloadError):
        sign_payload("1|2", "AAMY021208HDFLLHA4", date(2027, 1, 1), "EST", key)
