"""Small building blocks of every screen: translation helper, restyling after a
dynamic property, the invalid-input border, buttons (with a one-key shortcut
shown on them), and white cards."""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import QAbstractButton, QFrame, QLabel, QPushButton, QVBoxLayout, QWidget


def tr(text: str, context: str = "Common") -> str:
    """Translate ``text`` (es-MX source) in ``context``."""
    return QCoreApplication.translate(context, text)


def repolish(widget: QWidget) -> None:
    """Re-apply the stylesheet after a dynamic property changed."""
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def mark_invalid(widget: QWidget, invalid: bool) -> None:
    """Red border on an input (stylesheet property ``invalid``)."""
    widget.setProperty("invalid", "true" if invalid else "false")
    repolish(widget)


def set_shortcut(widget: QAbstractButton, key: str) -> None:
    """Give ``widget`` the one-key shortcut ``key`` (e.g. ``"F8"``) and show it on the
    button as «Guardar (F8)» and in its tooltip. The shortcut acts only while the
    button is visible and enabled (Qt's window-context shortcut)."""
    text = widget.text()
    if not text.endswith(f"({key})"):
        widget.setText(f"{text} ({key})")
    widget.setShortcut(QKeySequence(key))
    widget.setToolTip(tr("Atajo: {0}").format(key))


def button(text: str, role: str = "", slot: Callable | None = None, shortcut: str = "") -> QPushButton:
    """A push button; ``role`` ``"primary"`` or ``"danger"`` changes its colour;
    ``shortcut`` (a key such as ``"F8"``) is bound and written on the button."""
    b = QPushButton(text)
    if role:
        b.setObjectName(role)
    b.setCursor(Qt.CursorShape.PointingHandCursor)
    if slot is not None:
        b.clicked.connect(slot)
    if shortcut:
        set_shortcut(b, shortcut)
    return b


def card(title: str | None = None) -> tuple[QFrame, QVBoxLayout]:
    """A white rounded panel with an optional section title; returns (frame, layout)."""
    frame = QFrame()
    frame.setObjectName("card")
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(14, 12, 14, 12)
    layout.setSpacing(8)
    if title:
        label = QLabel(title)
        label.setObjectName("sectionTitle")
        layout.addWidget(label)
    return frame, layout


def fit_to_screen(window: QWidget, preferred: tuple[int, int] = (1366, 768), min_size: tuple[int, int] = (0, 0)) -> None:
    """Size ``window`` to ``preferred`` or the screen's available area, whichever is
    smaller, and maximise it when the screen is smaller than ``preferred``."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is None or QGuiApplication.platformName() == "offscreen":
        window.resize(*preferred)
        return
    area = screen.availableGeometry()
    width, height = min(preferred[0], area.width()), min(preferred[1], area.height())
    window.resize(max(width, min_size[0]), max(height, min_size[1]))
    if area.width() < preferred[0] or area.height() < preferred[1]:
        window.setWindowState(window.windowState() | Qt.WindowState.WindowMaximized)
