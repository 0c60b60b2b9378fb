"""«Consultar alumno» (manual §13): every field and date of a record, the photo,
the signature and the delivery signature, or «No se ha capturado evidencia de
entrega al alumno», plus the record's history on this station.

For the state office only, «Eliminar fotografía y firma…» (issue 14 §6, ARCO
cancelación): a reason, a confirmation, then the server deletes them everywhere
(``DeskServices.delete_biometrics``)."""
from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtWidgets import (QGridLayout, QHBoxLayout, QHeaderView, QLabel, QMessageBox, QPlainTextEdit,
                               QTableWidget, QTableWidgetItem)

from station.domain import Command

from ui.dates import format_datetime
from ui.domain_labels import domain_text
from ui.screens.base import DeskScreen
from ui.widgets.controls import button, card, mark_invalid
from ui.widgets.images import ImageBox
from ui.widgets.student_fields import FULL_FIELDS, StatusTag, StudentDetails


class ConsultScreen(DeskScreen):
    """Search a matrícula and show the whole record (any plantel, read-only)."""

    NO_DELIVERY = QT_TRANSLATE_NOOP("ConsultScreen", "No se ha capturado evidencia de entrega al alumno.")
    example_statuses = ()

    def __init__(self, services, parent=None):
        super().__init__(services, self.tr("Consultar alumno"),
                         self.tr("Permite ver la información completa de un alumno, de cualquier plantel."), parent)
        data_card, data_layout = card(self.tr("Datos del alumno en Base de Datos"))
        head = QHBoxLayout()
        self.tag = StatusTag()
        self.tag.hide()
        self.name_label = QLabel()
        self.name_label.setObjectName("sectionTitle")
        head.addWidget(self.name_label)
        head.addWidget(self.tag)
        head.addStretch(1)
        data_layout.addLayout(head)
        self.details = StudentDetails(FULL_FIELDS, columns=2)
        data_layout.addWidget(self.details)
        self.body.addWidget(data_card)

        bio_card, bio_layout = card(self.tr("Biométricos"))
        grid = QGridLayout()
        self.photo = ImageBox(self.tr("Sin fotografía"), 150, 200)
        self.signature = ImageBox(self.tr("Sin firma"), 270, 99)  # 300 px scrolled sideways at 1024×768
        self.delivery = ImageBox(self.tr(self.NO_DELIVERY), 270, 99)
        grid.addWidget(QLabel(self.tr("Fotografía:")), 0, 0)
        grid.addWidget(QLabel(self.tr("Firma:")), 0, 1)
        grid.addWidget(QLabel(self.tr("Firma de entregado al alumno:")), 0, 2)
        grid.addWidget(self.photo, 1, 0)
        grid.addWidget(self.signature, 1, 1)
        grid.addWidget(self.delivery, 1, 2)
        grid.setColumnStretch(3, 1)
        bio_layout.addLayout(grid)
        self.body.addWidget(bio_card)

        hist_card, hist_layout = card(self.tr("Historial en esta estación"))
        self.history = QTableWidget(0, 5)
        self.history.setHorizontalHeaderLabels([self.tr("Fecha"), self.tr("Acción"), self.tr("Estatus"),
                                                self.tr("Usuario"), self.tr("Comentario")])
        self.history.verticalHeader().hide()
        self.history.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.history.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.history.horizontalHeader().setStretchLastSection(True)
        self.history.setMinimumHeight(120)
        hist_layout.addWidget(self.history)
        self.body.addWidget(hist_card)
        erase_card, erase_layout = card(self.tr("Eliminar fotografía y firma (cancelación ARCO)"))
        note = QLabel(self.tr("Solo Dirección Estatal. Se eliminan del servidor y de todas las estaciones; la firma "
                              "de entrega se conserva. El alumno necesitará una nueva toma de biométricos."))
        note.setWordWrap(True)
        erase_layout.addWidget(note)
        erase_layout.addWidget(QLabel(self.tr("Motivo:")))
        self.delete_reason = QPlainTextEdit()
        self.delete_reason.setPlaceholderText(self.tr("Por ejemplo: solicitud de cancelación ARCO folio DE-2026-014"))
        self.delete_reason.setFixedHeight(60)
        self.delete_reason.textChanged.connect(lambda: mark_invalid(self.delete_reason, False))
        erase_layout.addWidget(self.delete_reason)
        self.delete_button = button(self.tr("Eliminar fotografía y firma…"), "danger", self.delete_biometrics)
        erase_layout.addWidget(self.delete_button)
        self.erase_card = erase_card
        self.body.addWidget(erase_card)
        self.body.addStretch(1)
        self._cards = (data_card, bio_card, hist_card)
        for c in (*self._cards, erase_card):
            c.hide()

    def load(self, matricula: str):
        """Worker thread: the record, its images and its history."""
        services = self.services
        student, photo, signature = services.student_with_biometrics(matricula)
        return (student, photo, signature, services.delivery_signature_png(student), services.audit(student.matricula))

    def clear_student(self) -> None:
        for c in (*self._cards, self.erase_card):
            c.hide()

    def show_student(self, loaded) -> None:
        student, photo, signature, delivery, events = loaded
        for c in self._cards:
            c.show()
        self.erase_card.setVisible(self.services.may_delete_biometrics())
        self.delete_reason.clear()
        self.delete_button.setEnabled(bool(student.photo_sha256 or student.signature_sha256))
        self.name_label.setText(student.full_name)
        self.tag.set_status(student.status)
        self.details.set_student(student)
        self.photo.set_bytes(photo)
        self.signature.set_bytes(signature)
        self.delivery.set_bytes(delivery, self.tr(self.NO_DELIVERY))
        self.history.setRowCount(len(events))
        for r, e in enumerate(events):
            status = (f"{domain_text(e.from_status.label) if e.from_status else '—'} → "
                      f"{domain_text(e.to_status.label) if e.to_status else '—'}")
            try:
                action = domain_text(Command(e.command).label)
            except ValueError:
                action = e.command
            for c, value in enumerate((format_datetime(e.at), action, status, e.username, e.comment)):
                self.history.setItem(r, c, QTableWidgetItem(value))
        self.action_done()

    def deletion_box(self) -> QMessageBox:
        """The «Eliminar fotografía y firma» question, unopened («No» is the default)."""
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Eliminar fotografía y firma"),
                          self.tr("Se eliminarán la fotografía y la firma de {0} del servidor y de todas las "
                                  "estaciones; no se pueden recuperar. ¿Desea continuar?").format(
                              self.student.full_name if self.student else ""),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        return box

    def _confirm_deletion(self) -> bool:
        return self.deletion_box().exec() == QMessageBox.StandardButton.Yes

    def delete_biometrics(self) -> None:
        """«Eliminar fotografía y firma…»: reason, confirmation, then the server (off the GUI thread)."""
        if self.student is None or not self.delete_button.isEnabled():
            return
        reason = self.delete_reason.toPlainText()
        if not reason.strip():
            self.message.error(self.tr("Escriba el motivo de la eliminación (por ejemplo, el folio de la solicitud "
                                       "ARCO)."))
            mark_invalid(self.delete_reason, True)
            self.delete_reason.setFocus()
            return
        if not self._confirm_deletion():
            return
        services, matricula = self.services, self.student.matricula

        def done(result) -> None:
            student, deleted = result
            self.student = student
            self.details.set_student(student)
            self.tag.set_status(student.status)
            self.photo.set_bytes(None)
            self.signature.set_bytes(None)
            self.delete_button.setEnabled(False)
            self.message.ok(self.tr("Se eliminaron {0} archivos de fotografía y firma; las estaciones borrarán sus "
                                    "copias al sincronizar.").format(deleted))
            self.changed.emit()
            self.action_done()

        def failed(exc) -> None:
            if getattr(exc, "field", None) == "comment":
                mark_invalid(self.delete_reason, True)
                self.delete_reason.setFocus()

        self.run(lambda: services.delete_biometrics(matricula, reason), done,
                 self.tr("Eliminando fotografía y firma…"), failed)
