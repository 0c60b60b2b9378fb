"""Station public keys and the credential revocation list, for checking QR signatures offline.

Kept at ``<data_dir>/station_keys.json`` (mode 0600), filled by the sync from
the server's ``GET /trust`` (:func:`merge_trust`)::

    {"keys": [{"key_id": "3f9a…", "station_id": "EST-001-01", "public_key": "<base64 raw Ed25519>",
               "valid_from": "2026-…Z", "valid_until": null, "revoked_at": null}, …],
     "revocations": {"180010051-1": "2026-11-20T10:00:00+00:00", …},
     "cursor": 1234}

Keys are replaced as a whole at each sync (the server sends them all: a
rotation keeps the old key with its ``valid_until``); revocations accumulate
from the server's change cursor. A file in the older shape
``{station_id: public_key_b64}`` (``verify-qr --keys``) still reads, each key
with an open window. The station's own key (OS keyring) is always added.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from station.documents.qr_payload import KeyInfo, key_id_of
from station.domain.errors import UserError

KEYS_FILENAME = "station_keys.json"
MAX_FILE = 20_000_000


class KeysFileError(UserError, ValueError):
    """The known-keys file is unreadable or malformed. ``str()`` is Spanish."""

    code = "keys_file_invalid"


@dataclass
class Trust:
    """What verification needs: ``keys`` (key id → :class:`KeyInfo`),
    ``revocations`` (matrícula → revoked-before time), ``cursor`` (server change number)."""

    keys: dict[str, KeyInfo] = field(default_factory=dict)
    revocations: dict[str, datetime] = field(default_factory=dict)
    cursor: int = 0


def known_keys_path(data_dir: Path | str) -> Path:
    """Where the known-keys file lives inside a station's ``data_dir``."""
    return Path(data_dir) / KEYS_FILENAME


def _when(text) -> datetime | None:
    if text in (None, ""):
        return None
    value = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    if value.tzinfo is None:
        raise ValueError("fecha sin zona horaria")
    return value


def key_info(entry: dict) -> KeyInfo:
    """A :class:`KeyInfo` from one server/file entry. Raises ``ValueError``/``KeyError``/``TypeError``."""
    from station.domain.public_keys import load_public_key_b64

    public = load_public_key_b64(str(entry["public_key"]))
    key_id = str(entry.get("key_id") or key_id_of(public))
    if key_id != key_id_of(public):
        raise ValueError("el identificador no corresponde a la clave")
    return KeyInfo(key_id, str(entry["station_id"]), public, _when(entry.get("valid_from")),
                   _when(entry.get("valid_until")), _when(entry.get("revoked_at")))


def _read(path: Path) -> dict:
    try:
        if path.stat().st_size > MAX_FILE:
            raise KeysFileError(f"El archivo de claves {path} es demasiado grande.")
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise KeysFileError(f"No se pudo leer el archivo de claves de estaciones {path}: {exc}") from None
    if not isinstance(data, dict):
        raise KeysFileError(f"El archivo de claves {path} debe ser un objeto JSON.")
    return data


def load_trust(path: Path | str | None) -> Trust:
    """Read the file at ``path`` (see module doc); a missing file (or ``None``) gives an empty
    :class:`Trust`. Raises :class:`KeysFileError` (Spanish) on a malformed file or key."""
    if path is None or not Path(path).is_file():
        return Trust()
    path = Path(path)
    data = _read(path)
    trust = Trust()
    try:
        if "keys" in data and isinstance(data["keys"], list):
            for entry in data["keys"]:
                info = key_info(entry)
                trust.keys[info.key_id] = info
            trust.revocations = {str(m): _when(t) for m, t in dict(data.get("revocations") or {}).items()}
            trust.cursor = int(data.get("cursor") or 0)
        else:  # older shape {station_id: public_key_b64}
            for station_id, text in data.items():
                info = key_info({"station_id": station_id, "public_key": text})
                trust.keys[info.key_id] = info
    except (ValueError, KeyError, TypeError, AttributeError, OverflowError) as exc:
        raise KeysFileError(f"El archivo de claves {path} tiene una clave o fecha inválida ({exc}).") from None
    return trust


def _write(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh, sort_keys=True)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def merge_trust(path: Path | str, answer: dict) -> Trust:
    """Apply the server's ``GET /trust`` ``answer`` (``keys``, ``revocations``
    as ``[[matrícula, time], …]``, ``next``) to the file at ``path``: keys
    replaced, revocations added (later time wins), cursor advanced. Every key
    is checked before anything is written. Raises :class:`KeysFileError`."""
    path = Path(path)
    current = _read(path) if path.is_file() else {}
    try:
        keys = [key_info(entry) for entry in answer.get("keys") or []]
        revocations = dict(current.get("revocations") or {})
        for matricula, when in answer.get("revocations") or []:
            previous = _when(revocations.get(str(matricula)))
            if previous is None or _when(when) > previous:
                revocations[str(matricula)] = str(when)
        cursor = max(int(current.get("cursor") or 0), int(answer.get("next") or 0))
    except (ValueError, KeyError, TypeError, AttributeError, OverflowError) as exc:
        raise KeysFileError(f"El servidor envió claves o revocaciones inválidas ({exc}).") from None
    _write(path, {"keys": [{"key_id": k.key_id, "station_id": k.station_id, "public_key": e["public_key"],
                            "valid_from": e.get("valid_from"), "valid_until": e.get("valid_until"),
                            "revoked_at": e.get("revoked_at")}
                           for k, e in zip(keys, answer.get("keys") or [])],
                  "revocations": revocations, "cursor": cursor})
    return load_trust(path)


def own_key_info(station_id: str) -> KeyInfo | None:
    """This station's current key from the OS keyring (open window), or ``None``
    when it has none yet or the keyring is unavailable (never creates a key)."""
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
    try:
        public = Ed25519PrivateKey.from_private_bytes(base64.b64decode(encoded)).public_key()
    except ValueError:
        return None
    return KeyInfo(key_id_of(public), station_id, public)
