"""Pictures on screen: the framed photo / signature box and the one conversion
of a camera frame (OpenCV BGR or grey ``numpy`` array) into a ``QImage``."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QLabel, QWidget


def bgr_to_qimage(frame: np.ndarray) -> QImage:
    """A deep-copied ``QImage`` of ``frame`` (H×W×3 uint8 BGR as OpenCV gives it, or H×W grey).

    Uses Qt's ``Format_BGR888`` / ``Format_Grayscale8`` directly, so no colour
    conversion is made; the copy lets the caller reuse the array at once.
    Raises ``ValueError`` for other shapes.
    """
    if frame.ndim == 2:
        fmt = QImage.Format.Format_Grayscale8
    elif frame.ndim == 3 and frame.shape[2] == 3:
        fmt = QImage.Format.Format_BGR888
    else:
        raise ValueError(f"Imagen de forma no admitida: {frame.shape}")
    frame = np.ascontiguousarray(frame, dtype=np.uint8)
    h, w = frame.shape[:2]
    return QImage(frame.data, w, h, frame.strides[0], fmt).copy()


class ImageBox(QLabel):
    """A framed picture (photo or signature) scaled to fit, or a placeholder text."""

    def __init__(self, placeholder: str, width: int, height: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.placeholder = placeholder
        self.setFixedSize(width, height)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.setStyleSheet("background: white; border: 1px solid #c9d3cc; border-radius: 6px; color: #5a5a5a;")
        self.has_image = False
        self.set_bytes(None)

    def set_bytes(self, data: bytes | None, placeholder: str | None = None) -> None:
        """Show the image in ``data`` (JPEG/PNG bytes) or the placeholder text."""
        pixmap = QPixmap()
        if data and pixmap.loadFromData(data):
            self.setPixmap(pixmap.scaled(self.width() - 8, self.height() - 8, Qt.AspectRatioMode.KeepAspectRatio,
                                         Qt.TransformationMode.SmoothTransformation))
            self.has_image = True
        else:
            self.clear()
            self.setText(placeholder or self.placeholder)
            self.has_image = False
