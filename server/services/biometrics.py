"""Deleting a student's biometrics on the server (issue 14 §6; LGPDPPSO arts. 46–48, cancelación).

:func:`delete_student_biometrics` applies the ``delete_biometrics`` command of the shared
transition table (state office only, a reason required; the status goes back to where the
table says) and, in the same transaction, deletes every photo and signature uploaded for the
student: their bindings (:class:`~server.sync.models.BlobBinding`) and the encrypted blobs
themselves unless another student's binding still holds the same bytes. The delivery
signature is legal evidence (DESIGN.md §3: never dropped) and stays. The audit event of the
command lists what was deleted (kind and SHA-256, never the bytes).

Stations learn it from the changes feed: the record comes down without ``photo_sha256`` /
``signature_sha256`` after having had them, and the station drops its copies
(:func:`station.store.retention.erase_biometrics`).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from station.domain import Actor, Command, Refusal, Student

from server.db.models import AuditRow
from server.services.students import apply_locked, lock_student, stamp_changes, utcnow
from server.sync.models import BlobBinding, SyncBlob

#: Blob kinds that are kept: the delivery signature (and its picture) is the evidence of delivery.
KEPT_KINDS = ("delivery_signature", "delivery_signature_png")
#: Longest reason accepted (the audit comment column is text; the screen asks for a sentence).
MAX_REASON = 2000


def delete_student_biometrics(session: Session, matricula: str, actor: Actor, reason: str,
                              now: datetime | None = None) -> tuple[Student, list[dict]] | Refusal:
    """Delete the photo and signatures of ``matricula`` (see module doc) inside the caller's
    transaction.

    Returns ``(student, deleted)`` — the new record (``extra["change_seq"]`` set) and the
    deleted blobs as ``{"kind", "sha256", "shared"}`` (``shared``: the bytes stay because
    another student's binding holds them) — or the domain's :class:`Refusal` (nothing
    written): ``forbidden_role`` for anyone but the state office, ``comment_required``
    without a reason, ``not_found``, ``invalid_status`` while a card is being printed.
    """
    now = now or utcnow()
    row = lock_student(session, matricula)
    outcome = apply_locked(session, row, matricula, Command.DELETE_BIOMETRICS, actor,
                           {"comment": str(reason or "")[:MAX_REASON]}, now)
    if isinstance(outcome, Refusal):
        return outcome
    student, row, event = outcome
    bindings = list(session.scalars(select(BlobBinding).where(BlobBinding.matricula == matricula,
                                                              BlobBinding.kind.not_in(KEPT_KINDS))
                                    .order_by(BlobBinding.created_at, BlobBinding.sha256)))
    deleted = _unbind(session, matricula, bindings)
    event.details = {**(event.details or {}), "deleted": deleted}
    stamp_changes(session, [(row, event)])
    return student.replace(extra={"change_seq": row.change_seq}), deleted


def discard_refused_blobs(session: Session, row, hashes: set[str]) -> list[dict]:
    """Delete the blobs a refused capture of ``row``'s student uploaded (``hashes``: its payload
    and ``blob_sha256s``) — a minor's photo offered without consent is not kept — except any
    the record or an accepted command of the student references (its audit details). Returns
    what was deleted, as :func:`delete_student_biometrics`."""
    if row is None or not hashes:
        return []
    keep = {row.photo_sha256, row.signature_sha256, row.delivery_signature_sha256}
    for details, in session.execute(select(AuditRow.details).where(AuditRow.entity == "student",
                                                                    AuditRow.entity_id == row.matricula)):
        keep.update(v for k, v in (details or {}).items() if k.endswith("_sha256") and isinstance(v, str))
    wanted = sorted(hashes - keep)
    if not wanted:
        return []
    bindings = list(session.scalars(select(BlobBinding).where(BlobBinding.matricula == row.matricula,
                                                              BlobBinding.sha256.in_(wanted))))
    return _unbind(session, row.matricula, bindings)


def _unbind(session: Session, matricula: str, bindings: list[BlobBinding]) -> list[dict]:
    """Delete ``bindings`` of ``matricula`` and each blob no other student's binding holds."""
    deleted = []
    for binding in bindings:
        others = session.scalar(select(func.count()).select_from(BlobBinding).where(
            BlobBinding.sha256 == binding.sha256, BlobBinding.matricula != matricula)) or 0
        session.execute(delete(BlobBinding).where(BlobBinding.sha256 == binding.sha256,
                                                  BlobBinding.matricula == matricula))
        if not others:
            session.execute(delete(SyncBlob).where(SyncBlob.sha256 == binding.sha256))
        deleted.append({"kind": binding.kind, "sha256": binding.sha256, "shared": bool(others)})
    return deleted
