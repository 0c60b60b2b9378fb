"""Issue 14 §6 at the desk: in «Consultar alumno» the state office (and only it) deletes a
student's photo and signature for a reason, after a confirmation; the server deletes and
audits them and this station drops its copy at once."""
from __future__ import annotations

import requests

from station.domain import Status
from station.domain.demo import DEMO_CONSENT
from tests.server.helpers import upload_capture
from tests.ui.helpers import WAIT_MS, search, type_text, wait_idle


def _captured_on_the_server(server) -> tuple[str, str, str]:
    """A 001 student captured online by the operator (with consent): ``(matrícula, photo, signature)``."""
    api = server.api("supervisor")
    page = api.request("GET", "/students", params={"campus": "001", "status": "ENROLLED", "page_size": 1})
    matricula = page["items"][0]["matricula"]
    operator = server.api("operador")
    photo, sig = upload_capture(requests.Session(), server.base_url, {"Authorization": f"Bearer {operator.token}"},
                                matricula)
    operator.student_command(matricula, "capture", {"photo_sha256": photo, "signature_sha256": sig, **DEMO_CONSENT})
    return matricula, photo, sig


def test_state_office_deletes_biometrics_from_consult(make_station, server, qtbot, monkeypatch):
    matricula, photo, sig = _captured_on_the_server(server)
    win = make_station("estatal")
    services = win.services
    photo_bytes = services.api.get_blob(photo)
    services.store.put_blob(photo_bytes, "photo", matricula)  # cached, as «Imprimir temporal» does
    assert services.store.get_student(matricula).photo_sha256 == photo
    win.open_screen("consult")
    screen = win.screens["consult"]
    search(qtbot, screen, matricula)
    qtbot.waitUntil(lambda: screen.erase_card.isVisible(), timeout=WAIT_MS)
    assert screen.delete_button.isEnabled()
    asked = []
    monkeypatch.setattr(screen, "_confirm_deletion", lambda: asked.append(True) or True)
    screen.delete_button.click()  # no reason: refused on the desk, nothing asked
    assert not asked and "motivo" in screen.message.text()
    qtbot.keyClicks(screen.delete_reason, "Solicitud ARCO folio DE-2026-014")
    box = screen.deletion_box()
    assert "no se pueden recuperar" in box.text() and box.defaultButton() == box.button(box.StandardButton.No)
    screen.delete_button.click()
    wait_idle(qtbot)
    qtbot.waitUntil(lambda: "Se eliminaron 2 archivos" in screen.message.text(), timeout=WAIT_MS)
    assert asked == [True] and not screen.delete_button.isEnabled()
    record = server.api("estatal").get_student(matricula)
    assert (record["status"], record["photo_sha256"], record["signature_sha256"]) == ("ENROLLED", None, None)
    local = services.store.get_student(matricula)
    assert (local.status, local.photo_sha256) == (Status.ENROLLED, None)
    assert services.store.get_blob(photo) is None  # this station's copy went at once


def test_other_roles_do_not_see_the_deletion(make_station, server, qtbot):
    matricula, _photo, _sig = _captured_on_the_server(server)
    win = make_station("supervisor")
    win.open_screen("consult")
    screen = win.screens["consult"]
    search(qtbot, screen, matricula)
    qtbot.waitUntil(lambda: screen.name_label.isVisible() and bool(screen.name_label.text()), timeout=WAIT_MS)
    wait_idle(qtbot)
    assert not screen.erase_card.isVisible() and not win.services.may_delete_biometrics()


def test_a_received_card_without_biometrics_can_only_go_to_retake(make_station, server, qtbot):
    """After the state office deleted them, «Rechazar» offers only «Requiere retoma» (a reprint
    would have no photo); the table refuses the reprint (tests/domain)."""
    api = server.api("estatal")
    page = api.request("GET", "/students", params={"campus": "001", "status": "RECEIVED", "page_size": 1})
    matricula = page["items"][0]["matricula"]
    api.delete_biometrics(matricula, "Solicitud ARCO folio DE-2026-015")
    win = make_station("supervisor")
    win.open_screen("reject")
    screen = win.screens["reject"]
    search(qtbot, screen, matricula)
    qtbot.waitUntil(lambda: screen.reject_button.isEnabled(), timeout=WAIT_MS)
    assert screen.retake_check.isChecked() and not screen.retake_check.isEnabled()
    assert "Requiere retoma" in screen.message.text()
    type_text(qtbot, screen.comment, "Sin fotografía para reimprimir")
    screen.reject_button.click()
    wait_idle(qtbot)
    qtbot.waitUntil(lambda: "Retoma" in screen.message.text(), timeout=WAIT_MS)
    assert win.services.store.get_student(matricula).status == Status.RETAKE
