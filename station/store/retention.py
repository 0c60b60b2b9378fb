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

Deletion ordered by the state office (issue 14 §6, ARCO cancelación; server side in
:mod:`server.services.biometrics`): when a pulled record has lost the photo and signature it
had (:func:`biometrics_deleted`), :func:`erase_biometrics` deletes the station's copies in the
same transaction as the merge, and :func:`scrub` — run by :func:`purge` after the round —
checkpoints the WAL so no page of them stays in ``estacion.sqlite3-wal``, and deletes them
from the pre-migration copies. Deleted rows are overwritten in the file
(``PRAGMA secure_delete``, :func:`station.store.db.make_engine`).
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Iterable

import logging

from sqlalchemy import delete, func, select

from station.store.schema import BlobRow, OutboxRow, SettingRow, StudentRow

log = logging.getLogger(__name__)

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
    """Delete what the station no longer needs (see module doc), in one transaction, then
    :func:`scrub` what a server deletion left noted.

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
    scrub(store)
    return {"biometrics": len(old), "students": students}


#: Blob kinds the server's deletion covers; the delivery signature (legal evidence) stays.
ERASED_KINDS = ("photo", "signature", "signature_png")
#: Setting naming the students whose erased biometrics still need :func:`scrub` (survives a crash).
SCRUB_KEY = "privacy.scrub"


def biometrics_deleted(before: dict | None, after: dict) -> bool:
    """True when the server record ``after`` has neither photo nor signature although the
    previous server record ``before`` had one: only the state office's ``delete_biometrics``
    does that (a capture refused by the server never reached ``before``)."""
    return bool(before and (before.get("photo_sha256") or before.get("signature_sha256"))
                and not after.get("photo_sha256") and not after.get("signature_sha256"))


def erase_biometrics(session, matriculas: Iterable[str]) -> int:
    """Delete, inside ``session``'s transaction, the cached photos and signatures
    (:data:`ERASED_KINDS`) of ``matriculas`` except those a *pending* command still has to send
    (a capture taken after the deletion; the server judges it), and note the students for
    :func:`scrub`. Blobs of incidencias go too: the server deleted what they would restore.
    Returns how many blobs were deleted."""
    wanted = sorted(set(matriculas))
    if not wanted:
        return 0
    keep: set[str] = set()
    for blobs, in session.execute(select(OutboxRow.blob_sha256s).where(OutboxRow.state == "pending",
                                                                        OutboxRow.matricula.in_(wanted))):
        keep.update(blobs or [])
    shas = [sha for sha, in session.execute(select(BlobRow.sha256).where(BlobRow.matricula.in_(wanted),
                                                                          BlobRow.kind.in_(ERASED_KINDS)))
            if sha not in keep]
    for start in range(0, len(shas), 500):
        session.execute(delete(BlobRow).where(BlobRow.sha256.in_(shas[start:start + 500])))
    noted = session.get(SettingRow, SCRUB_KEY)
    before = list((noted.value or {}).get("matriculas", [])) if noted is not None else []
    session.merge(SettingRow(key=SCRUB_KEY, value={"matriculas": sorted(set(before) | set(wanted))}))
    return len(shas)


def scrub(store) -> bool:
    """Finish deletions noted by :func:`erase_biometrics`: a ``wal_checkpoint(TRUNCATE)`` (the
    WAL still holds page images with the deleted blobs until then) and the same deletion in
    every pre-migration copy. Returns ``True`` when done; ``False`` (the note is kept and the
    next round retries) when a reader held the WAL or a copy could not be changed."""
    from station.store.db import connect_raw, migration_backups

    noted = store.get_setting(SCRUB_KEY)
    matriculas = sorted((noted or {}).get("matriculas", [])) if isinstance(noted, dict) else []
    if not matriculas:
        return True
    done = True
    marks = ",".join("?" * len(ERASED_KINDS))
    for copy in migration_backups(store.path):
        try:
            conn = connect_raw(copy, store.page_key)
            try:
                conn.execute("PRAGMA secure_delete = ON")
                for start in range(0, len(matriculas), 500):
                    chunk = matriculas[start:start + 500]
                    conn.execute(f"DELETE FROM blobs WHERE kind IN ({marks}) AND matricula IN "
                                 f"({','.join('?' * len(chunk))})", (*ERASED_KINDS, *chunk))
                conn.commit()
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                conn.close()
        except Exception:  # a damaged copy must not stop the desk; retried next round
            log.exception("No se pudieron borrar biométricos de la copia %s", copy.name)
            done = False
    if not _checkpoint(store):
        done = False
    if done:
        store.set_setting(SCRUB_KEY, {"matriculas": []})
        _checkpoint(store)  # and the page of that note: the WAL ends empty
    return done


def _checkpoint(store) -> bool:
    """``PRAGMA wal_checkpoint(TRUNCATE)`` on the store; ``False`` when a reader kept it from
    finishing (the WAL then still holds old pages)."""
    with store.engine.connect() as conn:
        busy, _log, _moved = conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
    return not busy


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
