"""A record with pending commands is shown as the server's version with those
commands replayed on top (DESIGN.md §4), using the one transition table.

Replay mimics the server: a command whose ``expected_status`` no longer
matches, or that the table refuses, is skipped (it will come back from the
server as an incidencia); the rest are applied in sequence order at the
time they were made.
"""
from __future__ import annotations

from typing import Iterable

from station.domain import Actor, Context, Refusal, Role, Student, apply_command
from station.store import OutboxCommand


def replay_actor(op: OutboxCommand, student: Student | None) -> Actor:
    """The actor used to replay ``op``: its author with the desk role that may run
    every desk command (supervisor) scoped to the student's plantel — the
    command was already admitted locally with the author's real role."""
    campus = student.campus_code if student else str((op.payload.get("fields") or {}).get("campus_code", ""))
    return Actor(op.username or "estacion", Role.SUPERVISOR, frozenset({campus}), op.station_id)


def replay(base: Student | None, ops: Iterable[OutboxCommand]) -> Student | None:
    """``base`` (the server's record, or ``None``) with ``ops`` applied in order.

    Returns the resulting record (``None`` if nothing exists). Never raises
    for a refused command: it is skipped.
    """
    current = base
    for op in ops:
        if op.expected_status is not None and (current is None or current.status != op.expected_status):
            continue
        result = apply_command(current, op.command, replay_actor(op, current),
                               {"matricula": op.matricula, **op.payload},
                               Context(now=op.created_at, online=True))
        if not isinstance(result, Refusal):
            current = result
    return current
