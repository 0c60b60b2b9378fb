"""The devices of a desk screen, opened one way for every screen.

The capture, delivery and settings screens and the camera preview used to build
their pad and camera each with its own copy of the same few lines (which pad when
none is configured, what to do when the configured one cannot be built, which
camera when none is set, how long a test waits for a frame). They ask here:

- :func:`desk_pad`: the configured signature pad, or the on-screen pad plus the
  Spanish reason when the configured one cannot be built (the desk keeps working).
- :func:`desk_camera`: the frame source of the configured camera (not opened).
- :func:`grab_frame`: open a source, wait for one frame, close it (test buttons).

No Qt; the caller opens pads and sources off the GUI thread.
"""
from __future__ import annotations

import time

import numpy as np

from drivers.camera.sources import CameraError, FrameSource, open_source
from drivers.signature.base import PadError, SignaturePad
from drivers.signature.registry import create_pad

#: The pad used when none is configured, and when the configured one cannot be built.
FALLBACK_PAD = "onscreen"
#: The camera used when none is configured: the system's first one.
DEFAULT_CAMERA = "0"
#: Preview size asked of a live camera (pixels).
PREVIEW_SIZE = (1280, 720)


def desk_pad(name: str | None) -> tuple[SignaturePad, PadError | None]:
    """``(pad, problem)``: the pad named ``name`` (``None``/empty: :data:`FALLBACK_PAD`), built
    but not opened. When it cannot be built (unknown name, bad settings: :class:`PadError`),
    the on-screen pad and that error, whose Spanish message the screen shows."""
    try:
        return create_pad((name or "").strip() or FALLBACK_PAD), None
    except PadError as problem:
        return create_pad(FALLBACK_PAD), problem


def desk_camera(spec: str | int | None) -> FrameSource:
    """The frame source of the configured camera ``spec`` (``None``/empty: :data:`DEFAULT_CAMERA`)
    at :data:`PREVIEW_SIZE`, not opened. Raises :class:`CameraError` (Spanish) for a spec that
    names no camera, video or image."""
    if spec is None or (isinstance(spec, str) and not spec.strip()):
        spec = DEFAULT_CAMERA
    return open_source(spec, *PREVIEW_SIZE)


def grab_frame(spec: str | int | None, timeout_s: float = 5.0) -> np.ndarray:
    """One (H, W, 3) BGR frame of camera ``spec``: opens it, waits at most ``timeout_s`` seconds
    for a frame, closes it. Blocking: call it from a worker thread. Raises :class:`CameraError`
    (Spanish) when the source cannot be opened or delivers nothing in time."""
    source = desk_camera(spec)
    source.open()
    try:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            frame = source.read()
            if frame is not None:
                return frame
        raise CameraError(f"La cámara no entregó imagen en {timeout_s:g} segundos.")
    finally:
        source.close()
