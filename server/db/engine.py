"""Engines, sessions and the retrying transaction helper.

- PostgreSQL URLs (``postgresql://…``) use psycopg 3 (``postgresql+psycopg``).
- SQLite files get WAL, ``synchronous=FULL``, ``foreign_keys=ON``, a 30 s busy timeout and
  ``BEGIN IMMEDIATE`` for every transaction, so two writers never fail on a
  lock upgrade — SQLite then serializes writers itself.
- Both engines use ``hide_parameters=True``: a failed statement's bound values (CURPs, names,
  password hashes) never reach a log line or an exception message (#13 item 8); on PostgreSQL
  the server's ``DETAIL`` line, which repeats the row's values, is dropped too
  (:func:`_hide_row_values`).
- :func:`database_problem` names, in Spanish, why a database cannot be used (closed port, missing
  database, garbage SQLite file, full disk) for the CLI's exit-2 messages.
- :func:`run_transaction` retries a whole unit of work on a deadlock,
  serialization failure or a busy SQLite file, so such errors never reach a
  client (issue 3, concurrency).
"""
from __future__ import annotations

import logging
import random
import time
from pathlib import Path
from typing import Callable, TypeVar

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger("server.db")
#: ``PRAGMA synchronous`` of SQLite servers. FULL: every commit is fsynced before the answer is sent,
#: so an acknowledged command survives a power cut (``tests/sync/test_powercut_server.py``).
SQLITE_SYNCHRONOUS = "FULL"
T = TypeVar("T")


def normalize_url(url: str) -> str:
    """Return ``url`` with the psycopg 3 driver for PostgreSQL; a bare path becomes ``sqlite:///path``.

    Raises ``ValueError`` (Spanish) for other back-ends.
    """
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser().resolve()}"
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "postgresql":
        return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    if backend == "sqlite":
        return url
    raise ValueError(f"Base de datos no admitida: {backend}. Use PostgreSQL o SQLite.")


def make_engine(url: str, pool_size: int = 20) -> Engine:
    """Create the engine for ``url`` (see module docstring for the per-back-end setup)."""
    url = normalize_url(url)
    if url.startswith("sqlite"):
        parsed = make_url(url)
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, hide_parameters=True)

        @event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_conn, _record):
            dbapi_conn.isolation_level = None  # we emit BEGIN ourselves
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute(f"PRAGMA synchronous={SQLITE_SYNCHRONOUS}")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    engine = create_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True,
                           pool_timeout=60, hide_parameters=True, connect_args={"connect_timeout": 10})
    event.listen(engine, "handle_error", _hide_row_values)
    return engine


#: What replaces PostgreSQL's ``DETAIL``/``HINT`` lines in an error's text.
HIDDEN_DETAIL = "DETAIL: (oculto: puede contener datos personales)"


def _hide_row_values(context) -> None:
    """``handle_error`` hook of PostgreSQL engines: keep only the primary line of the server's
    message. PostgreSQL repeats the offending values in ``DETAIL`` ("Failing row contains
    (…CURP…)", "Key (curp)=(…) already exists"), which ``hide_parameters`` does not cover; the
    structured fields (``sqlstate``, ``diag``) stay for the code that needs them."""
    orig = context.original_exception
    text_ = str(orig)
    primary, sep, _ = text_.partition("\nDETAIL:")
    if not sep:
        primary, sep, _ = text_.partition("\nHINT:")
    if not sep:
        return
    hidden = f"{primary.rstrip()}\n{HIDDEN_DETAIL}"
    orig.args = (hidden,)
    wrapper = context.sqlalchemy_exception  # its message was built from the original text already
    if wrapper is not None:
        wrapper.args = tuple(a.replace(text_, hidden) if isinstance(a, str) else a for a in wrapper.args)


