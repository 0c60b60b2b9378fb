"""«Toma de biométricos» (manual §8; retake of §11): search the matrícula, check
the student's data, take the photo (camera widget) and the signature (pad),
the two checks «Toma de fotografía» / «Toma de firma», Guardar, then
«Imprimir credencial temporal».

Keyboard: F5 Tomar foto → F6 Capturar foto → F7 Capturar firma → F8 Guardar →
F9 Imprimir; F4 Volver a tomar. The keys are written on the buttons.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFormLayout, QFrame, QGroupBox, QHBoxLayout, QLabel, QLineEdit,
                               QScrollArea, QTabWidget, QVBoxLayout, QWidget)

from station.domain import Command, Status
from ui.domain_labels import domain_text
from ui.printing import CredentialPrinter
from ui.screens.base import DeskScreen
from ui.widgets.controls import button, set_shortcut
from ui.widgets.messages import MessageLabel
from ui.widgets.student_fields import BASIC_FIELDS
from ui.widgets.student_panel import StudentPanel
from ui.workers import error_text

#: One key per step, in the order of the desk's flow (shown on the buttons).
KEY_TAKE, KEY_ACCEPT, KEY_SIGN, KEY_SAVE, KEY_PRINT, KEY_RETAKE = "F5", "F6", "F7", "F8", "F9", "F4"


class CaptureScreen(DeskScreen):
    """Toma de biométricos. The camera and the pad start when a student who may
    be captured is found, and stop when leaving the screen."""

    example_statuses = (Status.ENROLLED,)

    def __init__(self, services, parent=None):
        super().__init__(services, self.tr("Toma de biométricos"),
                         self.tr("Tome y recorte la foto y capture la firma del alumno (estatus Enrolado, "
                                 "Capturado, Aplazado o Retoma)."), parent)
        self.photo_jpeg: bytes | None = None
        self.photo_ok = True
        self.override_reason = ""
        self.signature = None
        self.camera_widget = None
        self.pad_panel = None
        self.last_pdf = None
        self.printer = CredentialPrinter(self)

        columns = QHBoxLayout()
        columns.setContentsMargins(0, 0, 0, 0)
        fields = [f for f in BASIC_FIELDS if f[0] not in ("folio", "prematricula")]
        self.panel = StudentPanel(self.tr("Datos del alumno"), fields, columns=1, with_images=False, stacked=True)
        #: The deferral / rejection comment the operator must fix (manual §10–11).
        self.comment_label = MessageLabel(lines=3, reserve=False)
        self.comment_label.setObjectName("notice")
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 4, 0)
        left_layout.addWidget(self.comment_label)
        left_layout.addWidget(self.panel)
        left_layout.addWidget(self._consent_box())
        left_layout.addStretch(1)
        left_scroll = QScrollArea()
        left_scroll.setWidgetResizable(True)
        left_scroll.setFrameShape(QFrame.Shape.NoFrame)
        left_scroll.setWidget(left)
        left_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # an 18-character CURP and the two checks fit (labels above values) beside the vertical scroll bar
        left_scroll.setMinimumWidth(300)
        left_scroll.setMaximumWidth(380)
        columns.addWidget(left_scroll, 3)

        self.tabs = QTabWidget()
        self.photo_tab = QWidget()
        self.photo_layout = QVBoxLayout(self.photo_tab)
        self.photo_layout.setContentsMargins(4, 4, 4, 4)
        self.sign_tab = QWidget()
        self.sign_layout = QVBoxLayout(self.sign_tab)
        self.sign_layout.setContentsMargins(4, 4, 4, 4)
        self.tabs.addTab(self.photo_tab, self.tr("Obtener fotografía"))
        self.tabs.addTab(self.sign_tab, self.tr("Obtener firma"))
        self.tabs.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        columns.addWidget(self.tabs, 5)
        holder = QWidget()
        holder.setLayout(columns)
        self.body.addWidget(holder, 1)
        self.hint = QLabel(self.tr("Busque al alumno por su matrícula para comenzar."))
        self.hint.setObjectName("subtitle")
        self.photo_layout.addWidget(self.hint)

        checks = QHBoxLayout()
        self.photo_check = QCheckBox(self.tr("Toma de fotografía"))
        self.signature_check = QCheckBox(self.tr("Toma de firma"))
        for box in (self.photo_check, self.signature_check):
            box.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)  # set by the capture, not by hand
            box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            checks.addWidget(box)
        checks.addStretch(1)
        left_layout.insertLayout(0, checks)
        #: The photo widget's Tomar / Volver a tomar / Capturar foto join this fixed bar (see _ensure_devices).
        self.flow_box = QWidget()  # disabled with the tabs: no photo is taken while a search runs
        self.flow_buttons = QHBoxLayout(self.flow_box)
        self.flow_buttons.setContentsMargins(0, 0, 0, 0)
        self.actions.addWidget(self.flow_box)
        self.actions.addStretch(1)
        self.save_button = button(self.tr("Guardar"), "primary", self.save, KEY_SAVE)
        self.print_button = button(self.tr("Imprimir"), slot=self.print_temporary, shortcut=KEY_PRINT)
        self.print_button.setToolTip(self.tr("Imprimir credencial temporal ({0})").format(KEY_PRINT))
        self.actions.addWidget(self.save_button)
        self.actions.addWidget(self.print_button)
        self._set_enabled(False)

    def _consent_box(self) -> QGroupBox:
        """Guardian consent (LGPDPPSO): shown only for a minor (age from the CURP)."""
        from station.domain.minors import MAX_GUARDIAN_NAME, RELATIONSHIPS

        # The heading is a word-wrapped label, not the group box's title: a title never wraps, and
        # this one made the narrow student panel wider than its column (every value was cut).
        self.consent_box = QGroupBox()
        form = QFormLayout(self.consent_box)
        form.setContentsMargins(6, 4, 6, 4)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        heading = QLabel(self.tr("Consentimiento de madre, padre o tutor (menor de edad)"))
        heading.setObjectName("sectionTitle")
        heading.setWordWrap(True)
        form.addRow(heading)
        self.guardian_name = QLineEdit()
        self.guardian_name.setMaxLength(MAX_GUARDIAN_NAME)
        self.guardian_name.setPlaceholderText(self.tr("Nombre completo de quien autoriza"))
        self.guardian_relationship = QComboBox()
        self.guardian_relationship.addItem(self.tr("— Parentesco —"), "")
        for relationship in RELATIONSHIPS:
            self.guardian_relationship.addItem(self.tr(relationship), relationship)
        form.addRow(self.tr("Nombre:"), self.guardian_name)
        form.addRow(self.tr("Parentesco:"), self.guardian_relationship)
        self.consent_box.hide()
        return self.consent_box

    def _show_consent(self, student) -> None:
        from datetime import date

        from station.domain.minors import is_minor

        self.guardian_name.clear()
        self.guardian_relationship.setCurrentIndex(0)
        self.consent_box.setVisible(student is not None and is_minor(student.curp, date.today()))

    # ------------------------------------------------------------- devices
    def _ensure_devices(self) -> None:
        if self.camera_widget is None:
            from ui.widgets.photo_capture import PhotoCaptureWidget

            self.camera_widget = PhotoCaptureWidget()
            self.camera_widget.photoAccepted.connect(self._on_photo)
            self.camera_widget.cameraStatusChanged.connect(self._on_camera_status)
            set_shortcut(self.camera_widget.take_button, KEY_TAKE)
            set_shortcut(self.camera_widget.accept_button, KEY_ACCEPT)
            set_shortcut(self.camera_widget.retake_button, KEY_RETAKE)
            for b in (self.camera_widget.take_button, self.camera_widget.retake_button,
                      self.camera_widget.accept_button):
                self.flow_buttons.addWidget(b)  # always on screen, whatever the window's height
            self.hint.hide()
            self.photo_layout.addWidget(self.camera_widget, 1)
        if self.pad_panel is None:
            from drivers.desk import desk_pad
            from ui.widgets.signature_pad import SignaturePanel

            pad, problem = desk_pad(self.services.config.pad)
            if problem is not None:
                self.message.error(error_text(problem))
            self.pad_panel = SignaturePanel(pad)
            self.pad_panel.signatureCaptured.connect(self._on_signature)
            set_shortcut(self.pad_panel.capture_button, KEY_SIGN)
            self.sign_layout.addWidget(self.pad_panel, 1)
            self.pad_panel.start()

    def _start_camera(self) -> None:
        from drivers.camera import CameraError
        from drivers.desk import desk_camera

        try:
            source = desk_camera(self.services.config.camera)
        except CameraError as exc:
            self.message.error(error_text(exc))
            return
        self.camera_widget.start(source)

    def _on_camera_status(self, state: str, message: str) -> None:
        if state in ("error", "lost") and message:
            self.message.error(message)

    def shutdown(self) -> None:
        """Stop camera and pad (leaving the screen or closing the window)."""
        if self.camera_widget is not None:
            self.camera_widget.stop()

    def release_camera(self) -> None:
        self.shutdown()

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt API
        self.shutdown()
        super().hideEvent(event)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt API
        self.shutdown()
        if self.pad_panel is not None:
            self.pad_panel.shutdown()
        super().closeEvent(event)

    # ------------------------------------------------------------- flow
    def on_enter(self) -> None:
        super().on_enter()
        if self.student is not None and self.camera_widget is not None and self._may_capture():
            self._start_camera()

    def load(self, matricula: str):
        return self.services.lookup(matricula)

    def _may_capture(self) -> bool:
        return self.student is not None and Command.CAPTURE in self.services.allowed(self.student)

    def _set_enabled(self, enabled: bool) -> None:
        self.tabs.setEnabled(enabled)
        self.flow_box.setEnabled(enabled)
        self._update_buttons()

    def open_matricula(self, matricula: str) -> None:
        """Search ``matricula``; the photo and signature steps wait for the answer."""
        self._set_enabled(False)
        super().open_matricula(matricula)

    def _update_buttons(self) -> None:
        self.photo_check.setChecked(self.photo_jpeg is not None)
        self.signature_check.setChecked(self.signature is not None)
        self.save_button.setEnabled(self._may_capture() and self.photo_jpeg is not None and self.signature is not None)
        self.print_button.setEnabled(self.student is not None
                                     and Command.PRINT_TEMPORARY in self.services.allowed(self.student))

    def _reset(self, student) -> None:
        self.student = student
        self.photo_jpeg, self.photo_ok, self.override_reason, self.signature = None, True, "", None
        self.panel.set_student(student)
        self._show_consent(student)
        comment = getattr(student, "comment", "") if student is not None else ""
        if comment and student.status in (Status.DEFERRED, Status.RETAKE):
            self.comment_label.notice(self.tr("Comentario de la validación: {0}").format(comment))
        else:
            self.comment_label.clear_message()
        if self.camera_widget is not None:
            self.camera_widget.retake()
        if self.pad_panel is not None:
            self.pad_panel.clear()
        self._set_enabled(self._may_capture())

    def clear_student(self) -> None:
        self._reset(None)

    def show_student(self, student) -> None:
        self._reset(student)
        why = self.services.refusal_for(student, Command.CAPTURE)
        if why:
            self.message.notice(why)
            self.shutdown()
            self.action_done()
            return
        self._ensure_devices()
        self.tabs.setCurrentIndex(0)
        self._start_camera()
        self.camera_widget.take_button.setFocus()

    def _on_photo(self, jpeg: bytes, ok: bool, reason: str) -> None:
        self.photo_jpeg, self.photo_ok, self.override_reason = jpeg, ok, reason
        self.message.ok(self.tr("Fotografía lista. Ahora capture la firma ({0}).").format(KEY_SIGN))
        self.tabs.setCurrentIndex(1)
        self._update_buttons()
        self.pad_panel.capture_button.setFocus()

    def _on_signature(self, signature) -> None:
        self.signature = signature
        self.message.ok(self.tr("Firma lista.") if self.photo_jpeg is None else
                        self.tr("Fotografía y firma listas: presione «Guardar» ({0}).").format(KEY_SAVE))
        self._update_buttons()
        if self.save_button.isEnabled():
            self.save_button.setFocus()

    def save(self) -> None:
        """Guardar: one local transaction (record, sealed biometrics, audit, outbox)."""
        if self.student is None or not self.save_button.isEnabled():
            return
        services, matricula = self.services, self.student.matricula
        photo, signature, ok, reason = self.photo_jpeg, self.signature, self.photo_ok, self.override_reason
        guardian = self.guardian_name.text(), self.guardian_relationship.currentData() or ""
        self.save_button.setEnabled(False)

        def done(student) -> None:
            self.student = student
            self.photo_jpeg, self.signature = None, None
            self.panel.set_student(student)
            self.comment_label.clear_message()
            self.shutdown()
            self.tabs.setEnabled(False)
            self.flow_box.setEnabled(False)
            self.photo_check.setChecked(True)
            self.signature_check.setChecked(True)
            self.save_button.setEnabled(False)
            self._update_print()
            self.message.ok(self.tr("Los biométricos de {0} se guardaron (estatus «{1}»). Imprima la credencial "
                                    "temporal ({2}) o escanee la siguiente matrícula.")
                            .format(student.matricula, domain_text(student.status.label), KEY_PRINT))
            self.changed.emit()
            self.action_done()

        self.run(lambda: services.capture(matricula, photo, signature, photo_checks_ok=ok, override_reason=reason,
                                          guardian_name=guardian[0], guardian_relationship=guardian[1]),
                 done, self.tr("Guardando biométricos…"), lambda exc: self._update_buttons())

    def _update_print(self) -> None:
        self.print_button.setEnabled(self.student is not None
                                     and Command.PRINT_TEMPORARY in self.services.allowed(self.student))

    def print_temporary(self) -> None:
        """Imprimir credencial temporal (PDF saved, print preview at 100 %)."""
        if self.student is None or not self.print_button.isEnabled():
            return

        def done(pdf, student) -> None:
            self.student = student
            self.last_pdf = pdf  # bytes in memory: never written under the data folder
            self.changed.emit()
            self.action_done()

        self.printer.print_credential(self.services, self.student.matricula, self.message, done)
