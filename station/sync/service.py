"""The station's sync service: one round on demand or a background loop (issue 4).

The UI creates one :class:`SyncService` per open store, calls
:meth:`SyncService.start_background` after sign-in, listens with
:meth:`SyncService.add_listener` (called from the sync thread — forward to
the GUI thread with a queued signal), and calls :meth:`SyncService.trigger`
after each desk action so the upload starts at once. Nothing here blocks the
caller except :meth:`SyncService.run_round`, which the UI must only call from
a worker thread (the CLI calls it directly).
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable

from sqlalchemy import func, select

from station.api import ServerApiError, ServerApi
from station.domain import Actor, Refusal
from station.store import LocalStore, sha256_hex
from station.store.schema import OutboxRow
from station.sync.backoff import Backoff
from station.sync.engine import RoundAborted, SyncEngine
from station.sync.incidencias import Incidencia, list_incidencias, resolve_incidencia
from station.sync.state import Listener, Progress, StateTracker, SyncError, SyncState
from station.sync.transport import HttpTransport, Transport

log = logging.getLogger("station.sync")

LAST_SUCCESS_KEY = "sync.last_success_at"


@dataclass(frozen=True)
class RoundResult:
    """Outcome of one round: ``pushed`` (accepted commands), ``rejected`` (new
    incidencias), ``pulled`` (server records received), ``pending`` (still
    queued), ``errors`` (each ``{cause, status, message}``; retried failures
    included), ``completed`` (push and pull both finished)."""

    pushed: int = 0
    rejected: int = 0
    pulled: int = 0
    pending: int = 0
    errors: list[dict] = field(default_factory=list)
    completed: bool = False

    def to_dict(self) -> dict[str, Any]:
        """``{pushed, rejected, pulled, pending, errors}`` (the CLI's JSON)."""
        return {"pushed": self.pushed, "rejected": self.rejected, "pulled": self.pulled,
                "pending": self.pending, "errors": list(self.errors)}


def _counts(store: LocalStore) -> tuple[int, int]:
    with store.session() as s:
        rows = dict(s.execute(select(OutboxRow.state, func.count()).where(
            OutboxRow.state.in_(["pending", "incidencia"])).group_by(OutboxRow.state)).all())
    return int(rows.get("pending", 0)), int(rows.get("incidencia", 0))


class SyncService:
    """Sync of ``store`` with the server.

    ``api_factory()`` returns a signed-in :class:`ServerApi` (or ``None`` when
    nobody signed in online — the round then fails with cause
    ``unauthorized``). ``config``: :class:`station.config.Config` (its
    ``campuses`` are pulled; empty = the user's planteles).
    ``transport_factory`` replaces HTTP (tests). ``backoff``: retry policy
    within a round and between failed background rounds.
    """

    def __init__(self, store: LocalStore, api_factory: Callable[[], ServerApi | None] | None, config=None, *,
                 transport_factory: Callable[[], Transport | None] | None = None, backoff: Backoff | None = None,
                 page_size: int = 500, batch_size: int | None = None, blob_batch: int | None = None):
        self.store = store
        self.config = config
        self.api_factory = api_factory
        self.transport_factory = transport_factory or self._http_transport
        self.backoff = backoff or Backoff()
        self.page_size = page_size
        #: commands per ``/sync/commands/batch`` and blobs per ``/blobs/batch`` (``None``: the engine's defaults)
        self.batch_size = batch_size
        self.blob_batch = blob_batch
        self._tracker = StateTracker()
        self._round_lock = threading.Lock()
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        last = store.get_setting(LAST_SUCCESS_KEY)
        pending, incidencias = _counts(store)
        self._tracker.update(last_success_at=datetime.fromisoformat(last) if last else None, pending=pending,
                             incidencias=incidencias)

    def _http_transport(self) -> Transport | None:
        api = self.api_factory() if self.api_factory else None
        return HttpTransport(api) if api is not None else None

    # --- state for the UI ---------------------------------------------

    def state(self) -> SyncState:
        """The current :class:`SyncState` snapshot (cheap, thread-safe)."""
        return self._tracker.get()

    def add_listener(self, callback: Listener) -> Callable[[], None]:
        """Call ``callback(SyncState)`` on every change (from the sync thread); returns a remover."""
        return self._tracker.add_listener(callback)

    def refresh_counts(self) -> SyncState:
        """Re-read pending and incidencia counts (after a desk action)."""
        pending, incidencias = _counts(self.store)
        return self._tracker.update(pending=pending, incidencias=incidencias)

    # --- one round ----------------------------------------------------

    def run_round(self) -> RoundResult:
        """Push then pull once; blocks until done (never call on the GUI thread).

        Never raises for server or network failures: they are in
        ``RoundResult.errors`` and ``state().last_error``. One round at a
        time (a concurrent call waits).
        """
        with self._round_lock:
            self._tracker.update(running=True, progress=Progress(0, 0, "blobs"))
            campuses = list(getattr(self.config, "campuses", None) or [])
            pushed = rejected = pulled = 0
            error: ServerApiError | None = None
            engine = None
            try:
                transport = self.transport_factory()
                if transport is None:
                    raise ServerApiError("unauthorized", "Inicie sesión en línea para sincronizar con el servidor.")
                sizes = {k: v for k, v in (("batch_size", self.batch_size), ("blob_batch", self.blob_batch)) if v}
                engine = SyncEngine(self.store, transport, self._tracker, self.backoff, campuses, self.page_size,
                                    **sizes)
                try:
                    pushed, rejected = engine.push()
                finally:
                    self.refresh_counts()
                pulled = engine.pull()
                data_dir = getattr(self.config, "data_dir", None)
                if data_dir is not None and hasattr(transport, "trust"):
                    from station.sync.trust import refresh_trust

                    engine.call(lambda: refresh_trust(self.store, transport, data_dir))
            except RoundAborted as exc:
                error = exc.error
            except ServerApiError as exc:
                error = exc
            except Exception as exc:  # local failure (disk, key): named, logged, never a traceback for the user
                log.exception("Falla local durante la sincronización")
                error = ServerApiError("local", f"Falla en la estación durante la sincronización: {type(exc).__name__}.")
            errors = list(engine.errors) if engine else []
            now = datetime.now(timezone.utc)
            if error is None:
                self.store.set_setting(LAST_SUCCESS_KEY, now.isoformat())
                self._purge(campuses)
                self._tracker.update(last_success_at=now, last_error=None)
            else:
                if not errors or errors[-1].get("message") != error.message:
                    errors.append({"cause": error.cause, "status": error.status, "message": error.message})
                self._tracker.update(last_error=SyncError(error.cause, error.message, error.status, now))
            pending, incidencias = _counts(self.store)
            self._tracker.update(running=False, progress=Progress(0, 0, "idle"), pending=pending,
                                 incidencias=incidencias)
            return RoundResult(pushed, rejected, pulled, pending, errors, error is None)

    def _purge(self, campuses: list[str]) -> None:
        """Retention after a successful round (:func:`station.store.retention.purge`); never fails the round."""
        from station.store.retention import DEFAULT_RETENTION_DAYS, purge

        try:
            purge(self.store, int(getattr(self.config, "retention_days", DEFAULT_RETENTION_DAYS) or
                                  DEFAULT_RETENTION_DAYS), campuses)
        except Exception:  # a failed purge is retried next round; the desk keeps working
            log.exception("Falla al depurar datos retenidos")

    # --- background ---------------------------------------------------

    def start_background(self, interval_s: float = 60.0) -> None:
        """Run rounds in a daemon thread every ``interval_s`` seconds (sooner after
        :meth:`trigger`; after a failure, retried with backoff + jitter but no
        later than ``interval_s``). No-op when already running."""
        if self._thread is not None and self._thread.is_alive():
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, args=(float(interval_s),), name="sincronizacion",
                                        daemon=True)
        self._thread.start()

    def _loop(self, interval_s: float) -> None:
        failures = 0
        while not self._stop.is_set():
            try:
                result = self.run_round()
                failures = 0 if result.completed else failures + 1
            except Exception:  # pragma: no cover - run_round already names failures
                log.exception("Ronda de sincronización fallida")
                failures += 1
            wait = interval_s if failures == 0 else min(interval_s, 1.0 + self.backoff.delay(failures))
            self._wake.wait(wait)
            self._wake.clear()

    def trigger(self) -> None:
        """Start a round soon (e.g. right after a desk action or «Sincronizar ahora»)."""
        self.refresh_counts()
        self._wake.set()

    def stop(self, timeout_s: float = 30.0) -> None:
        """Stop the background loop and wait up to ``timeout_s`` for the current round."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=timeout_s)
            self._thread = None

    # --- incidencias ----------------------------------------------------

    def incidencias(self) -> list[Incidencia]:
        """Unresolved incidencias (oldest first) for the «Incidencias» list."""
        return list_incidencias(self.store)

    def resolve_incidencia(self, op_id: str, action: str, actor: Actor) -> str | None | Refusal:
        """Supervisor resolves an incidencia: ``"discard"`` or ``"retry"`` (see
        :func:`station.sync.incidencias.resolve_incidencia`); then a round is triggered."""
        result = resolve_incidencia(self.store, op_id, action, actor)
        self.trigger()
        return result

    # --- biometrics of other stations -------------------------------------

    def fetch_blob(self, sha256: str, kind: str, matricula: str) -> bytes | None:
        """A biometric by hash: from the local store, else downloaded from the server,
        checked against its hash and stored encrypted. ``None`` when unavailable
        (offline or unknown); never raises for network failures."""
        data = self.store.get_blob(sha256)
        if data is not None:
            return data
        try:
            transport = self.transport_factory()
            data = transport.get_blob(sha256) if transport else None
        except ServerApiError:
            return None
        if data is None or sha256_hex(data) != sha256:
            return None
        self.store.put_blob(data, kind, matricula)
        return data
