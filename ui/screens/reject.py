"""«Rechazar / reimprimir» (manual §11): only Recibido credentials; a comment,
and «Requiere retoma» when the photo must be taken again (the retake then goes
through «Toma de biométricos»)."""
from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtWidgets import QCheckBox, QLabel, QPlainTextEdit

from station.domain import Command, Status
from ui.screens.base import DeskScreen
from ui.widgets.controls import button, card, mark_invalid
from ui.widgets.student_panel import StudentPanel

FIELDS = (("status", "Estatus"), ("curp", "CURP"), ("matricula", "Matrícula"), ("first_names", "Nombre"),
          ("first_surname", "Primer apellido"), ("second_surname", "Segundo apellido"), ("campus_name", "Plantel"),
          ("career", "Carrera"), ("print_order", "Orden en que se incluye"))


class RejectScreen(DeskScreen):
    """Control de rechazo de impresión."""

    example_statuses = (Status.RECEIVED,)
    searching_text = QT_TRANSLATE_NOOP("DeskScreen", "Buscando credencial…")

    def __init__(self, services, parent=None):
        super().__init__(services, self.tr("Control de rechazo de impresión"),
                         self.tr("Identifique las credenciales rechazadas o no entregadas de una orden ya recibida por "
                                 "el plantel y documente la razón."), parent)
        self.panel = StudentPanel(self.tr("Consulta de credencial"), FIELDS, columns=2)
        self.body.addWidget(self.panel)
        form_card, form = card(self.tr("Proceder a documentar y registrar estatus"))
        form.addWidget(QLabel(self.tr("Comentario:")))
        self.comment = QPlainTextEdit()
        self.comment.setPlaceholderText(self.tr("Por ejemplo: Deficiencia en color y laminado"))
        self.comment.setFixedHeight(70)
        self.comment.textChanged.connect(lambda: mark_invalid(self.comment, False))
        form.addWidget(self.comment)
        self.retake_check = QCheckBox(self.tr("Requiere retoma (la fotografía impresa es deficiente: se retoman "
                                              "los biométricos antes de reimprimir)"))
        form.addWidget(self.retake_check)
        self.reject_button = button(self.tr("Rechazar"), "danger", self.reject, "F8")
        self.cancel_button = button(self.tr("Cancelar"), slot=self.cancel)
        self.capture_button = button(self.tr("Ir a toma de biométricos"),
                                     slot=lambda: self.navigate.emit("capture", self.student.matricula))
        self.capture_button.hide()
        self.actions.addStretch(1)
        self.actions.addWidget(self.capture_button)
        self.actions.addWidget(self.cancel_button)
        self.actions.addWidget(self.reject_button)
        self.form_card = form_card
        self.body.addWidget(form_card)
        self.body.addStretch(1)
        self.cancel()

    def cancel(self) -> None:
        """Clear the screen (nothing saved)."""
        self.student = None
        self.clear_student()
        self.search.focus()

    def clear_student(self) -> None:
        self.panel.hide()
        self.form_card.hide()
        self.comment.clear()
        self.retake_check.setChecked(False)
        self.reject_button.setEnabled(False)
        self.cancel_button.setEnabled(False)

    def show_student(self, loaded) -> None:
        student, photo, signature = loaded
        self.cancel_button.setEnabled(True)
        self.panel.set_student(student, photo, signature)
        self.panel.show()
        self.form_card.show()
        self.capture_button.hide()
        self.comment.clear()
        self.retake_check.setChecked(False)
        commands = self.services.allowed(student)
        reprint, retake = Command.REJECT_REPRINT in commands, Command.REJECT_RETAKE in commands
        allowed = reprint or retake
        self.reject_button.setEnabled(allowed)
        self.comment.setEnabled(allowed)
        self.retake_check.setEnabled(reprint and retake)
        if not allowed:
            self.message.notice(self.services.refusal_for(student, Command.REJECT_REPRINT))
            self.action_done()
            return
        if not reprint:  # no photo and signature (deleted by the state office): only a retake
            self.retake_check.setChecked(True)
            self.message.notice(self.tr("El alumno ya no tiene fotografía ni firma: solo puede rechazarse con "
                                        "«Requiere retoma» (nueva toma de biométricos)."))
        self.comment.setFocus()

    def reject(self) -> None:
        """Rechazar (reprint, or retake when «Requiere retoma» is checked)."""
        if self.student is None or not self.reject_button.isEnabled():
            return
        services, matricula = self.services, self.student.matricula
        comment, retake = self.comment.toPlainText(), self.retake_check.isChecked()

        def done(student) -> None:
            self.student = student
            self.panel.details.set_student(student)
            self.panel.tag.set_status(student.status)
            self.reject_button.setEnabled(False)
            if retake:
                self.message.ok(self.tr("La credencial quedó en «Retoma»: realice la toma de biométricos de nuevo; "
                                        "la reimpresión se solicitará al guardarla."))
                self.capture_button.setVisible(Command.CAPTURE in self.services.allowed(student))
            else:
                self.message.ok(self.tr("La credencial quedó «Rechazada»: se solicitará su reimpresión."))
            self.changed.emit()
            self.action_done()

        def failed(exc) -> None:
            if getattr(exc, "field", None) == "comment":
                mark_invalid(self.comment, True)
                self.comment.setFocus()

        self.run(lambda: services.reject(matricula, comment, retake=retake), done, self.tr("Guardando rechazo…"),
                 failed)
