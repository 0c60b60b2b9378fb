"""GUI steps shared by the station UI tests (typing, clicking, waiting)."""
from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

WAIT_MS = 20_000


def search(qtbot, screen, matricula: str) -> None:
    """Type a matrícula into a screen's search field and press Enter (like a scanner)."""
    edit = screen.search.edit
    edit.clear()
    qtbot.keyClicks(edit, matricula)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def wait_idle(qtbot) -> None:
    """Wait until no worker task is running."""
    from ui.workers import BUSY

    qtbot.waitUntil(lambda: BUSY.count == 0, timeout=WAIT_MS)


def sign(qtbot, canvas) -> None:
    """Draw a three-stroke signature with the mouse on an on-screen pad canvas."""
    w, h = canvas.width(), canvas.height()
    strokes = [[(0.15 + 0.02 * i, 0.5 + (0.2 if i % 2 else -0.2)) for i in range(20)],
               [(0.6, 0.25 + 0.03 * i) for i in range(15)],
               [(0.2 + 0.03 * i, 0.8) for i in range(20)]]
    for stroke in strokes:
        points = [QPoint(int(x * w), int(y * h)) for x, y in stroke]
        QTest.mousePress(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, points[0])
        for p in points[1:]:
            QTest.mouseMove(canvas, p)
        QTest.mouseRelease(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, points[-1])


def take_photo_and_signature(qtbot, screen, consent: bool = True) -> None:
    """On «Toma de biométricos»: take and accept the photo, sign and capture the signature
    (and, with ``consent``, fill a minor's guardian consent)."""
    qtbot.waitUntil(lambda: screen.camera_widget is not None and screen.camera_widget.take_button.isEnabled(),
                    timeout=WAIT_MS)
    camera = screen.camera_widget
    qtbot.waitUntil(lambda: camera.view.guidance == "Foto correcta", timeout=WAIT_MS)
    camera.take_button.click()
    qtbot.waitUntil(camera.accept_button.isEnabled, timeout=WAIT_MS)
    camera.accept_button.click()
    qtbot.waitUntil(lambda: screen.photo_check.isChecked(), timeout=WAIT_MS)
    screen.tabs.setCurrentIndex(1)
    canvas = screen.pad_panel.canvas
    qtbot.waitUntil(canvas.isVisible, timeout=WAIT_MS)
    sign(qtbot, canvas)
    screen.pad_panel.capture_button.click()
    qtbot.waitUntil(lambda: screen.signature_check.isChecked(), timeout=WAIT_MS)
    if consent:
        give_consent(screen)


def give_consent(screen, name: str = "MARÍA LÓPEZ RUIZ", relationship: str = "Madre") -> None:
    """Fill the guardian consent of a minor (no-op when the box is hidden: an adult)."""
    if screen.consent_box.isHidden():
        return
    screen.guardian_name.setText(name)
    screen.guardian_relationship.setCurrentIndex(screen.guardian_relationship.findData(relationship))


def first(store, status, campus: str = "001") -> str:
    """Matrícula of the first cached student of ``campus`` in ``status``."""
    return store.find_students(campus, statuses=[status], limit=1)[0].matricula


def type_text(qtbot, widget, text: str) -> None:
    """Type ``text`` key by key like a person, accents and Ñ included.

    ``QTest.keyClicks`` aborts the process on characters outside ASCII (a Qt
    test-library assertion), so those are sent as key events carrying the text.
    """
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    for char in text:
        if char.isascii():
            qtbot.keyClicks(widget, char)
            continue
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, char))
