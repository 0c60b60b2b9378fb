"""Blobs are bound to the student they were uploaded for (DESIGN.md §10): a command may
reference only blobs uploaded for its own student."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.sync.models import BlobBinding


def unbound_hashes(session: Session, matricula: str, hashes: set[str]) -> set[str]:
    """The ``hashes`` not uploaded for ``matricula`` (unknown, or bound to other students only)."""
    if not hashes:
        return set()
    c = BlobBinding.__table__.c  # Core on the session's connection: no ORM work for a plain read
    bound = set(session.connection().scalars(select(c.sha256).where(c.matricula == matricula,
                                                                    c.sha256.in_(sorted(hashes)))))
    return hashes - bound
