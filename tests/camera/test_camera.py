"""Camera driver through real OpenCV capture of files the tests write."""
from __future__ import annotations

import threading
import time

import cv2
import numpy as np
import pytest

from drivers.camera import (
    CameraError, CameraInfo, CameraStatus, CameraWorker, ImageSource, OpenCVCameraSource, VideoFileSource,
    demo_image_path, frame_problem, list_cameras, open_source,
)
from drivers.camera.worker import ERROR, LOST, RUNNING


def _frame(i: int, size=(320, 240)) -> np.ndarray:
    w, h = size
    img = np.full((h, w, 3), 40, np.uint8)
    cv2.putText(img, str(i), (20, 150), cv2.FONT_HERSHEY_SIMPLEX, 3, (255, 255, 255), 5)
    cv2.rectangle(img, (i * 5 % w, 10), (i * 5 % w + 30, 40), (0, 200, 255), -1)
    return img


@pytest.fixture
def video(tmp_path):
    path = tmp_path / "cámara.avi"  # non-ASCII name
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 30.0, (320, 240))
    assert writer.isOpened()
    for i in range(12):
        writer.write(_frame(i))
    writer.release()
    return path


class Collector:
    def __init__(self):
        self.frames = []
        self.statuses: list[CameraStatus] = []
        self.cond = threading.Condition()

    def on_frame(self, frame, info):
        with self.cond:
            self.frames.append((frame, info))
            self.cond.notify_all()

    def on_status(self, status):
        with self.cond:
            self.statuses.append(status)
            self.cond.notify_all()

    def wait_for(self, predicate, timeout=10.0):
        with self.cond:
            assert self.cond.wait_for(predicate, timeout), (len(self.frames), self.statuses)


def test_video_file_plays_then_vanishes_and_is_reported(video):
    got = Collector()
    worker = CameraWorker(VideoFileSource(video, fps=0), got.on_frame, got.on_status, max_bad_reads=3,
                          retry_interval_s=0.05)
    worker.start()
    try:
        got.wait_for(lambda: any(s.state == LOST for s in got.statuses))
        # all 12 frames came through the real decoder, in order, as BGR uint8
        first_run = [info.seq for _, info in got.frames[:12]]
        assert first_run == list(range(1, 13))
        frame, _ = got.frames[0]
        assert frame.shape == (240, 320, 3) and frame.dtype == np.uint8
        lost = next(s for s in got.statuses if s.state == LOST)
        assert "Se perdió la imagen" in lost.message and "cámara.avi" in lost.message
        assert worker.last_frame is not None  # the last good frame is kept
        # the file is still there: the worker reopens it and the stream recovers
        got.wait_for(lambda: len(got.frames) > 12 and got.statuses[-1].state == RUNNING)
    finally:
        worker.stop()
    assert not worker.running


def test_file_removed_mid_preview_reports_error_and_keeps_retrying(video):
    got = Collector()
    worker = CameraWorker(VideoFileSource(video, fps=200), got.on_frame, got.on_status, max_bad_reads=2,
                          retry_interval_s=0.05)
    worker.start()
    try:
        got.wait_for(lambda: len(got.frames) >= 2)
        video.unlink()  # the "camera" is unplugged
        got.wait_for(lambda: any(s.state == ERROR for s in got.statuses))
        error = next(s for s in got.statuses if s.state == ERROR)
        assert "No se encontró" in error.message
        assert worker.running  # still retrying, not crashed
        assert worker.last_frame is not None
    finally:
        worker.stop()


class FlakySource:
    """A source whose frames go bad: uniform garbage, then exceptions."""

    description = "cámara de prueba"

    def __init__(self, good=3, garbage=5):
        self.reads = 0
        self.good, self.garbage = good, garbage
        self.opens = 0

    def open(self):
        self.opens += 1
        if self.opens > 1:
            raise CameraError("No se pudo abrir la cámara de prueba: la está usando otro programa.")

    def read(self):
        self.reads += 1
        if self.reads <= self.good:
            return _frame(self.reads)
        if self.reads <= self.good + self.garbage:
            return np.zeros((240, 320, 3), np.uint8) + np.array([0, 135, 0], np.uint8)  # green MSMF frame
        raise OSError("device gone")

    def close(self):
        pass


def test_garbage_frames_then_taken_by_other_program():
    got = Collector()
    source = FlakySource()
    worker = CameraWorker(source, got.on_frame, got.on_status, max_bad_reads=4, retry_interval_s=0.02)
    worker.start()
    try:
        got.wait_for(lambda: any(s.state == ERROR for s in got.statuses))
    finally:
        worker.stop()
    assert len(got.frames) == 3  # garbage never reaches the consumer
    states = [s.state for s in got.statuses]
    assert states.index(RUNNING) < states.index(LOST) < states.index(ERROR)
    assert "imágenes vacías o dañadas" in next(s for s in got.statuses if s.state == LOST).message
    assert "otro programa" in next(s for s in got.statuses if s.state == ERROR).message


