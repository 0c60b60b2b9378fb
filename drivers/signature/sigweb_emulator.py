"""SigWeb emulator: an ``http.server`` on 127.0.0.1 (random port) that answers
the documented SigWeb endpoints (SigWebTablet.js v1.0.4.0, research note
"SigWeb") from a scripted tablet. For tests, the demo and installer practice.

Usage::

    with SigWebEmulator() as emu:
        pad = SigWebPad(SigWebSettings(base_url=emu.base_url))
        ...
        emu.add_stroke([(100, 100), (200, 150)])   # accepted while TabletState is 1

Knobs: ``delay_s`` (every answer waits; "slow service"), ``tablet_connected``,
``days_until_cert_expires``, ``logical_size``. ``requests_log`` records
``(method, path)``. Unknown endpoints answer 404, an empty POST 411 (like IIS).
"""
from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterable
from urllib.parse import urlsplit


class SigWebEmulator:
    """Scripted SigWeb service. Coordinates are tablet logical units."""

    def __init__(
        self,
        *,
        version: str = "1.7.0.0",
        days_until_cert_expires: int = 400,
        tablet_connected: bool = True,
        logical_size: tuple[int, int] = (2000, 700),
        model: str = "SigLiteLCD1X5",
        serial: str = "EMU-460-001",
        delay_s: float = 0.0,
    ):
        self.version = version
        self.days_until_cert_expires = days_until_cert_expires
        self.tablet_connected = tablet_connected
        self.logical_size = logical_size
        self.model = model
        self.serial = serial
        self.delay_s = delay_s
        self.tablet_state = 0
        self.strokes: list[list[tuple[int, int]]] = []
        self.requests_log: list[tuple[str, str]] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------ lifecycle
    def start(self) -> "SigWebEmulator":
        """Bind 127.0.0.1 on a free port and serve in a daemon thread."""
        emu = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output quiet
                pass

            def do_GET(self):
                emu._handle(self, "GET")

            def do_POST(self):
                emu._handle(self, "POST")

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="sigweb-emulator", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and free the port."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> "SigWebEmulator":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._server is not None, "emulator not started"
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>/SigWeb/``."""
        return f"http://127.0.0.1:{self.port}/SigWeb/"

    # ------------------------------------------------------------ scripting
    def add_stroke(self, points: Iterable[tuple[float, float]]) -> bool:
        """Append a finished stroke (ignored unless TabletState is 1, like a real
        pad whose capture is off). Returns whether it was recorded."""
        with self._lock:
            if self.tablet_state != 1 or not self.tablet_connected:
                return False
            self.strokes.append([(int(round(x)), int(round(y))) for x, y in points])
            return True

    def wait_for(self, predicate, timeout_s: float = 10.0) -> None:
        """Poll ``predicate()`` (e.g. ``lambda: emu.tablet_state == 1``) every 10 ms until it
        holds; :class:`TimeoutError` after ``timeout_s`` seconds (tests assert the state, never a
        duration)."""
        deadline = time.monotonic() + timeout_s
        while not predicate():
            if time.monotonic() >= deadline:
                raise TimeoutError("the emulated SigWeb did not reach the expected state")
            time.sleep(0.01)

    def extend_last_stroke(self, points: Iterable[tuple[float, float]]) -> None:
        """Add points to the stroke in progress."""
        with self._lock:
            if self.strokes:
                self.strokes[-1].extend((int(round(x)), int(round(y))) for x, y in points)

    # -------------------------------------------------------------- serving
    def _answer(self, method: str, prop: str, args: list[str]) -> tuple[int, bytes, str]:
        text = "text/plain"
        with self._lock:
            total = sum(len(s) for s in self.strokes)
            if method == "POST":
                if prop == "TabletState" and args:
                    self.tablet_state = 1 if args[0] == "1" else 0
                    return 200, b"", text
                if prop in ("Reset", "CloseTablet"):
                    self.tablet_state = 0
                    self.strokes = []
                    return 200, b"", text
                if prop in ("ClearSignature", "OpenTablet", "CompressionMode", "EncryptionMode", "JustifyMode",
                            "ImageXSize", "ImageYSize", "ImagePenWidth", "DisplayXSize", "DisplayYSize",
                            "CaptureMode", "LcdRefresh", "KeyString"):
                    if prop == "ClearSignature":
                        self.strokes = []
                    return 200, b"", text
                return 404, b"", text
            simple = {
                "SigWebVersion": f'"{self.version}"',
                "DaysUntilCertificateExpires": str(self.days_until_cert_expires),
                "TabletState": str(self.tablet_state),
                "TabletConnectQuery": "1" if self.tablet_connected else "0",
                "TotalPoints": str(total),
                "NumberOfStrokes": str(len(self.strokes)),
                "TabletLogicalXSize": str(self.logical_size[0]),
                "TabletLogicalYSize": str(self.logical_size[1]),
                "TabletModelNumber": f'"{self.model}"',
                "TabletSerialNumber": f'"{self.serial}"',
            }
            if prop in simple:
                return 200, simple[prop].encode(), text
            if prop == "ClearSignature":
                self.strokes = []
                return 200, b"", text
            try:
                if prop == "NumberOfPointsInStroke":
                    return 200, str(len(self.strokes[int(args[0])])).encode(), text
                if prop in ("PointXValue", "PointYValue"):
                    pt = self.strokes[int(args[0])][int(args[1])]
                    return 200, str(pt[0] if prop == "PointXValue" else pt[1]).encode(), text
            except (IndexError, ValueError):
                return 200, b"0", text  # SigWeb answers 0 for out-of-range indices [I]
            if prop == "SigImage":
                from drivers.signature.model import DeviceInfo, Point, Signature, Stroke

                sig = Signature([Stroke([Point(x, y) for x, y in s]) for s in self.strokes],
                                DeviceInfo(kind="sigweb"), *self.logical_size)
                return 200, sig.to_png(500, 175, crop="pad"), "image/png"
            if prop == "SigString":
                return 200, b'"' + b"".join(f"{x:04x}{y:04x}".encode() for s in self.strokes for x, y in s) + b'"', text
        return 404, b"", text

    def _handle(self, req: BaseHTTPRequestHandler, method: str) -> None:
        path = urlsplit(req.path).path
        self.requests_log.append((method, path))
        if self.delay_s:
            time.sleep(self.delay_s)
        parts = [p for p in path.split("/") if p]
        if len(parts) < 2 or parts[0] != "SigWeb":
            status, body, ctype = 404, b"", "text/plain"
        elif method == "POST" and int(req.headers.get("Content-Length") or 0) == 0:
            status, body, ctype = 411, b"", "text/plain"
        else:
            if method == "POST":
                req.rfile.read(int(req.headers.get("Content-Length") or 0))
            status, body, ctype = self._answer(method, parts[1], parts[2:])
        try:
            req.send_response(status)
            req.send_header("Content-Type", ctype)
            req.send_header("Content-Length", str(len(body)))
            req.send_header("Cache-Control", "no-cache")
            req.end_headers()
            req.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # client gave up (timeout test)
            pass
