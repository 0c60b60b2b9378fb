"""The store key: found by the file's identity, never silently replaced, backed up with a passphrase.

Rules (issue 14 item 3, DESIGN.md §10):

- the 32-byte key lives in the OS keyring under ``store-key:<identity>``,
  where the identity is the random SQLCipher salt at the start of the file
  (:func:`station.store.db.file_identity`) — not the folder's path, so moving
  or copying the data folder keeps the key;
- a key is created only for a store that does not exist yet (missing or
  empty file). An encrypted store whose key is missing, or whose key does not
  open it, is refused with :class:`StoreKeyError` saying what to do, and its
  file is left untouched;
- a store written by an older version (clear SQLite, key under its absolute
  path ``store-key:/…/estacion.sqlite3``) is encrypted once with that key
  (a new key only if it holds no biometrics), the key saved under the new
  identity *before* the clear file is replaced;
- installers export an encrypted backup of the key (scrypt n=2^16, r=8, p=1
  → AES-256-GCM, RFC 7914) and import it on a reinstalled desk.
"""
from __future__ import annotations

import base64
import json
import os
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from station.store.crypto import page_key
from station.store.db import (StoreKeyError, StoreOpenError, check_key, connect_raw, file_identity,
                              is_plain_sqlite, secure_data_dir, sqlcipher)

KEY_PREFIX = "store-key:"
BACKUP_FORMAT = "credencializacion-clave-almacen/1"
MIN_PASSPHRASE = 12
_SCRYPT = {"n": 2 ** 16, "r": 8, "p": 1}

MISSING_KEY = (
    "Falta en el llavero del sistema la clave de cifrado del almacén local {path}. Los datos se conservan y NO se "
    "creó una clave nueva. Restaure la clave con «credencializacion store-key import ARCHIVO» usando la copia que "
    "exportó el instalador, o pida ayuda a la oficina de sistemas; no borre el archivo.")


def key_name(identity: str) -> str:
    """Keyring entry name of the store whose identity is ``identity``."""
    return KEY_PREFIX + identity


def _get(name: str) -> bytes | None:
    from station.secrets import get_secret

    encoded = get_secret(name)
    if encoded is None:
        return None
    try:
        key = base64.b64decode(encoded, validate=True)
    except ValueError:
        key = b""
    if len(key) != 32:
        raise StoreKeyError(f"La clave del almacén guardada en el llavero ({name}) está dañada. Restaure la copia "
                            "con «credencializacion store-key import ARCHIVO».")
    return key


def _set(name: str, key: bytes) -> None:
    from station.secrets import set_secret

    set_secret(name, base64.b64encode(key).decode("ascii"))


def _create_empty(path: Path, key: bytes) -> None:
    """Create an empty encrypted store at ``path``: keyring first, then the file
    appears by an atomic rename, so a file never exists without its key."""
    tmp = path.with_name(path.name + ".nuevo")
    tmp.unlink(missing_ok=True)
    conn = connect_raw(tmp, page_key(key))
    try:
        conn.execute("PRAGMA user_version = 0")
        conn.commit()
    finally:
        conn.close()
    identity = file_identity(tmp)
    _set(key_name(identity), key)
    tmp.chmod(0o600)
    tmp.replace(path)


def _has_biometrics(path: Path) -> bool:
    conn = sqlcipher.connect(str(path), timeout=5.0)
    try:
        return bool(conn.execute("SELECT count(*) FROM blobs").fetchone()[0])
    except sqlcipher.Error:
        return False
    finally:
        conn.close()


