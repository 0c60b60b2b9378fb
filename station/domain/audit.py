"""Audit events of student transitions (DESIGN.md §3: "Every transition writes an audit
event (who, station, when, from→to, comment)"), shaped once for the station and the server.

:func:`audit_event` builds the :class:`AuditEvent` of one applied command; the station's
store and the server's ``audit_events`` table store its fields as they are, so both sides
keep the same comment and the same details for the same command.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Mapping

from station.domain.statuses import Status

#: Payload keys the audit never keeps: the record key (already the event's subject) and the
#: SAE answer the server attaches to SAE commands (a copy of the source, not the action).
_NOT_DETAILS = frozenset({"matricula", "sae"})


@dataclass(frozen=True)
class AuditEvent:
    """One audit line: ``matricula``, ``command`` code, ``from_status`` (``None`` for a new
    record) → ``to_status``, who (``username``, ``role`` code, ``station_id``), ``at`` (aware
    UTC), the ``comment`` a person wrote and the ``details`` kept of the payload."""

    matricula: str
    command: str
    from_status: Status | None
    to_status: Status | None
    username: str
    role: str
    station_id: str
    at: datetime
    comment: str = ""
    details: dict[str, Any] = field(default_factory=dict)


def audit_comment(payload: Mapping[str, Any]) -> str:
    """The words a person wrote for the command: ``comment``, else the photo override reason (stripped)."""
    for key in ("comment", "photo_override_reason"):
        value = payload.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def audit_details(payload: Mapping[str, Any]) -> dict[str, Any]:
    """What the audit keeps of a payload: JSON values (hashes, flags, dates, field changes),
    never bytes or objects, without the matrícula and the attached SAE answer."""
    return {k: v for k, v in payload.items()
            if k not in _NOT_DETAILS and isinstance(v, (str, int, float, bool, type(None), dict, list))}


def audit_event(matricula: str, command: str, before: Status | None, after: Status, actor: Any, station_id: str,
                at: datetime, payload: Mapping[str, Any]) -> AuditEvent:
    """The audit event of ``command`` applied to ``matricula`` by ``actor``
    (:class:`station.domain.Actor`) at ``station_id``, moving ``before`` → ``after``."""
    return AuditEvent(matricula, command, before, after, actor.username, actor.role.value, station_id, at,
                      audit_comment(payload), audit_details(payload))
