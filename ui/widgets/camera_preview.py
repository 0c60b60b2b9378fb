"""A live camera preview: the newest frame of a :class:`drivers.camera.CameraWorker`,
scaled to fit (the setup wizard's camera page and the credential reader)."""
from __future__ import annotations

import threading

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from ui.widgets.images import bgr_to_qimage


class CameraPreview(QLabel):
    """Shows the newest frame of a :class:`drivers.camera.CameraWorker` (BGR ndarray), scaled to fit.

    Frames arrive on the camera thread; only the newest is kept and a GUI-thread
    timer paints it (~30 Hz), so a fast camera never floods the event queue.
    """

    statusChanged = Signal(str, str)  # (state, Spanish message), queued from the camera thread

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setMinimumSize(320, 240)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setStyleSheet("background: #202020; color: #eeeeee;")
        self.frames_shown = 0
        self._worker = None
        self._lock = threading.Lock()
        self._latest: np.ndarray | None = None
        #: The newest frame received (kept after painting; for code reading).
        self.last_frame: np.ndarray | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(33)
        self._timer.timeout.connect(self._paint_latest)

    def start(self, spec: str) -> None:
        """Preview the source ``spec`` (camera index, ``demo`` or a file). Raises ``CameraError`` (Spanish)."""
        from drivers.camera import CameraWorker
        from drivers.desk import desk_camera

        self.stop()
        source = desk_camera(spec)
        self.frames_shown = 0
        self._worker = CameraWorker(source, self._on_frame,
                                    lambda status: self.statusChanged.emit(status.state, status.message))
        self._worker.start()
        self._timer.start()

    def stop(self) -> None:
        """Stop the camera thread (bounded by the worker's own timeout)."""
        self._timer.stop()
        if self._worker is not None:
            worker, self._worker = self._worker, None
            threading.Thread(target=worker.stop, daemon=True, name="camera-stop").start()
        with self._lock:
            self._latest = None

    def _on_frame(self, frame: np.ndarray, _info) -> None:
        with self._lock:
            self._latest = self.last_frame = frame

    def _paint_latest(self) -> None:
        with self._lock:
            frame, self._latest = self._latest, None
        if frame is None:
            return
        image = bgr_to_qimage(frame)
        self.setPixmap(QPixmap.fromImage(image).scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio,
                                                       Qt.TransformationMode.SmoothTransformation))
        self.frames_shown += 1