def test_a_failing_frame_callback_does_not_kill_the_worker(video):
    calls = []

    def boom(frame, info):
        calls.append(info.seq)
        raise RuntimeError("listener bug")

    worker = CameraWorker(VideoFileSource(video, fps=0, loop=True), boom)
    worker.start()
    deadline = time.monotonic() + 10
    while len(calls) < 20 and time.monotonic() < deadline:
        time.sleep(0.01)
    worker.stop()
    assert len(calls) >= 20


@pytest.mark.parametrize("frame,expected", [
    (None, "empty"), (np.zeros((0, 0, 3), np.uint8), "empty"), (np.zeros((10, 10, 3), np.float32), "empty"),
    (np.zeros((10, 10, 5), np.uint8), "empty"), (np.zeros((240, 320, 3), np.uint8), "garbage"),
    (np.full((240, 320), 128, np.uint8), "garbage"), (_frame(1), None),
])
def test_frame_problem(frame, expected):
    assert frame_problem(frame) == expected


def test_image_sequence_folder_plays_in_order_then_ends(tmp_path):
    for i in range(3):
        cv2.imwrite(str(tmp_path / f"f{i:02d}.png"), _frame(i))
    (tmp_path / "notas.txt").write_text("no es imagen")
    source = ImageSource(tmp_path, fps=0, loop=False)
    source.open()
    frames = [source.read() for _ in range(4)]
    assert [f is None for f in frames] == [False, False, False, True]
    assert np.array_equal(frames[1], _frame(1))
    source.close()


def test_single_image_repeats_and_returns_copies():
    source = ImageSource(demo_image_path(), fps=0)
    source.open()
    a, b = source.read(), source.read()
    assert a.shape == (720, 1280, 3)
    a[:] = 0
    assert b.any()


@pytest.mark.parametrize("make", [
    lambda p: ImageSource(p / "falta.jpg"),
    lambda p: VideoFileSource(p / "falta.avi"),
    lambda p: (p / "roto.avi").write_bytes(b"basura" * 100) and VideoFileSource(p / "roto.avi"),
])
def test_missing_or_corrupt_files_raise_camera_error_in_spanish(tmp_path, make):
    with pytest.raises(CameraError, match="No se"):
        make(tmp_path).open()


def test_open_source_by_configuration_value(tmp_path):
    assert isinstance(open_source("0"), OpenCVCameraSource)
    assert isinstance(open_source(2), OpenCVCameraSource)
    assert isinstance(open_source("demo"), ImageSource)
    assert isinstance(open_source(str(tmp_path / "v.mp4")), VideoFileSource)
    assert isinstance(open_source(str(tmp_path / "*.png")), ImageSource)
    with pytest.raises(CameraError, match="No se reconoce"):
        open_source(str(tmp_path / "x.docx"))
    with pytest.raises(CameraError):
        open_source("  ")


def test_absent_camera_index_gives_clear_error():
    source = OpenCVCameraSource(63)
    with pytest.raises(CameraError, match="desconectada o la está usando otro programa"):
        source.open()


def test_list_cameras_bounded_when_a_probe_hangs(monkeypatch):
    import drivers.camera.listing as listing

    release = threading.Event()

    def hanging_probe(index, backend, resolutions):
        if index == 1:
            release.wait(30)
        return (index == 0, [(1280, 720)] if index == 0 else [])

    monkeypatch.setattr(listing.sys, "platform", "win32")
    try:
        cams = list_cameras(max_index=3, timeout_s=0.2, probe=hanging_probe)
    finally:
        release.set()
    assert [c.index for c in cams] == [0, 1]
    assert cams[0].available and cams[0].to_dict()["resolutions"] == ["1280x720"]
    assert not cams[1].available and "no respondió" in cams[1].message


def test_list_cameras_linux_uses_dev_video(monkeypatch):
    import drivers.camera.listing as listing

    monkeypatch.setattr(listing.sys, "platform", "linux")
    monkeypatch.setattr(listing, "_linux_devices", lambda: [(0, "HD Pro Webcam C920", "/dev/video0")])
    cams = list_cameras(probe_resolutions=False)
    assert len(cams) == 1 and isinstance(cams[0], CameraInfo)
    assert cams[0].to_dict()["name"] == "HD Pro Webcam C920" and cams[0].to_dict()["path"] == "/dev/video0"
    assert all(isinstance(c, CameraInfo) for c in list_cameras())  # the real machine: whatever it has
