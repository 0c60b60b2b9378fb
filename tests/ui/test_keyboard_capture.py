"""One student from lookup to saved capture with the keyboard only (issue 16):
Ctrl+N opens «Toma de biométricos» with the focus in the matrícula field, the
matrícula is typed (or scanned) with Enter, then F5 Tomar foto → F6 Capturar
foto → (the student signs on the pad) → F7 Capturar firma → F8 Guardar, and
the focus is back in the matrícula field for the next student. A scan also
works while the focus is on a button."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from station.domain import Status
from tests.ui.helpers import WAIT_MS, give_consent, wait_idle


def student_signs(pad) -> None:
    """The student signs on the pad (the pad's own input, not the operator's keyboard or mouse)."""
    from drivers.signature.model import demo_strokes

    t = 0.0
    for stroke in demo_strokes():
        for x, y in stroke:
            pad.feed(x, y, True, t)
            t += 10
        pad.feed(stroke[-1][0], stroke[-1][1], False, t)


def test_lookup_to_saved_capture_with_the_keyboard_only(make_station, qtbot):
    win = make_station("operador")
    store = win.services.store
    matricula = store.find_students("001", statuses=[Status.ENROLLED], limit=1)[0].matricula
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win, timeout=WAIT_MS)
    keys = {"n": 0}

    def press(key, modifier=Qt.KeyboardModifier.NoModifier):
        keys["n"] += 1
        qtbot.keyClick(QApplication.focusWidget() or win, key, modifier)

    number = win.keys.index("capture") + 1
    press(getattr(Qt.Key, f"Key_{number}"), Qt.KeyboardModifier.ControlModifier)
    screen = win.screens["capture"]
    qtbot.waitUntil(lambda: win.current_screen() is screen and screen.search.edit.hasFocus(), timeout=WAIT_MS)
    for ch in matricula:
        press(ch)
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: screen.camera_widget is not None and screen.camera_widget.take_button.isEnabled(),
                    timeout=WAIT_MS)
    camera = screen.camera_widget
    qtbot.waitUntil(lambda: camera.view.guidance == "Foto correcta", timeout=WAIT_MS)
    press(Qt.Key.Key_F5)
    qtbot.waitUntil(camera.accept_button.isEnabled, timeout=WAIT_MS)
    assert QApplication.focusWidget() is camera.accept_button  # focus follows the flow, never the menu
    press(Qt.Key.Key_F6)
    qtbot.waitUntil(lambda: screen.photo_check.isChecked() and screen.tabs.currentIndex() == 1, timeout=WAIT_MS)
    student_signs(screen.pad_panel.pad)
    press(Qt.Key.Key_F7)
    qtbot.waitUntil(screen.save_button.isEnabled, timeout=WAIT_MS)
    give_consent(screen)  # a minor: the guardian's name and relationship (issue 14 §6), typed by the operator
    press(Qt.Key.Key_F8)
    qtbot.waitUntil(lambda: store.get_student(matricula).status == Status.CAPTURED, timeout=WAIT_MS)
    wait_idle(qtbot)
    qtbot.waitUntil(screen.search.edit.hasFocus, timeout=WAIT_MS)  # ready for the next scan
    assert "se guardaron" in screen.message.text()
    assert keys["n"] == 1 + len(matricula) + 1 + 4  # Ctrl+N, matrícula + Enter (one scan), F5 F6 F7 F8
    print(f"keystrokes for one capture: {keys['n']} (scanner: {keys['n'] - len(matricula) - 1} + one scan), clicks: 0")

    # A scan while a button has the focus still lands in the matrícula field.
    screen.print_button.setFocus()
    other = store.find_students("001", statuses=[Status.ENROLLED], limit=2)[1].matricula
    for ch in other:
        qtbot.keyClick(QApplication.focusWidget(), ch)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: screen.student is not None and screen.student.matricula == other, timeout=WAIT_MS)
