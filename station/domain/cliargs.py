"""Spanish command-line parsing shared by every ``credencializacion`` sub-command.

:class:`SpanishArgumentParser` is ``argparse`` with Spanish usage, help and
errors; a usage error prints ``Uso: …`` and ``Error: …`` on stderr and exits
with code 2 (never a traceback). Number options go through
:func:`finite_float` / :func:`positive_int`, which refuse ``nan``, ``inf`` and
text in Spanish. It lives beside the domain because ``drivers/`` may import
only ``station.domain`` (DESIGN.md §2).
"""
from __future__ import annotations

import argparse
import math

EXIT_INPUT = 2

_ARGPARSE_ES = {
    "the following arguments are required": "faltan los argumentos",
    "unrecognized arguments": "opciones no reconocidas",
    "expected one argument": "se esperaba un valor",
    "invalid choice": "opción no válida",
    "not allowed with argument": "no se permite junto con",
    "one of the arguments": "se requiere uno de los argumentos",
    "is required": "es obligatorio",
    "invalid float value": "número no válido",
    "invalid int value": "número entero no válido",
    "invalid": "no válido",
    "argument ": "opción ",
    "ambiguous option": "opción ambigua",
    "could match": "podría ser",
    "expected at least one argument": "se esperaba al menos un valor",
    "ignored explicit argument": "valor no admitido",
}


class SpanishArgumentParser(argparse.ArgumentParser):
    """argparse with Spanish usage/help/errors; errors exit with code 2."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("add_help", False)
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)
        self.add_argument("-h", "--help", action="help", help="Muestra esta ayuda y termina.")

    def format_usage(self) -> str:
        return super().format_usage().replace("usage:", "Uso:", 1)

    def format_help(self) -> str:
        text = super().format_help().replace("usage:", "Uso:", 1)
        return text.replace("positional arguments:", "Argumentos:").replace("options:", "Opciones:")

    def error(self, message: str):  # noqa: D401 - argparse API
        for en, es in _ARGPARSE_ES.items():
            message = message.replace(en, es)
        self.exit(EXIT_INPUT, f"{self.format_usage()}Error: {message}\n")


def finite_float(text: str) -> float:
    """``argparse`` type: a finite number (``nan``/``inf``/text refused in Spanish)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"«{text}» no es un número") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"«{text}» no es un número finito")
    return value


def positive_float(text: str) -> float:
    """``argparse`` type: a finite number > 0."""
    value = finite_float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"«{text}» debe ser mayor que cero")
    return value


def positive_int(text: str) -> int:
    """``argparse`` type: an integer ≥ 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"«{text}» no es un número entero") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"«{text}» debe ser 1 o mayor")
    return value
