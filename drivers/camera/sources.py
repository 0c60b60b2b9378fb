"""Frame sources: a real camera through OpenCV, or a video file / image / image
sequence standing in for one (demo station, tests). No Qt here.

Every source returns frames as (H, W, 3) uint8 BGR arrays. ``open()`` raises
:class:`CameraError` (Spanish message) when the device or file cannot be opened;
``read()`` returns ``None`` when no frame came (device unplugged, end of file).
"""
from __future__ import annotations

import glob
import os
import sys
import threading
import time
from pathlib import Path
from typing import Protocol, Sequence

import cv2
import numpy as np

from drivers.doubles import double_refusal
from station.domain.errors import UserError

VIDEO_EXTENSIONS = {".avi", ".mp4", ".mkv", ".mov", ".m4v", ".webm", ".mjpg", ".mjpeg"}
IMAGE_EXTENSIONS = {".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp"}


class CameraError(UserError):
    """A camera or stand-in source cannot deliver frames. ``str(exc)`` is a Spanish message for the operator."""

    code = "camera_error"


class FrameSource(Protocol):
    """Where frames come from. Implementations are used from one worker thread at a time."""

    #: Spanish description for messages ("cámara 0", "video demo.avi")
    description: str

    def open(self) -> None:
        """Open the device/file; raise :class:`CameraError` if impossible."""

    def read(self) -> np.ndarray | None:
        """Next frame (H, W, 3) uint8 BGR — or ``None`` if none came. May block up to one frame period."""

    def close(self) -> None:
        """Release the device/file. Safe to call twice."""


def default_backends() -> list[int]:
    """OpenCV capture back-ends to try, in order, for this OS.

    Windows: DirectShow (fast to open, honours resolution requests) then Media
    Foundation; Linux: V4L2; macOS: AVFoundation; anything else: ``CAP_ANY``.
    """
    if sys.platform.startswith("win"):
        return [cv2.CAP_DSHOW, cv2.CAP_MSMF]
    if sys.platform.startswith("linux"):
        return [cv2.CAP_V4L2]
    if sys.platform == "darwin":
        return [cv2.CAP_AVFOUNDATION]
    return [cv2.CAP_ANY]


def backend_name(backend: int) -> str:
    """Human name of an OpenCV back-end id (``"DSHOW"``, ``"V4L2"``…)."""
    try:
        return cv2.videoio_registry.getBackendName(backend)
    except Exception:  # unknown id on this build
        return str(backend)


class OpenCVCameraSource:
    """A physical camera by index, opened with the OS's preferred back-end.

    ``width`` × ``height`` (px) is requested, not guaranteed: the camera may deliver
    another size (see :attr:`actual_size` after :meth:`open`). ``backends`` overrides
    :func:`default_backends`. Raises :class:`CameraError` from :meth:`open` when the
    camera is absent or taken by another program.
    """

    def __init__(self, index: int, width: int = 1280, height: int = 720, backends: Sequence[int] | None = None) -> None:
        self.index = index
        self.width = width
        self.height = height
        self.backends = list(backends) if backends is not None else default_backends()
        self.description = f"cámara {index}"
        self.actual_size: tuple[int, int] | None = None
        self.backend: int | None = None
        self._cap: cv2.VideoCapture | None = None

    def open(self) -> None:
        """See :class:`FrameSource`."""
        self.close()
        for backend in self.backends:
            cap = cv2.VideoCapture(self.index, backend)
            if not cap.isOpened():
                cap.release()
                continue
            cap.set(cv2.CAP_PROP_FOURCC, cv2.VideoWriter_fourcc(*"MJPG"))  # 720p at 30 fps over USB 2
            cap.set(cv2.CAP_PROP_FRAME_WIDTH, self.width)
            cap.set(cv2.CAP_PROP_FRAME_HEIGHT, self.height)
            ok, frame = cap.read()
            if not ok or frame is None:  # opened but another program holds the stream
                cap.release()
                continue
            self._cap, self.backend = cap, backend
            self.actual_size = (frame.shape[1], frame.shape[0])
            return
        raise CameraError(
            f"No se pudo abrir la {self.description}: está desconectada o la está usando otro programa "
            "(Zoom, Teams, el navegador…). Ciérrelo o conecte la cámara."
        )

    def read(self) -> np.ndarray | None:
        """See :class:`FrameSource`."""
        if self._cap is None:
            return None
        ok, frame = self._cap.read()
        return frame if ok else None

    def close(self) -> None:
        """See :class:`FrameSource`."""
        if self._cap is not None:
            self._cap.release()
            self._cap = None


class _Pacer:
    """Sleeps so that successive frames come at most ``fps`` per second (0 = no pacing)."""

    def __init__(self, fps: float) -> None:
        self.period = 1.0 / fps if fps and fps > 0 else 0.0
        self.next_at = 0.0

    def wait(self) -> None:
        if not self.period:
            return
        now = time.perf_counter()
        if self.next_at > now:
            time.sleep(self.next_at - now)
            now = self.next_at
        self.next_at = max(now, self.next_at) + self.period if self.next_at else now + self.period


