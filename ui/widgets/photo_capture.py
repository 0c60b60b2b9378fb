"""Photo capture widget (manual §8 steps 3–4): live preview with quality overlay,
Tomar foto / Volver a tomar, zoom slider and drag to adjust the crop, and an
override with a written reason when a check fails.

Threads: the camera worker (drivers.camera) reads frames and prepares the
display-sized preview; an analysis thread runs ``station.photo.analyze`` at
``analysis_hz``; the GUI thread only wraps the prepared preview in a QImage and
paints. All rules live in ``station.photo``; this module only shows them.
"""
from __future__ import annotations

import threading
import time

import cv2
import numpy as np
from PySide6.QtCore import QCoreApplication, QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import (
    QGridLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSizePolicy, QSlider, QVBoxLayout, QWidget,
)

from drivers.camera import CameraStatus, CameraWorker, FrameInfo, FrameSource
from drivers.camera.worker import ERROR, LOST
from station.photo import CHECK_LABELS, CHECK_ORDER, PhotoConfig, VerdictSmoother, analyze, evaluate_crop
from station.photo.capture import MIN_OVERRIDE_REASON_CHARS, crop_eyes, finalize_capture, override_reason_ok
from station.photo.geometry import TOKEN_SIZE, crop_token, token_matrix, crop_corners
from ui.widgets.images import bgr_to_qimage

GREEN, RED, GREY = QColor("#2e7d32"), QColor("#c62828"), QColor("#9e9e9e")


def _t(text: str) -> str:
    """Translate a Spanish message that comes from station/ (context «photo»)."""
    return QCoreApplication.translate("photo", text)


