"""«Toma de biométricos» (manual §8; retake of §11): search the matrícula, check
the student's data, take the photo (camera widget) and the signature (pad),
the two checkboxes «Toma de fotografía» / «Toma de firma», Guardar, then
«Generar credencial temporal»."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QTabWidget, QVBoxLayout, QWidget

from station.domain import Command
from ui.printing import generate_and_open, open_document
from ui.widgets.common import BASIC_FIELDS, MatriculaSearch, Screen, button, card
from ui.widgets.student_panel import StudentPanel
from ui.workers import error_text


class CaptureScreen(Screen):
    """Toma de biométricos. The camera and the pad start when a student who may
    be captured is found, and stop when leaving the screen."""

    navigate = Signal(str, str)

    def __init__(self, services, parent=None):
        super().__init__(services, self.tr("Toma de biométricos"),
                         self.tr("Tome y recorte la foto y capture la firma del alumno (estatus Enrolado, "
                                 "Capturado, Aplazado o Retoma)."), parent)
        self.student = None
        self.photo_jpeg: bytes | None = None
        self.photo_ok = True
        self.override_reason = ""
        self.signature = None
        self.camera_widget = None
        self.pad_panel = None

        self.search = MatriculaSearch()
        self.search.search.connect(self.open_matricula)
        self.body.addWidget(self.search)

        columns = QHBoxLayout()
        left = QVBoxLayout()
        fields = [f for f in BASIC_FIELDS if f[0] not in ("folio", "prematricula")]
        self.panel = StudentPanel(self.tr("Datos del alumno"), fields, columns=1, with_images=False)
        left.addWidget(self.panel)
        done_card, done_layout = card(self.tr("Captura"))
        self.photo_check = QCheckBox(self.tr("Toma de fotografía"))
        self.signature_check = QCheckBox(self.tr("Toma de firma"))
        for box in (self.photo_check, self.signature_check):
            box.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)  # set by the capture, not by hand
            box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            done_layout.addWidget(box)
        self.save_button = button(self.tr("Guardar"), "primary", self.save)
        self.print_button = button(self.tr("Generar credencial temporal"), slot=self.print_temporary)
        done_layout.addWidget(self.save_button)
        done_layout.addWidget(self.print_button)
        left.addWidget(done_card)
        left.addStretch(1)
        left_box = QWidget()
        left_box.setLayout(left)
        left_box.setFixedWidth(400)
        columns.addWidget(left_box)

        self.tabs = QTabWidget()
        self.photo_tab = QWidget()
        self.photo_layout = QVBoxLayout(self.photo_tab)
        self.sign_tab = QWidget()
        self.sign_layout = QVBoxLayout(self.sign_tab)
        self.tabs.addTab(self.photo_tab, self.tr("Obtener fotografía"))
        self.tabs.addTab(self.sign_tab, self.tr("Obtener firma"))
        self.tabs.setMinimumHeight(520)
        columns.addWidget(self.tabs, 1)
        self.body.addLayout(columns)
        self.hint = QLabel(self.tr("Busque al alumno por su matrícula para comenzar."))
        self.hint.setObjectName("subtitle")
        self.photo_layout.addWidget(self.hint)
        self._set_enabled(False)

    # ------------------------------------------------------------- devices
    def _ensure_devices(self) -> None:
        if self.camera_widget is None:
            from ui.widgets.photo_capture import PhotoCaptureWidget

            self.camera_widget = PhotoCaptureWidget()
            self.camera_widget.photoAccepted.connect(self._on_photo)
            self.camera_widget.cameraStatusChanged.connect(self._on_camera_status)
            self.hint.hide()
            self.photo_layout.addWidget(self.camera_widget, 1)
        if self.pad_panel is None:
            from drivers.signature import PadError, create_pad
            from ui.widgets.signature_pad import SignaturePanel

            try:
                pad = create_pad(self.services.config.pad or "onscreen")
            except PadError as exc:
                self.message.error(error_text(exc))
                pad = create_pad("onscreen")
            self.pad_panel = SignaturePanel(pad)
            self.pad_panel.signatureCaptured.connect(self._on_signature)
            self.sign_layout.addWidget(self.pad_panel, 1)
            self.pad_panel.start()

    def _start_camera(self) -> None:
        from drivers.camera import CameraError, open_source

        try:
            source = open_source(self.services.config.camera or "0")
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

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt API
        self.shutdown()
        super().hideEvent(event)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt API
        self.shutdown()
        if self.pad_panel is not None:
            self.pad_panel.shutdown()
        super().closeEvent(event)

    # ------------------------------------------------------------- flow
    def focus_first(self) -> None:
        self.search.focus()

    def on_enter(self) -> None:
        super().on_enter()
        if self.student is not None and self.camera_widget is not None and self._may_capture():
            self._start_camera()

    def _may_capture(self) -> bool:
        return self.student is not None and Command.CAPTURE in self.services.allowed(self.student)

    def _set_enabled(self, enabled: bool) -> None:
        self.tabs.setEnabled(enabled)
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.photo_check.setChecked(self.photo_jpeg is not None)
        self.signature_check.setChecked(self.signature is not None)
        self.save_button.setEnabled(self._may_capture() and self.photo_jpeg is not None and self.signature is not None)
        self.print_button.setEnabled(self.student is not None and self.student.has_biometrics
                                     and Command.PRINT_TEMPORARY in self.services.allowed(self.student))

    def open_matricula(self, matricula: str) -> None:
        """Search ``matricula`` and prepare the capture."""
        self.message.clear_message()
        services = self.services
        self.search.edit.setText(matricula)

        def failed(exc):
            self.search.set_invalid(True)
            self._reset(None)

        self.run(lambda: services.lookup(matricula), self._show, self.tr("Buscando alumno…"), failed)

    def _reset(self, student) -> None:
        self.student = student
        self.photo_jpeg, self.photo_ok, self.override_reason, self.signature = None, True, "", None
        self.panel.set_student(student)
        if self.camera_widget is not None:
            self.camera_widget.retake()
        if self.pad_panel is not None:
            self.pad_panel.clear()
        self._set_enabled(self._may_capture())

    def _show(self, student) -> None:
        self.search.set_invalid(False)
        self._reset(student)
        why = self.services.refusal_for(student, Command.CAPTURE)
        if why:
            self.message.notice(why)
            self.shutdown()
            return
        self._ensure_devices()
        self.tabs.setCurrentIndex(0)
        self._start_camera()
        self.camera_widget.take_button.setFocus()

    def _on_photo(self, jpeg: bytes, ok: bool, reason: str) -> None:
        self.photo_jpeg, self.photo_ok, self.override_reason = jpeg, ok, reason
        self.message.ok(self.tr("Fotografía lista. Ahora capture la firma."))
        self.tabs.setCurrentIndex(1)
        self._update_buttons()

    def _on_signature(self, signature) -> None:
        self.signature = signature
        self.message.ok(self.tr("Firma lista.") if self.photo_jpeg is None else
                        self.tr("Fotografía y firma listas: presione «Guardar»."))
        self._update_buttons()
        if self.save_button.isEnabled():
            self.save_button.setFocus()

    def save(self) -> None:
        """Guardar: one local transaction (record, sealed biometrics, audit, outbox)."""
        if self.student is None:
            return
        services, matricula = self.services, self.student.matricula
        photo, signature, ok, reason = self.photo_jpeg, self.signature, self.photo_ok, self.override_reason
        self.save_button.setEnabled(False)

        def done(student) -> None:
            self.student = student
            self.photo_jpeg, self.signature = None, None
            self.panel.set_student(student)
            self.shutdown()
            self.tabs.setEnabled(False)
            self.photo_check.setChecked(True)
            self.signature_check.setChecked(True)
            self.save_button.setEnabled(False)
            self._update_print()
            self.message.ok(self.tr("Los biométricos de {0} se guardaron (estatus «{1}»). Puede generar la "
                                    "credencial temporal.").format(student.matricula, self.tr(student.status.label)))
            self.print_button.setFocus()
            self.changed.emit()

        self.run(lambda: services.capture(matricula, photo, signature, photo_checks_ok=ok, override_reason=reason),
                 done, self.tr("Guardando biométricos…"), lambda exc: self._update_buttons())

    def _update_print(self) -> None:
        self.print_button.setEnabled(self.student is not None and self.student.has_biometrics
                                     and Command.PRINT_TEMPORARY in self.services.allowed(self.student))

    def print_temporary(self) -> None:
        """Generar credencial temporal (PDF saved and opened)."""
        if self.student is None:
            return
        services, matricula = self.services, self.student.matricula

        def done(result) -> None:
            path, student = result
            self.student = student
            self.last_pdf = path
            opened = open_document(path)
            text = self.tr("Credencial temporal generada: {0}").format(path)
            self.message.ok(text if opened else text + self.tr(" (ábrala para imprimirla)."))
            self.changed.emit()

        self.run(lambda: generate_and_open(services, matricula), done, self.tr("Generando credencial temporal…"))
