"""Database and operating-system errors said as what the operator can do.

An exception from SQLite/SQLAlchemy or the OS reaches the desk as English text
with a link («(sqlite3.OperationalError) database or disk is full (Background
on this error at: https://sqlalche.me/…)»). :func:`operator_message` maps the
known causes to a Spanish sentence that says what happened to the data and
what to do; anything unknown gets a generic sentence, never the raw text.
Sources: SQLite result codes (sqlite.org/rescode.html: SQLITE_FULL, BUSY,
READONLY, CANTOPEN, IOERR, CORRUPT) and POSIX errno.
"""
from __future__ import annotations

import errno

from PySide6.QtCore import QCoreApplication


def _t(text: str) -> str:
    return QCoreApplication.translate("errors", text)


#: SQLite message fragment → (Spanish text), checked in order.
_SQLITE = (
    ("database or disk is full", "El disco de la estación está lleno: no se guardó nada de esta acción y lo "
                                 "anterior está a salvo. Libere espacio (borre descargas o archivos temporales) y "
                                 "vuelva a intentar."),
    ("database is locked", "La base de datos local está ocupada por otra ventana o proceso de la estación. Espere "
                           "unos segundos y vuelva a intentar; si sigue igual, cierre las otras ventanas de "
                           "Credencialización."),
    ("readonly database", "La base de datos local está en modo de solo lectura: revise los permisos de la carpeta "
                          "de datos o que el disco no esté protegido contra escritura."),
    ("attempt to write a readonly", "La base de datos local está en modo de solo lectura: revise los permisos de la "
                                    "carpeta de datos o que el disco no esté protegido contra escritura."),
    ("unable to open database", "No se pudo abrir la base de datos local: revise que la carpeta de datos exista y que "
                                "su usuario pueda escribir en ella."),
    ("disk i/o error", "El disco de la estación falló al leer o escribir: no se guardó esta acción. Revise el disco "
                       "(o la memoria USB) y avise a soporte técnico."),
    ("malformed", "La base de datos local está dañada. No siga capturando en esta estación y avise a soporte "
                  "técnico: hay una copia previa junto al archivo."),
)

_ERRNO = {
    errno.ENOSPC: "El disco de la estación está lleno: libere espacio y vuelva a intentar; no se guardó esta acción.",
    errno.EACCES: "Su usuario no tiene permiso para escribir en esa carpeta: elija otra o pida permiso a soporte "
                  "técnico.",
    errno.EPERM: "Su usuario no tiene permiso para escribir en esa carpeta: elija otra o pida permiso a soporte "
                 "técnico.",
    errno.EROFS: "El disco o la memoria USB está protegido contra escritura: quite la protección o elija otra "
                 "carpeta.",
    errno.ENOENT: "La carpeta o el archivo ya no existe: revise la ruta (¿se desconectó la memoria USB?).",
    errno.EIO: "El disco falló al leer o escribir: revise el disco o la memoria USB y vuelva a intentar.",
}

GENERIC = "Ocurrió un error inesperado; el detalle quedó en el registro de la estación."


def operator_message(exc: BaseException) -> str | None:
    """A Spanish sentence for a database or OS error, or ``None`` when ``exc`` is neither."""
    chain, seen = [], set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append(current)
        current = getattr(current, "orig", None) or current.__cause__ or current.__context__
    for e in chain:
        name = type(e).__module__ + "." + type(e).__name__
        if "sqlite" in name.lower() or "sqlalchemy" in name.lower():
            text = str(e).lower()
            for fragment, message in _SQLITE:
                if fragment in text:
                    return _t(message)
        if isinstance(e, OSError) and e.errno in _ERRNO:
            return _t(_ERRNO[e.errno])
    if any("sqlalchemy" in type(e).__module__ or "sqlite3" in type(e).__module__ for e in chain):
        return _t(GENERIC)
    return None
