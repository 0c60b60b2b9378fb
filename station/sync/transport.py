"""What the sync engine needs from the server, as one small interface.

:class:`HttpTransport` implements it over :class:`station.api.ServerApi`
(real HTTP); tests wrap any transport in a fault injector. Every method
raises :class:`station.api.ServerApiError` on failure (``cause`` names DNS, TLS,
refused, timeout, 401, 5xx…), except that a *refused command* is an answer,
not an error: :meth:`Transport.push_command` returns a :class:`PushAnswer`
with ``accepted=False`` and the server's Spanish reason.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from station.api import ServerApiError, ServerApi, error_from_result

#: HTTP statuses of a command the server refused for good (→ incidencia).
REFUSAL_STATUSES = frozenset({403, 404, 409, 422})


@dataclass(frozen=True)
class PushAnswer:
    """The server's answer to one command.

    ``accepted``; ``student``: the server's record after the command (or as
    it stands, for a refusal; ``None`` when the student does not exist),
    a dict of ``Student.to_dict()`` plus ``change_seq``; for a refusal the
    stable ``code``, the Spanish ``message`` and ``field``.
    """

    accepted: bool
    student: dict | None = None
    code: str = ""
    message: str = ""
    field: str | None = None


#: One command's answer inside a batch: a final :class:`PushAnswer` (accepted, or refused for
#: good → incidencia), a :class:`ServerApiError` (not final: 424 ``blob_missing``…; nothing was
#: written, send it again), or ``None`` (skipped by the server after an earlier non-final answer).
BatchItem = PushAnswer | ServerApiError | None


def batch_item(result: dict) -> BatchItem:
    """The :data:`BatchItem` of one result of ``POST /sync/commands/batch``."""
    outcome = result.get("outcome")
    status = result.get("status")
    if outcome == "accepted" and status == 200:
        return PushAnswer(True, result.get("student"))
    if outcome == "skipped":
        return None
    error = result.get("error") if isinstance(result.get("error"), dict) else {}
    if outcome == "refused" and status in REFUSAL_STATUSES:
        return PushAnswer(False, result.get("student"), error.get("code") or "",
                          error.get("message") or "El servidor rechazó la acción.", error.get("field"))
    return error_from_result(result)


class Transport(Protocol):
    """The server as seen by the sync engine (see the module doc for errors)."""

    def missing_blobs(self, sha256s: list[str], matriculas: list[str] | None = None) -> list[str]:
        """Subset of ``sha256s`` the server does not hold yet for their student (``matriculas``, same order)."""

    def put_blob(self, sha256: str, data: bytes, kind: str, matricula: str = "") -> None:
        """Store one blob for student ``matricula`` (idempotent; the server re-hashes and checks it)."""

    def get_blob(self, sha256: str) -> bytes:
        """Bytes of a blob held by the server."""

    def push_command(self, op: dict) -> PushAnswer:
        """Send one outbox command (``op["op_id"]`` is the idempotency key)."""

    def push_commands(self, ops: list[dict]) -> list["BatchItem"]:
        """Send an ordered batch of outbox commands; one :data:`BatchItem` per op, in order
        (see :func:`batch_item`). Raises for a failure of the batch as a whole."""

    def put_blobs(self, items: list[tuple[str, bytes, str, str]]) -> list[ServerApiError | None]:
        """Store several ``(sha256, data, kind, matricula)``; per item ``None`` (stored or held)
        or the error a single :meth:`put_blob` would have raised. Raises for the batch as a whole."""

    def changes(self, since: int, limit: int, campuses: list[str] | None) -> dict:
        """``{items, next, more, remaining}`` — see :meth:`station.api.ServerApi.changes`."""


class HttpTransport:
    """:class:`Transport` over a :class:`ServerApi` (which carries the bearer token)."""

    def __init__(self, api: ServerApi):
        self.api = api

    def missing_blobs(self, sha256s: list[str], matriculas: list[str] | None = None) -> list[str]:
        out: list[str] = []
        for start in range(0, len(sha256s), 1000):
            out.extend(self.api.blobs_missing(sha256s[start:start + 1000],
                                              matriculas[start:start + 1000] if matriculas is not None else None))
        return out

    def put_blob(self, sha256: str, data: bytes, kind: str, matricula: str = "") -> None:
        self.api.put_blob(sha256, data, kind, matricula)

    def get_blob(self, sha256: str) -> bytes:
        return self.api.get_blob(sha256)

    def push_command(self, op: dict) -> PushAnswer:
        try:
            answer = self.api.sync_command(op)
        except ServerApiError as exc:
            body: Any = exc.body
            if exc.status in REFUSAL_STATUSES and isinstance(body, dict) and body.get("outcome") == "refused":
                return PushAnswer(False, body.get("student"), exc.code or "", exc.message, exc.field)
            raise
        if not isinstance(answer, dict) or answer.get("outcome") != "accepted":
            raise ServerApiError("bad_response", "El servidor respondió a la acción sin indicar si la aceptó.")
        return PushAnswer(True, answer.get("student"))

    def push_commands(self, ops: list[dict]) -> list[BatchItem]:
        return [batch_item(r) for r in self.api.sync_commands(ops)]

    def put_blobs(self, items: list[tuple[str, bytes, str, str]]) -> list[ServerApiError | None]:
        return [None if r.get("status") in (200, 201) else error_from_result(r) for r in self.api.put_blobs(items)]

    def changes(self, since: int, limit: int, campuses: list[str] | None) -> dict:
        return self.api.changes(since, limit, campuses)

    def trust(self, since: int, usernames: list[str]) -> dict:
        return self.api.trust(since, usernames)
