"""A date input that takes typing: «dd/mm/aaaa» with the slashes already in
place (typing 01082027 gives 01/08/2027), in Spanish, with no locale needed."""
from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QLineEdit

from ui.widgets.controls import tr


class DateField(QLineEdit):
    """``value()`` → ``date`` or ``None`` when empty; raises ``ValueError`` with a Spanish
    message when the text is not a real dd/mm/aaaa date. ``set_value(date | None)``."""

    MASK = "00/00/0000;_"

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setInputMask(self.MASK)
        self.setPlaceholderText(tr("dd/mm/aaaa"))
        self.setMaximumWidth(140)

    def digits(self) -> str:
        """The digits typed so far."""
        return "".join(c for c in self.text() if c.isdigit())

    def value(self) -> date | None:
        """The date typed (``None`` when nothing is typed). Raises ``ValueError`` (Spanish)."""
        digits = self.digits()
        if not digits:
            return None
        if len(digits) != 8:
            raise ValueError(tr("Escriba la fecha completa como dd/mm/aaaa, por ejemplo 01/08/2027."))
        try:
            return date(int(digits[4:]), int(digits[2:4]), int(digits[:2]))
        except ValueError:
            raise ValueError(tr("«{0}» no es una fecha que exista; escríbala como dd/mm/aaaa.")
                             .format(self.text())) from None

    def set_value(self, value: date | None) -> None:
        """Show ``value`` as dd/mm/aaaa (empty for ``None``)."""
        self.setText(f"{value:%d/%m/%Y}" if value else "")

    def setDate(self, qdate) -> None:  # noqa: N802 - Qt-style alias of set_value for a QDate
        """Show a ``QDate`` (as ``QDateEdit.setDate`` does)."""
        self.set_value(date(qdate.year(), qdate.month(), qdate.day()) if qdate.isValid() else None)
