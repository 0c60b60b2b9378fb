"""Page 4, «Cámara»: the cameras found, with a live preview."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from ui.setup_wizard.base import BAD_STYLE, BUSY_STYLE, OK_STYLE, WizardPageBase, _error_text
from ui.widgets.camera_preview import CameraPreview

if TYPE_CHECKING:
    from ui.setup_wizard.wizard import SetupWizard


class CameraPage(WizardPageBase):
    """Choose the camera with a live preview."""

    DEMO = "demo"

    def __init__(self, wizard: "SetupWizard"):
        super().__init__(wizard)
        self.setTitle(self.tr("Cámara"))
        self.setSubTitle(self.tr("Elija la cámara web del mostrador y revise que la imagen se vea bien."))
        self.combo = QComboBox()
        self.combo.setObjectName("cameraChoice")
        self.refresh_button = QPushButton(self.tr("Buscar cámaras"))
        self.refresh_button.clicked.connect(self.refresh)
        self.found_label = QLabel()
        self.found_label.setObjectName("camerasFound")
        self.found_label.setWordWrap(True)
        self.preview = CameraPreview()
        self.preview.setObjectName("cameraPreview")
        self.preview.statusChanged.connect(self._on_status)
        self.keep_anyway = QCheckBox(self.tr("Guardar esta cámara aunque ahora no muestre imagen"))
        self.keep_anyway.setObjectName("cameraKeepAnyway")
        self.keep_anyway.toggled.connect(lambda _on: self.completeChanged.emit())
        self.combo.currentIndexChanged.connect(self._choice_changed)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Cámara:")))
        row.addWidget(self.combo, 1)
        row.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.found_label)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.keep_anyway)
        self._seen_frames = False
        self._check = QTimer(self)
        self._check.setInterval(100)
        self._check.timeout.connect(self._poll_frames)
        self._listing = False

    def initializePage(self) -> None:  # noqa: N802 - Qt API
        """List cameras (off the GUI thread) each time the page is shown."""
        self.refresh()

    def cleanupPage(self) -> None:  # noqa: N802 - Qt API
        """Going Back: stop the preview."""
        self.stop()

    def stop(self) -> None:
        """Stop the preview and its polling."""
        self._check.stop()
        self.preview.stop()

    def refresh(self) -> None:
        """List the cameras on a worker thread, then fill the choice."""
        if self._listing:
            return
        from drivers.camera import list_cameras

        self._listing = True
        self.refresh_button.setEnabled(False)
        self.show_status(self.tr("Buscando cámaras…"), BUSY_STYLE)
        self.run(lambda: list_cameras(max_index=4, probe_resolutions=False, timeout_s=2.0), self._listed)

    def _listed(self, cameras: list | None, error: BaseException | None) -> None:
        self._listing = False
        self.refresh_button.setEnabled(True)
        cameras = cameras or []
        self.combo.blockSignals(True)
        self.combo.clear()
        for cam in cameras:
            label = cam.name + ("" if cam.available else " — " + self.tr("no disponible"))
            self.combo.addItem(label, str(cam.index))
        self.combo.addItem(self.tr("Foto de demostración (sin cámara)"), self.DEMO)
        wanted = self.w.state.camera or self.w.config.camera
        index = self.combo.findData(wanted)
        self.combo.setCurrentIndex(index if index >= 0 else 0)
        self.combo.blockSignals(False)
        if error is not None:
            self.found_label.setStyleSheet(BAD_STYLE)
            self.found_label.setText(self.tr("No se pudieron listar las cámaras: {0}").format(_error_text(error)))
        elif not cameras:
            self.found_label.setStyleSheet(BAD_STYLE)
            self.found_label.setText(self.tr("No se encontró ninguna cámara conectada. Conéctela y pulse «Buscar "
                                             "cámaras», o use la foto de demostración."))
        else:
            self.found_label.setStyleSheet(OK_STYLE)
            self.found_label.setText(self.tr("Cámaras encontradas: %n", "", len(cameras)))
        self._choice_changed()

    def _choice_changed(self) -> None:
        spec = self.combo.currentData()
        self._seen_frames = False
        self.keep_anyway.setChecked(False)
        self.keep_anyway.setVisible(False)
        if spec is None:
            self.completeChanged.emit()
            return
        self.w.state.camera, self.w.state.camera_label = str(spec), self.combo.currentText()
        try:
            self.preview.start(str(spec))
        except Exception as exc:
            self.show_status(_error_text(exc), BAD_STYLE)
            self.keep_anyway.setVisible(True)
        else:
            self.show_status(self.tr("Abriendo «{0}»…").format(self.combo.currentText()), BUSY_STYLE)
            self._check.start()
        self.completeChanged.emit()

    def _poll_frames(self) -> None:
        if self.preview.frames_shown and not self._seen_frames:
            self._seen_frames = True
            self.show_status(self.tr("La cámara muestra imagen. Revise el enfoque y la luz."), OK_STYLE)
            self.completeChanged.emit()

    def _on_status(self, state: str, message: str) -> None:
        if state in ("lost", "error") and message:
            self.show_status(message, BAD_STYLE)
            self.keep_anyway.setVisible(True)
            self._seen_frames = False
            self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802 - Qt API
        """Next once the preview showed a frame (or the installer keeps a silent camera on purpose)."""
        return self.combo.currentData() is not None and (self._seen_frames or self.keep_anyway.isChecked())

    def validatePage(self) -> bool:  # noqa: N802 - Qt API
        """Leaving forward: stop the preview so the camera is free for the station."""
        self.stop()
        return True
