"""«Matrícula: [__________] [Buscar]»: the desk's search bar. Enter (or a
keyboard-wedge scanner, which types the code and Enter) searches."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QWidget

from ui.widgets.controls import button, mark_invalid, tr


class MatriculaSearch(QWidget):
    """Signal ``search(str)`` with the text as typed (validation is the service's).

    :meth:`set_example` writes a matrícula that exists on this desk in the
    placeholder (the demo's or the plantel's own), never an invented one.
    """

    search = Signal(str)

    def __init__(self, button_text: str | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        label = QLabel(tr("Matrícula:"))
        self.edit = QLineEdit()
        self.edit.setObjectName("matriculaSearch")
        self.set_example("")
        self.edit.setMaxLength(40)
        self.edit.setClearButtonEnabled(True)
        self.edit.setMinimumWidth(240)
        label.setBuddy(self.edit)
        self.button = button(button_text or tr("Buscar"), "primary")
        #: «Leer credencial (F3)»: the desk camera reads the temporary credential (DeskScreen connects it).
        self.scan_button = button(tr("Leer credencial"), shortcut="F3")
        self.scan_button.setToolTip(tr("Leer con la cámara el código QR o de barras de la credencial temporal (F3)."))
        layout.addWidget(label)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.button)
        layout.addWidget(self.scan_button)
        layout.addStretch(1)
        self.edit.returnPressed.connect(self._emit)
        self.button.clicked.connect(self._emit)
        self.edit.textEdited.connect(lambda *_: mark_invalid(self.edit, False))

    def set_example(self, matricula: str) -> None:
        """Placeholder «Escriba o escanee la matrícula[, p. ej. <matricula>]»."""
        text = tr("Escriba o escanee la matrícula")
        self.edit.setPlaceholderText(tr("{0}, p. ej. {1}").format(text, matricula) if matricula else text)

    def _emit(self) -> None:
        self.search.emit(self.edit.text())

    def text(self) -> str:
        """The typed text, stripped."""
        return self.edit.text().strip()

    def set_invalid(self, invalid: bool) -> None:
        """Red border while the matrícula is wrong."""
        mark_invalid(self.edit, invalid)
        if invalid:
            self.edit.setFocus()
            self.edit.selectAll()

    def focus(self) -> None:
        """Focus and select the field (ready for the next scan)."""
        self.edit.setFocus()
        self.edit.selectAll()
