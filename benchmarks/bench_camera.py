"""Camera preview and photo-check speed (DESIGN.md §10: preview ≥ 25 fps at 1280×720
with quality analysis ≥ 8 Hz, GUI thread never blocked > 50 ms).

Figures (each the median of several runs):
- ``preview_fps_720p``: frames shown per second by the capture widget, 1280×720 source
  at 30 fps (the webcam rate) with analysis on, offscreen Qt.
- ``analysis_hz``: quality analyses completed per second during that preview.
- ``gui_block_max_ms``: longest event-loop stall seen by a 2 ms probe timer while previewing.
- ``photo_check_ms``: one full ``station.photo.analyze`` of a 1280×720 frame (same as
  ``analysis_ms_per_frame``, kept for the README's history).
- ``analysis_ms_per_frame``: full analysis (detector, landmarks, every check on the crop) of the
  1280×720 demo frame with the shipped detector; ``analysis_vs_frame_budget`` = that ÷ 33 ms
  (DESIGN.md §14: ≤ 0.5).
- ``analysis_no_face_ms``: the same on a frame with no face (the demo frame upside down: the
  same textures, no upright face); ``analysis_no_face_vs_face`` = that ÷ the face frame (≤ 1).
- ``haar_analysis_ms_per_frame`` / ``haar_analysis_no_face_ms``: the Haar baseline measured in
  the same run, interleaved with the shipped detector, and ``analysis_vs_haar`` the ratio.
- ``*_cpu_ms*``: the same analyses in CPU time of the process (``time.process_time``) — on the
  shared development machine (eight agents on 2 cores) wall time includes waiting for a core;
  CPU time is what an idle desk's wall time would be. ``load_average_1min`` says how shared
  the machine was during the run.
"""
from __future__ import annotations

import os
import statistics
import time

from benchmarks._util import timed_ms

PREVIEW_SECONDS = 3.0


FRAME_BUDGET_MS = 33.0


def _analysis_figures() -> dict[str, float]:
    """Shipped detector vs the Haar baseline on a face frame and a no-face frame, interleaved
    so that load from other processes falls on both alike; medians of 15 runs each."""
    import cv2

    from drivers.camera import demo_image_path
    from station.photo import PhotoConfig, analyze
    from station.photo.io import read_image

    frame = read_image(demo_image_path())
    assert frame.shape[:2] == (720, 1280)
    no_face = cv2.rotate(frame, cv2.ROTATE_180)
    shipped, haar = PhotoConfig(), PhotoConfig(detector="haar")
    cases = {"face": (frame, shipped), "no_face": (no_face, shipped),
             "haar_face": (frame, haar), "haar_no_face": (no_face, haar)}
    for image, config in cases.values():
        analyze(image, config)  # warm-up: models loaded
    assert analyze(frame).face_count == 1 and analyze(no_face).face_count == 0
    times: dict[str, list[float]] = {k: [] for k in cases}
    cpu: dict[str, list[float]] = {k: [] for k in cases}
    for _ in range(15):
        for key, (image, config) in cases.items():
            c0 = time.process_time()
            times[key].append(timed_ms(lambda: analyze(image, config)))
            cpu[key].append((time.process_time() - c0) * 1000.0)
    med = {k: statistics.median(v) for k, v in times.items()}
    cpu_med = {k: statistics.median(v) for k, v in cpu.items()}
    return {
        # CPU time of this process per analysis: what the wall time is on an idle desk; on the
        # shared 2-core development machine the wall time also counts waiting for a core
        "analysis_cpu_ms_per_frame": cpu_med["face"],
        "analysis_cpu_vs_frame_budget": cpu_med["face"] / FRAME_BUDGET_MS,
        "analysis_no_face_cpu_ms": cpu_med["no_face"],
        "haar_analysis_cpu_ms_per_frame": cpu_med["haar_face"],
        "load_average_1min": os.getloadavg()[0] if hasattr(os, "getloadavg") else -1.0,
        "analysis_ms_per_frame": med["face"],
        "analysis_vs_frame_budget": med["face"] / FRAME_BUDGET_MS,
        "analysis_no_face_ms": med["no_face"],
        "analysis_no_face_vs_face": med["no_face"] / med["face"],
        "haar_analysis_ms_per_frame": med["haar_face"],
        "haar_analysis_no_face_ms": med["haar_no_face"],
        "analysis_vs_haar": med["face"] / med["haar_face"],
        "photo_check_ms": med["face"],
    }


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
    """Return the figures above (medians of 3 preview runs and of 15 analyses per frame kind)."""
    runs = [_preview_run() for _ in range(3)]
    out = {key: sorted(r[key] for r in runs)[1] for key in runs[0]}
    out.update(_analysis_figures())
    return {k: round(v, 3 if "_vs_" in k else 2) for k, v in out.items()}
