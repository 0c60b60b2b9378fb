"""One contract every camera source keeps (issue #12 item 8; drivers/camera/sources.py FrameSource).

The same tests run against each source the station can be configured with — a video file, one
image, a folder of images, a glob pattern, the shipped demo photo — through real OpenCV decoding,
and the missing-device case also against a camera index nothing answers on.
"""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from drivers.camera import CameraError, OpenCVCameraSource, open_source


def _frame(i: int) -> np.ndarray:
    img = np.full((240, 320, 3), 40 + i * 10, np.uint8)
    cv2.putText(img, str(i), (20, 150), cv2.FONT_HERSHEY_SIMPLEX, 3, (255, 255, 255), 5)
    return img


def _video(tmp_path):
    path = tmp_path / "cámara.avi"  # non-ASCII name, as on a Spanish Windows desktop
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 30.0, (320, 240))
    for i in range(6):
        writer.write(_frame(i))
    writer.release()
    return str(path)


def _images(tmp_path):
    folder = tmp_path / "fotos"
    folder.mkdir()
    for i in range(3):
        cv2.imwrite(str(folder / f"{i:02d}.png"), _frame(i))
    return folder


# configuration value (what the settings store) for each source kind
SOURCES = {
    "video": _video,
    "imagen": lambda p: str(_images(p) / "00.png"),
    "carpeta": lambda p: str(_images(p)),
    "patron": lambda p: str(_images(p) / "*.png"),
    "demo": lambda p: "demo",
}

# a configuration value whose device or file is missing, for each kind
MISSING = {
    "video": lambda p: str(p / "falta.avi"),
    "imagen": lambda p: str(p / "falta.jpg"),
    "carpeta": lambda p: str(p / "no-existe" / "*.png"),
    "patron": lambda p: str(p / "*.png"),
}


@pytest.fixture(params=sorted(SOURCES))
def source(request, tmp_path):
    src = open_source(SOURCES[request.param](tmp_path), fps=0)
    yield src
    src.close()


class TestFrameSourceContract:
    """What the camera worker and the capture screen rely on, for every source."""

    def test_open_read_gives_bgr_frames(self, source):
        source.open()
        frame = source.read()
        assert isinstance(frame, np.ndarray) and frame.dtype == np.uint8
        assert frame.ndim == 3 and frame.shape[2] == 3 and frame.shape[0] > 0 and frame.shape[1] > 0

    def test_a_frame_belongs_to_its_consumer(self, source):
        source.open()
        first = source.read()
        first[:] = 0  # the preview draws its face box on the frame
        assert source.read().any()

    def test_describes_itself_in_spanish(self, source):
        assert isinstance(source.description, str) and source.description.split()[0] in (
            "video", "imagen", "secuencia")

    def test_close_stops_frames_and_reopen_works(self, source):
        source.open()
        assert source.read() is not None
        source.close()
        assert source.read() is None
        source.close()  # twice is harmless
        source.open()
        assert source.read() is not None

    def test_read_before_open_gives_nothing(self, source):
        assert source.read() is None


@pytest.mark.parametrize("kind", sorted(MISSING))
def test_a_missing_file_is_a_spanish_camera_error_at_open(kind, tmp_path):
    src = open_source(MISSING[kind](tmp_path), fps=0)  # building never touches the file
    with pytest.raises(CameraError, match="^No se"):
        src.open()
    assert src.read() is None


def test_a_missing_camera_is_a_spanish_camera_error_at_open():
    src = OpenCVCameraSource(63)
    with pytest.raises(CameraError, match="desconectada o la está usando otro programa"):
        src.open()
    assert src.read() is None
