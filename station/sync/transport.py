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

from station.api import ServerApiError, ServerApi

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

    def changes(self, since: int, limit: int, campuses: list[str] | None) -> dict:
        return self.api.changes(since, limit, campuses)

    def trust(self, since: int, usernames: list[str]) -> dict:
        return self.api.trust(since, usernames)
