"""Retention on the station (issue 14 §2, LGPDPPSO art. 23: kept no longer than needed).

:func:`purge` runs after each successful sync round:

- biometrics the server has acknowledged (``uploaded``) and older than
  ``retention_days`` are deleted from the station — never one a pending
  command or an incidencia still references (the server re-serves them on
  demand, e.g. to reprint);
- records of students no longer in the station's planteles (and their
  biometrics) are deleted when nothing local is pending for them;
- pre-migration copies beyond the newest two are deleted when a copy is
  made (:func:`station.store.db.backup_file`), and clear-text copies left by
  versions before encryption at rest are deleted once the store is encrypted.

:func:`holdings` reports what is held and for how long (self-check).
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Iterable

from sqlalchemy import delete, func, select

from station.store.schema import BlobRow, OutboxRow, StudentRow

#: Default days an acknowledged biometric stays on the station.
DEFAULT_RETENTION_DAYS = 30


def _referenced(session) -> tuple[set[str], set[str]]:
    shas: set[str] = set()
    matriculas: set[str] = set()
    for m, blobs in session.execute(select(OutboxRow.matricula, OutboxRow.blob_sha256s)
                                    .where(OutboxRow.state.in_(("pending", "incidencia")))):
        matriculas.add(m)
        shas.update(blobs or [])
    return shas, matriculas


def purge(store, retention_days: int = DEFAULT_RETENTION_DAYS, campuses: Iterable[str] | None = None,
          now: datetime | None = None) -> dict[str, int]:
    """Delete what the station no longer needs (see module doc), in one transaction.

    ``campuses``: the station's planteles (empty/``None``: keep every
    record). Returns ``{"biometrics": n, "students": n}`` deleted.
    """
    now = now or datetime.now(timezone.utc)
    cutoff = now - timedelta(days=max(1, int(retention_days)))
    keep = sorted(set(campuses or ()))
    with store.session() as s, s.begin():
        shas, busy = _referenced(s)
        old = [sha for sha, in s.execute(select(BlobRow.sha256).where(BlobRow.uploaded.is_(True),
                                                                       BlobRow.created_at < cutoff))
               if sha not in shas]
        students = 0
        if keep:
            gone = [m for m, in s.execute(select(StudentRow.matricula).where(StudentRow.campus_code.not_in(keep)))
                    if m not in busy]
            for start in range(0, len(gone), 500):
                chunk = gone[start:start + 500]
                old += [sha for sha, in s.execute(select(BlobRow.sha256).where(BlobRow.matricula.in_(chunk)))
                        if sha not in shas]
                students += s.execute(delete(StudentRow).where(StudentRow.matricula.in_(chunk))).rowcount or 0
        old = sorted(set(old))
        for start in range(0, len(old), 500):
            s.execute(delete(BlobRow).where(BlobRow.sha256.in_(old[start:start + 500])))
    return {"biometrics": len(old), "students": students}


def holdings(store, now: datetime | None = None) -> dict:
    """What the station holds: student records, biometrics (total, not yet uploaded), the age in
    days of the oldest biometric, pending commands and pre-migration copies."""
    from station.store.db import migration_backups

    now = now or datetime.now(timezone.utc)
    with store.session() as s:
        students = s.scalar(select(func.count()).select_from(StudentRow)) or 0
        blobs = s.scalar(select(func.count()).select_from(BlobRow)) or 0
        local_only = s.scalar(select(func.count()).select_from(BlobRow).where(BlobRow.uploaded.is_(False))) or 0
        oldest = s.scalar(select(func.min(BlobRow.created_at)))
    oldest_days = (now - datetime.fromisoformat(oldest)).days if isinstance(oldest, str) else (
        (now - oldest).days if oldest else 0)
    return {"students": int(students), "biometrics": int(blobs), "biometrics_not_uploaded": int(local_only),
            "oldest_biometric_days": int(oldest_days), "pending": int(store.pending_count()),
            "migration_copies": len(migration_backups(store.path))}
