"""Secrets of the station kept in the OS keyring (DESIGN.md §4, §9).

Two secrets live there, never in files or logs:

- the 256-bit key of the local store (:mod:`station.store.keys`: found by
  the store file's identity, never silently replaced);
- the station's Ed25519 signing key (signs credential QR payloads; its
  public half is registered on the server).

On a desk ``keyring`` uses the OS backend (Windows Credential Manager,
macOS Keychain, Secret Service). Tests and CI select a file backend with
``PYTHON_KEYRING_BACKEND`` — never a default of the product.
"""
from __future__ import annotations

import base64

import keyring
from keyring.errors import KeyringError, NoKeyringError
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from station.domain.errors import UserError

SERVICE = "credencializacion"


class SecretStoreError(UserError, RuntimeError):
    """The OS keyring is missing or refused access. ``str()`` is Spanish."""

    code = "keyring_unavailable"


def _get(name: str) -> str | None:
    try:
        return keyring.get_password(SERVICE, name)
    except NoKeyringError as exc:
        raise SecretStoreError(
            "No hay un llavero del sistema disponible para guardar las claves de la estación "
            "(Administrador de credenciales de Windows, Llavero de macOS o Secret Service)."
        ) from exc
    except KeyringError as exc:
        raise SecretStoreError(f"El llavero del sistema rechazó el acceso: {exc}") from exc


def _set(name: str, value: str) -> None:
    try:
        keyring.set_password(SERVICE, name, value)
    except NoKeyringError as exc:
        raise SecretStoreError("No hay un llavero del sistema disponible para guardar las claves.") from exc
    except KeyringError as exc:
        raise SecretStoreError(f"El llavero del sistema rechazó guardar la clave: {exc}") from exc


def get_secret(name: str) -> str | None:
    """Return the secret stored under ``name`` or ``None``. Raises :class:`SecretStoreError`."""
    return _get(name)


def set_secret(name: str, value: str) -> None:
    """Store ``value`` under ``name``. Raises :class:`SecretStoreError`."""
    _set(name, value)


def get_or_create_signing_key(station_id: str) -> Ed25519PrivateKey:
    """The station's Ed25519 private key; generated and stored on first use.

    Raises :class:`SecretStoreError` when the keyring is unavailable.
    """
    name = f"signing-key:{station_id}"
    encoded = _get(name)
    if encoded is None:
        key = Ed25519PrivateKey.generate()
        raw = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                serialization.NoEncryption())
        _set(name, base64.b64encode(raw).decode("ascii"))
        return key
    return Ed25519PrivateKey.from_private_bytes(base64.b64decode(encoded))
