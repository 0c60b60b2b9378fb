"""Known station public keys for checking credential QR signatures.

A JSON file ``{station_id: public_key_b64}`` (raw 32-byte Ed25519 public keys,
base64 — the form of :func:`station.secrets.public_key_b64`) kept at
``<data_dir>/station_keys.json``; the sync engine fills it from the server's
``GET /stations/keys``. The station's own key (from the OS keyring) is
always added when its id is known.
"""
from __future__ import annotations

import json
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

KEYS_FILENAME = "station_keys.json"


class KeysFileError(ValueError):
    """The known-keys file is unreadable or malformed. ``str()`` is Spanish."""


def known_keys_path(data_dir: Path | str) -> Path:
    """Where the known-keys file lives inside a station's ``data_dir``."""
    return Path(data_dir) / KEYS_FILENAME


def load_known_keys(path: Path | str | None) -> dict[str, Ed25519PublicKey]:
    """Read ``{station_id: public_key_b64}`` from ``path``.

    A missing file (or ``None``) gives ``{}``. Raises :class:`KeysFileError`
    when the file exists but is not that JSON shape or holds a bad key.
    """
    from station.domain.public_keys import load_public_key_b64

    if path is None or not Path(path).is_file():
        return {}
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise KeysFileError(f"No se pudo leer el archivo de claves de estaciones {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise KeysFileError(f"El archivo de claves {path} debe ser un objeto JSON {{estación: clave}}.")
    keys: dict[str, Ed25519PublicKey] = {}
    for station_id, text in data.items():
        try:
            keys[str(station_id)] = load_public_key_b64(str(text))
        except ValueError as exc:
            raise KeysFileError(f"Clave pública inválida para la estación «{station_id}» en {path}.") from exc
    return keys


def save_known_keys(path: Path | str, keys: dict[str, str]) -> None:
    """Write ``{station_id: public_key_b64}`` to ``path`` (UTF-8 JSON), creating folders."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(keys, indent=2, sort_keys=True), encoding="utf-8")


def own_public_key(station_id: str) -> Ed25519PublicKey | None:
    """This station's public key from the OS keyring, or ``None`` when it has
    none yet or the keyring is unavailable (never creates a key)."""
    import base64

    from station.secrets import SecretStoreError, get_secret

    if not station_id:
        return None
    try:
        encoded = get_secret(f"signing-key:{station_id}")
    except SecretStoreError:
        return None
    if not encoded:
        return None
    return Ed25519PrivateKey.from_private_bytes(base64.b64decode(encoded)).public_key()
