"""Database and OS errors reach the desk as what the operator can do, in
Spanish, without SQLAlchemy's English text or link (issue 16)."""
from __future__ import annotations

import errno
import sqlite3

from sqlalchemy.exc import OperationalError

from ui.workers import error_text


def test_full_disk_from_sqlalchemy_is_said_in_spanish():
    exc = OperationalError("INSERT INTO outbox …", {}, sqlite3.OperationalError("database or disk is full"))
    assert "sqlalche.me" in str(exc)  # what the desk used to show
    text = error_text(exc)
    assert text.startswith("El disco de la estación está lleno") and "Libere espacio" in text
    assert "sqlite" not in text.lower() and "http" not in text


def test_locked_database_and_os_errors():
    locked = OperationalError("UPDATE students", {}, sqlite3.OperationalError("database is locked"))
    assert "ocupada" in error_text(locked)
    assert "permiso" in error_text(PermissionError(errno.EACCES, "Permission denied", "/x"))
    assert "lleno" in error_text(OSError(errno.ENOSPC, "No space left on device"))
    unknown = OperationalError("SELECT", {}, sqlite3.OperationalError("no such table: x"))
    assert error_text(unknown) == "Ocurrió un error inesperado; el detalle quedó en el registro de la estación."


def test_station_messages_pass_through():
    class Refused(Exception):
        message = "No se puede validar: falta vigencia."

    assert error_text(Refused()) == "No se puede validar: falta vigencia."
