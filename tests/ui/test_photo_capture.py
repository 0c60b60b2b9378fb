"""Photo capture widget: preview off the GUI thread, take / retake, zoom and drag, override reason."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import cv2  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from drivers.camera import ImageSource, VideoFileSource, demo_image_path  # noqa: E402
from ui.widgets.photo_capture import PhotoCaptureWidget  # noqa: E402


@pytest.fixture
def widget(qtbot):
    w = PhotoCaptureWidget(analysis_hz=10)
    qtbot.addWidget(w)
    w.resize(1000, 600)
    w.show()
    yield w
    w.stop()


def _decode(data: bytes) -> np.ndarray:
    return cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)


def test_live_preview_take_zoom_drag_and_accept(widget, qtbot):
    widget.start(ImageSource(demo_image_path(), fps=30))
    qtbot.waitUntil(lambda: widget.frames_shown >= 3 and widget.analyses_done >= 3, timeout=10000)
    qtbot.waitUntil(lambda: widget.view.guidance == "Foto correcta", timeout=5000)
    assert widget.view.verdict.accepted and widget.view.verdict.eyes is not None
    assert not widget.accept_button.isEnabled()
    widget.take_button.click()
    qtbot.waitUntil(lambda: widget.accept_button.isEnabled(), timeout=5000)
    assert widget.reviewing and not widget.reason_edit.isVisible()
    before = widget.view.image.copy()
    widget.zoom_slider.setValue(160)  # so close that the crop cuts the top of the head
    assert widget.view.image != before  # the crop follows the zoom slider
    assert "parte de arriba de la cabeza" in widget.view.guidance
    assert widget.reason_edit.isVisible() and not widget.accept_button.isEnabled()
    widget.zoom_slider.setValue(110)  # back inside: the lights turn green again
    assert widget.view.guidance == "Foto correcta" and widget.accept_button.isEnabled()
    zoomed = widget.view.image.copy()
    widget._on_drag(10.0, 0.0)  # drag a little to the right (ISO keeps the eyes within 45–55 % of the width)
    assert widget.view.image != zoomed
    with qtbot.waitSignal(widget.photoAccepted, timeout=5000) as blocker:
        widget.accept_button.click()
    jpeg, ok, reason = blocker.args
    assert ok is True and reason == ""
    assert len(jpeg) <= 60_000 and _decode(jpeg).shape == (640, 480, 3)


def test_failing_photo_needs_a_reason(widget, qtbot, tmp_path):
    dark = (cv2.imread(str(demo_image_path())) * 0.18).astype(np.uint8)
    path = tmp_path / "oscura.png"
    cv2.imwrite(str(path), dark)
    widget.start(ImageSource(path, fps=30))
    qtbot.waitUntil(lambda: widget.view.guidance == "Luz insuficiente", timeout=10000)
    widget.take_button.click()
    qtbot.waitUntil(lambda: widget.reason_edit.isVisible(), timeout=5000)
    assert not widget.accept_button.isEnabled()
    qtbot.keyClicks(widget.reason_edit, "corto")
    assert not widget.accept_button.isEnabled()
    qtbot.keyClicks(widget.reason_edit, " - alumno con lentes de aumento")
    assert widget.accept_button.isEnabled()
    with qtbot.waitSignal(widget.photoAccepted, timeout=5000) as blocker:
        widget.accept_button.click()
    jpeg, ok, reason = blocker.args
    assert ok is False and reason == "corto - alumno con lentes de aumento"
    widget.retake_button.click()
    assert not widget.reviewing and widget.take_button.isEnabled() and not widget.reason_edit.isVisible()


def test_camera_vanishing_is_shown_and_last_frame_kept(widget, qtbot, tmp_path):
    path = tmp_path / "corto.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 30.0, (640, 360))
    frame = cv2.resize(cv2.imread(str(demo_image_path())), (640, 360))
    for _ in range(8):
        writer.write(frame)
    writer.release()
    states = []
    widget.cameraStatusChanged.connect(lambda state, msg: states.append((state, msg)))
    widget.start(VideoFileSource(path, fps=30))
    qtbot.waitUntil(lambda: any(s == "lost" for s, _ in states), timeout=10000)
    assert "Se perdió la imagen" in widget.status_label.text()
    assert widget.view.image is not None  # the last image stays on screen
    widget.take_button.click()  # the last good frame can still be taken
    qtbot.waitUntil(lambda: widget.retake_button.isEnabled() and widget.zoom_slider.isEnabled(), timeout=5000)


def test_texts_are_spanish(widget):
    assert widget.take_button.text() == "Tomar foto"
    assert widget.retake_button.text() == "Volver a tomar"
    assert widget.accept_button.text() == "Capturar foto"
