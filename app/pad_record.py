"""``credencializacion pad-record FILE``: record the raw HID reports of a Topaz
pad with host timestamps, so the decoder tables can be checked against real
traffic; and :func:`replay` to decode such a file (tests, calibration).

File format (JSON Lines, UTF-8)::

    {"format": "credencializacion.pad-record", "version": 1, "started_at": "...Z",
     "device": {DeviceInfo.to_dict()}, "layout": "hsb8", "calibration": {...}}
    {"t": 12.345, "hex": "00e5100520030000"}      # t = host ms since start
    {"t": 950.0, "event": "disconnected"}          # state changes, for context

Usage::

    credencializacion pad-record firma-real.jsonl [--seconds 30] [--pid 0x0043]
                                                  [--model LBK460] [--virtual]
"""
from __future__ import annotations

import json
import math
import os
import stat
import sys
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from drivers.signature.base import PadState, StateEvent, now_ms
from drivers.signature.model import Signature, SignatureBuilder
from drivers.signature.topaz_protocol import (
    Calibration,
    ReportLayout,
    TopazDecoder,
    calibration_for,
    layout_for,
)
from station.domain.errors import UserError

FORMAT = "credencializacion.pad-record"
VERSION = 1
#: Largest recording read (bytes): minutes of traffic are a few MB.
MAX_RECORDING_BYTES = 100_000_000


class RecordingFormatError(UserError, ValueError):
    """The file is not a pad recording; ``message`` is Spanish."""

    code = "recording_invalid"


def read_recording(path: str | Path) -> tuple[dict[str, Any], list[tuple[float, bytes]]]:
    """``(header, [(t_ms, report_bytes), ...])`` of a recording (events skipped).

    Raises :class:`RecordingFormatError` (Spanish) for a missing, unreadable,
    non-regular (FIFO, device, folder) or oversized file, text that is not
    UTF-8, another format, or a damaged line — a line that is not a JSON
    object, a time that is not a finite number, hex that is not hex or longer
    than a HID report (the line number is in the message).
    """
    path = Path(path)
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            raise RecordingFormatError(f"«{path}» no es un archivo de grabación (carpeta, tubería o dispositivo).")
        if info.st_size > MAX_RECORDING_BYTES:
            raise RecordingFormatError(f"«{path.name}» es demasiado grande para ser una grabación de pad.")
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise RecordingFormatError(f"No se pudo leer la grabación «{path}»: {exc.strerror or exc}.") from None
    except (UnicodeDecodeError, ValueError):
        raise RecordingFormatError(f"«{path.name}» no es una grabación de pad de Credencialización "
                                   "(no es texto UTF-8).") from None
    try:
        header = json.loads(lines[0]) if lines else {}
    except ValueError:
        header = {}
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise RecordingFormatError(f"«{path.name}» no es una grabación de pad de Credencialización.")
    if header.get("version") != VERSION:
        raise RecordingFormatError(f"«{path.name}» es de una versión de grabación desconocida "
                                   f"({header.get('version')!r}).")
    for key in ("device", "calibration"):
        if header.get(key) is not None and not isinstance(header[key], dict):
            raise RecordingFormatError(f"El encabezado de «{path.name}» está dañado («{key}»).")
    reports = []
    for n, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            if not isinstance(item, dict):
                raise TypeError
            if "hex" in item:
                t = item["t"]
                if isinstance(t, bool) or not isinstance(t, (int, float)) or not math.isfinite(t):
                    raise ValueError
                data = bytes.fromhex(item["hex"])
                if not data or len(data) > 64:
                    raise ValueError
                reports.append((float(t), data))
        except (ValueError, KeyError, TypeError) as exc:
            raise RecordingFormatError(f"La línea {n} de «{path.name}» está dañada.") from exc
    return header, reports


def replay(
    path: str | Path,
    *,
    layout: ReportLayout | None = None,
    calibration: Calibration | None = None,
) -> tuple[Signature, dict[str, int]]:
    """Decode a recording into a :class:`Signature` (logical units, the file's
    host times) and the decoder's counters (``{"position": n, "noise": n, ...}``).

    ``layout``/``calibration`` default to the ones named in the file header, so
    a corrected table can be tried on old traffic by passing it here.
    """
    from drivers.signature.model import DeviceInfo

    header, reports = read_recording(path)
    try:
        layout = layout or layout_for(header.get("layout"))
        calibration = calibration or calibration_for(
            (header.get("device") or {}).get("model"), header.get("calibration")
        )
        device_doc = header.get("device")
        device = DeviceInfo.from_dict(device_doc) if device_doc else DeviceInfo(kind="topaz")
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise RecordingFormatError(f"El encabezado de «{Path(path).name}» está dañado ({exc}).") from None
    decoder = TopazDecoder(layout, calibration)
    device.logical_width, device.logical_height = calibration.logical
    builder = SignatureBuilder(device)
    for t, report in reports:
        s = decoder.feed(report)
        if s is None:
            continue
        if s.kind == "position":
            builder.add(s.x, s.y, t, s.down)  # type: ignore[arg-type]
        elif s.kind == "lift":
            builder.add(0.0, 0.0, t, False)
    builder.end_stroke()
    sig = builder.signature()
    sig.started_at = header.get("started_at", sig.started_at)
    return sig, dict(decoder.stats)


