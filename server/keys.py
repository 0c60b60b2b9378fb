"""Master keys of the server and envelope encryption of biometrics (DESIGN.md §10).

Blobs (photos, signatures) are encrypted at rest with *envelope encryption*:
each blob gets a fresh 256-bit data key; the bytes are sealed with
AES-256-GCM under that data key, and the data key itself is sealed
(AES-256-GCM, "key wrapping") under the current *master key*. The database
holds only ciphertext, the wrapped data key and the master key's id; the
master keys live outside the database:

- ``$CREDENCIALIZACION_MASTER_KEYS``: ``id:base64,id:base64`` (the first is
  current), for containers and secret managers; or
- a JSON key file ``{"current": "k2", "keys": {"k1": "base64", "k2": "base64"}}``
  (``ServerSettings.master_key_file``, ``$CREDENCIALIZACION_MASTER_KEY_FILE``
  or ``<data dir>/server/master-keys.json``), created with mode 0600 on first
  use when missing.

``credencializacion-server keys rotate`` adds a new current key to the file
and re-wraps every data key (:func:`rotate`); blob bytes are not re-encrypted.
The same master key also derives the HMAC key of sign-in challenges
(:meth:`MasterKeys.derive`), so every worker sharing the key file agrees.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from station.domain.errors import UserError

ENV_KEYS = "CREDENCIALIZACION_MASTER_KEYS"
ENV_FILE = "CREDENCIALIZACION_MASTER_KEY_FILE"


class MasterKeyError(UserError):
    """A master key problem (missing id, malformed file); Spanish message."""

    code = "master_key_invalid"


@dataclass(frozen=True)
class Sealed:
    """An encrypted blob: ``ciphertext`` (nonce ‖ AES-GCM output), ``wrapped_key``
    (nonce ‖ sealed data key) and the master ``key_id`` that wrapped it."""

    ciphertext: bytes
    wrapped_key: bytes
    key_id: str


class MasterKeys:
    """A set of 32-byte master keys by id, with one ``current`` id.

    Raises :class:`MasterKeyError` (Spanish) for an unknown id or a key that is
    not 32 bytes.
    """

    def __init__(self, keys: dict[str, bytes], current: str, path: Path | None = None):
        if current not in keys:
            raise MasterKeyError(f"La llave maestra actual «{current}» no está en el conjunto de llaves.")
        for kid, key in keys.items():
            if len(key) != 32:
                raise MasterKeyError(f"La llave maestra «{kid}» debe tener 32 bytes.")
        self.keys = dict(keys)
        self.current = current
        self.path = path
        self._mtime = self._stat()

    def _stat(self) -> float | None:
        try:
            return self.path.stat().st_mtime_ns if self.path is not None else None
        except OSError:
            return None

    def refresh(self) -> None:
        """Pick up a rotation made by the CLI while this process runs (the file changed):
        the file's current key becomes ours; keys we held stay usable."""
        mtime = self._stat()
        if self.path is None or mtime is None or mtime == self._mtime:
            return
        fresh = MasterKeys.load_file(self.path, create=False)
        self.keys = {**self.keys, **fresh.keys}
        self.current, self._mtime = fresh.current, mtime

    # --- loading --------------------------------------------------------

    @classmethod
    def from_env_text(cls, text: str) -> "MasterKeys":
        """Parse ``id:base64,id:base64`` (first = current)."""
        keys: dict[str, bytes] = {}
        order: list[str] = []
        for part in text.split(","):
            kid, _, value = part.strip().partition(":")
            if not kid or not value:
                raise MasterKeyError(f"{ENV_KEYS} debe tener la forma id:base64[,id:base64].")
            keys[kid] = _b64(value)
            order.append(kid)
        return cls(keys, order[0])

    @classmethod
    def load_file(cls, path: Path, create: bool = True) -> "MasterKeys":
        """Read the JSON key file at ``path``; create it (0600, one new key) when missing and ``create``."""
        path = Path(path)
        if not path.exists():
            if not create:
                raise MasterKeyError(f"No existe el archivo de llaves maestras {path}.")
            path.parent.mkdir(parents=True, exist_ok=True)
            keys = cls({"k1": os.urandom(32)}, "k1", path)
            keys.save()
            return keys
        try:
            data = json.loads(path.read_text("utf-8"))
            keys = {str(k): _b64(v) for k, v in data["keys"].items()}
            return cls(keys, str(data["current"]), path)
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise MasterKeyError(f"El archivo de llaves maestras {path} no se pudo leer: {type(exc).__name__}.") from None

    def save(self) -> None:
        """Write the key file atomically with mode 0600 (only for file-backed keys).

        Running servers pick the new current key up on their next upload
        (:meth:`refresh`); ``--drop-old`` is for when no server still holds blobs
        wrapped by an old key in flight (re-run ``keys rotate`` after restarting)."""
        if self.path is None:
            raise MasterKeyError(f"Las llaves vienen de {ENV_KEYS}; rótelas en su gestor de secretos.")
        tmp = self.path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump({"current": self.current,
                       "keys": {k: base64.b64encode(v).decode("ascii") for k, v in self.keys.items()}}, fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.path)
        self._mtime = self._stat()

    def add_new(self) -> str:
        """Add a fresh random key, make it current, return its id (caller saves and re-wraps)."""
        n = len(self.keys) + 1
        while f"k{n}" in self.keys:
            n += 1
        kid = f"k{n}"
        self.keys[kid] = os.urandom(32)
        self.current = kid
        return kid

    # --- envelope -------------------------------------------------------

    def seal(self, data: bytes, aad: bytes) -> Sealed:
        """Encrypt ``data`` under a fresh data key (``aad``: e.g. the SHA-256 it must match)."""
        self.refresh()
        dek = AESGCM.generate_key(bit_length=256)
        nonce = os.urandom(12)
        ciphertext = nonce + AESGCM(dek).encrypt(nonce, data, aad)
        return Sealed(ciphertext, self.wrap(dek, aad), self.current)

    def open(self, sealed: Sealed, aad: bytes) -> bytes:
        """Decrypt; raises :class:`MasterKeyError` for an unknown key id and
        ``cryptography.exceptions.InvalidTag`` for tampered data."""
        dek = self.unwrap(sealed.wrapped_key, sealed.key_id, aad)
        return AESGCM(dek).decrypt(sealed.ciphertext[:12], sealed.ciphertext[12:], aad)

    def wrap(self, dek: bytes, aad: bytes) -> bytes:
        """Seal a data key under the current master key (nonce ‖ AES-GCM)."""
        nonce = os.urandom(12)
        return nonce + AESGCM(self.keys[self.current]).encrypt(nonce, dek, b"dek:" + aad)

    def unwrap(self, wrapped: bytes, key_id: str, aad: bytes) -> bytes:
        """Open a wrapped data key sealed by master key ``key_id``."""
        if key_id not in self.keys:
            self.refresh()
        if key_id not in self.keys:
            raise MasterKeyError(f"Falta la llave maestra «{key_id}»; no se puede descifrar el archivo.")
        return AESGCM(self.keys[key_id]).decrypt(wrapped[:12], wrapped[12:], b"dek:" + aad)

    def derive(self, purpose: str) -> bytes:
        """A 32-byte key for ``purpose`` derived from the current master key (HMAC-SHA256)."""
        return hmac.new(self.keys[self.current], b"credencializacion:" + purpose.encode(), hashlib.sha256).digest()


