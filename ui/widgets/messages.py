"""The message line of a screen: errors (red), notices (amber) and confirmations
(green) in a line whose height is reserved, so a message never pushes the
buttons below it (issue 16: buttons stay in fixed places)."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSizePolicy

from ui.widgets.controls import repolish


class MessageLabel(QLabel):
    """One message at a time; always takes the height of ``lines`` lines of text.

    ``reserve=False`` gives the old behaviour (hidden while empty) for places
    where an empty line would look odd (the fee notice inside a card).
    """

    def __init__(self, lines: int = 2, reserve: bool = True) -> None:
        super().__init__()
        self.reserve = reserve
        self.kind = ""
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if reserve:
            self.setFixedHeight(self.fontMetrics().lineSpacing() * lines + 6)
            self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        else:
            self.hide()

    def _show(self, text: str, kind: str) -> None:
        self.kind = kind if text else ""
        self.setObjectName(kind)
        repolish(self)
        self.setText(text)
        self.setToolTip(text)
        if not self.reserve:
            self.setVisible(bool(text))

    def error(self, text: str) -> None:
        """Show an error in red."""
        self._show(text, "error")

    def notice(self, text: str) -> None:
        """Show a warning in amber."""
        self._show(text, "notice")

    def ok(self, text: str) -> None:
        """Show a confirmation in green."""
        self._show(text, "ok")

    def clear_message(self) -> None:
        """Empty the line (its height stays reserved)."""
        self._show("", "error")
