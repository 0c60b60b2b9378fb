"""End to end through the UI only, against a real central server on 127.0.0.1.

One student goes through every status: import from SAE → capture → temporary
credential → validate → (state office: print order, printing, received) →
reject with retake → recapture → (state office again) → received → deliver;
the server's record is checked after each sync. A second test cuts the
network in the middle of a session: work goes on offline and everything syncs
when the server returns. The state-office steps are done on the server API.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QDate
from sqlalchemy import create_engine, text

from station.domain import Status
from tests.ui.helpers import WAIT_MS, first, search, sign, take_photo_and_signature, type_text, wait_idle




def sae_only(db_url: str) -> str:
    engine = create_engine(db_url)
    with engine.connect() as c:
        row = c.execute(text("SELECT s.matricula FROM sae_records s LEFT JOIN students t ON t.matricula = s.matricula "
                             "WHERE t.matricula IS NULL AND s.campus_code = '001' ORDER BY s.matricula LIMIT 1")).first()
    engine.dispose()
    return row[0]


def sync_now(qtbot, win) -> None:
    """Sincronización → «Sincronizar ahora», and wait for the round to finish."""
    win.open_screen("sync")
    screen = win.screens["sync"]
    qtbot.waitUntil(screen.sync_button.isEnabled, timeout=WAIT_MS)
    screen.sync_button.click()
    wait_idle(qtbot)
    qtbot.waitUntil(screen.message.isVisible, timeout=WAIT_MS)


def state_office_prints(server) -> int:
    """Dirección Estatal: order with plantel 001's Validado/Rechazado students, printing, received."""
    api = server.api("estatal")
    order = api.request("POST", "/print-orders", json={"campuses": ["001"]})
    api.request("POST", f"/print-orders/{order['number']}/advance", json={})
    api.request("POST", f"/print-orders/{order['number']}/advance", json={})
    return order["number"]


def capture(qtbot, win, matricula: str) -> None:
    win.open_screen("capture")
    screen = win.screens["capture"]
    search(qtbot, screen, matricula)
    take_photo_and_signature(qtbot, screen)
    screen.save_button.click()
    qtbot.waitUntil(lambda: not screen.tabs.isEnabled() and screen.student.has_biometrics, timeout=WAIT_MS)
    wait_idle(qtbot)


def validate(qtbot, win, matricula: str) -> None:
    store = win.services.store
    win.open_screen("validate")
    screen = win.screens["validate"]
    qtbot.waitUntil(lambda: screen.group_combo.count() > 1, timeout=WAIT_MS)
    screen.select_group(store.get_student(matricula).group_code)
    wait_idle(qtbot)
    row = [s.matricula for s in screen.rows].index(matricula)
    screen.table.selectRow(row)
    screen.open_button.click()
    qtbot.waitUntil(lambda: screen.current is not None and screen.current.matricula == matricula, timeout=WAIT_MS)
    if not screen.affiliation_edit.text():
        qtbot.keyClicks(screen.affiliation_edit, "26180366723")
    if not screen.health_edit.currentText():
        screen.health_edit.setCurrentIndex(1)
    screen.valid_edit.setDate(QDate(date.today().year + 2, 8, 1))
    screen.validated_radio.click()
    screen.confirm = lambda: True
    screen.save_button.click()
    qtbot.waitUntil(lambda: screen.current is None, timeout=WAIT_MS)
    wait_idle(qtbot)


