"""On-screen pad driven by pytest-qt mouse events; the panel with the virtual
Topaz (events from the driver thread reach the GUI thread) and hot-plug message."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtCore import QPoint, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402

from drivers.signature.base import MSG_DISCONNECTED, PadState  # noqa: E402
from drivers.signature.model import Signature  # noqa: E402
from drivers.signature.onscreen import OnScreenPad  # noqa: E402
from drivers.signature.topaz import TopazPad, TopazSettings  # noqa: E402
from drivers.signature.virtual import VirtualTopazDevice, VirtualUsbBackend  # noqa: E402
from ui.widgets.signature_pad import SignaturePadWidget, SignaturePanel  # noqa: E402

WAIT_MS = 10_000


def drag(widget, points):
    """Press at the first point, move through the rest, release at the last (widget pixels)."""
    first, *rest = [QPoint(*p) for p in points]
    QTest.mousePress(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, first)
    for p in rest:
        QTest.mouseMove(widget, p)
    QTest.mouseRelease(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, rest[-1] if rest else first)


def wave(x0, x1, y, n=20, amp=30):
    return [(int(x0 + (x1 - x0) * i / (n - 1)), int(y + (amp if i % 2 else -amp))) for i in range(n)]


@pytest.fixture
def pad_widget(qtbot):
    w = SignaturePadWidget()
    qtbot.addWidget(w)
    w.resize(812, 296)  # frame 800×280 after the 6 px margins: 0.4 px per pad unit
    w.show()
    qtbot.waitExposed(w)
    return w


def test_mouse_strokes_become_a_signature_in_pad_units(pad_widget):
    w = pad_widget
    f = w.frame()
    assert (round(f.width()), round(f.height())) == (800, 280)
    drag(w, wave(100, 700, 140))
    drag(w, [(400, 60), (400, 220)])
    sig = w.signature()
    assert sig.stroke_count == 2 and sig.device.kind == "onscreen"
    assert (sig.width, sig.height) == (2000, 700)
    # widget pixel (400, 60) ↦ pad units ((400-6)/0.4, (60-8)/0.4)
    x, y = sig.strokes[1].points[0].x, sig.strokes[1].points[0].y
    assert x == pytest.approx((400 - f.left()) / f.width() * 2000, abs=0.5)
    assert y == pytest.approx((60 - f.top()) / f.height() * 700, abs=0.5)
    x0, y0, x1, y1 = sig.bbox()
    assert x1 - x0 == pytest.approx(600 / 0.4, abs=3)
    sig.check()
    assert Signature.from_json(sig.to_json()) == sig
    assert len(w.ink_strokes()) == 2


def test_limpiar_empties_the_pad(pad_widget):
    drag(pad_widget, wave(100, 700, 140))
    pad_widget.clear()
    assert pad_widget.signature().is_empty() and pad_widget.ink_strokes() == []


def test_points_outside_the_frame_are_clamped(pad_widget):
    drag(pad_widget, [(1, 1), (811, 295)])  # QTest treats (0, 0) as "centre"
    pts = pad_widget.signature().strokes[0].points
    assert (pts[0].x, pts[0].y) == (0, 0) and (pts[-1].x, pts[-1].y) == (2000, 700)


def test_ink_is_painted(pad_widget):
    drag(pad_widget, [(100, 148), (700, 148)])
    img = pad_widget.grab().toImage()
    assert img.pixelColor(400, 148).lightness() < 100  # dark ink on the line
    assert img.pixelColor(400, 100).lightness() > 200  # white paper elsewhere


def test_panel_with_onscreen_pad_captures_and_refuses_trivial(qtbot):
    pad = OnScreenPad()
    panel = SignaturePanel(pad)
    qtbot.addWidget(panel)
    panel.resize(900, 420)
    panel.show()
    panel.start()
    assert "Pad en pantalla" in panel.device_label.text()
    drag(panel.canvas, [(200, 150), (205, 152)])
    with qtbot.waitSignal(panel.signatureRejected) as rejected:
        qtbot.mouseClick(panel.capture_button, Qt.MouseButton.LeftButton)
    assert "demasiado" in rejected.args[0]
    assert pad.signature().stroke_count == 1  # the attempt is kept
    qtbot.mouseClick(panel.clear_button, Qt.MouseButton.LeftButton)
    assert pad.signature().is_empty()
    drag(panel.canvas, wave(100, 800, 160))
    with qtbot.waitSignal(panel.signatureCaptured) as captured:
        qtbot.mouseClick(panel.capture_button, Qt.MouseButton.LeftButton)
    assert captured.args[0].stroke_count == 1
    panel.shutdown()


def test_panel_shows_live_ink_and_unplug_message_from_the_virtual_topaz(qtbot):
    dev = VirtualTopazDevice()
    pad = TopazPad(TopazSettings(read_timeout_ms=20, rescan_interval_s=0.02),
                   usb_backend=VirtualUsbBackend([dev]), kind="virtual")
    panel = SignaturePanel(pad)
    qtbot.addWidget(panel)
    panel.show()
    try:
        panel.start()
        assert "virtual" in panel.device_label.text() and "LBK460" in panel.device_label.text()
        dev.play_strokes([wave(200, 1800, 350, n=30, amp=150)])
        qtbot.waitUntil(lambda: len(panel.canvas.ink_strokes()) == 1 and len(panel.canvas.ink_strokes()[0]) == 30,
                        timeout=WAIT_MS)
        dev.unplug()
        qtbot.waitUntil(lambda: panel.status_label.text() == MSG_DISCONNECTED, timeout=WAIT_MS)
        assert len(panel.canvas.ink_strokes()) == 1  # ink kept on screen
        dev.plug()
        qtbot.waitUntil(lambda: "de nuevo" in panel.status_label.text(), timeout=WAIT_MS)
        with qtbot.waitSignal(panel.signatureCaptured) as captured:
            panel.capture()
        assert captured.args[0].stroke_count == 1 and captured.args[0].device.kind == "virtual"
    finally:
        panel.shutdown()
    assert pad.state == PadState.CLOSED


def test_touch_input_draws_a_stroke(pad_widget):
    device = QTest.createTouchDevice()
    QTest.touchEvent(pad_widget, device).press(0, QPoint(100, 100)).commit()
    QTest.touchEvent(pad_widget, device).move(0, QPoint(300, 150)).commit()
    QTest.touchEvent(pad_widget, device).move(0, QPoint(500, 200)).commit()
    QTest.touchEvent(pad_widget, device).release(0, QPoint(500, 200)).commit()
    sig = pad_widget.signature()
    assert sig.stroke_count == 1 and len(sig.strokes[0].points) >= 3
    f = pad_widget.frame()
    # QTest's emulated touch point lands within a few pixels of the requested one (0.4 px per unit)
    assert sig.strokes[0].points[0].x == pytest.approx((100 - f.left()) / f.width() * 2000, abs=8)
