"""Change numbers for a sync command, taken at the last moment (issue 15).

The ``counters`` row ``change_seq`` is locked from the moment a number is
taken until COMMIT; that lock is what makes numbers commit in increasing
order, so the changes feed never skips a row committed late (it reads the
counter first and returns rows up to it). Taking it early made every
command hold it across several more round trips: 40 stations queued on it.

:func:`stamp_command` therefore runs after everything else of the command
was decided: on PostgreSQL ONE statement takes the number, writes the
student row's changed columns with it and inserts the stored answer
(``sync_operations``, its ``response.student.change_seq`` set to the number)
— one round trip instead of an ORM flush of the row, a flush of the answer
and a stamp (the ORM unit of work was most of the server's CPU per command,
profiled with py-spy). The caller commits right after. The audit event is
not written yet (audit rows are inserted at commit, :mod:`server.db.chain`),
so it simply carries the number. On SQLite writers are serialized by
``BEGIN IMMEDIATE`` anyway, so the number is simply taken and written with
the rest through the ORM.
"""
from __future__ import annotations

import json
from functools import lru_cache

from sqlalchemy import bindparam, inspect, text
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql.elements import TextClause

from server.db.engine import check_object_lengths
from server.db.models import AuditRow, StudentRow
from server.services.students import allocate
from server.sync.models import SyncOperation

#: Columns of ``sync_operations`` written by the stamp statement (``response`` is built in SQL).
_OP_COLUMNS = ("op_id", "station_id", "seq", "username", "matricula", "command", "body_sha256", "status_code",
               "created_at")


@lru_cache(maxsize=64)
def _pg_stamp(student_columns: tuple[str, ...]) -> TextClause:
    """The PostgreSQL stamp statement for a row whose ``student_columns`` changed (cached per set:
    psycopg prepares each distinct text once per connection)."""
    students, ops = StudentRow.__table__.c, SyncOperation.__table__.c
    sets = "".join(f"{name} = :s_{name}, " for name in student_columns)
    sql = f"""
WITH c AS (UPDATE counters SET value = value + 1 WHERE name = 'change_seq' RETURNING value),
     s AS (UPDATE students SET {sets}change_seq = (SELECT value FROM c) WHERE matricula = :key),
     o AS (INSERT INTO sync_operations ({", ".join(_OP_COLUMNS)}, response)
           SELECT {", ".join(f":o_{name}" for name in _OP_COLUMNS)},
                  CAST(jsonb_set(CAST(:o_response AS jsonb), '{{student,change_seq}}', to_jsonb(c.value)) AS json)
             FROM c)
SELECT value FROM c"""
    params = [bindparam(f"s_{name}", type_=students[name].type) for name in student_columns]
    params += [bindparam(f"o_{name}", type_=ops[name].type) for name in _OP_COLUMNS]
    return text(sql).bindparams(*params)


def changed_columns(row: StudentRow) -> dict[str, object]:
    """``{column name: new value}`` of the columns of the loaded ``row`` whose value was changed
    in this session (what the ORM's flush would write)."""
    state = inspect(row)
    mapper = state.mapper
    changed = {}
    for key, old in state.committed_state.items():
        new = state.dict.get(key)
        if new != old:
            changed[mapper.get_property(key).columns[0].name] = new
    return changed


def stamp_command(session: Session, row: StudentRow, event: AuditRow, op: SyncOperation) -> int:
    """Write the command's changed ``row`` and its stored answer ``op`` with a fresh
    ``change_seq`` (also given to ``event`` and to ``op.response["student"]``); return it.

    Call last before COMMIT, with ``op`` NOT added to the session (it is inserted here) and
    ``op.response["student"]`` the answer's record. Raises :class:`server.errors.ApiError`
    422 for a text longer than its column (as the ORM flush would), and ``IntegrityError``
    when ``op.op_id`` is already stored (a concurrent duplicate: the caller's retry answers it).
    On PostgreSQL ``row`` leaves the session (it was written here, not by a flush).
    """
    if session.get_bind().dialect.name == "postgresql" and inspect(row).persistent:
        check_object_lengths(row)
        check_object_lengths(op)
        changes = changed_columns(row)
        columns = tuple(sorted(changes))
        params = {f"s_{name}": changes[name] for name in columns}
        params.update({f"o_{name}": getattr(op, name) for name in _OP_COLUMNS})
        params["o_response"] = json.dumps(op.response)
        params["key"] = row.matricula
        session.expunge(row)  # written by the statement below; the flush at commit must not write it again
        seq = int(session.execute(_pg_stamp(columns), params).scalar_one())
        set_committed_value(row, "change_seq", seq)
        event.change_seq = seq
        op.response["student"]["change_seq"] = seq
        return seq
    session.add(op)
    seq = allocate(session, "change_seq")
    row.change_seq = event.change_seq = seq
    op.response["student"]["change_seq"] = seq
    session.flush()
    return seq
