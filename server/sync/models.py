"""Tables of the sync layer (migration ``0002_sync``).

- ``sync_operations``: the processed-operations table. One row per
  idempotency key (``op_id``) with the SHA-256 of the request body and the
  exact answer (HTTP status + JSON) given the first time; a repeated key is
  answered from here, a reused key with another body is refused.
- ``sync_blobs``: biometrics uploaded by stations, keyed by the SHA-256 of
  their bytes (re-hashed on arrival).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from server.db.models import Base, UtcDateTime


class SyncOperation(Base):
    """A processed station command: key, origin (station, per-station ``seq``,
    author), target, body hash, stored answer (``status_code``, ``response``)."""

    __tablename__ = "sync_operations"
    op_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    station_id: Mapped[str] = mapped_column(String(64))
    seq: Mapped[int] = mapped_column(BigInteger)
    username: Mapped[str] = mapped_column(String(80))
    matricula: Mapped[str] = mapped_column(String(32))
    command: Mapped[str] = mapped_column(String(40))
    body_sha256: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int] = mapped_column(Integer)
    response: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)

    __table_args__ = (Index("ix_sync_operations_station_seq", "station_id", "seq"),)


class SyncBlob(Base):
    """A biometric blob: ``sha256`` (hex, of the plaintext), ``kind``
    (``photo``, ``signature``…), ``size`` in bytes, who uploaded it. ``data``
    is ciphertext (:mod:`server.keys` envelope: ``wrapped_key`` sealed by the
    master key ``key_id``)."""

    __tablename__ = "sync_blobs"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    key_id: Mapped[str] = mapped_column(String(32), default="")
    wrapped_key: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)


class BlobBinding(Base):
    """A blob bound to the student it was uploaded for, by whom, from which station.
    Commands may reference a blob only through a binding to their student."""

    __tablename__ = "blob_bindings"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    matricula: Mapped[str] = mapped_column(String(16), primary_key=True, index=True)
    kind: Mapped[str] = mapped_column(String(32))
    uploaded_by: Mapped[str] = mapped_column(String(80))
    station_id: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


def open_blob(keys, blob: SyncBlob) -> bytes:
    """The plaintext of a stored blob, decrypted with its wrapped data key under the master
    ``keys`` (:class:`server.keys.MasterKeys`); blobs stored before encryption at rest
    (no ``key_id``) are returned as they are."""
    from server.keys import Sealed

    if not blob.key_id:
        return blob.data
    return keys.open(Sealed(blob.data, blob.wrapped_key, blob.key_id), blob.sha256.encode("ascii"))
