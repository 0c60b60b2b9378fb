"""Signature widgets.

* :class:`SignatureCanvas` — draws strokes given in logical pad units, scaled
  to fit (aspect kept); optionally takes mouse, stylus (tablet) and touch input
  and feeds an :class:`~drivers.signature.onscreen.OnScreenPad` (2000×700).
* :class:`SignaturePadWidget` — a self-contained on-screen pad for desks
  without a hardware pad: ``signature()``, ``clear()``.
* :class:`SignaturePanel` — shows which pad is in use, live ink from any
  backend, the connection message, and the buttons Limpiar / Capturar firma.
  Driver events arrive on driver threads and are marshalled to the GUI thread
  through :class:`PadEventBridge` (a Qt signal, queued across threads).

No business rules here: the "empty or trivial" check is
:meth:`drivers.signature.model.Signature.check`.
"""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from drivers.signature.base import (
    ClearedEvent,
    PadState,
    PointEvent,
    SignaturePad,
    StateEvent,
    StrokeEvent,
)
from drivers.signature.model import Signature, SignatureRejected
from drivers.signature.onscreen import OnScreenPad


def _driver_text(message: str) -> str:
    """Driver messages are Spanish already; routed through translate for future catalogs."""
    return QCoreApplication.translate("drivers.signature", message)


class SignatureCanvas(QWidget):
    """Ink surface in logical pad units (default 2000×700).

    Display API (GUI thread): :meth:`add_point`, :meth:`end_stroke`,
    :meth:`clear_ink`, :meth:`set_signature`. When ``input_pad`` is set, mouse,
    tablet and touch input are converted from widget pixels to logical units
    and fed to it.
    """

    def __init__(self, logical_size: tuple[int, int] = (2000, 700), parent: QWidget | None = None):
        super().__init__(parent)
        self._logical = logical_size
        self._strokes: list[list[tuple[float, float]]] = []
        self._open = False
        self.input_pad: OnScreenPad | None = None
        self._pressed = False
        self._update_pending = False
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents, True)
        self.setMinimumSize(300, 105)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setAccessibleName(self.tr("Recuadro de firma"))

    # ------------------------------------------------------------- geometry
    def set_logical_size(self, size: tuple[int, int]) -> None:
        """Change the logical frame (pad units) and repaint."""
        self._logical = size
        self.update()

    def frame(self) -> QRectF:
        """Widget rectangle (pixels) that shows the logical frame, aspect kept, centred."""
        w, h = self._logical
        margin = 6.0
        avail = QRectF(self.rect()).adjusted(margin, margin, -margin, -margin)
        scale = min(avail.width() / w, avail.height() / h) if w and h else 1.0
        fw, fh = w * scale, h * scale
        return QRectF(avail.center().x() - fw / 2, avail.center().y() - fh / 2, fw, fh)

    def to_logical(self, pos: QPointF) -> tuple[float, float]:
        """Widget pixels → logical pad units (clamped to the frame)."""
        f = self.frame()
        w, h = self._logical
        x = (pos.x() - f.left()) / f.width() * w if f.width() else 0.0
        y = (pos.y() - f.top()) / f.height() * h if f.height() else 0.0
        return min(max(x, 0.0), float(w)), min(max(y, 0.0), float(h))

    def to_widget(self, x: float, y: float) -> QPointF:
        """Logical pad units → widget pixels."""
        f = self.frame()
        w, h = self._logical
        return QPointF(f.left() + x / w * f.width(), f.top() + y / h * f.height())

    # -------------------------------------------------------------- display
    def add_point(self, stroke_index: int, x: float, y: float) -> None:
        """Append a point (logical units) to stroke ``stroke_index`` (new strokes are created)."""
        while len(self._strokes) <= stroke_index:
            self._strokes.append([])
        self._strokes[stroke_index].append((x, y))
        self._schedule_update()

    def _schedule_update(self) -> None:
        # one update() per paint, not per point: keeps the Qt call count low
        if not self._update_pending:
            self._update_pending = True
            self.update()

    def end_stroke(self) -> None:
        """Nothing to do for display; kept for symmetry with the driver events."""
        self.update()

    def clear_ink(self) -> None:
        """Remove all ink."""
        self._strokes = []
        self.update()

    def set_signature(self, signature: Signature) -> None:
        """Show ``signature`` (replaces the current ink)."""
        self._logical = (signature.width, signature.height)
        self._strokes = [[(p.x, p.y) for p in s.points] for s in signature.strokes]
        self.update()

    def ink_strokes(self) -> list[list[tuple[float, float]]]:
        """Copy of the displayed strokes (logical units)."""
        return [list(s) for s in self._strokes]

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt API
        self._update_pending = False
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        f = self.frame()
        p.fillRect(f, QColor("#ffffff"))
        p.setPen(QPen(QColor("#9e9e9e"), 1))
        p.drawRect(f)
        base_y = f.top() + f.height() * 0.8
        p.setPen(QPen(QColor("#bdbdbd"), 1, Qt.PenStyle.DashLine))
        p.drawLine(QPointF(f.left() + f.width() * 0.05, base_y), QPointF(f.right() - f.width() * 0.05, base_y))
        if not any(self._strokes):
            p.setPen(QColor("#9e9e9e"))
            p.drawText(f.adjusted(0, 0, 0, -f.height() * 0.25), Qt.AlignmentFlag.AlignCenter, self.tr("Firme aquí"))
        pen = QPen(QColor("#0d1b4a"), max(2.0, f.height() / 90.0))
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        p.setPen(pen)
        for stroke in self._strokes:
            if not stroke:
                continue
            if len(stroke) == 1:
                p.drawPoint(self.to_widget(*stroke[0]))
                continue
            # one Qt call per stroke (QPolygonF built from a list, not point by point)
            p.drawPolyline(QPolygonF([self.to_widget(x, y) for x, y in stroke]))
        p.end()

    # ---------------------------------------------------------------- input
    def _feed(self, pos: QPointF, down: bool) -> None:
        if self.input_pad is None:
            return
        x, y = self.to_logical(pos)
        self.input_pad.feed(x, y, down)

    def mousePressEvent(self, event) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton and self.input_pad is not None:
            self._pressed = True
            self._feed(event.position(), True)
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        if self._pressed:
            self._feed(event.position(), True)
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        if self._pressed and event.button() == Qt.MouseButton.LeftButton:
            self._pressed = False
            self._feed(event.position(), False)
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def tabletEvent(self, event) -> None:  # noqa: N802 - stylus
        if self.input_pad is None:
            event.ignore()
            return
        t = event.type()
        if t == QEvent.Type.TabletPress:
            self._pressed = True
            self._feed(event.position(), True)
        elif t == QEvent.Type.TabletMove and self._pressed:
            self._feed(event.position(), True)
        elif t == QEvent.Type.TabletRelease:
            self._pressed = False
            self._feed(event.position(), False)
        event.accept()  # no synthesized mouse events

    def event(self, event) -> bool:
        t = event.type()
        if self.input_pad is not None and t in (QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate, QEvent.Type.TouchEnd):
            points = event.points()
            if points:
                pos = points[0].position()
                self._feed(pos, t != QEvent.Type.TouchEnd)
            event.accept()
            return True
        if t == QEvent.Type.TouchCancel and self.input_pad is not None:
            if self.input_pad is not None:
                self.input_pad.feed(0, 0, False)
            event.accept()
            return True
        return super().event(event)


