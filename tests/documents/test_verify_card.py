"""``verify-qr`` (issue 14 §5, §7): the photo is bound to the QR, the five verdicts, hostile files."""
from __future__ import annotations

import dataclasses
import io
import os
from datetime import datetime, timedelta, timezone

import pytest
from PIL import Image

from station.documents.cli import verify_main
from station.documents.credential import credentials_pdf, make_card
from station.documents.keys import load_trust, merge_trust
from station.documents.qr_payload import key_id_of
from station.documents.sample import sample_student
from station.domain.public_keys import public_key_b64

from .conftest import STATION

NOW = datetime.now(timezone.utc)


def _other_photo(photo: bytes) -> bytes:
    img = Image.open(io.BytesIO(photo)).transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    out = io.BytesIO()
    img.save(out, "JPEG", quality=85)
    return out.getvalue()


def _trust(tmp_path, key, **entry):
    path = tmp_path / "station_keys.json"
    merge_trust(path, {"keys": [{"key_id": key_id_of(key), "station_id": STATION,
                                 "public_key": public_key_b64(key), **entry}],
                       "revocations": entry.pop("revocations", []), "next": 5})
    return path


@pytest.fixture
def card(key, photo, signature):
    return make_card(sample_student(), photo, signature, key, STATION, NOW - timedelta(hours=1))


def _verify(path, keys, capsys):
    code = verify_main([str(path), "--keys", str(keys), "--station-id", "OTRA"])
    return code, capsys.readouterr().out


def test_valid_pdf_checks_the_printed_photo_and_shows_name_and_vigencia(tmp_path, key, card, capsys):
    pdf = tmp_path / "c.pdf"
    pdf.write_bytes(credentials_pdf([card]))
    code, out = _verify(pdf, _trust(tmp_path, key), capsys)
    assert code == 0 and out.startswith("VÁLIDA") and "la foto impresa corresponde" in out
    assert f"Nombre: {card.student.full_name}" in out and "Vigencia:" in out


def test_card_whose_photo_was_swapped_is_flagged(tmp_path, key, card, photo, capsys):
    swapped = dataclasses.replace(card, photo_jpeg=_other_photo(photo))  # same QR, another face
    pdf = tmp_path / "swapped.pdf"
    pdf.write_bytes(credentials_pdf([swapped]))
    code, out = _verify(pdf, _trust(tmp_path, key), capsys)
    assert code == 1 and out.startswith("ALTERADA") and "foto fue cambiada" in out
    assert f"Nombre: {card.student.full_name}" in out


def test_revoked_and_unknown_key_verdicts(tmp_path, key, card, capsys):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    pdf = tmp_path / "c.pdf"
    pdf.write_bytes(credentials_pdf([card]))
    keys = _trust(tmp_path, key, revocations=[[card.student.matricula, NOW.isoformat()]])
    assert load_trust(keys).revocations
    code, out = _verify(pdf, keys, capsys)
    assert code == 1 and out.startswith("REVOCADA")
    code, out = _verify(pdf, _trust(tmp_path, Ed25519PrivateKey.generate()), capsys)
    assert code == 1 and out.startswith("CLAVE DESCONOCIDA")


def test_expired_verdict(tmp_path, key, photo, signature, capsys):
    old = make_card(sample_student(), photo, signature, key, STATION, NOW - timedelta(days=120))
    pdf = tmp_path / "old.pdf"
    pdf.write_bytes(credentials_pdf([old]))
    code, out = _verify(pdf, _trust(tmp_path, key, valid_from=(NOW - timedelta(days=200)).isoformat()), capsys)
    assert code == 1 and out.startswith("VENCIDA")


def test_sync_merge_refuses_a_bad_key_and_keeps_the_file(tmp_path, key):
    path = _trust(tmp_path, key)
    before = path.read_bytes()
    from station.documents.keys import KeysFileError

    with pytest.raises(KeysFileError):
        merge_trust(path, {"keys": [{"key_id": "0" * 16, "station_id": "X", "public_key": public_key_b64(key)}]})
    assert path.read_bytes() == before and path.stat().st_mode & 0o777 == 0o600


# --- hostile or broken files: exit 2, Spanish message, no traceback --------------------------

def _bad_inputs(tmp_path):
    bomb = tmp_path / "bomba.png"
    Image.new("1", (12_000, 12_000)).save(bomb)            # 144 MP, a few KB on disk
    huge_page = tmp_path / "pagina.pdf"
    huge_page.write_bytes(b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]"
                          b"/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 14400 14400]>>endobj\n"
                          b"trailer<</Root 1 0 R>>\n%%EOF\n")
    fifo = tmp_path / "tuberia"
    os.mkfifo(fifo)
    unreadable = tmp_path / "sin-permiso.png"
    Image.new("RGB", (10, 10)).save(unreadable)
    unreadable.chmod(0)
    truncated = tmp_path / "truncado.pdf"
    truncated.write_bytes(b"%PDF-1.7\n1 0 obj<<")
    garbage = tmp_path / "basura.jpg"
    garbage.write_bytes(os.urandom(2000))
    blank = tmp_path / "blanco.png"
    Image.new("RGB", (200, 200), "white").save(blank)
    return [
        (bomb, "demasiado grande"), (huge_page, "ningún código QR"), (fifo, "no es un archivo normal"),
        (tmp_path, "no es un archivo normal"), (tmp_path / "no-existe.png", "No existe"),
        (truncated, "No se pudo abrir el PDF"), (garbage, "no es una imagen"), (blank, "ningún código QR"),
    ] + ([(unreadable, "No se pudo leer")] if os.geteuid() != 0 else [])


def test_hostile_files_exit_2_with_a_spanish_message(tmp_path, key, capsys):
    keys = _trust(tmp_path, key)
    for path, message in _bad_inputs(tmp_path):
        code = verify_main([str(path), "--keys", str(keys), "--station-id", "OTRA"])
        err = capsys.readouterr().err
        assert code == 2 and message in err, (path, err)
        assert "Traceback" not in err
