"""The desk camera reads a temporary credential's QR (or its Code128 barcode)
and the screen looks the student up (issue 16, DESIGN.md §6, zxing-cpp)."""
from __future__ import annotations

import pypdfium2 as pdfium
from PySide6.QtCore import QTimer

from station.documents.decode import matricula_in_image
from station.domain import Status
from tests.ui.helpers import WAIT_MS


def credential_photo(services, matricula: str, path) -> str:
    """A credential as the camera would see it: the printed PDF rendered to an image."""
    from datetime import datetime, timezone

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from station.documents.credential import credentials_pdf, make_card
    from station.documents.sample import sample_photo_jpeg, sample_signature_png

    card = make_card(services.store.get_student(matricula), sample_photo_jpeg(), sample_signature_png(),
                     Ed25519PrivateKey.generate(), "EST-1", datetime.now(timezone.utc))
    pdf = credentials_pdf([card])
    page = pdfium.PdfDocument(pdf)[0]
    page.render(scale=150 / 72).to_pil().save(path)
    return str(path)


def test_camera_reads_the_credential_and_opens_the_student(make_station, qtbot, tmp_path):
    win = make_station("supervisor")
    store = win.services.store
    matricula = store.find_students("001", statuses=[Status.CAPTURED], limit=1)[0].matricula
    image = credential_photo(win.services, matricula, tmp_path / "credencial.png")
    from PIL import Image

    assert matricula_in_image(Image.open(image)) == matricula
    win.open_screen("consult")
    screen = win.screens["consult"]
    screen.camera_spec = lambda: image
    QTimer.singleShot(20_000, lambda: screen.scan_dialog and screen.scan_dialog.reject())  # never hang
    screen.search.scan_button.click()
    qtbot.waitUntil(lambda: screen.student is not None and screen.student.matricula == matricula, timeout=WAIT_MS)
    assert screen.search.edit.text() == matricula


def test_images_without_a_credential_give_nothing():
    import numpy as np

    assert matricula_in_image(np.full((240, 320, 3), 255, np.uint8)) is None