class _Writer:
    """Writes lines in arrival order; lines arriving before the header are held back."""

    def __init__(self, fh, t0: float):
        self.fh, self.t0 = fh, t0
        self.count = 0
        self._lock = threading.Condition()
        self._pending: list[str] | None = []

    def _line(self, item: dict[str, Any]) -> None:
        text = json.dumps(item, ensure_ascii=False) + "\n"
        if self._pending is not None:
            self._pending.append(text)
        else:
            self.fh.write(text)
            self.fh.flush()

    def header(self, header: dict[str, Any]) -> None:
        with self._lock:
            self.fh.write(json.dumps(header, ensure_ascii=False) + "\n")
            self.fh.writelines(self._pending or [])
            self.fh.flush()
            self._pending = None

    def report(self, t_ms: float, data: bytes) -> None:
        with self._lock:
            self._line({"t": round(t_ms - self.t0, 3), "hex": data.hex()})
            self.count += 1
            self._lock.notify_all()

    def event(self, event: Any) -> None:
        if isinstance(event, StateEvent):
            with self._lock:
                self._line({"t": round(now_ms() - self.t0, 3), "event": event.state.value})

    def wait_count(self, n: int, timeout: float) -> bool:
        with self._lock:
            return self._lock.wait_for(lambda: self.count >= n, timeout)


def _parse(argv: list[str]):
    from station.domain.cliargs import SpanishArgumentParser, positive_float

    p = SpanishArgumentParser(
        prog="credencializacion pad-record",
        description="Graba los reportes crudos de un pad Topaz (USB HID) con marcas de tiempo.",
    )
    p.add_argument("file", metavar="ARCHIVO", help="archivo .jsonl de salida")
    p.add_argument("--seconds", type=positive_float, default=None,
                   help="duración de la grabación (por omisión hasta Ctrl+C)")
    p.add_argument("--wait", type=positive_float, default=10.0, help="segundos de espera a que se conecte el pad")
    p.add_argument("--pid", action="append", default=None, help="PID USB aceptado (repetible), p. ej. 0x0043")
    p.add_argument("--model", default="LBK460", help="modelo para la calibración (LBK460)")
    p.add_argument("--virtual", action="store_true", help="graba una firma de demostración del pad virtual")
    p.add_argument("--force", action="store_true", help="sobrescribe el archivo si ya existe")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``credencializacion pad-record``; returns the exit code
    (0 recorded, 1 no pad, 2 bad arguments or file)."""
    try:
        args = _parse(list(sys.argv[1:] if argv is None else argv))
    except SystemExit as exc:
        return int(exc.code or 0) if exc.code in (0, None) else 2
    from drivers.signature.topaz import TopazPad, TopazSettings

    out = Path(args.file)
    if out.is_dir() or (out.exists() and not out.is_file()):
        print(f"«{out}» no es un archivo (carpeta, tubería o dispositivo).", file=sys.stderr)
        return 2
    if out.exists() and not args.force:
        print(f"El archivo «{out}» ya existe; use --force para sobrescribirlo.", file=sys.stderr)
        return 2
    try:
        pids = tuple(int(p, 16) if p.lower().startswith("0x") else int(p) for p in (args.pid or ["0x0043"]))
    except ValueError:
        print("PID inválido: use números como 0x0043.", file=sys.stderr)
        return 2
    settings = TopazSettings(product_ids=pids, model=args.model, open_timeout_s=min(args.wait, 3.0))
    backend = None
    device = None
    if args.virtual:
        from drivers.doubles import set_mode
        from drivers.signature.virtual import VirtualTopazDevice, VirtualUsbBackend

        set_mode("prueba")  # --virtual asks for the double explicitly (practice, tests)
        device = VirtualTopazDevice()
        backend = VirtualUsbBackend([device])
    pad = TopazPad(settings, usb_backend=backend, kind="virtual" if args.virtual else "topaz")
    # Recorded into a side file that replaces ``out`` only when a pad was found:
    # --force never deletes an existing recording for nothing (issue 14 §7).
    partial = out.with_name(out.name + ".grabando")
    try:
        fh = partial.open("w", encoding="utf-8")
    except OSError as exc:
        print(f"No se pudo crear «{out}»: {exc.strerror or exc}.", file=sys.stderr)
        return 2
    with fh:
        t0 = now_ms()
        writer = _Writer(fh, t0)
        pad.raw_listener = writer.report
        pad.open()
        if not pad.wait_for_state(PadState.CONNECTED, args.wait):
            print(pad.message or "No se encontró el pad de firma Topaz.", file=sys.stderr)
            pad.close()
            fh.close()
            partial.unlink(missing_ok=True)
            return 1
        info = pad.device_info
        header = {
            "format": FORMAT,
            "version": VERSION,
            "started_at": datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "device": info.to_dict(),
            "layout": pad.decoder.layout.name,
            "calibration": pad.calibration.to_dict(),
        }
        writer.header(header)  # line 1; anything read before it follows it
        pad.add_listener(writer.event)
        pad.start()
        print(f"Grabando los reportes de «{info.name}» (serie {info.serial or 'desconocida'}) en «{out}».")
        try:
            if device is not None:
                queued = device.play_demo()
                writer.wait_count(queued, 30.0)
            else:
                print("Firme en el pad; presione Ctrl+C para terminar.")
                threading.Event().wait(args.seconds) if args.seconds else _wait_forever()
        except KeyboardInterrupt:
            pass
        finally:
            pad.close()
    try:
        os.replace(partial, out)
    except OSError as exc:
        print(f"No se pudo guardar «{out}»: {exc.strerror or exc}; la grabación quedó en «{partial}».",
              file=sys.stderr)
        return 2
    stats = pad.decoder.stats
    rejected = sum(v for k, v in stats.items() if k not in ("position", "lift", "info", "response", "pressure"))
    print(f"Se grabaron {writer.count} reportes ({rejected} rechazados por el decodificador) en «{out}».")
    return 0


def _wait_forever() -> None:
    evt = threading.Event()
    while not evt.wait(3600):
        pass
