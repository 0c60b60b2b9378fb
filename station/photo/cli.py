"""``credencializacion photo-check IMAGE [--out CROPPED.jpg] [--json] [--zoom Z] [--offset DX,DY] [--detector NAME]``.

Runs the photo pipeline on an image file and judges the crop that ``--out`` saves (the
operator's zoom and drag, token px). ``--json`` prints every check with each measure's value,
threshold and unit, the check to fix first, and the detector used. Exit codes: 0 accepted,
1 not accepted, 2 bad arguments or the file cannot be read or written (Spanish message on
stderr, no traceback).
"""
from __future__ import annotations

import argparse
import json
import os
import sys

from station.domain.cliargs import SpanishArgumentParser, finite_float
from station.photo.detectors import available_detectors
from station.photo.encode import encode_jpeg
from station.photo.geometry import crop_token
from station.photo.io import ImageReadError, read_image
from station.photo.quality import CHECK_LABELS, PhotoConfig, analyze


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (Spanish help)."""
    parser = SpanishArgumentParser(prog="credencializacion photo-check",
                     description="Revisa la calidad de una foto de rostro y la recorta a 480×640.")
    parser.add_argument("image", metavar="IMAGEN", help="archivo de imagen (JPEG, PNG…)")
    parser.add_argument("--out", metavar="RECORTE.jpg", help="guarda el recorte 480×640 en JPEG (≤ 60 KB)")
    parser.add_argument("--json", action="store_true", help="imprime el resultado como un objeto JSON")
    parser.add_argument("--zoom", type=_zoom, default=1.0, metavar="Z",
                        help="zoom del recorte como en la pantalla de captura (1 = geometría ISO; 0.7–2)")
    parser.add_argument("--offset", type=_offset, default=(0.0, 0.0), metavar="DX,DY",
                        help="desplazamiento del rostro en el recorte, en px de la foto 480×640 (p. ej. 0,-20)")
    parser.add_argument("--detector", choices=available_detectors(), default=PhotoConfig().detector,
                        help="detector de rostros (predeterminado: %(default)s)")
    return parser


def _zoom(text: str) -> float:
    value = finite_float(text)
    if not 0.1 <= value <= 10:
        raise argparse.ArgumentTypeError(f"el zoom debe estar entre 0.1 y 10: «{text}»")
    return value


def _offset(text: str) -> tuple[float, float]:
    parts = text.split(",")
    if len(parts) != 2:
        raise argparse.ArgumentTypeError(f"el desplazamiento se escribe DX,DY (p. ej. 0,-20): «{text}»")
    return finite_float(parts[0]), finite_float(parts[1])


def _same_file(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` name the same file (same path, symlink or hard link)."""
    try:
        if os.path.exists(b):
            return os.path.samefile(a, b)
        return os.path.realpath(a) == os.path.realpath(b)
    except OSError:
        return False


def main(argv: list[str] | None = None) -> int:
    """Entry point; ``argv`` without the sub-command name. Returns the exit code (0/1/2)."""
    try:
        args = build_parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    except SystemExit as exc:
        return int(exc.code or 0)
    if args.out and _same_file(args.image, args.out):
        print(f"Error: --out no puede ser la misma imagen de entrada («{args.out}»); elija otro archivo "
              "para no sobrescribir la original.", file=sys.stderr)
        return 2
    try:
        image = read_image(args.image)
        analysis = analyze(image, PhotoConfig(detector=args.detector), zoom=args.zoom, offset=args.offset)
    except (ImageReadError, ValueError) as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2
    out_written = None
    if args.out:
        if analysis.eyes is None:
            print("No se guardó el recorte: no se encontró un rostro.", file=sys.stderr)
        else:
            data = encode_jpeg(crop_token(image, analysis.eyes, zoom=args.zoom, offset=args.offset))
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
        print(f"Rostros: {analysis.face_count} (detector: {analysis.detector})")
        for c in analysis.checks:
            print(f"  [{'✓' if c.ok else '✗'}] {CHECK_LABELS[c.name]:<16} {c.message}")
            for x in c.measures:
                value = "—" if x.value is None else f"{x.value:.3g}"
                print(f"        {x.name:<24} {value:>8} {x.op} {x.threshold:g} {x.unit}")
        if out_written:
            print(f"Recorte guardado en {out_written}")
    return 0 if analysis.accepted else 1
