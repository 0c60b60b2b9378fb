"""Opening and migrating the station's SQLite cache (DESIGN.md §4, §10).

The whole file is encrypted at rest with SQLCipher 4 (AES-256 pages with an
HMAC each, through the ``sqlcipher3-wheels`` build of the DB-API driver):
names, CURPs, affiliation numbers, the offline sign-in records and the
outbox are unreadable without the store key, and a byte changed on disk is
detected. The 32-byte key is given raw (``PRAGMA key = "x'…'"``), so no
PBKDF2 runs at connect. The first 16 bytes of an encrypted file are its
random salt, which :func:`file_identity` uses as the store's identity.

SQLite runs in WAL mode with ``synchronous=FULL``: a commit that returned
survives a killed process and a power cut (§9). Before Alembic changes an
existing file, the file is copied aside with SQLite's online backup API
(encrypted with the same key); only the newest :data:`KEEP_BACKUPS` copies
are kept.
"""
from __future__ import annotations

import logging
import os
from datetime import datetime, timezone
from pathlib import Path

from sqlcipher3 import dbapi2 as sqlcipher

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine

from station.domain.errors import UserError

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
#: ``PRAGMA synchronous`` of every connection. FULL: WAL commits are fsynced, so a commit that
#: returned survives a power cut (proved by ``tests/store/test_powercut.py``, which also sets it
#: to OFF there to show the harness catches the difference).
SYNCHRONOUS = "FULL"


#: SQLite's header of an unencrypted file (stores written before encryption at rest).
PLAIN_HEADER = b"SQLite format 3\x00"
#: Pre-migration copies kept beside the store (older ones are deleted).
KEEP_BACKUPS = 2


class StoreOpenError(UserError, RuntimeError):
    """The cache file cannot be opened or migrated. ``str()`` is Spanish."""

    code = "store_open_failed"


class StoreKeyError(StoreOpenError):
    """The store key is missing, or does not open this store. ``str()`` is
    Spanish and says what to do; the data are never touched."""

    code = "store_key"


def _key_pragma(key: bytes) -> str:
    if len(key) != 32:
        raise ValueError("La clave del almacén debe tener 32 bytes.")
    return f"PRAGMA key = \"x'{key.hex()}'\""


def connect_raw(path: Path | str, key: bytes, timeout: float = 5.0):
    """A DB-API connection (``sqlcipher3``) on ``path`` unlocked with ``key``;
    for tools, tests and the backup. Does not check the key (see :func:`check_key`)."""
    conn = sqlcipher.connect(str(path), timeout=timeout, check_same_thread=False)
    conn.execute("PRAGMA cipher_log_level = NONE")
    conn.execute(_key_pragma(key))
    return conn


def is_plain_sqlite(path: Path) -> bool:
    """``True`` when ``path`` is an unencrypted SQLite file (written by an older version)."""
    try:
        with open(path, "rb") as fh:
            return fh.read(16) == PLAIN_HEADER
    except OSError:
        return False


