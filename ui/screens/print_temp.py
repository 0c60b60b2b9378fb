"""«Imprimir temporal» (manual §9): search a student with biometrics, review the
data, photo and signature, «Generar credencial temporal» (each print is logged
with a reprint counter)."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout

from station.domain import Command
from ui.printing import generate_and_open, open_document
from ui.widgets.common import MatriculaSearch, Screen, button
from ui.widgets.student_panel import StudentPanel


class PrintTemporaryScreen(Screen):
    """Reprint of the temporary credential."""

    navigate = Signal(str, str)

    def __init__(self, services, parent=None):
        super().__init__(services, self.tr("Imprimir credencial temporal"),
                         self.tr("Revise los datos y biométricos del alumno y genere su credencial temporal en PDF "
                                 "para imprimirla."), parent)
        self.student = None
        self.last_pdf = None
        self.search = MatriculaSearch()
        self.search.search.connect(self.open_matricula)
        self.body.addWidget(self.search)
        self.panel = StudentPanel(self.tr("Revisión de captura de biométricos"))
        self.panel.hide()
        self.body.addWidget(self.panel)
        row = QHBoxLayout()
        self.print_button = button(self.tr("Generar credencial temporal"), "primary", self.print_temporary)
        self.retake_button = button(self.tr("Regresar a toma de biométricos"),
                                    slot=lambda: self.navigate.emit("capture", self.student.matricula if self.student
                                                                    else ""))
        row.addWidget(self.print_button)
        row.addWidget(self.retake_button)
        row.addStretch(1)
        self.body.addLayout(row)
        self.body.addStretch(1)
        self.print_button.setEnabled(False)
        self.retake_button.setEnabled(False)

    def focus_first(self) -> None:
        self.search.focus()

    def open_matricula(self, matricula: str) -> None:
        """Search and show ``matricula``."""
        def failed(exc):
            self.search.set_invalid(True)
            self.student = None
            self.panel.hide()
            self.print_button.setEnabled(False)
            self.retake_button.setEnabled(False)

        self.search_student(matricula, self._show, failed, self.tr("Buscando alumno…"))

    def _show(self, loaded) -> None:
        student, photo, signature = loaded
        self.search.set_invalid(False)
        self.student = student
        self.panel.set_student(student, photo, signature)
        self.panel.show()
        allowed = self.services.allowed(student)
        self.print_button.setEnabled(Command.PRINT_TEMPORARY in allowed and student.has_biometrics)
        self.retake_button.setEnabled(Command.CAPTURE in allowed)
        if not student.has_biometrics:
            self.message.notice(self.tr("El alumno no tiene fotografía y firma capturadas; primero realice la "
                                        "toma de biométricos."))
        else:
            self.print_button.setFocus()

    def print_temporary(self) -> None:
        """Generate the PDF off the GUI thread and open it."""
        if self.student is None:
            return
        services, matricula = self.services, self.student.matricula

        def done(result) -> None:
            path, student = result
            self.student = student
            self.last_pdf = path
            opened = open_document(path)
            text = self.tr("Credencial temporal generada ({0}.ª impresión): {1}").format(student.reprint_count, path)
            self.message.ok(text if opened else text + self.tr(" (ábrala para imprimirla)."))
            self.panel.details.set_student(student)
            self.changed.emit()

        self.run(lambda: generate_and_open(services, matricula), done, self.tr("Generando credencial temporal…"))
