"""One-time initial passwords (issue 20 items 3 and 5).

A password is random (:mod:`secrets`), printable without ambiguity (no
``0/O``, ``1/l/I``), 14 characters with upper case, lower case, digits and a
symbol — above the Microsoft Entra policy (8–256 characters, three of four
classes) and Google Workspace's (8–100). It appears in the export file for
the administrator and on the student's slip; the server keeps it only
sealed with AES-256-GCM (``cryptography``) under a key kept outside the
database, and destroys it when the slip is printed.

The key file holds 32 random bytes (base64); :func:`load_key` creates it
with mode 0600 the first time. Its path: ``$CREDENCIALIZACION_SERVER_KEY_FILE``,
else ``accounts.key`` next to the default SQLite database.
"""
from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

LOWER = "abcdefghijkmnpqrstuvwxyz"
UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ"
DIGITS = "23456789"
SYMBOLS = "#$%&*+-=?@"
LENGTH = 14
_AAD = b"credencializacion/accounts/one-time-password/v1"


def generate_password(length: int = LENGTH) -> str:
    """A random password of ``length`` (≥ 8) characters with at least one of
    each class (lower, upper, digit, symbol)."""
    if length < 8:
        raise ValueError("length < 8")
    classes = (LOWER, UPPER, DIGITS, SYMBOLS)
    chars = [secrets.choice(c) for c in classes]
    pool = "".join(classes)
    chars += [secrets.choice(pool) for _ in range(length - len(chars))]
    for i in range(len(chars) - 1, 0, -1):  # Fisher–Yates with a CSPRNG
        j = secrets.randbelow(i + 1)
        chars[i], chars[j] = chars[j], chars[i]
    return "".join(chars)


def meets_policy(password: str) -> bool:
    """True when ``password`` satisfies Entra (8–256, 3 of 4 classes) and Google (8–100)."""
    if not 8 <= len(password) <= 100:
        return False
    classes = (any(c.islower() for c in password) + any(c.isupper() for c in password)
               + any(c.isdigit() for c in password) + any(not c.isalnum() for c in password))
    return classes >= 3


class Sealer:
    """AES-256-GCM sealing of short secrets; the 12-byte nonce is prefixed to the ciphertext."""

    def __init__(self, key: bytes):
        if len(key) != 32:
            raise ValueError("La clave de cifrado de cuentas debe tener 32 bytes.")
        self._aead = AESGCM(key)

    def seal(self, secret: str, context: str) -> bytes:
        """Ciphertext of ``secret`` bound to ``context`` (e.g. the address)."""
        nonce = os.urandom(12)
        return nonce + self._aead.encrypt(nonce, secret.encode("utf-8"), _AAD + context.encode("utf-8"))

    def open(self, sealed: bytes, context: str) -> str:
        """Plain text of ``sealed``; raises ``cryptography.exceptions.InvalidTag`` on a wrong key or context."""
        return self._aead.decrypt(sealed[:12], sealed[12:], _AAD + context.encode("utf-8")).decode("utf-8")


def default_key_path() -> Path:
    """Where the accounts key lives (see module docstring)."""
    env = os.environ.get("CREDENCIALIZACION_SERVER_KEY_FILE")
    if env:
        return Path(env)
    from server.cli import default_db_url

    url = default_db_url()
    folder = Path(url.removeprefix("sqlite:///")).parent if url.startswith("sqlite:///") else Path.cwd()
    return folder / "accounts.key"


def load_key(path: Path | None = None) -> bytes:
    """The 32-byte key at ``path`` (default :func:`default_key_path`), created
    (mode 0600) when absent. Raises ``ValueError`` (Spanish) for a damaged file."""
    path = Path(path or default_key_path())
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(base64.b64encode(secrets.token_bytes(32)).decode("ascii") + "\n")
    try:
        key = base64.b64decode(path.read_text().strip(), validate=True)
    except (ValueError, OSError):
        key = b""
    if len(key) != 32:
        raise ValueError(f"El archivo de clave de cuentas {path} está dañado (se esperaban 32 bytes en base64).")
    return key
