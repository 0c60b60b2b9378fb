"""Camera preview and photo-check speed (DESIGN.md §10: preview ≥ 25 fps at 1280×720
with quality analysis ≥ 8 Hz, GUI thread never blocked > 50 ms).

Figures (each the median of several runs):
- ``preview_fps_720p``: frames shown per second by the capture widget, 1280×720 source
  at 30 fps (the webcam rate) with analysis on, offscreen Qt.
- ``analysis_hz``: quality analyses completed per second during that preview.
- ``gui_block_max_ms``: longest event-loop stall seen by a 2 ms probe timer while previewing.
- ``photo_check_ms``: one full ``station.photo.analyze`` of a 1280×720 frame.
"""
from __future__ import annotations

import os
import time

from benchmarks._util import median_of, timed_ms

PREVIEW_SECONDS = 3.0


def _photo_check_ms() -> float:
    from drivers.camera import demo_image_path
    from station.photo import analyze
    from station.photo.io import read_image

    frame = read_image(demo_image_path())
    assert frame.shape[:2] == (720, 1280)
    analyze(frame)  # warm-up: cascades loaded
    return median_of(lambda: timed_ms(lambda: analyze(frame)), runs=9)


def _preview_run() -> dict[str, float]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from drivers.camera import ImageSource, demo_image_path
    from ui.widgets.photo_capture import PhotoCaptureWidget

    app = QApplication.instance() or QApplication([])
    widget = PhotoCaptureWidget(analysis_hz=10)
    widget.resize(1100, 650)
    widget.show()
    widget.start(ImageSource(demo_image_path(), fps=30))
    loop = QEventLoop()
    QTimer.singleShot(700, loop.quit)  # warm-up: first frames, cascades
    loop.exec()

    gaps: list[float] = []
    last = [time.perf_counter()]

    def probe() -> None:
        now = time.perf_counter()
        gaps.append((now - last[0]) * 1000.0)
        last[0] = now

    timer = QTimer()
    timer.setInterval(2)
    timer.timeout.connect(probe)
    shown0, analysed0, t0 = widget.frames_shown, widget.analyses_done, time.perf_counter()
    last[0] = t0
    timer.start()
    QTimer.singleShot(int(PREVIEW_SECONDS * 1000), loop.quit)
    loop.exec()
    timer.stop()
    elapsed = time.perf_counter() - t0
    result = {
        "preview_fps_720p": (widget.frames_shown - shown0) / elapsed,
        "analysis_hz": (widget.analyses_done - analysed0) / elapsed,
        "gui_block_max_ms": max(gaps) - 2.0 if gaps else 0.0,
    }
    widget.stop()
    widget.close()
    widget.deleteLater()
    app.processEvents()
    return result


def run() -> dict[str, float]:
    """Return the four figures (medians of 3 preview runs and 9 photo checks)."""
    runs = [_preview_run() for _ in range(3)]
    out = {key: sorted(r[key] for r in runs)[1] for key in runs[0]}
    out["photo_check_ms"] = _photo_check_ms()
    return {k: round(v, 2) for k, v in out.items()}