def _b64(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (ValueError, TypeError):
        raise MasterKeyError("Una llave maestra no está en base64.") from None


def default_key_file() -> Path:
    """``$CREDENCIALIZACION_MASTER_KEY_FILE`` or ``<data dir>/server/master-keys.json``."""
    env = os.environ.get(ENV_FILE)
    if env:
        return Path(env)
    home = os.environ.get("CREDENCIALIZACION_HOME")
    if home:
        return Path(home) / "data" / "server" / "master-keys.json"
    import platformdirs

    return Path(platformdirs.user_data_dir("credencializacion", appauthor=False)) / "server" / "master-keys.json"


def load_master_keys(path: str | Path | None = None) -> MasterKeys:
    """The master keys: ``$CREDENCIALIZACION_MASTER_KEYS`` when set, else the key file
    ``path`` (default :func:`default_key_file`), created when missing."""
    env = os.environ.get(ENV_KEYS)
    if env and path is None:
        return MasterKeys.from_env_text(env)
    return MasterKeys.load_file(Path(path) if path else default_key_file())


def random_token(nbytes: int = 16) -> str:
    """URL-safe random text (nonces)."""
    return secrets.token_urlsafe(nbytes)


def _sealed_tables():
    """``(model, aad_of_row)`` of every table holding data sealed under the master keys:
    biometrics (:class:`server.sync.models.SyncBlob`) and request documents
    (:class:`server.requests.models.RequestAttachment`)."""
    from server.requests.attachments import aad as request_aad
    from server.requests.models import RequestAttachment
    from server.sync.models import SyncBlob

    return ((SyncBlob, lambda row: row.sha256.encode("ascii")),
            (RequestAttachment, lambda row: request_aad(row.request_id, row.sha256)))


def rewrap_all(factory, keys: MasterKeys, batch: int = 200) -> int:
    """Re-wrap every sealed file's data key (blobs and request documents) under
    ``keys.current`` (file bytes untouched), in batches of ``batch`` rows per transaction;
    returns how many were re-wrapped. Raises :class:`MasterKeyError` when a file's key id is
    missing from ``keys``."""
    from sqlalchemy import select

    done = 0
    for model, aad_of in _sealed_tables():
        while True:
            with factory() as session, session.begin():
                rows = list(session.scalars(select(model).where(model.key_id != keys.current,
                                                                model.key_id != "").limit(batch)))
                for row in rows:
                    aad = aad_of(row)
                    row.wrapped_key = keys.wrap(keys.unwrap(row.wrapped_key, row.key_id, aad), aad)
                    row.key_id = keys.current
                done += len(rows)
            if len(rows) < batch:
                break
    return done


def rotate(factory, keys: MasterKeys, drop_old: bool = False) -> tuple[str, int]:
    """``keys rotate``: add a new current master key, save the key file (old keys kept,
    so an interrupted rotation loses nothing), re-wrap every data key, and with
    ``drop_old`` remove the old keys from the file. Returns ``(new key id, re-wrapped)``."""
    new = keys.add_new()
    keys.save()
    count = rewrap_all(factory, keys)
    if drop_old:
        keys.keys = {new: keys.keys[new]}
        keys.save()
    return new, count