def file_identity(path: Path) -> str | None:
    """The store's identity: hex of the 16-byte SQLCipher salt at the start of
    the file; ``None`` for a missing, empty or unencrypted file. Stable while
    the file lives (moving or copying the folder keeps it)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(16)
    except OSError:
        return None
    if len(head) < 16 or head == PLAIN_HEADER:
        return None
    return head.hex()


def check_key(path: Path, key: bytes) -> None:
    """Raise :class:`StoreKeyError` when ``key`` does not open ``path`` (wrong
    key, or a damaged first page); :class:`StoreOpenError` when the file is
    locked or unreadable. A missing file passes (it will be created)."""
    if not path.exists() or path.stat().st_size == 0:
        return
    try:
        conn = connect_raw(path, key)
    except sqlcipher.Error as exc:
        raise StoreOpenError(f"No se pudo abrir el almacén local {path}: {exc}.") from None
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher.DatabaseError as exc:
        text = str(exc)
        if "locked" in text or "busy" in text:
            raise StoreOpenError(f"El almacén local {path} está bloqueado por otro programa; ciérrelo e intente "
                                 "de nuevo.") from None
        raise StoreKeyError(
            f"La clave de cifrado del llavero no abre el almacén local {path} (la clave no corresponde o el "
            "archivo está dañado). No se modificó nada. Restaure la clave con «credencializacion store-key import "
            "ARCHIVO» usando la copia que guardó el instalador, o pida ayuda a la oficina de sistemas.") from None
    finally:
        conn.close()


def export_encrypted(source: Path, target: Path, key: bytes) -> None:
    """Write an encrypted copy (``key``) of the unencrypted store ``source`` to
    ``target`` with ``sqlcipher_export``; ``source`` is not changed. Raises
    :class:`StoreOpenError` (the partial ``target`` is removed)."""
    target.unlink(missing_ok=True)
    try:
        conn = sqlcipher.connect(str(source), timeout=5.0)
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.execute(f"ATTACH DATABASE ? AS enc KEY \"x'{key.hex()}'\"", (str(target),))
            conn.execute("SELECT sqlcipher_export('enc')")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            conn.execute(f"PRAGMA enc.user_version = {int(version)}")
            conn.execute("DETACH DATABASE enc")
        finally:
            conn.close()
    except (sqlcipher.Error, OSError) as exc:
        target.unlink(missing_ok=True)
        raise StoreOpenError(f"No se pudo cifrar el almacén local {source}: {exc}.") from None
    _restrict(target)


#: True on Windows desks: the data folder gets an owner-only ACL instead of mode 0700.
IS_WINDOWS = os.name == "nt"


def secure_data_dir(folder: Path) -> str | None:
    """Create ``folder`` if needed and make it user-only: mode 0700 on POSIX, an owner-only
    protected ACL on Windows (:func:`station.store.winacl.owner_only`, read back and checked).
    Returns ``None``, or the Spanish reason the folder could not be restricted (logged; the
    store is encrypted anyway). Raises :class:`StoreOpenError` (Spanish) when the folder
    cannot be created."""
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        raise StoreOpenError(f"No se pudo crear la carpeta de datos {folder}: {exc.strerror or exc}.") from None
    if IS_WINDOWS:
        from station.store.winacl import owner_only

        problem = owner_only(folder)
        if problem:
            log.warning("%s", problem)
        return problem
    try:
        if folder.stat().st_mode & 0o077:
            folder.chmod(0o700)
    except OSError as exc:  # not ours (e.g. a shared mount): the file itself is still encrypted and 0600
        return f"No se pudo restringir la carpeta {folder} a su usuario: {exc.strerror or exc}."
    return None


def _restrict(path: Path) -> None:
    try:
        path.chmod(0o600)
    except OSError:  # pragma: no cover - Windows ACLs are inherited from the 0700-equivalent folder
        pass


def make_engine(path: Path, key: bytes) -> Engine:
    """SQLAlchemy engine on ``path`` (SQLCipher, unlocked with the 32-byte
    ``key``) with WAL, ``synchronous=FULL``, foreign keys, a 5 s busy
    timeout and ``secure_delete`` (deleted rows zeroed in the file) on every connection."""
    pragma = _key_pragma(key)
    engine = create_engine(f"sqlite:///{path}", module=sqlcipher,
                           connect_args={"check_same_thread": False, "timeout": 5.0})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record):  # pragma: no cover - exercised via every test
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA cipher_log_level = NONE")
        cursor.execute(pragma)
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={SYNCHRONOUS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA secure_delete=ON")  # deleted biometrics are overwritten, not just unlinked
        cursor.close()

    return engine


def _alembic_config() -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def head_revision() -> str:
    """The newest migration revision shipped with this build."""
    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (``None`` for an empty file)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def backup_file(path: Path, label: str, key: bytes) -> Path:
    """Copy ``path`` aside as ``<stem>.antes-<label>-<UTC time>.sqlite3`` using
    SQLite's backup API (consistent even with a WAL in use), encrypted with the
    same ``key``; deletes copies beyond the newest :data:`KEEP_BACKUPS`;
    returns the copy."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    target = path.with_name(f"{path.stem}.antes-{label}-{stamp}.sqlite3")
    source = connect_raw(path, key)
    try:
        dest = connect_raw(target, key)
        try:
            source.backup(dest)
        finally:
            dest.close()
    finally:
        source.close()
    _restrict(target)
    for old in migration_backups(path)[:-KEEP_BACKUPS]:
        old.unlink(missing_ok=True)
    return target


def migration_backups(path: Path) -> list[Path]:
    """Pre-migration copies of the store at ``path``, oldest first."""
    return sorted(path.parent.glob(f"{path.stem}.antes-*.sqlite3"), key=lambda p: p.name.rsplit("-", 1)[-1])


def migrate(engine: Engine, path: Path | None = None, revision: str = "head",
            key: bytes | None = None) -> Path | None:
    """Upgrade the database to ``revision`` (default: head).

    When the file already holds data at an older revision, it is first
    copied aside with :func:`backup_file` (needs ``key``); the copy's path is returned
    (``None`` when nothing was copied). Raises :class:`StoreOpenError` with
    a Spanish message if the migration fails; the copy stays.
    """
    current = current_revision(engine)
    target = head_revision() if revision == "head" else revision
    if current == target:
        return None
    copy = None
    if path is not None and key is not None and current is not None and path.exists():
        copy = backup_file(path, f"rev{current}", key)
    cfg = _alembic_config()
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, target)
    except Exception as exc:  # any failure must name the backup, not lose it
        where = f" Se guardó una copia en {copy}." if copy else ""
        raise StoreOpenError(f"No se pudo actualizar la base de datos local: {exc}.{where}") from exc
    return copy
