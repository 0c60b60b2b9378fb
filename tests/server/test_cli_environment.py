"""``credencializacion-server`` refuses bad usage and an unusable environment in Spanish with exit
code 2 and no traceback (#13 item 8): argparse errors, out-of-range ports, negative counts, a host
that does not resolve, a port in use, a database that cannot be reached or is not a database, a
full disk. Each case runs the real entry point :func:`server.cli.main` in-process."""
from __future__ import annotations

import socket
import sqlite3

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from server.cli import main
from server.testing import free_port, seed
from tests.server.helpers import csv_bytes, matricula, sae_row


def run(capsys, *argv) -> tuple[int, str]:
    """``main(argv)``'s exit code (a usage error's ``SystemExit`` code included) and its stderr."""
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = exc.code
    out = capsys.readouterr()
    assert "Traceback" not in out.err + out.out
    return code, out.err


@pytest.mark.parametrize("argv, said", [
    (["serve", "--port", "70000"], "entre 1 y 65535"),
    (["serve", "--port", "0"], "entre 1 y 65535"),
    (["serve", "--port", "-1"], "entre 1 y 65535"),
    (["serve", "--port", "ochenta"], "no es un número entero"),
    (["serve", "--workers", "-2"], "debe ser 1 o mayor"),
    (["serve", "--trusted-proxy", "proxy.local"], "no es una dirección IP"),
    (["demo-data", "--students", "-5"], "no puede ser negativo"),
    (["demo-data", "--campuses", "0"], "debe ser 1 o mayor"),
    (["print-order", "advance", "-3"], "debe ser 1 o mayor"),
    (["mail", "sender", "add", "x", "--from", "a@b.mx", "--host", "h", "--per-minute", "-1"], "debe ser 1 o mayor"),
    (["mail", "worker", "--heartbeat", "nan"], "no es un número finito"),
    (["mail", "worker", "--bounce-poll", "-1"], "no puede ser negativo"),  # 0 = never is allowed
    (["no-existe"], "opción no válida"),
    (["serve", "--no-existe"], "opciones no reconocidas"),
    (["create-user", "x"], "faltan los argumentos"),
])
def test_usage_errors_are_spanish_with_exit_2(capsys, argv, said):
    code, err = run(capsys, *argv)
    assert code == 2
    assert said in err and "Uso: credencializacion-server" in err
    for english in ("usage:", "error:", "invalid", "required", "choose from"):
        assert english not in err


def test_help_exits_0(capsys):
    code, _ = run(capsys, "serve", "--help")
    assert code == 0


def test_bad_host_is_refused_before_the_database_is_touched(capsys, tmp_path):
    db = tmp_path / "h.sqlite3"
    code, err = run(capsys, "serve", "--db", f"sqlite:///{db}", "--host", "no-existe.invalid", "--port",
                    str(free_port()))
    assert code == 2 and "No se reconoce la dirección «no-existe.invalid»" in err
    code, err = run(capsys, "serve", "--db", f"sqlite:///{db}", "--host", "192.0.2.77", "--port", str(free_port()))
    assert code == 2 and "no pertenece a este equipo" in err
    assert not db.exists()


def test_port_in_use_is_named(capsys, tmp_path):
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen(1)
    try:
        port = taken.getsockname()[1]
        code, err = run(capsys, "serve", "--db", f"sqlite:///{tmp_path / 'p.sqlite3'}", "--port", str(port))
    finally:
        taken.close()
    assert code == 2 and f"El puerto {port} ya está en uso" in err


def test_unsupported_or_garbage_db_url(capsys):
    code, err = run(capsys, "migrate", "--db", "mysql://u@h/base")
    assert code == 2 and "Base de datos no admitida" in err
    code, err = run(capsys, "migrate", "--db", "postgresql://u:secreta@h:notaport/base")
    assert code == 2 and "--db" in err and "secreta" not in err


def test_garbage_sqlite_file_is_named(capsys, tmp_path):
    garbage = tmp_path / "basura.sqlite3"
    garbage.write_bytes(b"esto no es una base de datos SQLite " * 200)
    code, err = run(capsys, "migrate", "--db", f"sqlite:///{garbage}")
    assert code == 2 and "no es una base de datos SQLite válida" in err
    assert garbage.read_bytes().startswith(b"esto no es")  # left as it was


def test_closed_postgres_port_is_named(capsys):
    port = free_port()  # nothing listens there
    code, err = run(capsys, "migrate", "--db", f"postgresql://postgres:clave-secreta@127.0.0.1:{port}/x")
    assert code == 2 and "conexión fue rechazada" in err and str(port) in err
    assert "clave-secreta" not in err


@pytest.mark.postgres
def test_missing_postgres_database_is_named(capsys):
    from tests.server.conftest import pg_or_skip
    from server.testing import drop_pg_database

    url = pg_or_skip()  # proves PostgreSQL answers; then ask for a database that is not there
    drop_pg_database(url)
    code, err = run(capsys, "migrate", "--db", url)
    assert code == 2 and "No existe la base de datos" in err


def test_full_disk_is_named_and_exits_2(capsys, tmp_path, monkeypatch):
    """SQLite reports a full disk as SQLITE_FULL ("database or disk is full"); a page limit on
    every connection makes the database file unable to grow, which SQLite reports the same way."""
    url = f"sqlite:///{tmp_path / 'lleno.sqlite3'}"
    seed(url, "clave-de-prueba", students=0, campuses=1)  # plantel 001 exists

    def cap(dbapi_conn, _record):
        if isinstance(dbapi_conn, sqlite3.Connection):
            pages = dbapi_conn.execute("PRAGMA page_count").fetchone()[0]
            dbapi_conn.execute(f"PRAGMA max_page_count = {pages}")

    event.listen(Engine, "connect", cap)
    try:
        sae = tmp_path / "sae.csv"
        sae.write_bytes(csv_bytes([sae_row(matricula(3, i)) for i in range(1, 400)]))
        code, err = run(capsys, "import-sae", "--db", url, str(sae))
    finally:
        event.remove(Engine, "connect", cap)
    assert code == 2 and "está lleno" in err


def test_no_space_left_writing_a_file_is_named(capsys):
    from server.db.engine import database_problem
    import errno

    assert "El disco está lleno" in database_problem(OSError(errno.ENOSPC, "No space left on device"), "x.db")