class PadEventBridge(QObject):
    """Carries driver events to the GUI thread: connect :attr:`event`, register
    :meth:`listener` with the pad. Signals crossing threads are queued by Qt."""

    event = Signal(object)

    def listener(self, event) -> None:
        """Pad listener (any thread)."""
        self.event.emit(event)


class SignaturePadWidget(SignatureCanvas):
    """On-screen pad (mouse, touch, stylus) producing a
    :class:`~drivers.signature.model.Signature` in logical 2000×700 units.

    ``pad`` is its :class:`OnScreenPad` (opened and capturing from the start).
    Signal ``strokeFinished`` after each pen-up.
    """

    strokeFinished = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__((2000, 700), parent)
        self.pad = OnScreenPad()
        self.input_pad = self.pad
        self.pad.add_listener(self._on_event)  # fed from the GUI thread: direct
        self.pad.open()
        self.pad.start()

    def _on_event(self, event) -> None:
        if isinstance(event, PointEvent):
            self.add_point(event.stroke_index, event.point.x, event.point.y)
        elif isinstance(event, StrokeEvent):
            self.end_stroke()
            self.strokeFinished.emit()
        elif isinstance(event, ClearedEvent):
            self.clear_ink()

    def signature(self) -> Signature:
        """Strokes so far (logical units, host ms)."""
        return self.pad.signature()

    def clear(self) -> None:
        """Limpiar."""
        self.pad.clear()


