"""«Imprimir temporal» (manual §9): search a student with biometrics, review the
data, photo and signature, «Imprimir credencial temporal» (each print is logged
with a reprint counter)."""
from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP

from station.domain import Command, Status, record_refusal
from ui.printing import CredentialPrinter
from ui.screens.base import DeskScreen
from ui.widgets.controls import button
from ui.widgets.student_panel import StudentPanel


class PrintTemporaryScreen(DeskScreen):
    """Reprint of the temporary credential."""

    example_statuses = (Status.CAPTURED,)

    def __init__(self, services, parent=None):
        super().__init__(services, self.tr("Imprimir credencial temporal"),
                         self.tr("Revise los datos y biométricos del alumno e imprima su credencial temporal."),
                         parent)
        self.last_pdf = None
        self.printer = CredentialPrinter(self)
        self.panel = StudentPanel(self.tr("Revisión de captura de biométricos"))
        self.panel.hide()
        self.body.addWidget(self.panel)
        self.body.addStretch(1)
        self.print_button = button(self.tr("Imprimir credencial temporal"), "primary", self.print_temporary, "F9")
        self.retake_button = button(self.tr("Regresar a toma de biométricos"),
                                    slot=lambda: self.navigate.emit("capture", self.student.matricula if self.student
                                                                    else ""))
        self.actions.addWidget(self.print_button)
        self.actions.addWidget(self.retake_button)
        self.actions.addStretch(1)
        self.clear_student()

    def clear_student(self) -> None:
        self.panel.hide()
        self.print_button.setEnabled(False)
        self.retake_button.setEnabled(False)

    def show_student(self, loaded) -> None:
        student, photo, signature = loaded
        self.panel.set_student(student, photo, signature)
        self.panel.show()
        allowed = self.services.allowed(student)
        self.print_button.setEnabled(Command.PRINT_TEMPORARY in allowed)
        self.retake_button.setEnabled(Command.CAPTURE in allowed)
        if record_refusal(Command.PRINT_TEMPORARY, student) is not None:  # no photo and signature yet
            self.message.notice(self.tr("El alumno no tiene fotografía y firma capturadas; primero realice la "
                                        "toma de biométricos."))
            self.action_done()
        else:
            self.print_button.setFocus()

    def print_temporary(self) -> None:
        """Generate the PDF off the GUI thread, then the print preview (or save)."""
        if self.student is None:
            return

        def done(pdf, student) -> None:
            self.student = student
            self.last_pdf = pdf  # bytes in memory: never written under the data folder
            self.panel.details.set_student(student)
            self.changed.emit()
            self.action_done()

        self.printer.print_credential(self.services, self.student.matricula, self.message, done)


QT_TRANSLATE_NOOP("DeskScreen", "Buscando alumno…")
