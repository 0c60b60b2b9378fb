"""``credencializacion photo-check IMAGE [--out CROPPED.jpg] [--json]``.

Runs the photo pipeline on an image file. Exit codes: 0 accepted, 1 not accepted,
2 the file cannot be read or written (Spanish message on stderr, no traceback).
"""
from __future__ import annotations

import argparse
import json
import os
import sys

from station.photo.encode import encode_jpeg
from station.photo.geometry import crop_token
from station.photo.io import ImageReadError, read_image
from station.photo.quality import CHECK_LABELS, analyze


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # Spanish usage errors, exit 2
        self.print_usage(sys.stderr)
        print(f"photo-check: error: {message}", file=sys.stderr)
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (Spanish help)."""
    parser = _Parser(prog="credencializacion photo-check",
                     description="Revisa la calidad de una foto de rostro y la recorta a 480×640.")
    parser.add_argument("image", metavar="IMAGEN", help="archivo de imagen (JPEG, PNG…)")
    parser.add_argument("--out", metavar="RECORTE.jpg", help="guarda el recorte 480×640 en JPEG (≤ 60 KB)")
    parser.add_argument("--json", action="store_true", help="imprime el resultado como un objeto JSON")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point; ``argv`` without the sub-command name. Returns the exit code (0/1/2)."""
    try:
        args = build_parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    except SystemExit as exc:
        return int(exc.code or 0)
    try:
        image = read_image(args.image)
        analysis = analyze(image)
    except (ImageReadError, ValueError) as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2
    out_written = None
    if args.out:
        if analysis.eyes is None:
            print("No se guardó el recorte: no se encontró un rostro.", file=sys.stderr)
        else:
            data = encode_jpeg(crop_token(image, analysis.eyes))
            try:
                with open(args.out, "wb") as fh:
                    fh.write(data)
            except OSError as exc:
                print(f"Error: no se pudo escribir «{args.out}»: {exc.strerror or exc}.", file=sys.stderr)
                return 2
            out_written = os.fspath(args.out)
    if args.json:
        payload = analysis.to_dict()
        payload["out"] = out_written
        print(json.dumps(payload, ensure_ascii=False))
    else:
        print(f"{'ACEPTADA' if analysis.accepted else 'RECHAZADA'}: {analysis.message}")
        print(f"Rostros: {analysis.face_count}")
        for c in analysis.checks:
            value = "—" if c.value is None else f"{c.value:.3g}"
            print(f"  [{'✓' if c.ok else '✗'}] {CHECK_LABELS[c.name]:<15} {c.score:5.1f}  {value:>8}  {c.message}")
        if out_written:
            print(f"Recorte guardado en {out_written}")
    return 0 if analysis.accepted else 1
