"""A plain thread that reads a :class:`~drivers.camera.sources.FrameSource` and
hands every good frame to a callback, recovering when the camera vanishes.

No Qt here: the UI adapts the callbacks to signals. Callbacks run on the worker
thread and must be quick (store the frame, wake the GUI).
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Callable

import cv2
import numpy as np

from drivers.camera.sources import CameraError, FrameSource

#: Worker states reported through ``on_status``.
OPENING, RUNNING, LOST, ERROR, STOPPED = "opening", "running", "lost", "error", "stopped"

MSG_OPENING = "Abriendo {source}…"
MSG_RUNNING = "{source} lista."
MSG_LOST = "Se perdió la imagen de la {source}: ¿se desconectó? Revise el cable; se reintentará automáticamente."
MSG_GARBAGE = "La {source} envía imágenes vacías o dañadas. Revise la cámara o ciérrela en otros programas; se reintentará."


@dataclass(frozen=True)
class CameraStatus:
    """A change of the worker state: ``state`` one of opening/running/lost/error/stopped, ``message`` Spanish."""

    state: str
    message: str


@dataclass(frozen=True)
class FrameInfo:
    """Metadata of one delivered frame: sequence number (from 1) and monotonic time in ms."""

    seq: int
    t_ms: float


def frame_problem(frame: object) -> str | None:
    """Why ``frame`` is unusable, or ``None`` if it is a usable image.

    Returns ``"empty"`` for None / zero-size / wrong dtype or shape and ``"garbage"``
    for a uniform frame (all one colour, e.g. the black or green frames some drivers
    send while another program holds the camera; per-channel std < 1 grey level on a
    sub-sample).
    """
    if not isinstance(frame, np.ndarray) or frame.size == 0 or frame.dtype != np.uint8:
        return "empty"
    if frame.ndim not in (2, 3) or (frame.ndim == 3 and frame.shape[2] not in (1, 3, 4)):
        return "empty"
    sample = frame[::8, ::8]
    std = sample.reshape(-1, 1 if frame.ndim == 2 else frame.shape[2]).std(axis=0)
    if float(std.max()) < 1.0:
        return "garbage"
    return None


def to_bgr(frame: np.ndarray) -> np.ndarray:
    """(H, W, 3) uint8 BGR from a grey, BGR or BGRA uint8 frame."""
    if frame.ndim == 2 or frame.shape[2] == 1:
        return cv2.cvtColor(frame, cv2.COLOR_GRAY2BGR)
    if frame.shape[2] == 4:
        return cv2.cvtColor(frame, cv2.COLOR_BGRA2BGR)
    return frame


class CameraWorker:
    """Reads frames on a daemon thread and calls ``on_frame(frame, info)`` for each good one.

    - ``on_status(CameraStatus)`` on every state change (Spanish message for the operator).
    - After ``max_bad_reads`` consecutive missing/empty/garbage reads the source is
      considered lost: the status becomes ``lost`` (or ``error`` if it cannot be
      reopened), the source is closed and reopened every ``retry_interval_s`` seconds
      until it works again or :meth:`stop` is called. The last good frame stays
      available in :attr:`last_frame` — nothing already captured is lost.
    - Exceptions raised by the source are caught and treated as a lost camera.
    """

    def __init__(
        self,
        source: FrameSource,
        on_frame: Callable[[np.ndarray, FrameInfo], None],
        on_status: Callable[[CameraStatus], None] | None = None,
        max_bad_reads: int = 10,
        retry_interval_s: float = 1.0,
    ) -> None:
        self.source = source
        self.on_frame = on_frame
        self.on_status = on_status or (lambda status: None)
        self.max_bad_reads = max_bad_reads
        self.retry_interval_s = retry_interval_s
        self.last_frame: np.ndarray | None = None
        self.status = CameraStatus(STOPPED, "")
        self.frames_delivered = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the thread (no-op if running)."""
        if self._thread and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="camera-worker", daemon=True)
        self._thread.start()

    def stop(self, timeout_s: float = 3.0) -> None:
        """Ask the thread to end, wait up to ``timeout_s`` seconds, release the source."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
            self._thread = None

    @property
    def running(self) -> bool:
        """True while the thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    def _set_status(self, state: str, message: str) -> None:
        if self.status.state == state and self.status.message == message:
            return
        self.status = CameraStatus(state, message)
        try:
            self.on_status(self.status)
        except Exception:  # a broken listener must not kill the camera thread
            pass

    def _fmt(self, template: str) -> str:
        return template.format(source=self.source.description)

    def _run(self) -> None:
        opened = False
        bad = 0
        last_problem = None
        try:
            while not self._stop.is_set():
                if not opened:
                    if self.status.state == STOPPED:
                        self._set_status(OPENING, self._fmt(MSG_OPENING))
                    try:
                        self.source.open()
                        opened, bad = True, 0
                    except CameraError as exc:
                        self._set_status(ERROR, str(exc))
                        self._stop.wait(self.retry_interval_s)
                        continue
                    except Exception as exc:  # OpenCV/driver failure: same treatment
                        self._set_status(ERROR, f"No se pudo abrir la {self.source.description}: {exc}")
                        self._stop.wait(self.retry_interval_s)
                        continue
                try:
                    frame = self.source.read()
                except Exception:
                    frame = None
                problem = frame_problem(frame)
                if problem is None:
                    bad = 0
                    frame = to_bgr(frame)
                    self.last_frame = frame
                    self.frames_delivered += 1
                    if self.status.state != RUNNING:
                        self._set_status(RUNNING, self._fmt(MSG_RUNNING))
                    try:
                        self.on_frame(frame, FrameInfo(self.frames_delivered, time.monotonic() * 1000.0))
                    except Exception:
                        pass
                    continue
                bad += 1
                last_problem = problem
                if bad < self.max_bad_reads:
                    if problem == "empty":
                        self._stop.wait(0.01)
                    continue
                self._set_status(LOST, self._fmt(MSG_GARBAGE if last_problem == "garbage" else MSG_LOST))
                try:
                    self.source.close()
                except Exception:
                    pass
                opened = False
                self._stop.wait(self.retry_interval_s)
        finally:
            try:
                self.source.close()
            except Exception:
                pass
            self.status = CameraStatus(STOPPED, "")
