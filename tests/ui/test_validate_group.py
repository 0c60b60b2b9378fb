"""A supervisor validates a whole group from «Validar datos alumno», one
student after another with the keyboard-first flow, completing the fields."""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate

from station.domain import Status
from tests.ui.helpers import WAIT_MS, wait_idle


def test_supervisor_validates_a_whole_group(make_station, qtbot):
    win = make_station("supervisor")
    store = win.services.store
    groups = {}
    for s in store.find_students("001", statuses=[Status.CAPTURED, Status.DEFERRED]):
        groups.setdefault(s.group_code, []).append(s.matricula)
    group, members = max(groups.items(), key=lambda kv: len(kv[1]))
    assert len(members) >= 2
    win.open_screen("validate")
    screen = win.screens["validate"]
    qtbot.waitUntil(lambda: screen.group_combo.count() > 1, timeout=WAIT_MS)
    screen.select_group(group)
    wait_idle(qtbot)
    assert sorted(s.matricula for s in screen.rows) == sorted(members)
    screen.confirm = lambda: True
    vigencia = QDate(date.today().year + 2, 8, 1)
    validated = []
    while screen.rows:
        screen.table.selectRow(0)
        screen.open_button.click()
        qtbot.waitUntil(lambda: screen.current is not None, timeout=WAIT_MS)
        validated.append(screen.current.matricula)
        assert len(validated) <= len(members), screen.message.text()
        if not screen.affiliation_edit.text():
            qtbot.keyClicks(screen.affiliation_edit, "12345678901")
        if not screen.health_edit.currentText():
            screen.health_edit.setCurrentIndex(1)
        screen.valid_edit.setDate(vigencia)
        screen.validated_radio.click()
        screen.save_button.click()
        qtbot.waitUntil(lambda: screen.current is None, timeout=WAIT_MS)
        assert "ya no se puede modificar" in screen.message.text()
        wait_idle(qtbot)
    assert sorted(validated) == sorted(members)
    for matricula in members:
        student = store.get_student(matricula)
        assert student.status == Status.VALIDATED
        assert student.valid_until == date(date.today().year + 2, 8, 1)
    assert screen.page_label.text().endswith("0 alumnos pendientes")
    # Each validation is one command queued for the server (no sync round ran).
    queued = [(c.command, c.matricula) for c in store.outbox(states=("pending",))]
    assert sorted(m for c, m in queued if c == "validate") == sorted(members)
