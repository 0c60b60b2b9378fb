"""Test doubles (the virtual Topaz pad, cameras played from files) work only in demo or test mode.

A desk configured by mistake with the virtual pad or the demo photo would enrol students with a
fake signature or a stock face; so these doubles refuse to open unless the process declared itself
a demonstration or a test run (as Dangerzone's dummy conversion provider refuses outside its
development mode). The mode is not product configuration: ``app.demo`` sets ``"demo"``, the test
suite (tests/conftest.py), the frozen-build test and the benchmarks set ``"prueba"``. It is kept in
the environment variable :data:`MODE_ENV` so the subprocesses a test starts (CLI, frozen build)
inherit it.
"""
from __future__ import annotations

import os

MODE_ENV = "CREDENCIALIZACION_MODO"
#: the modes in which test doubles may open
DOUBLE_MODES = ("demo", "prueba")


def set_mode(mode: str) -> None:
    """Declare this process (and its children) a demonstration (``"demo"``) or a test run (``"prueba"``).
    ``ValueError`` for any other mode."""
    if mode not in DOUBLE_MODES:
        raise ValueError(f"modo desconocido: {mode!r}; use {', '.join(DOUBLE_MODES)}")
    os.environ[MODE_ENV] = mode


def doubles_allowed() -> bool:
    """Whether the process runs in demo or test mode."""
    return os.environ.get(MODE_ENV, "").strip() in DOUBLE_MODES


def double_refusal(what: str) -> str | None:
    """``None`` in demo/test mode; otherwise the Spanish message that ``what`` (e.g. "El pad Topaz
    virtual") refuses to open with."""
    if doubles_allowed():
        return None
    return (f"{what} es solo para demostración y pruebas; en una estación real elija un dispositivo "
            "real en Configuración.")
