"""«Leer credencial con la cámara»: the desk camera reads the QR or the barcode
of a student's temporary credential and the desk screen looks the matrícula up
(DESIGN.md §6). Frames are decoded with zxing-cpp on a worker, about five times
a second, never on the GUI thread."""
from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from ui.widgets.camera_preview import CameraPreview
from ui.workers import error_text, run_task


class CredentialScanDialog(QDialog):
    """Shows the camera ``spec`` until a credential's matrícula is read; then
    :attr:`matricula` holds it and the dialog is accepted. Esc cancels."""

    def __init__(self, spec: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Leer credencial con la cámara"))
        self.matricula = ""
        self.preview = CameraPreview(self)
        self.preview.setMinimumSize(360, 240)
        self.hint = QLabel(self.tr("Acerque a la cámara el código QR o el código de barras de la credencial "
                                   "temporal."))
        self.hint.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancelar"))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.hint)
        layout.addWidget(buttons)
        self._busy = False
        self._timer = QTimer(self)
        self._timer.setInterval(200)
        self._timer.timeout.connect(self._read)
        try:
            self.preview.start(spec)
        except Exception as exc:  # noqa: BLE001 - CameraError and OS errors become the hint
            self.hint.setText(error_text(exc))
        else:
            self._timer.start()

    def _read(self) -> None:
        frame = self.preview.last_frame
        if self._busy or frame is None:
            return
        from station.documents.decode import matricula_in_image

        self._busy = True
        run_task(lambda: matricula_in_image(frame), self._read_done, self._read_failed, context=self)

    def _read_done(self, matricula: str | None) -> None:
        self._busy = False
        if matricula and not self.matricula:
            self.matricula = matricula
            self.accept()

    def _read_failed(self, exc: BaseException) -> None:
        self._busy = False
        self.hint.setText(error_text(exc))

    def done(self, result: int) -> None:  # noqa: D401 - Qt API
        """Release the camera whichever way the dialog closes."""
        self._timer.stop()
        self.preview.stop()
        super().done(result)
