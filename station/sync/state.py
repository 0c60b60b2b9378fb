"""Sync state for the UI (issue 4 §7), thread-safe and free of Qt.

:class:`SyncState` is an immutable snapshot; :class:`StateTracker` holds the
current one, replaces it under a lock and calls listeners *from the thread
that changed it* (the sync worker). A Qt UI forwards the snapshot to the GUI
thread with a queued signal; it never calls the sync engine on the GUI thread.
"""
from __future__ import annotations

import dataclasses
import logging
import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable

log = logging.getLogger("station.sync")

#: Phase codes of a round → Spanish text for the sync panel.
PHASES: dict[str, str] = {
    "idle": "En espera",
    "blobs": "Subiendo fotografías y firmas",
    "commands": "Enviando acciones al servidor",
    "pull": "Descargando cambios del servidor",
}

#: Error causes (``station.api.ServerApiError.cause``) → short Spanish label for the panel.
CAUSE_LABELS: dict[str, str] = {
    "dns": "DNS", "tls": "TLS", "refused": "Conexión rechazada", "timeout": "Tiempo agotado",
    "network": "Red", "unauthorized": "401 Sesión", "forbidden": "403 Permiso", "not_found": "404",
    "conflict": "409 Conflicto", "invalid": "Solicitud inválida", "server": "5xx Servidor",
    "bad_response": "Respuesta ilegible", "local": "Estación",
}



@dataclass(frozen=True)
class Progress:
    """Progress of the current round: ``done`` of ``total`` items in ``phase``
    (a key of :data:`PHASES`). ``label`` is the Spanish phase text."""

    done: int = 0
    total: int = 0
    phase: str = "idle"

    @property
    def label(self) -> str:
        """Spanish text of the phase."""
        return PHASES.get(self.phase, self.phase)


@dataclass(frozen=True)
class SyncError:
    """The last failure named by its real cause: ``cause`` (``dns``, ``tls``,
    ``refused``, ``timeout``, ``network``, ``unauthorized`` = 401, ``conflict``
    = 409, ``server`` = 5xx, …), HTTP ``status`` (or ``None``), Spanish
    ``message`` and ``at`` (UTC)."""

    cause: str
    message: str
    status: int | None = None
    at: datetime | None = None

    @property
    def label(self) -> str:
        """Short Spanish label of the cause (``"DNS"``, ``"5xx Servidor"``…)."""
        return CAUSE_LABELS.get(self.cause, self.cause)

    def to_dict(self) -> dict[str, Any]:
        """``{cause, status, message, at}`` (``at`` ISO 8601)."""
        return {"cause": self.cause, "status": self.status, "message": self.message,
                "at": self.at.isoformat() if self.at else None}


@dataclass(frozen=True)
class SyncState:
    """What the sync panel and the status bar show.

    - ``online``: ``True`` after the last exchange with the server worked,
      ``False`` after a network-level failure, ``None`` before any attempt;
    - ``last_success_at``: UTC time of the last completed round (persisted);
    - ``pending``: commands waiting for the server; ``incidencias``: refused
      commands not yet resolved by a supervisor;
    - ``running`` and ``progress`` of the current round;
    - ``last_error``: :class:`SyncError` of the last failed round, ``None``
      once a round completes.
    """

    online: bool | None = None
    last_success_at: datetime | None = None
    pending: int = 0
    incidencias: int = 0
    running: bool = False
    progress: Progress = Progress()
    last_error: SyncError | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict of the snapshot."""
        return {
            "online": self.online,
            "last_success_at": self.last_success_at.isoformat() if self.last_success_at else None,
            "pending": self.pending, "incidencias": self.incidencias, "running": self.running,
            "progress": {"done": self.progress.done, "total": self.progress.total, "phase": self.progress.phase,
                         "label": self.progress.label},
            "last_error": self.last_error.to_dict() if self.last_error else None,
        }


Listener = Callable[[SyncState], None]


class StateTracker:
    """Holds the current :class:`SyncState`; :meth:`update` replaces fields and
    notifies listeners (exceptions in a listener are logged, never raised)."""

    def __init__(self, initial: SyncState | None = None):
        self._lock = threading.Lock()
        self._state = initial or SyncState()
        self._listeners: list[Listener] = []

    def get(self) -> SyncState:
        """The current snapshot."""
        with self._lock:
            return self._state

    def add_listener(self, callback: Listener) -> Callable[[], None]:
        """Call ``callback(state)`` on every change; returns a function that removes it."""
        with self._lock:
            self._listeners.append(callback)

        def remove() -> None:
            with self._lock:
                if callback in self._listeners:
                    self._listeners.remove(callback)

        return remove

    def update(self, **changes: Any) -> SyncState:
        """Replace fields of the snapshot and notify; returns the new snapshot."""
        with self._lock:
            self._state = dataclasses.replace(self._state, **changes)
            state, listeners = self._state, list(self._listeners)
        for callback in listeners:
            try:
                callback(state)
            except Exception:  # a broken listener must not stop the sync
                log.exception("Error en un observador del estado de sincronización")
        return state
