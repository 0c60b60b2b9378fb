"""A supervisor validates five students of a group with the keyboard only:
Enter opens the first pending student; per student F6 («Validado»), F8
(«Guardar»), Enter (confirmation «Sí») and Enter (open the next one) — the
vigencia typed once for the first student is remembered; after Guardar the
detail closes, as before issue 12, and the list has the next pending student
selected with the focus on it."""
from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from station.domain import Status
from tests.ui.helpers import WAIT_MS, wait_idle


def test_supervisor_validates_five_students_with_the_keyboard(make_station, qtbot, monkeypatch):
    win = make_station("supervisor")
    store = win.services.store
    groups = {}
    for s in store.find_students("001", statuses=[Status.CAPTURED, Status.DEFERRED]):
        groups.setdefault(s.group_code, []).append(s.matricula)
    win.activateWindow()  # shortcuts act in the active window, as at the desk
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win, timeout=WAIT_MS)
    win.open_screen("validate")
    screen = win.screens["validate"]
    qtbot.waitUntil(lambda: screen.group_combo.count() > 1, timeout=WAIT_MS)
    # A group of five or more; the small test plantel may need «Todos los grupos».
    group, members = max(groups.items(), key=lambda kv: len(kv[1]))
    if len(members) >= 5:
        screen.select_group(group)
    wait_idle(qtbot)
    assert len(screen.rows) >= 5
    vigencia = date(date.today().year + 2, 8, 1)
    keys = {"count": 0}

    def press(widget, key, modifier=Qt.KeyboardModifier.NoModifier):
        keys["count"] += 1
        qtbot.keyClick(widget, key, modifier)

    def answer_yes() -> int:  # the real confirmation box, answered with Enter
        box = screen.confirmation_box()
        qtbot.addWidget(box)
        box.show()
        press(box, Qt.Key.Key_Return)
        result = box.result()
        win.activateWindow()  # exec() would give the focus back to the window by itself
        return result

    monkeypatch.setattr(screen, "confirm", lambda: answer_yes() == QMessageBox.StandardButton.Yes)
    screen.table.setFocus()
    screen.table.selectRow(0)
    press(screen.table, Qt.Key.Key_Return)
    validated = []
    typed_date = False
    while len(validated) < 5:
        qtbot.waitUntil(lambda: screen.current is not None and screen.current.matricula not in validated,
                        timeout=WAIT_MS)
        current = screen.current
        # The focus is on the first empty health field when one is missing.
        if not current.health_institution:
            assert QApplication.focusWidget() is screen.health_edit.lineEdit() or screen.health_edit.hasFocus()
            for ch in "IMSS":
                press(QApplication.focusWidget(), ch)
            press(QApplication.focusWidget(), Qt.Key.Key_Tab)
        if not current.affiliation_number:
            screen.affiliation_edit.setFocus() if not screen.affiliation_edit.hasFocus() else None
            for ch in "12345678901":
                press(screen.affiliation_edit, ch)
        if not typed_date:  # once for the group: select all, type the digits
            screen.valid_edit.setFocus()
            press(screen.valid_edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
            for ch in f"{vigencia:%d%m%Y}":
                press(screen.valid_edit, ch)
            typed_date = True
        qtbot.waitUntil(lambda: QApplication.activeWindow() is win, timeout=WAIT_MS)
        press(QApplication.focusWidget(), Qt.Key.Key_F6)
        qtbot.waitUntil(screen.validated_radio.isChecked, timeout=WAIT_MS)  # a shortcut «animates» its click
        press(QApplication.focusWidget(), Qt.Key.Key_F8)
        qtbot.waitUntil(lambda: "quedó «Validado»" in screen.message.text() and current.full_name
                        in screen.message.text(), timeout=WAIT_MS)
        validated.append(current.matricula)
        qtbot.waitUntil(lambda: screen.current is None and screen.table.hasFocus(), timeout=WAIT_MS)
        wait_idle(qtbot)
        if len(validated) < 5:
            assert screen.rows[screen.table.currentRow()].matricula not in validated
            press(screen.table, Qt.Key.Key_Return)
    wait_idle(qtbot)
    for matricula in validated:
        student = store.get_student(matricula)
        assert student.status == Status.VALIDATED
        assert student.valid_until == vigencia
    # Complete records: F6, F8, Enter, Enter per student (+ 9 keys once for the vigencia, 1 to open the
    # list); a record without health data adds its typing (at most «IMSS», Tab and 11 digits).
    assert keys["count"] <= 1 + 9 + 4 * 5 + 16 * 5
    print(f"keystrokes for 5 students: {keys['count']}, clicks: 0")
    queued = [(c.command, c.matricula) for c in store.outbox(states=("pending",))]
    assert sorted(m for c, m in queued if c == "validate") == sorted(validated)

