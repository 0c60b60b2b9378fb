"""The text form of a station's Ed25519 public key, shared by station and server.

A station signs credential QR payloads with its Ed25519 key (kept in the OS
keyring by :mod:`station.secrets`); the server stores the public half when an
admin registers the station. Both sides speak one form: the raw 32-byte public
key (RFC 8032 §5.1.5) in standard base64 (RFC 4648 §4), 44 characters.
"""
from __future__ import annotations

import base64

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey


def public_key_b64(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """Raw 32-byte public key, base64 (the form registered on the server)."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def load_public_key_b64(text: str) -> Ed25519PublicKey:
    """Inverse of :func:`public_key_b64`. Raises ``ValueError`` (Spanish message) on malformed text."""
    try:
        raw = base64.b64decode(text, validate=True)
    except (ValueError, TypeError) as exc:
        raise ValueError("Clave pública mal formada (base64).") from exc
    if len(raw) != 32:
        raise ValueError("Clave pública mal formada (deben ser 32 bytes).")
    return Ed25519PublicKey.from_public_bytes(raw)