class SignaturePanel(QWidget):
    """Signature capture panel for any pad backend.

    Shows "Pad en uso: …", the connection message, live ink, and the buttons
    Limpiar and Capturar firma. On Capturar firma the signature is checked
    (:meth:`Signature.check`); a good one is emitted with
    :attr:`signatureCaptured` (``Signature``), a bad one shows the Spanish
    reason, keeps the strokes and goes on capturing. Call :meth:`start` to open
    the pad and :meth:`shutdown` before discarding the panel.
    """

    signatureCaptured = Signal(object)
    signatureRejected = Signal(str)

    def __init__(self, pad: SignaturePad, parent: QWidget | None = None):
        super().__init__(parent)
        self.pad = pad
        self.bridge = PadEventBridge(self)
        self.bridge.event.connect(self._on_event)
        self.device_label = QLabel(self)
        self.device_label.setWordWrap(True)  # a long pad name never widens the screen
        self.status_label = QLabel(self)
        self.status_label.setWordWrap(True)
        self.status_label.setObjectName("padStatus")
        self.canvas = SignatureCanvas((pad.device_info.logical_width, pad.device_info.logical_height), self)
        if isinstance(pad, OnScreenPad):
            self.canvas.input_pad = pad
        self.message_label = QLabel(self)
        self.message_label.setWordWrap(True)
        self.message_label.setObjectName("signatureMessage")
        self.clear_button = QPushButton(self.tr("Limpiar"), self)
        self.capture_button = QPushButton(self.tr("Capturar firma"), self)
        self.capture_button.setDefault(True)
        self.clear_button.clicked.connect(self.clear)
        self.capture_button.clicked.connect(self.capture)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.clear_button)
        buttons.addWidget(self.capture_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.device_label)
        layout.addWidget(self.status_label)
        layout.addWidget(self.canvas, 1)
        layout.addWidget(self.message_label)
        layout.addLayout(buttons)
        self.pad.add_listener(self.bridge.listener)
        self._show_device()
        self._show_state(pad.state, pad.message)

    # ---------------------------------------------------------------- api
    def start(self) -> None:
        """Open the pad (bounded by the backend) and begin capture."""
        self.pad.open()
        self.pad.start()
        self._show_device()
        self._show_state(self.pad.state, self.pad.message)

    def shutdown(self) -> None:
        """Stop listening and close the pad."""
        self.pad.remove_listener(self.bridge.listener)
        self.pad.close()

    def clear(self) -> None:
        """Limpiar: drops the strokes (also the ones kept after a disconnection)
        and resumes capture, so the pad takes the next signature after a
        «Capturar firma» (the next student at the desk)."""
        self.message_label.clear()
        self.pad.clear()
        self.canvas.clear_ink()
        if self.pad.state != PadState.CLOSED and not self.pad.capturing:
            self.pad.start()

    def capture(self) -> Signature | None:
        """Capturar firma: returns the accepted signature (also emitted) or ``None``."""
        signature = self.pad.stop()
        try:
            signature.check()
        except SignatureRejected as exc:
            text = _driver_text(exc.message)
            self.message_label.setText(text)
            self.signatureRejected.emit(text)
            self.pad.start()  # keep capturing; strokes are kept
            return None
        self.message_label.setText(self.tr("Firma capturada."))
        self.canvas.set_signature(signature)
        self.signatureCaptured.emit(signature)
        return signature

    # ------------------------------------------------------------ display
    def _show_device(self) -> None:
        info = self.pad.device_info
        names = {
            "topaz": self.tr("Pad Topaz (USB)"),
            "virtual": self.tr("Pad Topaz virtual (demostración)"),
            "sigweb": self.tr("Pad Topaz vía SigWeb"),
            "onscreen": self.tr("Pad en pantalla (mouse, táctil o lápiz)"),
        }
        kind = names.get(info.kind, info.kind)
        detail = " ".join(v for v in (info.model, info.serial) if v)
        text = self.tr("Pad en uso: {0}").format(kind)
        self.device_label.setText(f"{text} — {detail}" if detail else text)
        self.canvas.set_logical_size((info.logical_width, info.logical_height))

    def _show_state(self, state: PadState, message: str) -> None:
        text = _driver_text(message) if message else ""
        self.status_label.setText(text)
        bad = state in (PadState.DISCONNECTED, PadState.ERROR)
        self.status_label.setStyleSheet("color: #b71c1c; font-weight: bold;" if bad else "color: #1b5e20;")
        self.capture_button.setEnabled(state != PadState.CLOSED)

    def _on_event(self, event) -> None:
        """GUI thread: apply one driver event."""
        if isinstance(event, PointEvent):
            self.canvas.add_point(event.stroke_index, event.point.x, event.point.y)
        elif isinstance(event, StrokeEvent):
            self.canvas.end_stroke()
        elif isinstance(event, ClearedEvent):
            self.canvas.clear_ink()
        elif isinstance(event, StateEvent):
            if event.state == PadState.CONNECTED:
                self._show_device()
            self._show_state(event.state, event.message)