def test_one_student_through_every_status(make_station, server, qtbot):
    win = make_station("supervisor")
    services, store = win.services, win.services.store
    matricula = sae_only(server.url)
    assert store.get_student(matricula) is None

    # Importar alumno SAE
    win.open_screen("sae")
    sae = win.screens["sae"]
    search(qtbot, sae, matricula)
    qtbot.waitUntil(lambda: sae.answer is not None, timeout=WAIT_MS)
    assert sae.import_button.isVisible() and not sae.update_button.isVisible()
    sae.import_button.click()
    qtbot.waitUntil(lambda: "importado" in sae.message.text(), timeout=WAIT_MS)
    assert store.get_student(matricula).status == Status.ENROLLED

    # Toma de biométricos + credencial temporal
    capture(qtbot, win, matricula)
    assert store.get_student(matricula).status == Status.CAPTURED
    screen = win.screens["capture"]
    screen.print_button.click()
    qtbot.waitUntil(lambda: getattr(screen, "last_pdf", None) is not None, timeout=WAIT_MS)
    assert screen.last_pdf.startswith(b"%PDF")
    assert not list(Path(services.config.data_dir).rglob("*.pdf"))  # issue 14 §1: no PDF left on disk
    assert store.get_student(matricula).reprint_count == 1

    # Validar
    validate(qtbot, win, matricula)
    assert store.get_student(matricula).status == Status.VALIDATED
    sync_now(qtbot, win)
    assert services.pending_count() == 0
    office = server.api("estatal")
    assert office.get_student(matricula)["status"] == "VALIDATED"

    # Dirección Estatal prints; the station pulls Recibido
    order = state_office_prints(server)
    sync_now(qtbot, win)
    local = store.get_student(matricula)
    assert local.status == Status.RECEIVED and local.print_order == order

    # Rechazar con «Requiere retoma»
    win.open_screen("reject")
    reject = win.screens["reject"]
    search(qtbot, reject, matricula)
    qtbot.waitUntil(lambda: reject.student is not None and reject.reject_button.isEnabled(), timeout=WAIT_MS)
    type_text(qtbot, reject.comment, "Fotografía con manchas")
    assert reject.comment.toPlainText() == "Fotografía con manchas"
    reject.retake_check.setChecked(True)
    reject.reject_button.click()
    qtbot.waitUntil(lambda: reject.student.status == Status.RETAKE, timeout=WAIT_MS)
    assert reject.capture_button.isVisible()

    # Retoma through Toma de biométricos → Rechazado (reprint requested)
    capture(qtbot, win, matricula)
    assert store.get_student(matricula).status == Status.REJECTED
    sync_now(qtbot, win)
    assert office.get_student(matricula)["status"] == "REJECTED"
    state_office_prints(server)
    sync_now(qtbot, win)
    assert store.get_student(matricula).status == Status.RECEIVED

    # Entregar credencial
    win.open_screen("deliver")
    deliver = win.screens["deliver"]
    search(qtbot, deliver, matricula)
    qtbot.waitUntil(lambda: deliver.pad_panel is not None and deliver.right_card.isVisible(), timeout=WAIT_MS)
    sign(qtbot, deliver.pad_panel.canvas)
    deliver.pad_panel.capture_button.click()
    deliver.returned_no.click()
    assert "reposición" in deliver.fee_notice.text()
    deliver.returned_yes.click()  # signed first, answered after: Guardar must enable
    assert not deliver.fee_notice.text()
    qtbot.waitUntil(deliver.save_button.isEnabled, timeout=WAIT_MS)
    deliver.save_button.click()
    qtbot.waitUntil(lambda: deliver.student.status == Status.DELIVERED, timeout=WAIT_MS)
    sync_now(qtbot, win)
    record = office.get_student(matricula)
    local = store.get_student(matricula)
    assert record["status"] == "DELIVERED" and record["temporary_returned"] is True
    assert record["delivery_signature_sha256"] == local.delivery_signature_sha256
    assert record["photo_sha256"] == local.photo_sha256 and services.pending_count() == 0

    # Consultar alumno shows the delivery evidence
    win.open_screen("consult")
    consult = win.screens["consult"]
    search(qtbot, consult, matricula)
    qtbot.waitUntil(lambda: consult.student is not None, timeout=WAIT_MS)
    assert consult.delivery.has_image and consult.details.value("status") == "Entregado"


def test_network_cut_mid_session_then_everything_syncs(make_station, server, qtbot):
    win = make_station("supervisor")
    services, store = win.services, win.services.store
    to_capture = first(store, Status.ENROLLED)
    to_validate = first(store, Status.CAPTURED)
    sync_now(qtbot, win)
    server.stop()  # the network goes away
    sync_now(qtbot, win)
    win.refresh_status()
    assert "Sin conexión" in win.online_label.text()

    capture(qtbot, win, to_capture)
    validate(qtbot, win, to_validate)
    assert services.pending_count() == 2
    win.refresh_status()
    assert "Pendientes de enviar: 2" in win.pending_label.text()

    server.start()  # back
    sync_now(qtbot, win)
    assert services.pending_count() == 0
    win.refresh_status()
    assert "En línea" in win.online_label.text()
    office = server.api("estatal")
    assert office.get_student(to_capture)["status"] == "CAPTURED"
    assert office.get_student(to_capture)["photo_sha256"] == store.get_student(to_capture).photo_sha256
    assert office.get_student(to_validate)["status"] == "VALIDATED"
