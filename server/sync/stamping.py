"""Change numbers for a sync command, taken at the last moment (issue 15).

The ``counters`` row ``change_seq`` is locked from the moment a number is
taken until COMMIT; that lock is what makes numbers commit in increasing
order, so the changes feed never skips a row committed late (it reads the
counter first and returns rows up to it). Taking it early made every
command hold it across several more round trips: 40 stations queued on it.

:func:`stamp_command` therefore runs after everything else of the command
is written: on PostgreSQL ONE statement takes the number and writes it into
the student row and the stored answer
(``sync_operations.response.student.change_seq``); the caller commits right
after. The audit event is not written yet (audit rows are inserted at
commit, :mod:`server.db.chain`), so it simply carries the number. On SQLite writers are serialized by ``BEGIN IMMEDIATE`` anyway, so
the number is simply taken and written with the rest.
"""
from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from server.db.models import AuditRow, StudentRow
from server.services.students import allocate
from server.sync.models import SyncOperation

_PG_STAMP = text("""
WITH c AS (UPDATE counters SET value = value + 1 WHERE name = 'change_seq' RETURNING value),
     s AS (UPDATE students SET change_seq = (SELECT value FROM c) WHERE matricula = :matricula),
     o AS (UPDATE sync_operations
              SET response = CAST(jsonb_set(CAST(response AS jsonb), '{student,change_seq}',
                                            to_jsonb((SELECT value FROM c))) AS json)
            WHERE op_id = :op_id)
SELECT value FROM c
""")


def stamp_command(session: Session, row: StudentRow, event: AuditRow, op: SyncOperation) -> int:
    """Give ``row``, ``event`` and the answer stored in ``op`` a fresh ``change_seq``; return it.

    Call last before COMMIT, with ``op`` added to the session and
    ``op.response["student"]`` the answer's record (its ``change_seq`` is
    set here, in the database and in the dict).
    """
    if session.get_bind().dialect.name == "postgresql":
        session.flush()  # every other write of the command, before the counter lock
        seq = int(session.execute(_PG_STAMP, {"matricula": row.matricula, "op_id": op.op_id}).scalar_one())
        set_committed_value(row, "change_seq", seq)
        event.change_seq = seq
        op.response["student"]["change_seq"] = seq
        return seq
    seq = allocate(session, "change_seq")
    row.change_seq = event.change_seq = seq
    op.response["student"]["change_seq"] = seq
    session.flush()
    return seq