class VideoFileSource:
    """Plays a video file as if it were a camera (real OpenCV capture).

    ``fps``: pacing in frames/s (``None`` = the file's own rate, 0 = as fast as
    decoding allows). ``loop`` restarts at the end; without it :meth:`read` returns
    ``None`` at the end, which the worker treats as a camera that vanished.
    """

    def __init__(self, path: str | os.PathLike[str], fps: float | None = None, loop: bool = False) -> None:
        self.path = os.fspath(path)
        self.fps = fps
        self.loop = loop
        self.description = f"video «{Path(self.path).name}»"
        self._cap: cv2.VideoCapture | None = None
        self._pacer = _Pacer(0)

    def open(self) -> None:
        """See :class:`FrameSource`; :class:`CameraError` outside demo or test mode."""
        self.close()
        refusal = double_refusal(f"La cámara simulada con el {self.description}")
        if refusal:
            raise CameraError(refusal)
        if not os.path.isfile(self.path):
            raise CameraError(f"No se encontró el {self.description}.")
        cap = cv2.VideoCapture(self.path, cv2.CAP_ANY)
        if not cap.isOpened():
            cap.release()
            raise CameraError(f"No se pudo abrir el {self.description}: el archivo está dañado o el formato no es compatible.")
        self._cap = cap
        rate = self.fps if self.fps is not None else (cap.get(cv2.CAP_PROP_FPS) or 30.0)
        self._pacer = _Pacer(rate)

    def read(self) -> np.ndarray | None:
        """See :class:`FrameSource`."""
        if self._cap is None:
            return None
        self._pacer.wait()
        ok, frame = self._cap.read()
        if not ok and self.loop:
            self._cap.set(cv2.CAP_PROP_POS_FRAMES, 0)
            ok, frame = self._cap.read()
        return frame if ok else None

    def close(self) -> None:
        """See :class:`FrameSource`."""
        if self._cap is not None:
            self._cap.release()
            self._cap = None


class ImageSource:
    """One still image or a sequence of images played as a camera at ``fps`` frames/s.

    ``paths`` is one file, a folder (its images sorted by name), a glob pattern, or a
    list of files. ``loop`` repeats the sequence (a single image is always repeated).
    Images are decoded once at :meth:`open` (bytes + ``cv2.imdecode``: non-ASCII paths work).
    Raises :class:`CameraError` at :meth:`open` if no readable image is found.
    """

    def __init__(self, paths: str | os.PathLike[str] | Sequence[str | os.PathLike[str]], fps: float = 30.0,
                 loop: bool = True) -> None:
        self.paths = self._expand(paths)
        self.fps = fps
        self.loop = loop or len(self.paths) == 1
        name = Path(self.paths[0]).name if len(self.paths) == 1 else f"{len(self.paths)} imágenes"
        self.description = f"imagen «{name}»" if len(self.paths) == 1 else f"secuencia de {name}"
        self._frames: list[np.ndarray] = []
        self._pos = 0
        self._pacer = _Pacer(fps)
        self._lock = threading.Lock()

    @staticmethod
    def _expand(paths: str | os.PathLike[str] | Sequence[str | os.PathLike[str]]) -> list[str]:
        if isinstance(paths, (str, os.PathLike)):
            p = os.fspath(paths)
            if os.path.isdir(p):
                return sorted(str(f) for f in Path(p).iterdir() if f.suffix.lower() in IMAGE_EXTENSIONS) or [p]
            if any(ch in p for ch in "*?["):
                return sorted(glob.glob(p)) or [p]
            return [p]
        return [os.fspath(p) for p in paths] or [""]

    def open(self) -> None:
        """See :class:`FrameSource`; :class:`CameraError` outside demo or test mode."""
        refusal = double_refusal(f"La cámara simulada con la {self.description}")
        if refusal:
            raise CameraError(refusal)
        frames = []
        for p in self.paths:
            try:
                data = np.fromfile(p, dtype=np.uint8)
            except OSError:
                continue
            image = cv2.imdecode(data, cv2.IMREAD_COLOR) if data.size else None
            if image is not None:
                frames.append(image)
        if not frames:
            raise CameraError(f"No se pudo leer la {self.description}: el archivo no existe o no es una imagen.")
        with self._lock:
            self._frames, self._pos = frames, 0
        self._pacer = _Pacer(self.fps)

    def read(self) -> np.ndarray | None:
        """See :class:`FrameSource`. Returns a fresh copy each time (consumers may draw on it)."""
        with self._lock:
            if not self._frames:
                return None
            if self._pos >= len(self._frames):
                if not self.loop:
                    return None
                self._pos = 0
            frame = self._frames[self._pos]
            self._pos += 1
        self._pacer.wait()
        return frame.copy()

    def close(self) -> None:
        """See :class:`FrameSource`."""
        with self._lock:
            self._frames = []


def demo_image_path() -> Path:
    """The shipped demo face photo (``resources/demo/face.jpg``; NASA, public domain)."""
    return Path(__file__).resolve().parents[2] / "resources" / "demo" / "face.jpg"


def open_source(spec: str | int, width: int = 1280, height: int = 720, fps: float | None = None) -> FrameSource:
    """Build a source from a configuration value (not yet opened).

    ``spec``: a camera index (``0`` or ``"0"``), ``"demo"`` (the shipped face photo),
    a video file, an image file, a folder of images or a glob pattern. Raises
    :class:`CameraError` (Spanish) for an empty spec or an unknown file type.
    """
    if isinstance(spec, int) or (isinstance(spec, str) and spec.strip().isdigit()):
        return OpenCVCameraSource(int(spec), width, height)
    text = str(spec).strip()
    if not text:
        raise CameraError("No se configuró ninguna cámara.")
    if text == "demo":
        return ImageSource(demo_image_path(), fps=fps or 30.0)
    suffix = Path(text).suffix.lower()
    if os.path.isdir(text) or any(ch in text for ch in "*?[") or suffix in IMAGE_EXTENSIONS:
        return ImageSource(text, fps=fps or 30.0)
    if suffix in VIDEO_EXTENSIONS:
        return VideoFileSource(text, fps=fps)
    raise CameraError(f"No se reconoce la fuente de video «{text}»: use un número de cámara, un video o una imagen.")
