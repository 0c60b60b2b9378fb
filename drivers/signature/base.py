"""The one signature-pad interface every backend implements.

A pad is used like this (any thread may call these; events arrive on the
driver's own thread, so a Qt user must marshal them with a signal)::

    pad = open_pad("topaz")            # drivers.signature.open_pad
    pad.add_listener(on_event)         # PointEvent, PenEvent, StrokeEvent, StateEvent, ClearedEvent
    pad.open()                         # connect (or keep looking: state DISCONNECTED)
    pad.start()                        # capture: LCD prompt, points are recorded
    pad.clear()                        # Limpiar
    signature = pad.stop()             # end capture, returns drivers.signature.model.Signature
    pad.close()

Hot-plug contract: when the device disappears the open stroke is closed, the
strokes are kept and a ``StateEvent(DISCONNECTED, <Spanish message>)`` is sent;
when it comes back a ``StateEvent(CONNECTED, ...)`` is sent and capture goes on
(the strokes so far stay until :meth:`SignaturePad.clear`).
"""
from __future__ import annotations

import enum
import logging
import threading
import time
from dataclasses import dataclass
from typing import Callable, Union

from drivers.signature.model import DeviceInfo, Point, Signature, SignatureBuilder, Stroke
from station.domain.errors import UserError

log = logging.getLogger(__name__)

MSG_DISCONNECTED = (
    "El pad de firma se desconectó. La firma se conserva; conéctelo de nuevo o presione Limpiar."
)
MSG_RECONNECTED = "El pad de firma se conectó de nuevo; puede continuar."
MSG_CONNECTED = "Pad de firma listo."
MSG_NOT_FOUND = "No se encontró el pad de firma. Conéctelo al equipo; se detectará automáticamente."


class PadState(str, enum.Enum):
    """Connection state of a pad."""

    CLOSED = "closed"
    CONNECTING = "connecting"
    CONNECTED = "connected"
    DISCONNECTED = "disconnected"
    ERROR = "error"


class PadError(UserError):
    """Base of pad errors (the shared vocabulary: ``code``, Spanish ``message`` for the operator)."""

    code = "pad_error"


class PadNotFound(PadError):
    """No matching device or service is present."""

    code = "pad_not_found"


class PadUnavailable(PadError):
    """The device exists but cannot be used (permissions, claimed by another program...)."""

    code = "pad_unavailable"


@dataclass(frozen=True)
class PointEvent:
    """A pen-down sample was recorded: ``point`` (logical units, relative ms) in stroke ``stroke_index``."""

    point: Point
    stroke_index: int


@dataclass(frozen=True)
class PenEvent:
    """Pen touched (``down=True``) or left the surface; ``t_ms`` host ms (monotonic)."""

    down: bool
    t_ms: float


@dataclass(frozen=True)
class StrokeEvent:
    """A stroke was finished (pen-up or device loss)."""

    stroke: Stroke
    stroke_index: int


@dataclass(frozen=True)
class StateEvent:
    """Connection state changed; ``message`` is Spanish for the operator."""

    state: PadState
    message: str


@dataclass(frozen=True)
class ClearedEvent:
    """The strokes were dropped (Limpiar)."""


PadEvent = Union[PointEvent, PenEvent, StrokeEvent, StateEvent, ClearedEvent]
Listener = Callable[[PadEvent], None]


def now_ms() -> float:
    """Host timestamp used for samples: monotonic milliseconds (float)."""
    return time.monotonic() * 1000.0


