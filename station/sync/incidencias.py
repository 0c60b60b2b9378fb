"""Incidencias: commands the server refused for good (issue 4 §3).

Their data (payload, biometrics) stays in the outbox; a supervisor sees the
list with the server's Spanish reason and resolves each one:

- ``discard``: the command is closed (state ``resolved``); nothing is
  deleted — its payload and biometrics remain for the audit;
- ``retry``: the command is re-issued on top of the *current* record (server
  version + pending commands) as a NEW outbox command (new idempotency key,
  expected status = the current status), if the transition table admits it;
  otherwise the table's Spanish :class:`~station.domain.Refusal` is returned
  and nothing changes.

Both write an audit event, in the same local transaction.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select
from ulid import ULID

from station.domain import INCIDENCIA_RESOLVERS, Actor, Command, Context, Refusal, Status, Student, apply_command
from station.store import LocalStore
from station.store.schema import AuditRow, OutboxRow, StudentRow
from station.store.store import row_to_student, student_values
from station.sync.engine import merge_server_records

ACTIONS = ("discard", "retry")
RESOLVER_ROLES = INCIDENCIA_RESOLVERS  # the domain's answer; kept under its old name


@dataclass(frozen=True)
class Incidencia:
    """A refused command: ``op_id``, ``seq``, ``matricula``, ``command`` (code) and
    ``command_label`` (Spanish), ``payload`` and ``blob_sha256s`` (kept),
    ``username`` (author), ``created_at`` (UTC), ``reason`` (server's Spanish
    message), ``student_name`` and ``server_status`` (the record as the server
    has it now; ``None`` when unknown)."""

    op_id: str
    seq: int
    matricula: str
    command: str
    command_label: str
    payload: dict
    blob_sha256s: list[str]
    username: str
    created_at: datetime
    reason: str
    student_name: str
    server_status: Status | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (for the CLI and logs; payload hashes only, never bytes)."""
        return {"op_id": self.op_id, "seq": self.seq, "matricula": self.matricula, "command": self.command,
                "command_label": self.command_label, "username": self.username,
                "created_at": self.created_at.isoformat(), "reason": self.reason,
                "student_name": self.student_name,
                "server_status": self.server_status.value if self.server_status else None}


def _label(command: str) -> str:
    try:
        return Command(command).label
    except ValueError:
        return command


def list_incidencias(store: LocalStore) -> list[Incidencia]:
    """Unresolved incidencias, oldest first."""
    with store.session() as s:
        rows = list(s.scalars(select(OutboxRow).where(OutboxRow.state == "incidencia").order_by(OutboxRow.seq)))
        students = {r.matricula: r for r in s.scalars(
            select(StudentRow).where(StudentRow.matricula.in_({r.matricula for r in rows})))} if rows else {}
    out = []
    for r in rows:
        st = students.get(r.matricula)
        server = (st.server_state or {}) if st else {}
        status = server.get("status")
        name = " ".join(p for p in (server.get("first_surname"), server.get("second_surname"),
                                    server.get("first_names")) if p) if server else ""
        out.append(Incidencia(r.op_id, r.seq, r.matricula, r.command, _label(r.command), dict(r.payload or {}),
                              list(r.blob_sha256s or []), r.username, r.created_at, r.server_reason, name,
                              Status(status) if status else None))
    return out


def resolve_incidencia(store: LocalStore, op_id: str, action: str, actor: Actor,
                       now: datetime | None = None) -> str | None | Refusal:
    """Resolve one incidencia (see module doc).

    Returns the new command's ``op_id`` for ``retry``, ``None`` for
    ``discard``, or a :class:`Refusal` (Spanish): not a supervisor, unknown
    or already resolved incidencia, or the transition table refuses the
    retry on the current record. ``ValueError`` for an unknown ``action``.
    """
    if action not in ACTIONS:
        raise ValueError(f"acción desconocida: {action}")
    if actor.role not in RESOLVER_ROLES:
        return Refusal("forbidden_role", "Solo un supervisor puede resolver incidencias de sincronización.")
    now = now or datetime.now(timezone.utc)
    with store.session() as s, s.begin():
        row = s.scalar(select(OutboxRow).where(OutboxRow.op_id == op_id))
        if row is None or row.state != "incidencia":
            return Refusal("not_found", "La incidencia no existe o ya fue resuelta.")
        student_row = s.get(StudentRow, row.matricula)
        current: Student | None = row_to_student(student_row) if student_row else None
        new_op: str | None = None
        if action == "retry":
            payload = dict(row.payload or {})
            result = apply_command(current, row.command, actor, {"matricula": row.matricula, **payload},
                                   Context(now=now, online=False))
            if isinstance(result, Refusal):
                return result
            new_op = str(ULID())
            s.add(OutboxRow(op_id=new_op, station_id=store.station_id, command=row.command,
                            matricula=row.matricula, expected_status=current.status.value if current else None,
                            payload=payload, blob_sha256s=list(row.blob_sha256s or []), username=actor.username,
                            created_at=now, state="pending", attempts=0, last_error="", server_reason=""))
            if student_row is None:
                s.add(StudentRow(**student_values(result)))
            else:
                for key, value in student_values(result).items():
                    setattr(student_row, key, value)
            to_status = result.status.value
        else:
            to_status = current.status.value if current else None
        row.state = "resolved"
        row.resolved_at = now
        row.last_error = f"Reintentada como {new_op}" if new_op else "Descartada por el supervisor"
        s.add(AuditRow(event_id=str(ULID()), matricula=row.matricula,
                       command="incidencia_" + ("reintentada" if new_op else "descartada"),
                       from_status=current.status.value if current else None, to_status=to_status,
                       username=actor.username, role=actor.role.value, station_id=store.station_id, at=now,
                       comment=row.server_reason, details={"op_id": op_id, "new_op_id": new_op,
                                                           "command": row.command}))
        s.flush()
        if action == "discard":
            merge_server_records(s, [], rederive=[row.matricula])
    return new_op
