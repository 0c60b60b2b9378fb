"""``credencializacion card | verify-qr | report``: exit codes, Spanish messages, logged prints."""
from __future__ import annotations

import io
import json

import openpyxl
import pytest
import qrcode
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PIL import Image

from station.domain.demo import generate_students
from station.documents.cli import card_main, report_main, verify_main
from station.documents.source import CardInputs, CardSourceError
from station.domain.public_keys import public_key_b64
from station.secrets import get_or_create_signing_key

from .conftest import page_text, render_pages


class FakeSource:
    """In-memory CardSource that records prints."""

    def __init__(self, students, photo, signature):
        self.students = {s.matricula: s for s in students}
        self.photo, self.signature = photo, signature
        self.printed: list[str] = []

    def load_card_inputs(self, matricula):
        if matricula not in self.students:
            raise CardSourceError(f"La matrícula {matricula} no está en el padrón local de esta estación.")
        return CardInputs(self.students[matricula], self.photo, self.signature)

    def group_matriculas(self, group_code, campus_code=None):
        return sorted(m for m, s in self.students.items() if s.group_code == group_code)

    def record_print(self, matricula):
        self.printed.append(matricula)
        return self.students[matricula]


@pytest.fixture()
def source(photo, signature):
    return FakeSource(list(generate_students(6, seed=5)), photo, signature)


def _keys_file(tmp_path, mapping) -> str:
    path = tmp_path / "station_keys.json"
    path.write_text(json.dumps(mapping), encoding="utf-8")
    return str(path)


