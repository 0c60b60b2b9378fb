"""Offline-first sync of the station with the central server (DESIGN.md §4, issue 4).

Public API (no Qt):

- :class:`SyncService` ``(store, api_factory, config)``: ``run_round() ->
  RoundResult``, ``state() -> SyncState``, ``add_listener(cb)``,
  ``start_background(interval_s)`` / ``trigger()`` / ``stop()``,
  ``incidencias()``, ``resolve_incidencia(op_id, "discard"|"retry", actor)``,
  ``fetch_blob(sha256, kind, matricula)``.
- :class:`SyncState`, :class:`Progress`, :class:`SyncError`, :class:`RoundResult`,
  :class:`Incidencia`.

Wire protocol (all JSON unless noted, ``Authorization: Bearer <token>``):

- ``POST /blobs/missing`` ``{"sha256s": [...]}`` → ``{"missing": [...]}``.
- ``PUT /blobs/{sha256}?kind=photo`` raw bytes → 201 stored / 200 already
  held; 422 ``blob_hash_mismatch`` when the bytes do not hash to ``sha256``.
- ``GET /blobs/{sha256}`` → the bytes (plantel-scoped).
- ``POST /sync/commands`` with ``Idempotency-Key: <op_id>`` and body
  ``{op_id, station_id, seq, command, matricula, expected_status, payload,
  blob_sha256s, username, created_at}`` → 200 ``{op_id, outcome:
  "accepted", student}``; 409 (transition no longer valid), 403 (role /
  plantel), 404, 422 → ``{error: {code, message, field}, op_id, outcome:
  "refused", student}`` — the station files an incidencia; 424
  ``blob_missing`` → upload the blobs and retry; a repeated key returns the
  stored answer; the same key with another body → 422
  ``idempotency_key_reused``; 5xx / network → retry with backoff.
- ``GET /sync/changes?since=<n>&limit=<k>&campus=001`` → ``{items: [student
  + change_seq], next, more, remaining}`` ordered by ``change_seq``, never
  skipping a row committed out of order.
"""
from station.sync.backoff import Backoff, no_wait_backoff
from station.sync.engine import RoundAborted, SyncEngine
from station.sync.incidencias import Incidencia, list_incidencias, resolve_incidencia
from station.sync.service import RoundResult, SyncService
from station.sync.state import PHASES, Progress, StateTracker, SyncError, SyncState
from station.sync.transport import HttpTransport, PushAnswer, Transport

__all__ = ["Backoff", "no_wait_backoff", "RoundAborted", "SyncEngine", "Incidencia", "list_incidencias",
           "resolve_incidencia", "RoundResult", "SyncService", "PHASES", "Progress", "StateTracker", "SyncError",
           "SyncState", "HttpTransport", "PushAnswer", "Transport"]
