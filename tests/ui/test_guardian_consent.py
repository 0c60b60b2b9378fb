"""Issue 14 §6: Guardar is blocked for a minor until the guardian's consent is recorded."""
from __future__ import annotations

from station.domain import Status
from station.domain.minors import is_minor
from tests.ui.helpers import WAIT_MS, first, give_consent, search, take_photo_and_signature, wait_idle


def test_guardar_blocked_for_a_minor_without_consent(make_station, qtbot):
    from datetime import date

    win = make_station("operador")
    services = win.services
    matricula = first(services.store, Status.ENROLLED)
    assert is_minor(services.store.get_student(matricula).curp, date.today())
    win.open_screen("capture")
    screen = win.screens["capture"]
    search(qtbot, screen, matricula)
    qtbot.waitUntil(lambda: screen.student is not None, timeout=WAIT_MS)
    assert not screen.consent_box.isHidden()
    take_photo_and_signature(qtbot, screen, consent=False)
    screen.save_button.click()
    wait_idle(qtbot)
    qtbot.waitUntil(lambda: "menor de edad" in screen.message.text(), timeout=WAIT_MS)
    assert services.store.get_student(matricula).status == Status.ENROLLED and services.pending_count() == 0
    screen.guardian_name.setText("MARÍA")  # a single word is not a full name
    screen.save_button.click()
    wait_idle(qtbot)
    assert services.store.get_student(matricula).status == Status.ENROLLED
    give_consent(screen, "MARÍA LÓPEZ RUIZ", "Tutor legal")
    screen.save_button.click()
    qtbot.waitUntil(lambda: services.store.get_student(matricula).status == Status.CAPTURED, timeout=WAIT_MS)
    [event] = [e for e in services.store.audit_for(matricula) if e.command == "capture"]
    assert event.details["guardian_name"] == "MARÍA LÓPEZ RUIZ"
    assert event.details["guardian_relationship"] == "Tutor legal"
    assert event.username == "operador" and event.at is not None  # by which operator, when


def test_sign_in_shows_the_privacy_notice(qtbot):
    from ui.login import LoginWindow

    window = LoginWindow()
    qtbot.addWidget(window)
    assert "Aviso de privacidad" in window.privacy_label.text() and "ARCO" in window.privacy_label.text()
    assert not window.privacy_button.isHidden()