def test_card_prints_from_the_source_signs_with_the_station_key_and_logs_the_print(tmp_path, source, capsys):
    matricula = sorted(source.students)[0]
    out = tmp_path / "c.pdf"
    assert card_main([matricula, "--out", str(out), "--station-id", "EST-CLI-1"], source=source) == 0
    assert source.printed == [matricula]
    assert "guardada" in capsys.readouterr().out
    pub = public_key_b64(get_or_create_signing_key("EST-CLI-1"))
    keys = _keys_file(tmp_path, {"EST-CLI-1": pub})
    assert verify_main([str(out), "--keys", keys, "--station-id", "OTRA"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("VÁLIDA") and matricula in text
    # Verified as an image too (a scan or a photo of the card).
    png = tmp_path / "c.png"
    render_pages(out.read_bytes(), 200)[0].save(png)
    assert verify_main([str(png), "--keys", keys, "--station-id", "OTRA"]) == 0


def test_verify_refuses_a_card_whose_station_key_does_not_match(tmp_path, source, capsys):
    out = tmp_path / "c.pdf"
    assert card_main([sorted(source.students)[0], "--out", str(out), "--station-id", "EST-CLI-2"],
                     source=source) == 0
    wrong = public_key_b64(Ed25519PrivateKey.generate())
    assert verify_main([str(out), "--keys", _keys_file(tmp_path, {"EST-CLI-2": wrong}),
                        "--station-id", "OTRA"]) == 1
    assert "CLAVE DESCONOCIDA" in capsys.readouterr().out
    assert verify_main([str(out), "--keys", _keys_file(tmp_path, {}), "--station-id", "OTRA"]) == 1
    assert "no está entre las claves conocidas" in capsys.readouterr().out


def test_verify_refuses_a_tampered_qr_image(tmp_path, source, capsys):
    out = tmp_path / "c.pdf"
    card_main([sorted(source.students)[0], "--out", str(out), "--station-id", "EST-CLI-3"], source=source)
    import zxingcpp

    text = zxingcpp.read_barcodes(render_pages(out.read_bytes())[0], formats=zxingcpp.BarcodeFormat.QRCode)[0].text
    parts = text.split("|")
    parts[6] = "20991231"  # extend the vigencia
    forged = tmp_path / "forged.png"
    qrcode.make("|".join(parts)).save(forged)
    pub = public_key_b64(get_or_create_signing_key("EST-CLI-3"))
    capsys.readouterr()
    assert verify_main([str(forged), "--keys", _keys_file(tmp_path, {"EST-CLI-3": pub}), "--station-id", "X"]) == 1
    assert "ALTERADA" in capsys.readouterr().out


def test_group_batch_prints_every_student_of_the_group_in_one_pdf(tmp_path, photo, signature, capsys):
    students = [s.replace(group_code="102-ELIN18") for s in generate_students(5, seed=9)]
    src = FakeSource(students, photo, signature)
    out = tmp_path / "g.pdf"
    assert card_main(["--group", "102-ELIN18", "--out", str(out), "--station-id", "EST-CLI-4"], source=src) == 0
    assert sorted(src.printed) == sorted(s.matricula for s in students)
    assert len(render_pages(out.read_bytes(), 30)) == 2
    assert "5 credenciales" in capsys.readouterr().out


def test_sample_card_works_standalone_and_is_never_valid(tmp_path, capsys):
    out = tmp_path / "muestra.pdf"
    assert card_main(["--sample", "--out", str(out)]) == 0
    assert "MUESTRA" in page_text(out.read_bytes())
    assert verify_main([str(out), "--keys", _keys_file(tmp_path, {})]) == 1
    assert "MUESTRA" in capsys.readouterr().out


@pytest.mark.parametrize("argv,expected", [
    (["999999999-9", "--station-id", "E"], "no está en el padrón"),
])
def test_unknown_matricula_is_a_spanish_refusal_without_traceback(tmp_path, source, capsys, argv, expected):
    assert card_main([*argv, "--out", str(tmp_path / "x.pdf")], source=source) == 1
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err
    assert not (tmp_path / "x.pdf").exists() and source.printed == []


def test_bad_inputs_exit_2_with_spanish_messages(tmp_path, capsys):
    blank = tmp_path / "blanco.png"
    Image.new("RGB", (300, 300), "white").save(blank)
    junk = tmp_path / "basura.pdf"
    junk.write_bytes(b"%PDF-1.4 esto no es un pdf")
    text = tmp_path / "notas.txt"
    text.write_text("hola")
    for path, message in ((blank, "No se encontró ningún código QR"), (junk, "No se pudo abrir el PDF"),
                          (text, "no es una imagen ni un PDF"), (tmp_path / "no.png", "No existe")):
        assert verify_main([str(path), "--keys", _keys_file(tmp_path, {})]) == 2
        assert message in capsys.readouterr().err
    bad_keys = tmp_path / "claves.json"
    bad_keys.write_text('{"EST": "no-es-base64"}')
    assert verify_main([str(blank), "--keys", str(bad_keys)]) == 2
    assert "clave o fecha inválida" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        card_main(["--sample"])
    assert exc.value.code == 2 and "faltan los argumentos" in capsys.readouterr().err


def test_report_exports_pdf_and_xlsx_and_the_student_list(tmp_path, capsys):
    pdf, xlsx, lst = tmp_path / "r.pdf", tmp_path / "r.xlsx", tmp_path / "alumnos.xlsx"
    assert report_main(["--sample", "--out", str(pdf)]) == 0
    text = page_text(pdf.read_bytes())
    assert "Reporte de estatus por Plantel" in text and "Imprimiendo" in text and "Total 1,500" in text
    assert report_main(["--sample", "--out", str(xlsx)]) == 0
    ws = openpyxl.load_workbook(xlsx).active
    assert ws.cell(row=ws.max_row, column=1).value == "Total" and ws.cell(row=ws.max_row, column=3).value == 1500
    assert report_main(["--sample", "--students", "002", "--out", str(lst)]) == 0
    rows = list(openpyxl.load_workbook(lst).active.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 500 and {r[8] for r in rows} == {"002"}
    assert report_main(["--sample", "--out", str(tmp_path / "r.docx")]) == 2
    assert ".xlsx" in capsys.readouterr().err


def test_store_source_logs_the_print_in_the_local_store(tmp_path, photo, signature):
    store_mod = pytest.importorskip("station.store")
    from station.documents.source import StoreCardSource

    store = store_mod.LocalStore(tmp_path / "cache.sqlite3", b"k" * 32, "EST-STORE")
    try:
        student = next(generate_students(1, seed=4))
        photo_sha = store.put_blob(photo, "photo", student.matricula)
        store.put_blob(signature, "signature_png", student.matricula)
        store.upsert_students([student.replace(photo_sha256=photo_sha, signature_sha256="1" * 64)])
        src = StoreCardSource(store)
        out = tmp_path / "c.pdf"
        assert card_main([student.matricula, "--out", str(out), "--station-id", "EST-STORE"], source=src) == 0
        assert card_main([student.matricula, "--out", str(out), "--station-id", "EST-STORE"], source=src) == 0
        assert store.get_student(student.matricula).reprint_count == 2
        events = [e for e in store.audit_for(student.matricula) if e.command == "print_temporary"]
        assert len(events) == 2 and events[0].station_id == "EST-STORE"
        no_bio = next(generate_students(2, seed=8))
        store.upsert_students([no_bio])
        with pytest.raises(CardSourceError, match="fotografía y firma"):
            src.load_card_inputs(no_bio.matricula)
    finally:
        store.close()
