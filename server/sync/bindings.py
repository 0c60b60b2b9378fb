"""Blobs are bound to the student they were uploaded for (DESIGN.md §10): a command may
reference only blobs uploaded for its own student."""
from __future__ import annotations

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from server.sync.models import BlobBinding


_c = BlobBinding.__table__.c
#: Core statement on the session's connection, built once: no ORM work for a plain read.
_BOUND = select(_c.sha256).where(_c.matricula == bindparam("matricula"), _c.sha256.in_(bindparam("hashes", expanding=True)))


def unbound_hashes(session: Session, matricula: str, hashes: set[str]) -> set[str]:
    """The ``hashes`` not uploaded for ``matricula`` (unknown, or bound to other students only)."""
    if not hashes:
        return set()
    bound = set(session.connection().scalars(_BOUND, {"matricula": matricula, "hashes": sorted(hashes)}))
    return hashes - bound
