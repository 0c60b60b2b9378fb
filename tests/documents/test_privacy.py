"""Issue 14 §6: the aviso de privacidad is printable (PDF, CLI) and names every duty."""
from station.documents.cli import EXIT_OK
from station.documents.privacy import FULL_NOTICE, aviso_main, privacy_notice_pdf

from .conftest import page_text


def test_notice_pdf_names_purpose_minors_retention_and_arco():
    text = page_text(privacy_notice_pdf())
    for heading, _ in FULL_NOTICE:
        assert heading in text
    assert "menor de 18 años" in text and "ARCO" in text


def test_aviso_cli(tmp_path, capsys):
    out = tmp_path / "aviso.pdf"
    assert aviso_main(["--out", str(out)]) == EXIT_OK and out.read_bytes().startswith(b"%PDF")
    assert aviso_main(["--out", str(tmp_path)]) == 2 and "carpeta" in capsys.readouterr().err
