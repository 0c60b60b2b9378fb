"""Entry point of the station's window (placeholder until the UI issue lands)."""
from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """Start the Qt application. Until the screens land this only says so (Spanish)."""
    print("La interfaz de la estación aún no está disponible en esta versión; use --self-check.",
          file=sys.stderr)
    return 2
