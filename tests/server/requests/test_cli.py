"""``credencializacion-server requests …`` acting as a named user (issue #19 item 7): the same
rules as the API, Spanish errors, exit 2 on bad input, 1 on refusal; the bitácora exported as
XLSX with user text as text, never formulas."""
from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from server.testing import seed
from tests.server.conftest import PASSWORD
from tests.server.requests.conftest import CONTACT, pdf_bytes
from tests.server.requests.offline import cli, cli_json


@pytest.fixture
def url(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    seed(url, PASSWORD, students=0, campuses=2)
    return url


def test_file_attach_act_log_and_export(url, tmp_path):
    filed = cli_json(url, "--as", "supervisor", "file", "password_reset", "--field", f"contact_email={CONTACT}",
                     "--field", "full_name=ANA PÉREZ", "--field", "account=ana@conalepmex.edu.mx", "--json")
    folio = filed["folio"]
    exe = tmp_path / "ine.pdf"
    exe.write_bytes(b"MZ\x90\x00" + b"\x00" * 300)
    done = cli(url, "--as", "supervisor", "attach", folio, "--kind", "ine", str(exe))
    assert done.returncode == 1 and "programa de Windows" in done.stderr
    scan = tmp_path / "ine-escaneada.pdf"
    scan.write_bytes(pdf_bytes("INE"))
    done = cli(url, "--as", "supervisor", "attach", folio, "--kind", "ine", str(scan))
    assert done.returncode == 0 and "application/pdf" in done.stdout
    reason = '=HYPERLINK("http://evil.example","clic")'
    assert cli(url, "--as", "supervisor", "act", folio, "cancel", "--reason", reason).returncode == 0
    listed = cli_json(url, "--as", "supervisor", "list", "--json")
    assert [i["state"] for i in listed["items"]] == ["cancelled"]
    assert cli(url, "--as", "supervisor", "log").returncode == 1  # the bitácora is the systems office's
    entries = cli_json(url, "--as", "sistemas", "log", "--q", folio, "--json")
    assert "cancel" in [e["action"] for e in entries]
    out = tmp_path / "bitacora.xlsx"
    done = cli(url, "--as", "sistemas", "export", "--out", str(out), "--q", "hyperlink")
    assert done.returncode == 0, done.stderr
    sheet = load_workbook(io.BytesIO(out.read_bytes())).active
    assert [c.value for c in sheet[1]][:2] == ["Fecha (UTC)", "Folio"]
    cell = sheet.cell(row=2, column=8)
    assert cell.value == reason and cell.data_type == "s"  # text, not a live formula


@pytest.mark.parametrize("args,words", [
    (("--as", "nadie", "list"), "no existe"),
    (("list",), "--as"),
    (("--as", "supervisor", "file", "password_reset", "--field", "sin-igual"), "nombre=valor"),
    (("--as", "supervisor", "log", "--from", "ayer"), "ISO 8601"),
    (("--as", "supervisor", "attach", "SOL-2026-000001", "--kind", "ine", "/no/existe.pdf"), "No existe"),
    (("--as", "supervisor", "volar"), "opción no válida"),
])
def test_bad_input_exits_2_in_spanish(url, args, words):
    done = cli(url, *args)
    assert done.returncode == 2, done.stdout + done.stderr
    assert words in done.stderr and "Traceback" not in done.stderr


def test_refusals_exit_1_in_spanish(url):
    done = cli(url, "--as", "supervisor", "file", "password_reset", "--field", "contact_email=no-es-correo")
    assert done.returncode == 1 and "no es una dirección de correo válida" in done.stderr
    done = cli(url, "--as", "supervisor", "show", "SOL-2026-999999")
    assert done.returncode == 1 and "no existe" in done.stderr
    types = cli(url, "types")
    assert types.returncode == 0 and "mass_mail" in types.stdout
