"""Listing the cameras of this computer, bounded in time (never hangs the caller)."""
from __future__ import annotations

import glob
import os
import re
import sys
import threading
from dataclasses import asdict, dataclass, field
from typing import Callable

import cv2

from drivers.camera.sources import backend_name, default_backends

#: Resolutions probed when ``probe_resolutions`` is on (width, height), px.
COMMON_RESOLUTIONS: tuple[tuple[int, int], ...] = ((640, 480), (1280, 720), (1920, 1080))


@dataclass
class CameraInfo:
    """One camera: OpenCV ``index``, ``name`` from the OS (Linux sysfs) or a generic one,
    ``path`` (``/dev/videoN`` on Linux), ``backend`` name, ``resolutions`` that the
    device accepted when probed ((width, height) px), ``available`` = could be opened."""

    index: int
    name: str
    path: str | None = None
    backend: str = ""
    resolutions: list[tuple[int, int]] = field(default_factory=list)
    available: bool = True
    message: str = ""

    def to_dict(self) -> dict:
        """JSON-ready dict (resolutions as ``"1280x720"`` strings)."""
        d = asdict(self)
        d["resolutions"] = [f"{w}x{h}" for w, h in self.resolutions]
        return d


def _linux_devices() -> list[tuple[int, str, str]]:
    """(index, name, path) of V4L2 capture nodes from /dev/video* and /sys (metadata nodes skipped)."""
    found = []
    for path in sorted(glob.glob("/dev/video*"), key=lambda p: int(re.sub(r"\D", "", p) or 0)):
        m = re.fullmatch(r"/dev/video(\d+)", path)
        if not m:
            continue
        n = int(m.group(1))
        sys_dir = f"/sys/class/video4linux/video{n}"
        try:
            with open(os.path.join(sys_dir, "index")) as fh:
                if int(fh.read().strip() or 0) != 0:
                    continue  # second node of the same device (metadata), not a capture stream
        except (OSError, ValueError):
            pass
        try:
            with open(os.path.join(sys_dir, "name"), encoding="utf-8", errors="replace") as fh:
                name = fh.read().strip()
        except OSError:
            name = ""
        found.append((n, name or f"Cámara {n}", path))
    return found


def _probe(index: int, backend: int, resolutions: tuple[tuple[int, int], ...]) -> tuple[bool, list[tuple[int, int]]]:
    cap = cv2.VideoCapture(index, backend)
    try:
        if not cap.isOpened():
            return False, []
        accepted = []
        for w, h in resolutions:
            cap.set(cv2.CAP_PROP_FRAME_WIDTH, w)
            cap.set(cv2.CAP_PROP_FRAME_HEIGHT, h)
            got = (int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)), int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT)))
            if got == (w, h) and got not in accepted:
                accepted.append(got)
        return True, accepted
    finally:
        cap.release()


def _bounded(fn: Callable[[], tuple[bool, list[tuple[int, int]]]], timeout_s: float) -> tuple[bool, list[tuple[int, int]]] | None:
    """Run ``fn`` on a daemon thread; ``None`` if it did not finish within ``timeout_s``."""
    box: list = []
    thread = threading.Thread(target=lambda: box.append(fn()), daemon=True, name="camera-probe")
    thread.start()
    thread.join(timeout_s)
    return box[0] if box else None


def list_cameras(
    max_index: int = 5,
    probe_resolutions: bool = True,
    timeout_s: float = 2.0,
    probe: Callable[[int, int, tuple[tuple[int, int], ...]], tuple[bool, list[tuple[int, int]]]] | None = None,
) -> list[CameraInfo]:
    """List cameras. Never blocks much longer than ``timeout_s`` per device.

    Linux: the V4L2 capture nodes under ``/dev/video*`` with their sysfs names (no
    device is opened unless ``probe_resolutions``). Windows/macOS: indices
    ``0 … max_index-1`` are probed with the OS back-end (DirectShow / AVFoundation);
    the OS gives no names through OpenCV, so they are called «Cámara N». A probe
    that does not answer in time is reported with ``available=False`` and a Spanish
    message. ``probe`` replaces the OpenCV prober (tests).
    """
    probe = probe or _probe
    backend = default_backends()[0]
    resolutions = COMMON_RESOLUTIONS if probe_resolutions else ()
    if sys.platform.startswith("linux"):
        candidates = [(n, name, path) for n, name, path in _linux_devices() if n < max(max_index, 64)]
        must_probe = probe_resolutions
    else:
        candidates = [(n, f"Cámara {n}", None) for n in range(max_index)]
        must_probe = True
    cameras: list[CameraInfo] = []
    for n, name, path in candidates:
        info = CameraInfo(n, name, path, backend_name(backend))
        if must_probe:
            result = _bounded(lambda n=n: probe(n, backend, resolutions), timeout_s)
            if result is None:
                info.available = False
                info.message = "La cámara no respondió a tiempo; puede estar en uso por otro programa."
            else:
                opened, info.resolutions = result
                if not opened:
                    if path is None:
                        continue  # an index with nothing behind it
                    info.available = False
                    info.message = "No se pudo abrir: está en uso por otro programa o sin permiso."
        cameras.append(info)
    return cameras
