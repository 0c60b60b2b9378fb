"""«Entregar credencial» (manual §12): only Recibido; the student's delivery
signature; whether the temporary credential was handed back — if not, the
replacement-fee notice."""
from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QLabel, QRadioButton, QVBoxLayout, QWidget

from station.domain import Command, Status
from ui.screens.base import DeskScreen
from ui.widgets.controls import button, card, set_shortcut
from ui.widgets.messages import MessageLabel
from ui.widgets.student_panel import StudentPanel
from ui.workers import error_text

FIELDS = (("status", "Estatus"), ("curp", "CURP"), ("matricula", "Matrícula"), ("first_names", "Nombre"),
          ("first_surname", "Primer apellido"), ("second_surname", "Segundo apellido"), ("group_code", "Grupo"),
          ("career", "Carrera"), ("print_order", "Orden de impresión"))


class DeliverScreen(DeskScreen):
    """Delivery of the official credential with the student's signature."""

    FEE_NOTICE = QT_TRANSLATE_NOOP("DeliverScreen", "El alumno no devolvió la credencial temporal: la entrega debe "
                                                    "tramitarse y pagarse como reposición.")
    example_statuses = (Status.RECEIVED,)

    def __init__(self, services, parent=None):
        super().__init__(services, self.tr("Entregar credencial"),
                         self.tr("Recabe la firma de entrega del alumno. A cambio de la credencial definitiva "
                                 "solicite la credencial temporal."), parent)
        self.signature = None
        self.pad_panel = None
        row = QHBoxLayout()
        self.panel = StudentPanel(self.tr("Datos del alumno"), FIELDS, columns=1, stacked=True)
        row.addWidget(self.panel, 2)
        right_card, right = card(self.tr("Firma de entrega"))
        self.pad_box = QVBoxLayout()
        right.addLayout(self.pad_box, 1)
        # «¿Devolvió la temporal?» sits in the fixed action bar next to Guardar: always on screen.
        self.returned_box = QWidget()
        radios = QHBoxLayout(self.returned_box)
        radios.setContentsMargins(0, 0, 0, 0)
        question = QLabel(self.tr("¿Devolvió la credencial temporal?"))
        question.setToolTip(self.tr("¿El alumno entregó su credencial temporal?"))
        self.returned_yes = QRadioButton(self.tr("Sí"))
        self.returned_no = QRadioButton(self.tr("No"))
        self.returned = QButtonGroup(self)
        self.returned.addButton(self.returned_yes)
        self.returned.addButton(self.returned_no)
        radios.addWidget(question)
        radios.addWidget(self.returned_yes)
        radios.addWidget(self.returned_no)
        self.actions.addWidget(self.returned_box)
        self.fee_notice = MessageLabel(reserve=False)
        right.addWidget(self.fee_notice)
        self.returned_no.toggled.connect(self._on_returned)
        self.returned_yes.toggled.connect(self._on_returned)
        self.save_button = button(self.tr("Guardar"), "primary", self.save, "F8")
        self.actions.addStretch(1)
        self.actions.addWidget(self.save_button)
        self.right_card = right_card
        row.addWidget(right_card, 3)
        self.body.addLayout(row)
        self.body.addStretch(1)
        self._clear()

    def _ensure_pad(self) -> None:
        if self.pad_panel is not None:
            return
        from drivers.desk import desk_pad
        from ui.widgets.signature_pad import SignaturePanel

        pad, problem = desk_pad(self.services.config.pad)
        if problem is not None:
            self.message.error(error_text(problem))
        self.pad_panel = SignaturePanel(pad)
        self.pad_panel.setMinimumHeight(180)
        set_shortcut(self.pad_panel.capture_button, "F7")
        self.actions.insertWidget(2, self.pad_panel.clear_button)  # always on screen
        self.actions.insertWidget(3, self.pad_panel.capture_button)
        self.pad_panel.signatureCaptured.connect(self._on_signature)
        self.pad_box.addWidget(self.pad_panel)
        self.pad_panel.start()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt API
        if self.pad_panel is not None:
            self.pad_panel.shutdown()
        super().closeEvent(event)

    def clear_student(self) -> None:
        self._clear()

    def _show_pad_buttons(self, shown: bool) -> None:
        self.returned_box.setVisible(shown)
        if self.pad_panel is not None:
            self.pad_panel.clear_button.setVisible(shown)
            self.pad_panel.capture_button.setVisible(shown)

    def _clear(self) -> None:
        self._show_pad_buttons(False)
        self.signature = None
        self.panel.hide()
        self.right_card.hide()
        self.returned.setExclusive(False)
        self.returned_yes.setChecked(False)
        self.returned_no.setChecked(False)
        self.returned.setExclusive(True)
        self.fee_notice.clear_message()
        self.save_button.setEnabled(False)

    def _on_returned(self, _checked: bool) -> None:
        if self.returned_no.isChecked():
            self.fee_notice.notice(self.tr(self.FEE_NOTICE))
        else:
            self.fee_notice.clear_message()
        self._update()

    def _on_signature(self, signature) -> None:
        self.signature = signature
        self._update()

    def _update(self) -> None:
        ok = (self.student is not None and Command.DELIVER in self.services.allowed(self.student)
              and self.signature is not None and self.returned.checkedButton() is not None)
        self.save_button.setEnabled(ok)

    def show_student(self, loaded) -> None:
        """Only a Recibido credential can be delivered."""
        student, photo, signature = loaded
        self._clear()
        self.panel.set_student(student, photo, signature)
        self.panel.show()
        why = self.services.refusal_for(student, Command.DELIVER)
        if why:
            self.message.notice(why)
            self.action_done()
            return
        self.right_card.show()
        self._show_pad_buttons(True)
        self._ensure_pad()
        self.pad_panel.clear()
        self._update()

    def save(self) -> None:
        """Guardar the delivery (signature + temporary credential returned or not)."""
        if self.student is None or not self.save_button.isEnabled():
            return
        services, matricula, signature = self.services, self.student.matricula, self.signature
        returned = None if self.returned.checkedButton() is None else self.returned_yes.isChecked()

        def done(student) -> None:
            self.student = student
            self.panel.details.set_student(student)
            self.panel.tag.set_status(student.status)
            self.right_card.hide()
            self._show_pad_buttons(False)
            text = self.tr("Credencial entregada a {0}.").format(student.full_name)
            if returned is False:
                text += " " + self.tr(self.FEE_NOTICE)
            self.message.ok(text)
            self.save_button.setEnabled(False)
            self.changed.emit()
            self.action_done()

        self.save_button.setEnabled(False)
        self.run(lambda: services.deliver(matricula, signature, returned), done, self.tr("Guardando entrega…"),
                 lambda exc: self._update())