class SignaturePad:
    """Base class: listeners, stroke accumulation, capture and connection state.

    Backends override :meth:`_open`, :meth:`_close` and optionally
    :meth:`_on_start`, :meth:`_on_clear`, :meth:`_on_stop`, and feed samples with
    :meth:`_sample` (logical units). Samples arriving while not capturing are
    ignored. Listener exceptions are logged and never stop the driver.
    """

    #: short name used in configuration: "topaz", "sigweb", "onscreen", "virtual"
    kind = "abstract"

    def __init__(self, device: DeviceInfo):
        self._lock = threading.RLock()
        self._listeners: list[Listener] = []
        self._builder = SignatureBuilder(device)
        self._capturing = False
        self._state = PadState.CLOSED
        self._message = ""
        self._state_changed = threading.Condition(self._lock)

    # -------------------------------------------------------------- listeners
    def add_listener(self, listener: Listener) -> None:
        """Register ``listener(event)``; called on the driver thread."""
        with self._lock:
            self._listeners.append(listener)

    def remove_listener(self, listener: Listener) -> None:
        """Unregister a listener (no error if absent)."""
        with self._lock:
            if listener in self._listeners:
                self._listeners.remove(listener)

    def _emit(self, event: PadEvent) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(event)
            except Exception:  # a UI bug must not kill the reader thread
                log.exception("signature pad listener failed")

    # ------------------------------------------------------------------ state
    @property
    def device_info(self) -> DeviceInfo:
        """Metadata of the device in use (updated on (re)connection)."""
        return self._builder.device

    @property
    def state(self) -> PadState:
        """Current :class:`PadState`."""
        return self._state

    @property
    def message(self) -> str:
        """Spanish message that goes with the current state."""
        return self._message

    @property
    def capturing(self) -> bool:
        """True between :meth:`start` and :meth:`stop`."""
        return self._capturing

    def _set_state(self, state: PadState, message: str) -> None:
        with self._lock:
            if state == self._state and message == self._message:
                return
            self._state, self._message = state, message
            self._state_changed.notify_all()
        self._emit(StateEvent(state, message))

    def wait_for_state(self, state: PadState, timeout: float) -> bool:
        """Block up to ``timeout`` seconds until :attr:`state` is ``state``; returns whether it is."""
        with self._state_changed:
            return self._state_changed.wait_for(lambda: self._state == state, timeout)

    def _set_device(self, device: DeviceInfo) -> None:
        with self._lock:
            self._builder.device = device

    # --------------------------------------------------------------- samples
    def _sample(self, x: float, y: float, down: bool, t_ms: float | None = None) -> None:
        """Feed one sample in logical units; ``t_ms`` absolute host ms (default now)."""
        t = now_ms() if t_ms is None else t_ms
        events: list[PadEvent] = []
        with self._lock:
            if not self._capturing:
                return
            was_down = self._builder.pen_down
            point, finished, started = self._builder.add(x, y, t, down)
            index = len(self._builder.strokes) - 1
            if started:
                events.append(PenEvent(True, t))
            if point is not None:
                events.append(PointEvent(point, index))
            if finished is not None and was_down:
                events.append(PenEvent(False, t))
                events.append(StrokeEvent(finished, index))
        for e in events:
            self._emit(e)

    def _end_stroke(self) -> None:
        """Close the open stroke without a pen-up sample (device lost)."""
        with self._lock:
            done = self._builder.end_stroke()
            index = len(self._builder.strokes) - 1
        if done is not None:
            self._emit(PenEvent(False, now_ms()))
            self._emit(StrokeEvent(done, index))

    # -------------------------------------------------------------- commands
    def open(self) -> None:
        """Connect to the device. Must not block longer than the backend's bounded
        probe. Raises :class:`PadError` only for unrecoverable setup errors; a
        missing hot-pluggable device gives state DISCONNECTED instead."""
        self._open()

    def close(self) -> None:
        """Stop capture and release the device; strokes stay readable via :meth:`signature`."""
        with self._lock:
            self._capturing = False
        self._close()
        self._set_state(PadState.CLOSED, "")

    def start(self) -> None:
        """Begin (or resume) recording; shows the prompt where the device can."""
        with self._lock:
            self._capturing = True
        self._on_start()

    def clear(self) -> None:
        """Limpiar: drop all strokes, clear the device's screen where it can."""
        with self._lock:
            self._builder.clear()
        self._on_clear()
        self._emit(ClearedEvent())

    def stop(self) -> Signature:
        """End recording and return the :class:`Signature` (possibly empty; call
        :meth:`Signature.check` before saving)."""
        with self._lock:
            self._capturing = False
            self._builder.end_stroke()
        self._on_stop()
        return self.signature()

    def signature(self) -> Signature:
        """Snapshot of the strokes captured so far."""
        with self._lock:
            return self._builder.signature()

    def __enter__(self) -> "SignaturePad":
        self.open()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------- backend hooks
    def _open(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _close(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _on_start(self) -> None:
        pass

    def _on_clear(self) -> None:
        pass

    def _on_stop(self) -> None:
        pass
