"""The station's offline store (SQLite + Alembic + AES-GCM), DESIGN.md §4."""
from station.store.crypto import BlobCipher, BlobDecryptError
from station.store.db import StoreKeyError, StoreOpenError, head_revision, migrate
from station.store.store import BLOB_KINDS, AuditEvent, LocalStore, OutboxCommand, sha256_hex

__all__ = ["BlobCipher", "BlobDecryptError", "StoreKeyError", "StoreOpenError", "head_revision", "migrate", "BLOB_KINDS",
           "AuditEvent", "LocalStore", "OutboxCommand", "sha256_hex"]