class _Shared:
    """State shared between the camera thread, the analysis thread and the GUI (one lock)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.new_frame = threading.Condition(self.lock)
        self.frame: np.ndarray | None = None
        self.frame_seq = 0
        self.preview: np.ndarray | None = None  # BGR, display size
        self.preview_seq = 0
        self.preview_scale = 1.0  # display px per source px
        self.display_size = (640, 360)
        self.verdict = None
        self.verdict_seq = 0
        self.analysis_error = ""


class PreviewView(QWidget):
    """Paints the preview (or the crop in review mode) and the overlay; drag moves the crop."""

    dragged = Signal(float, float)  # delta in widget px

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.image: QImage | None = None
        self.image_scale = 1.0  # image px per source px (live mode)
        self.verdict = None
        self.guidance = ""
        self.review = False
        self._drag_from: QPointF | None = None
        self.setMinimumSize(240, 180)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setCursor(Qt.CursorShape.ArrowCursor)

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        return QSize(800, 450)

    def image_rect(self) -> QRectF:
        """Where the image is drawn (letterboxed, aspect kept), widget px."""
        if self.image is None or self.image.isNull():
            return QRectF(self.rect())
        iw, ih = self.image.width(), self.image.height()
        s = min(self.width() / iw, self.height() / ih)
        return QRectF((self.width() - iw * s) / 2, (self.height() - ih * s) / 2, iw * s, ih * s)

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt API)
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#202124"))
        if self.image is None:
            p.setPen(QColor("#e0e0e0"))
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.guidance or self.tr("Sin imagen de la cámara"))
            return
        rect = self.image_rect()
        p.drawImage(rect, self.image)
        if not self.review and self.verdict is not None and self.verdict.eyes is not None:
            self._paint_overlay(p, rect)
        if self.guidance:
            self._paint_banner(p)

    def _paint_overlay(self, p: QPainter, rect: QRectF) -> None:
        k = rect.width() / self.image.width() * self.image_scale  # widget px per source px

        def at(x: float, y: float) -> QPointF:
            return QPointF(rect.x() + x * k, rect.y() + y * k)

        eyes = self.verdict.eyes
        color = GREEN if self.verdict.accepted else RED
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        corners = crop_corners(token_matrix(eyes))
        pen = QPen(QColor("#ffffff"), 2, Qt.PenStyle.DashLine)
        p.setPen(pen)
        p.drawPolygon(QPolygonF([at(x, y) for x, y in corners]))
        p.setPen(QPen(color, 3))
        ied = eyes.distance
        mx, my = eyes.midpoint
        box = QRectF(at(mx - 1.05 * ied, my - 1.0 * ied), at(mx + 1.05 * ied, my + 1.6 * ied))
        p.drawRoundedRect(box, 8, 8)
        p.drawLine(at(*eyes.left), at(*eyes.right))
        for pt in (eyes.left, eyes.right):
            p.drawEllipse(at(*pt), 4, 4)

    def _paint_banner(self, p: QPainter) -> None:
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        p.setFont(font)
        band = QRectF(0, self.height() - 44, self.width(), 44)
        ok = self.verdict is not None and self.verdict.accepted and not self.review
        p.fillRect(band, QColor(46, 125, 50, 200) if ok else QColor(0, 0, 0, 170))
        p.setPen(QColor("#ffffff"))
        p.drawText(band, Qt.AlignmentFlag.AlignCenter, self.guidance)

    def mousePressEvent(self, event) -> None:  # noqa: N802 (Qt API)
        if self.review and event.button() == Qt.MouseButton.LeftButton:
            self._drag_from = event.position()
            self.setCursor(Qt.CursorShape.ClosedHandCursor)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802 (Qt API)
        if self._drag_from is not None:
            delta = event.position() - self._drag_from
            self._drag_from = event.position()
            self.dragged.emit(delta.x(), delta.y())

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 (Qt API)
        self._drag_from = None
        self.setCursor(Qt.CursorShape.OpenHandCursor if self.review else Qt.CursorShape.ArrowCursor)


class PhotoCaptureWidget(QWidget):
    """Capture widget. ``start(source)`` begins the preview; ``stop()`` ends it.

    Emits :attr:`photoAccepted` (JPEG bytes 480×640 ≤ 60 KB, ``photo_checks_ok``,
    ``override_reason``) when the operator presses «Capturar foto»; the caller stores
    the photo and writes a non-empty reason to the audit trail
    (``photo_override_reason``). :attr:`cameraStatusChanged` carries (state, Spanish message).
    """

    photoAccepted = Signal(bytes, bool, str)
    cameraStatusChanged = Signal(str, str)
    _statusFromWorker = Signal(object)
    _captureAnalysed = Signal(object, object)

    def __init__(self, parent: QWidget | None = None, config: PhotoConfig | None = None,
                 analysis_hz: float = 10.0, preview_fps: float = 30.0) -> None:
        super().__init__(parent)
        self.config = config or PhotoConfig()
        self.analysis_hz = analysis_hz
        self.frames_shown = 0
        self.analyses_done = 0
        self._shared = _Shared()
        self._worker: CameraWorker | None = None
        self._analysis_thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._shown_seq = 0
        self._verdict_seq = 0
        self._captured: tuple[np.ndarray, object] | None = None
        self._zoom = 1.0
        self._offset = [0.0, 0.0]

        self.view = PreviewView(self)
        self.view.dragged.connect(self._on_drag)
        self.take_button = QPushButton(self.tr("Tomar foto"))
        self.retake_button = QPushButton(self.tr("Volver a tomar"))
        self.accept_button = QPushButton(self.tr("Capturar foto"))
        self.zoom_label = QLabel(self.tr("Zoom"))
        self.zoom_slider = QSlider(Qt.Orientation.Horizontal)
        self.zoom_slider.setRange(70, 200)
        self.zoom_slider.setValue(100)
        self.zoom_slider.setToolTip(self.tr("Acerque o aleje el recorte; arrastre la foto para moverla."))
        self.reason_label = QLabel(self.tr("La foto no pasó todas las revisiones. Motivo para aceptarla:"))
        self.reason_edit = QLineEdit()
        self.reason_edit.setPlaceholderText(
            self.tr("Escriba el motivo (mínimo %n caracteres); quedará en la bitácora.", "", MIN_OVERRIDE_REASON_CHARS))
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)

        self.take_button.clicked.connect(self.take_photo)
        self.retake_button.clicked.connect(self.retake)
        self.accept_button.clicked.connect(self.accept_photo)
        self.zoom_slider.valueChanged.connect(self._on_zoom)
        self.reason_edit.textChanged.connect(self._update_buttons)
        self._statusFromWorker.connect(self._on_status)
        self._captureAnalysed.connect(self._on_capture_analysed)

        lights = QGridLayout()
        lights.setHorizontalSpacing(8)
        title = QLabel(self.tr("Revisión de la foto"))
        title.setStyleSheet("font-weight: bold;")
        lights.addWidget(title, 0, 0, 1, 2)
        self._lights: dict[str, tuple[QLabel, QLabel]] = {}
        for row, name in enumerate(CHECK_ORDER, start=1):
            dot, text = QLabel(), QLabel(_t(CHECK_LABELS[name]))
            dot.setFixedSize(16, 16)
            lights.addWidget(dot, row, 0)
            lights.addWidget(text, row, 1)
            self._lights[name] = (dot, text)
            self._set_light(name, None, "")
        lights.setRowStretch(len(CHECK_ORDER) + 1, 1)

        side = QVBoxLayout()
        side.addLayout(lights)
        side.addWidget(self.status_label)
        side.addStretch(1)
        top = QHBoxLayout()
        top.addWidget(self.view, 1)
        top.addLayout(side)
        zoom_row = QHBoxLayout()
        zoom_row.addWidget(self.zoom_label)
        zoom_row.addWidget(self.zoom_slider, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.take_button)
        buttons.addWidget(self.retake_button)
        buttons.addStretch(1)
        buttons.addWidget(self.accept_button)
        root = QVBoxLayout(self)
        root.addLayout(top, 1)
        root.addLayout(zoom_row)
        root.addWidget(self.reason_label)
        root.addWidget(self.reason_edit)
        root.addLayout(buttons)

        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(max(5, int(1000 / preview_fps / 2)))  # poll at twice the frame rate
        self._timer.timeout.connect(self._tick)
        self._update_buttons()

    # ----------------------------------------------------------------- lifecycle
    def start(self, source: FrameSource) -> None:
        """Start previewing ``source`` (stops a previous one). Returns at once."""
        self.stop()
        self._stop.clear()
        self._captured = None
        with self._shared.lock:  # never take (or judge) the previous student's last frame
            self._shared.frame = self._shared.preview = self._shared.verdict = None
        self.view.verdict, self.view.guidance = None, ""
        self._smoother = VerdictSmoother()
        self._worker = CameraWorker(source, self._on_frame, self._statusFromWorker.emit)
        self._worker.start()
        self._analysis_thread = threading.Thread(target=self._analysis_loop, name="photo-analysis", daemon=True)
        self._analysis_thread.start()
        self._timer.start()
        self._update_buttons()

    def stop(self) -> None:
        """Stop the camera and analysis threads (safe to call twice)."""
        self._stop.set()
        with self._shared.new_frame:
            self._shared.new_frame.notify_all()
        if self._worker is not None:
            self._worker.stop()
            self._worker = None
        if self._analysis_thread is not None:
            self._analysis_thread.join(3.0)
            self._analysis_thread = None
        self._timer.stop()

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        self.stop()
        super().closeEvent(event)

    @property
    def reviewing(self) -> bool:
        """True after «Tomar foto», until «Volver a tomar»."""
        return self._captured is not None

    # ------------------------------------------------------------ worker threads
    def _on_frame(self, frame: np.ndarray, info: FrameInfo) -> None:
        """Camera thread: keep the frame and prepare the display-sized RGB preview."""
        sh = self._shared
        dw, dh = sh.display_size
        h, w = frame.shape[:2]
        scale = min(dw / w, dh / h, 1.0)
        small = cv2.resize(frame, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=cv2.INTER_LINEAR) \
            if scale < 1.0 else frame
        with sh.new_frame:
            sh.frame, sh.frame_seq = frame, info.seq
            sh.preview, sh.preview_seq, sh.preview_scale = small, info.seq, scale
            sh.new_frame.notify_all()

    def _analysis_loop(self) -> None:
        """Analysis thread: analyse the newest frame at most ``analysis_hz`` times a second."""
        sh = self._shared
        period = 1.0 / self.analysis_hz
        done_seq = 0
        next_at = 0.0
        while not self._stop.is_set():
            with sh.new_frame:
                sh.new_frame.wait_for(lambda: self._stop.is_set() or sh.frame_seq != done_seq, timeout=0.5)
                frame, seq = sh.frame, sh.frame_seq
            if self._stop.is_set():
                break
            if frame is None or seq == done_seq or self._captured is not None:
                self._stop.wait(0.02)
                continue
            wait = next_at - time.monotonic()
            if wait > 0:
                self._stop.wait(wait)
                continue
            next_at = time.monotonic() + period
            try:
                verdict = self._smoother.update(analyze(frame, self.config))
                error = ""
            except Exception as exc:  # never let a bad frame kill the analysis
                verdict, error = None, str(exc)
            done_seq = seq
            with sh.lock:
                sh.verdict, sh.analysis_error = verdict, error
                sh.verdict_seq += 1
            self.analyses_done += 1

    # ------------------------------------------------------------------ GUI side
    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        ratio = self.devicePixelRatioF()
        with self._shared.lock:
            self._shared.display_size = (max(1, int(self.view.width() * ratio)), max(1, int(self.view.height() * ratio)))

    def _tick(self) -> None:
        """GUI timer: show the newest prepared preview and the newest verdict (cheap)."""
        sh = self._shared
        with sh.lock:
            preview, pseq, scale = sh.preview, sh.preview_seq, sh.preview_scale
            verdict, vseq, error = sh.verdict, sh.verdict_seq, sh.analysis_error
        if self.reviewing:
            return
        changed = False
        if preview is not None and pseq != self._shown_seq:
            self.view.image = bgr_to_qimage(preview)
            self.view.image_scale = scale
            self._shown_seq = pseq
            self.frames_shown += 1
            changed = True
        if vseq != self._verdict_seq:
            self._verdict_seq = vseq
            self.view.verdict = verdict
            if verdict is not None:
                self.view.guidance = _t(verdict.message)
                for c in verdict.checks:
                    self._set_light(c.name, c.ok, _t(c.message))
            elif error:
                self.view.guidance = _t(error)
            changed = True
        if changed:
            self.view.update()

    def _set_light(self, name: str, ok: bool | None, tooltip: str) -> None:
        dot, text = self._lights[name]
        color = GREY if ok is None else GREEN if ok else RED
        dot.setStyleSheet(f"background-color: {color.name()}; border-radius: 8px;")
        dot.setToolTip(tooltip)
        text.setToolTip(tooltip)
        text.setStyleSheet("" if ok is not False else f"color: {RED.name()};")

    def _on_status(self, status: CameraStatus) -> None:
        self.cameraStatusChanged.emit(status.state, status.message)
        if status.state in (LOST, ERROR):
            self.status_label.setText(_t(status.message))
            self.status_label.setStyleSheet(f"color: {RED.name()};")
            if not self.reviewing:
                self.view.guidance = _t(status.message)
                self.view.update()
        else:
            self.status_label.setText("")

    # --------------------------------------------------------------- capture flow
    def take_photo(self) -> None:
        """«Tomar foto»: freeze the newest frame and check it fully off the GUI thread."""
        with self._shared.lock:
            frame = self._shared.frame
        if frame is None or self.reviewing:
            return
        self._captured = (frame, None)
        self.take_button.setEnabled(False)
        self.view.guidance = self.tr("Revisando la foto…")
        self.view.update()

        def work() -> None:
            try:
                result = analyze(frame, self.config)
            except Exception as exc:
                result = exc
            self._captureAnalysed.emit(frame, result)

        threading.Thread(target=work, name="photo-capture-check", daemon=True).start()

    def _on_capture_analysed(self, frame: np.ndarray, analysis) -> None:
        if self._captured is None or self._captured[0] is not frame:
            return  # retaken meanwhile
        if isinstance(analysis, Exception):
            self._captured = None
            self.view.guidance = _t(str(analysis))
            self._update_buttons()
            return
        self._captured = (frame, analysis)
        self._zoom, self._offset = 1.0, [0.0, 0.0]
        self.zoom_slider.blockSignals(True)
        self.zoom_slider.setValue(100)
        self.zoom_slider.blockSignals(False)
        for c in analysis.checks:
            self._set_light(c.name, c.ok, _t(c.message))
        self.view.review = True
        self.view.verdict = None
        self.view.guidance = _t(analysis.message)
        self.view.setCursor(Qt.CursorShape.OpenHandCursor)
        self._render_crop()
        self._update_buttons()
        # Keyboard flow: the next step has the focus (never the window's menu).
        (self.accept_button if self.accept_button.isEnabled() else self.reason_edit).setFocus()

    def _render_crop(self) -> None:
        frame, analysis = self._captured
        if analysis.eyes is not None:
            # the lights judge the crop that will be saved: zoom and drag re-judge it (no detection, ~2 ms)
            analysis = evaluate_crop(frame, analysis, self._zoom, tuple(self._offset))
            self._captured = (frame, analysis)
            for c in analysis.checks:
                self._set_light(c.name, c.ok, _t(c.message))
            self.view.guidance = _t(analysis.message)
            self._update_buttons()
        crop = crop_token(frame, crop_eyes(analysis), TOKEN_SIZE, self._zoom, tuple(self._offset))
        self.view.image = bgr_to_qimage(crop)
        self.view.update()

    def _on_zoom(self, value: int) -> None:
        self._zoom = value / 100.0
        if self._captured is not None and self._captured[1] is not None:
            self._render_crop()

    def _on_drag(self, dx: float, dy: float) -> None:
        if self._captured is None or self._captured[1] is None:
            return
        k = TOKEN_SIZE[0] / max(1.0, self.view.image_rect().width())  # token px per widget px
        self._offset[0] += dx * k
        self._offset[1] += dy * k
        self._render_crop()

    def retake(self) -> None:
        """«Volver a tomar»: back to the live preview."""
        self._captured = None
        self.view.review = False
        self.view.setCursor(Qt.CursorShape.ArrowCursor)
        self.reason_edit.clear()
        self._shown_seq = 0
        self._verdict_seq = -1
        self._update_buttons()

    def accept_photo(self) -> None:
        """«Capturar foto»: crop, encode and emit :attr:`photoAccepted`."""
        if self._captured is None or self._captured[1] is None:
            return
        frame, analysis = self._captured
        try:
            result = finalize_capture(frame, analysis, self._zoom, tuple(self._offset), self.reason_edit.text())
        except ValueError as exc:
            self.status_label.setText(_t(str(exc)))
            self.status_label.setStyleSheet(f"color: {RED.name()};")
            return
        self.photoAccepted.emit(result.jpeg, result.photo_checks_ok, result.photo_override_reason)
        self.status_label.setStyleSheet("")
        self.status_label.setText(self.tr("Foto guardada."))

    def _update_buttons(self) -> None:
        analysed = self._captured is not None and self._captured[1] is not None
        failing = analysed and not self._captured[1].accepted
        self.take_button.setEnabled(self._captured is None and self._worker is not None)
        self.retake_button.setEnabled(self._captured is not None)
        self.zoom_slider.setEnabled(analysed)
        self.reason_label.setVisible(failing)
        self.reason_edit.setVisible(failing)
        self.accept_button.setEnabled(analysed and (not failing or override_reason_ok(self.reason_edit.text())))
