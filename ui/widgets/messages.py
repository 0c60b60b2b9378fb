"""The message line of a screen: errors (red), notices (amber) and confirmations
(green) in a line whose height is reserved, so a message never pushes the
buttons below it (issue 16: buttons stay in fixed places).

The line also orders what background work says: a screen's *load* (senders,
templates, a table refreshed on entering the screen) that finishes late never
replaces the result of an operator's action started after the load began
(«Plantilla guardada» stays; the load's «no hay remitentes» is stale by then).
:meth:`MessageLabel.ticket` numbers each task when it starts and
:meth:`MessageLabel.speaking_for` tells the line which task a callback speaks
for; ``ui.screens.base.Screen.run`` does both.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

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
        #: Last ticket handed out (tickets grow with the order in which work started).
        self._clock = 0
        #: (ticket, is_load) of the task whose callback is running, None outside callbacks.
        self._speaker: tuple[int, bool] | None = None
        #: Ticket of the newest action whose message the line has shown (0: none yet).
        self._action_shown = 0
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if reserve:
            self.setFixedHeight(self.fontMetrics().lineSpacing() * lines + 6)
            self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        else:
            self.hide()

    def ticket(self) -> int:
        """Number a piece of work as it starts: later work gets a larger ticket."""
        self._clock += 1
        return self._clock

    @contextmanager
    def speaking_for(self, ticket: int, load: bool) -> Iterator[None]:
        """Within the block, messages come from the task numbered ``ticket``; with ``load``
        it is a background load, whose messages are dropped when an action started after
        it (a larger ticket) has already shown its result. Nests (a modal dialog inside a
        callback may run other callbacks)."""
        previous, self._speaker = self._speaker, (ticket, load)
        try:
            yield
        finally:
            self._speaker = previous

    def _show(self, text: str, kind: str) -> None:
        if self._speaker is None:  # said directly by the operator's action (a click, a key)
            ticket, load = self.ticket(), False
        else:
            ticket, load = self._speaker
        if load and ticket < self._action_shown:
            return  # a late load: the newer action's result stays
        if not load:
            self._action_shown = max(self._action_shown, ticket)
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
