"""``credencializacion`` command line (console entry point of the station, ``app.cli:main``).

Sub-commands are dispatched lazily to the module that owns them, so a
sub-command never pays for importing Qt, OpenCV or the server unless it
needs them. Each target is ``module:function`` taking ``argv`` (list of
str) and returning the process exit code.
"""
from __future__ import annotations

import importlib
import sys

#: sub-command → (``module:function``, Spanish one-line help)
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "photo-check": ("station.photo.cli:main", "Revisa la calidad de una foto y la recorta (480×640)."),
    "devices": ("app.devices:main", "Lista cámaras y pads de firma y su estado."),
    "pad-record": ("app.pad_record:main", "Graba los reportes crudos de un pad Topaz a un archivo."),
    "card": ("station.documents.cli:card_main", "Genera la credencial temporal en PDF."),
    "verify-qr": ("station.documents.cli:verify_main", "Verifica el QR firmado de una credencial."),
    "report": ("station.documents.cli:report_main", "Exporta el reporte de estatus (PDF/XLSX)."),
    "sync": ("station.sync.cli:main", "Ejecuta una ronda de sincronización con el servidor central."),
    "aviso": ("station.documents.privacy:aviso_main", "Genera el aviso de privacidad integral en PDF."),
    "store-key": ("station.store.cli:main", "Respalda o restaura la clave de cifrado del almacén local."),
    "setup": ("app.gui:setup_main", "Abre el asistente de configuración de la estación."),
}

USAGE = """Uso: credencializacion [--version | --self-check | --demo] | <subcomando> [opciones]

Opciones:
  --version      Muestra la versión.
  --self-check   Revisa almacén local, llavero y paquetes; imprime JSON.
  --demo         Inicia la estación de demostración con un servidor embebido.

Subcomandos:
"""


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("credencializacion")
    except PackageNotFoundError:  # running from a source tree or a frozen build
        return "0.1.0"


def _dispatch(target: str, argv: list[str]) -> int:
    module_name, func_name = target.split(":")
    module = importlib.import_module(module_name)
    try:
        return int(getattr(module, func_name)(argv) or 0)
    except SystemExit as exc:  # argparse's usage errors (already printed in Spanish): 2; --help: 0
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)


def main(argv: list[str] | None = None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``); returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv:
        return _dispatch("app.gui:main", argv)
    head = argv[0]
    if head in ("-h", "--help", "help"):
        width = max(len(name) for name in SUBCOMMANDS)
        print(USAGE + "\n".join(f"  {name.ljust(width)}  {text}" for name, (_, text) in SUBCOMMANDS.items()))
        return 0
    if head == "--version":
        print(f"credencializacion {_version()}")
        return 0
    if head == "--self-check":
        from app.selfcheck import main as self_check

        return self_check(argv[1:])
    if head.startswith("--") or head not in SUBCOMMANDS:
        if head in ("--demo",) or head.startswith("--"):
            return _dispatch("app.gui:main", argv)
        print(f"Subcomando desconocido: «{head}». Use --help para ver la lista.", file=sys.stderr)
        return 2
    return _dispatch(SUBCOMMANDS[head][0], argv[1:])


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