def _encrypt_legacy(path: Path) -> bytes:
    """Encrypt a clear store of an older version (see module doc); returns its key."""
    from station.store.db import export_encrypted

    key = _get(key_name(str(path))) or _get(key_name(str(path.resolve())))
    if key is None:
        if _has_biometrics(path):
            raise StoreKeyError(MISSING_KEY.format(path=path))
        key = os.urandom(32)
    target = path.with_name(path.name + ".cifrando")
    export_encrypted(path, target, page_key(key))
    _set(key_name(file_identity(target)), key)
    target.replace(path)
    for suffix in ("-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    return key


def load_store_key(path: Path | str, *, create: bool = True) -> bytes:
    """See :func:`_load_store_key`; file-system and SQLite failures become :class:`StoreOpenError`."""
    try:
        return _load_store_key(Path(path), create=create)
    except (sqlcipher.Error, OSError) as exc:
        from station.store.store import _open_failure

        raise StoreOpenError(_open_failure(Path(path), exc)) from None


def _load_store_key(path: Path, *, create: bool = True) -> bytes:
    """The key of the store at ``path`` from the OS keyring.

    A missing or empty file gets a new key and an empty encrypted file when
    ``create`` (else :class:`StoreKeyError`). Raises :class:`StoreKeyError`
    (Spanish, says what to do) when the key is missing or does not open the
    file, :class:`station.secrets.SecretStoreError` when there is no keyring,
    :class:`StoreOpenError` when the file is locked or unreadable.
    """
    path = Path(path)
    if not path.exists() or path.stat().st_size == 0:
        if not create:
            raise StoreKeyError(f"No existe el almacén local {path}.")
        secure_data_dir(path.parent)
        key = os.urandom(32)
        _create_empty(path, key)
        return key
    if is_plain_sqlite(path):
        return _encrypt_legacy(path)
    identity = file_identity(path)
    if identity is None:
        raise StoreOpenError(f"El almacén local {path} no se puede leer (archivo truncado o dañado).")
    key = _get(key_name(identity))
    if key is None:
        raise StoreKeyError(MISSING_KEY.format(path=path))
    check_key(path, page_key(key))
    return key


def _kdf(salt: bytes) -> Scrypt:
    return Scrypt(salt=salt, length=32, **_SCRYPT)


def export_key_backup(path: Path | str, passphrase: str) -> bytes:
    """An encrypted backup of the key of the store at ``path`` (UTF-8 JSON bytes).

    The key is sealed with AES-256-GCM under scrypt(``passphrase``), the
    store's identity as associated data. Raises :class:`ValueError` (Spanish)
    for a passphrase shorter than :data:`MIN_PASSPHRASE`, and the errors of
    :func:`load_store_key` (never creates a key).
    """
    if len(passphrase) < MIN_PASSPHRASE:
        raise ValueError(f"La frase de paso debe tener al menos {MIN_PASSPHRASE} caracteres.")
    path = Path(path)
    key = load_store_key(path, create=False)
    identity = file_identity(path)
    salt, nonce = os.urandom(16), os.urandom(12)
    sealed = AESGCM(_kdf(salt).derive(passphrase.encode("utf-8"))).encrypt(nonce, key, identity.encode("ascii"))
    b64 = lambda b: base64.b64encode(b).decode("ascii")  # noqa: E731
    return json.dumps({"format": BACKUP_FORMAT, "store": identity, "kdf": {"name": "scrypt", **_SCRYPT},
                       "salt": b64(salt), "nonce": b64(nonce), "sealed": b64(sealed)}, indent=2).encode("utf-8")


def import_key_backup(path: Path | str, backup: bytes, passphrase: str) -> str:
    """Put the key from ``backup`` (see :func:`export_key_backup`) back in the
    keyring for the store at ``path``; returns the store identity.

    Raises :class:`ValueError` (Spanish) when the backup is malformed, the
    passphrase is wrong, the backup belongs to another store, or the key
    does not open the store. Nothing is written then.
    """
    path = Path(path)
    try:
        data = json.loads(backup.decode("utf-8"))
        if data.get("format") != BACKUP_FORMAT or data.get("kdf", {}).get("name") != "scrypt":
            raise ValueError
        identity = str(data["store"])
        salt, nonce, sealed = (base64.b64decode(data[k], validate=True) for k in ("salt", "nonce", "sealed"))
        params = {k: int(data["kdf"][k]) for k in ("n", "r", "p")}
        if params != _SCRYPT or len(salt) != 16 or len(nonce) != 12:
            raise ValueError
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError):
        raise ValueError("El archivo no es una copia de la clave del almacén (formato no reconocido).") from None
    try:
        key = AESGCM(_kdf(salt).derive(passphrase.encode("utf-8"))).decrypt(nonce, sealed, identity.encode("ascii"))
    except InvalidTag:
        raise ValueError("La frase de paso no corresponde a esta copia de la clave (o la copia fue alterada).") from None
    current = file_identity(path)
    if current is not None and current != identity:
        raise ValueError(f"Esta copia es de otro almacén; no corresponde a {path}.")
    if current is not None:
        try:
            check_key(path, page_key(key))
        except StoreKeyError:
            raise ValueError(f"La clave de la copia no abre el almacén {path}.") from None
    _set(key_name(identity), key)
    return identity
