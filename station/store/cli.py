"""``credencializacion store-key (export --out FILE | import FILE)``: back up and restore the store key.

For installers (issue 14 §3): ``export`` writes the store key sealed with a
passphrase (see :func:`station.store.keys.export_key_backup`); ``import``
puts it back in the OS keyring of a reinstalled desk after checking it opens
the store. The passphrase is asked twice on a terminal, or read from the
first line of standard input with ``--frase-stdin`` (scripts). Exit codes:
0 done, 2 bad input (arguments, file, passphrase, keyring) with a Spanish
message on stderr.
"""
from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path
from typing import Sequence

from station.domain.cliargs import SpanishArgumentParser

EXIT_OK, EXIT_INPUT = 0, 2


def _parser() -> SpanishArgumentParser:
    p = SpanishArgumentParser(prog="credencializacion store-key",
                              description="Respalda o restaura la clave de cifrado del almacén local.")
    sub = p.add_subparsers(dest="action", metavar="ACCIÓN", parser_class=SpanishArgumentParser)
    sub.required = True
    exp = sub.add_parser("export", help="Guarda una copia cifrada de la clave en un archivo.")
    exp.add_argument("--out", required=True, type=Path, metavar="ARCHIVO.json", help="Archivo a crear.")
    exp.add_argument("--frase-stdin", action="store_true", help="Leer la frase de paso de la entrada estándar.")
    imp = sub.add_parser("import", help="Restaura la clave desde una copia.")
    imp.add_argument("archivo", type=Path, metavar="ARCHIVO.json", help="Copia creada con «export».")
    imp.add_argument("--frase-stdin", action="store_true", help="Leer la frase de paso de la entrada estándar.")
    return p


def _passphrase(from_stdin: bool, confirm: bool) -> str:
    if from_stdin or not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Frase de paso: ")
    if confirm and getpass.getpass("Repita la frase de paso: ") != first:
        raise ValueError("Las dos frases de paso no coinciden.")
    return first


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit code (see module doc)."""
    try:
        args = _parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    except SystemExit as exc:
        return EXIT_OK if exc.code in (0, None) else EXIT_INPUT
    from station.config import ConfigError, load_config
    from station.secrets import SecretStoreError
    from station.store.db import StoreOpenError
    from station.store.keys import export_key_backup, import_key_backup

    def fail(message: str) -> int:
        print(f"Error: {message}", file=sys.stderr)
        return EXIT_INPUT

    try:
        config = load_config()
        path = config.store_path
        if args.action == "export":
            if args.out.exists():
                return fail(f"El archivo {args.out} ya existe; elija otro nombre (no se sobrescribe).")
            data = export_key_backup(path, _passphrase(args.frase_stdin, confirm=True))
            fd = os.open(args.out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            print(f"Copia cifrada de la clave guardada en {args.out}. Guárdela fuera de este equipo junto con "
                  "la frase de paso (por separado).")
            return EXIT_OK
        try:
            backup = args.archivo.read_bytes()[:1_000_000]
        except OSError as exc:
            return fail(f"No se pudo leer {args.archivo}: {exc.strerror or exc}.")
        identity = import_key_backup(path, backup, _passphrase(args.frase_stdin, confirm=False))
        print(f"Clave del almacén {identity[:8]}… restaurada en el llavero del sistema.")
        return EXIT_OK
    except (ConfigError, SecretStoreError, StoreOpenError, ValueError) as exc:
        return fail(str(exc))
    except OSError as exc:
        return fail(f"No se pudo escribir el archivo: {exc.strerror or exc}.")