def is_postgres(engine: Engine) -> bool:
    """True when ``engine`` talks to PostgreSQL."""
    return engine.dialect.name == "postgresql"


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that do not expire objects on commit (answers are built after commit), with the
    length check of :func:`check_string_lengths` before every flush."""
    factory = sessionmaker(engine, expire_on_commit=False)
    event.listen(factory, "before_flush", check_string_lengths)
    return factory


def check_string_lengths(session: Session, _flush_context=None, _instances=None) -> None:
    """``before_flush`` hook: refuse (422 ``invalid_field``, Spanish, naming the field) any new or
    changed ORM object whose text exceeds its ``String(n)`` column.

    PostgreSQL refuses such a value with an error (a 500 before any API check), SQLite stores it
    whole: this one check, on both back-ends, makes the limit the same and the answer a clear 422
    wherever a request field's own bound was looser than its column (#13 item 8). Lengths count
    characters, as PostgreSQL's ``varchar(n)`` does.
    """
    for obj in (*session.new, *session.dirty):
        check_object_lengths(obj)


def check_object_lengths(obj) -> None:
    """The check of :func:`check_string_lengths` for one ORM object ``obj`` (also for writers that
    bypass the flush, e.g. :func:`server.sync.stamping.stamp_command`): 422 ``invalid_field``."""
    from server.errors import ApiError

    state = obj.__dict__  # loaded attribute values; an unloaded one was not changed here
    for key, length in _bounded_columns(type(obj)):
        value = state.get(key)
        if isinstance(value, str) and len(value) > length:
            raise ApiError("invalid_field", f"El campo «{key}» admite como máximo {length} caracteres "
                                                 f"(se recibieron {len(value)}).", key)


_BOUNDED: dict[type, tuple[tuple[str, int], ...]] = {}


def _bounded_columns(cls: type) -> tuple[tuple[str, int], ...]:
    """``(attribute, length)`` of the ``String(n)`` columns of the mapped class ``cls`` (cached)."""
    found = _BOUNDED.get(cls)
    if found is None:
        from sqlalchemy import String, inspect

        found = tuple((attr.key, attr.columns[0].type.length) for attr in inspect(cls).column_attrs
                      if isinstance(attr.columns[0].type, String) and attr.columns[0].type.length)
        _BOUNDED[cls] = found
    return found


def database_problem(exc: BaseException, url: str) -> str | None:
    """A Spanish sentence saying why the database at ``url`` cannot be used, when ``exc``
    (raised while connecting, migrating or writing) is that kind of failure; ``None`` otherwise.

    Recognised: connection refused / host not found / timeout / bad credentials / missing
    database (PostgreSQL), a file that is not an SQLite database or cannot be opened, a
    read-only database, a full disk (``SQLITE_FULL``, PostgreSQL 53100, ``ENOSPC``). The URL's
    password is never shown.
    """
    import errno as _errno

    try:
        parsed = make_url(normalize_url(url))
    except Exception:  # noqa: BLE001 - an unparsable URL is described by the caller
        parsed = None
    where = "la base de datos"
    if parsed is not None:
        if parsed.get_backend_name() == "sqlite":
            where = f"el archivo SQLite {parsed.database}"
        else:
            where = f"PostgreSQL en {parsed.host or 'localhost'}:{parsed.port or 5432}"
    if isinstance(exc, OSError) and exc.errno == _errno.ENOSPC:
        return "El disco está lleno: no se pudo escribir. Libere espacio y vuelva a intentarlo."
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    text_ = str(orig)
    lower = text_.lower()
    sqlstate = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if "database or disk is full" in lower or sqlstate == "53100" or "no space left" in lower:
        return f"El disco de {where} está lleno: no se pudo escribir. Libere espacio y vuelva a intentarlo."
    if "file is not a database" in lower or "file is encrypted or is not a database" in lower \
            or "database disk image is malformed" in lower:
        return f"No se puede usar {where}: no es una base de datos SQLite válida (¿está dañado o es otro archivo?)."
    if "unable to open database file" in lower:
        return f"No se pudo abrir {where} (¿la carpeta existe y se puede escribir en ella?)."
    if "readonly database" in lower or "read-only" in lower:
        return f"No se puede escribir en {where}: es de solo lectura."
    if "connection refused" in lower:
        return f"No se pudo conectar con {where}: la conexión fue rechazada (¿el servicio está detenido o el puerto es otro?)."
    if "does not exist" in lower and "database" in lower:
        name = parsed.database if parsed is not None else ""
        return f"No existe la base de datos «{name}» en {where}; créela o revise --db."
    if "could not translate host name" in lower or "name or service not known" in lower \
            or "nodename nor servname" in lower or "failed to resolve" in lower:
        return f"No se encontró el servidor de {where} (falla de DNS); revise --db."
    if "password authentication failed" in lower or "no password supplied" in lower \
            or "role" in lower and "does not exist" in lower:
        return f"{where[0].upper()}{where[1:]} rechazó el usuario o la contraseña; revise --db."
    if "timeout" in lower or "timed out" in lower:
        return f"{where[0].upper()}{where[1:]} no respondió a tiempo."
    if isinstance(exc, OperationalError):
        return f"No se pudo usar {where}: {type(orig).__name__}."
    return None


_RETRY_PGCODES = {"40P01", "40001", "55P03"}  # deadlock, serialization failure, lock not available


def is_retryable(exc: BaseException) -> bool:
    """True for a deadlock / serialization failure (PostgreSQL) or a busy file (SQLite)."""
    if isinstance(exc, DBAPIError):
        orig = exc.orig
        code = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
        if code in _RETRY_PGCODES:
            return True
        if isinstance(exc, OperationalError) and "database is locked" in str(orig):
            return True
    return False


def run_transaction(factory: sessionmaker[Session], work: Callable[[Session], T], attempts: int = 8,
                    retry_integrity: bool = False) -> T:
    """Run ``work(session)`` in one transaction and commit; retry on retryable errors.

    ``retry_integrity`` also retries once on an ``IntegrityError`` (two
    concurrent inserts of the same key: the retry sees the row and answers
    with a proper refusal). Non-retryable exceptions (including
    :class:`server.errors.ApiError`) roll back and propagate.
    """
    integrity_retried = False
    for attempt in range(1, attempts + 1):
        with factory() as session:
            try:
                with session.begin():
                    return work(session)
            except IntegrityError:
                if retry_integrity and not integrity_retried:
                    integrity_retried = True
                    continue
                raise
            except DBAPIError as exc:
                if not is_retryable(exc) or attempt == attempts:
                    raise
                log.info("Reintento %d de una transacción (%s)", attempt, type(exc.orig).__name__)
                time.sleep(min(0.5, 0.01 * 2 ** attempt) * random.random())
    raise RuntimeError("unreachable")
