"""Encryption of biometrics at rest (DESIGN.md §4, §9): AES-256-GCM.

Sealed format: ``b"CRE1"`` (4 bytes) + nonce (12 bytes) + ciphertext with
its 16-byte tag. The associated data binds the ciphertext to the blob's
SHA-256 and kind, so a row copied onto another is refused too.
"""
from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from station.domain.errors import UserError

MAGIC = b"CRE1"


def derive_key(key: bytes, purpose: str) -> bytes:
    """A 32-byte sub-key of the store ``key`` for one ``purpose`` (HKDF-SHA256,
    RFC 5869, info ``credencializacion:<purpose>``), so one keyring secret
    never serves two constructions."""
    return HKDF(hashes.SHA256(), 32, salt=None, info=f"credencializacion:{purpose}".encode()).derive(key)


def page_key(key: bytes) -> bytes:
    """The SQLCipher page key of the store whose keyring key is ``key``."""
    return derive_key(key, "sqlcipher-pages")


class BlobDecryptError(UserError, RuntimeError):
    """Decryption failed: wrong key, corrupted or swapped data. ``str()`` is Spanish."""

    code = "blob_damaged"


class BlobCipher:
    """AES-GCM with a 32-byte ``key`` (raises ``ValueError`` for another length)."""

    def __init__(self, key: bytes):
        if len(key) != 32:
            raise ValueError("La clave de cifrado debe tener 32 bytes.")
        self._aead = AESGCM(key)

    def seal(self, plaintext: bytes, associated: bytes) -> bytes:
        """Encrypt ``plaintext``; returns ``MAGIC + nonce + ciphertext+tag``."""
        nonce = os.urandom(12)
        return MAGIC + nonce + self._aead.encrypt(nonce, plaintext, associated)

    def open(self, sealed: bytes, associated: bytes) -> bytes:
        """Decrypt what :meth:`seal` produced.

        Raises :class:`BlobDecryptError` when the magic is missing, the data
        is truncated, or the tag does not verify (wrong key, tampering).
        """
        if len(sealed) < 4 + 12 + 16 or not sealed.startswith(MAGIC):
            raise BlobDecryptError("El dato biométrico guardado está dañado (formato desconocido).")
        nonce, body = sealed[4:16], sealed[16:]
        try:
            return self._aead.decrypt(nonce, body, associated)
        except InvalidTag:
            raise BlobDecryptError(
                "No se pudo descifrar el dato biométrico: la clave del llavero no corresponde a este "
                "almacén o el dato fue alterado."
            ) from None
