"""SigWeb backend: an HTTP client of Topaz's local SigWeb service (the one the
operator manual §4 installs with ``sigweb.exe``).

Protocol (SigWebTablet.js v1.0.4.0, research note "SigWeb"):
``GET <base><Prop>?noCache=<uuid>`` → text (strings in double quotes);
``POST <base><Prop>/<value>`` with a small body (an empty POST gets HTTP 411).
Endpoints used: ``SigWebVersion``, ``DaysUntilCertificateExpires``,
``TabletConnectQuery``, ``TabletState[/0|1]``, ``ClearSignature``,
``TotalPoints``, ``NumberOfStrokes``, ``NumberOfPointsInStroke/i``,
``PointXValue/s/p``, ``PointYValue/s/p``, ``TabletLogicalXSize``/``YSize``,
``TabletModelNumber``, ``TabletSerialNumber``, ``SigImage/1``, ``Reset``.

Point values are taken to be in the tablet's logical frame
(``TabletLogicalXSize × TabletLogicalYSize``) [I]; SigWeb gives no per-point
time, so points are stamped when they are fetched (poll every
``poll_interval_s``) [I]. SigWeb gives no pen-up event: a stroke is closed when
the next one appears or when capture stops.

All HTTP happens on the pad's worker thread; :meth:`SigWebPad.stop` waits (at
most ``timeout_s``) for a last fetch so no point is lost.
"""
from __future__ import annotations

import logging
import threading
import uuid
from collections import deque
from dataclasses import dataclass
from typing import Any

from drivers.signature.base import (
    ClearedEvent,
    MSG_CONNECTED,
    MSG_DISCONNECTED,
    MSG_RECONNECTED,
    PadError,
    PadNotFound,
    PadState,
    SignaturePad,
    now_ms,
)
from drivers.signature.model import DEFAULT_LOGICAL_HEIGHT, DEFAULT_LOGICAL_WIDTH, DeviceInfo

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "http://localhost:47289/SigWeb/"

MSG_NOT_INSTALLED = (
    "SigWeb no está instalado en este equipo. Instálelo (sigweb.exe, manual §4) o use el pad Topaz directo."
)
MSG_NO_TABLET = "SigWeb está instalado pero no detecta el pad de firma Topaz. Conéctelo al equipo."


class SigWebError(PadError):
    """SigWeb answered something unusable (HTTP error, not a number...)."""

    code = "sigweb_error"


class SigWebNotInstalled(PadNotFound):
    """Nothing listens at the SigWeb address (service not installed or stopped)."""

    code = "sigweb_not_installed"


class SigWebTimeout(SigWebError):
    """SigWeb did not answer within ``timeout_s``."""

    code = "sigweb_timeout"


class SigWebCertificateExpired(SigWebError):
    """``DaysUntilCertificateExpires`` ≤ 0 while the HTTPS address is used."""

    code = "sigweb_certificate_expired"


@dataclass
class SigWebSettings:
    """``base_url``: SigWeb root ending in ``/SigWeb/``; ``timeout_s``: per request;
    ``poll_interval_s``: TotalPoints polling (the page uses 50 ms);
    ``cert_warning_days``: warn when the certificate expires within this many days."""

    base_url: str = DEFAULT_BASE_URL
    timeout_s: float = 2.0
    poll_interval_s: float = 0.05
    reconnect_interval_s: float = 1.0
    verify_tls: bool = True
    cert_warning_days: int = 30


@dataclass
class SigWebServiceInfo:
    """Result of :meth:`SigWebClient.service_info`. ``warning`` is Spanish or ``""``."""

    version: str
    days_until_cert_expires: int | None
    tablet_connected: bool
    warning: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "days_until_cert_expires": self.days_until_cert_expires,
            "tablet_connected": self.tablet_connected,
            "warning": self.warning,
        }


class SigWebClient:
    """Thin HTTP client (``requests``). Every call is bounded by ``timeout_s`` and
    raises :class:`SigWebNotInstalled`, :class:`SigWebTimeout` or
    :class:`SigWebError`, each with a Spanish ``message``."""

    def __init__(self, settings: SigWebSettings | None = None, session: Any | None = None):
        import requests

        self.settings = settings or SigWebSettings()
        base = self.settings.base_url
        self.base_url = base if base.endswith("/") else base + "/"
        self._requests = requests
        self._session = session or requests.Session()
        self._session.trust_env = False  # never route localhost through a proxy

    # ------------------------------------------------------------ transport
    def _call(self, method: str, prop: str, *, binary: bool = False) -> Any:
        req = self._requests
        url = self.base_url + prop
        try:
            if method == "GET":
                resp = self._session.get(
                    url, params={"noCache": uuid.uuid4().hex}, timeout=self.settings.timeout_s,
                    verify=self.settings.verify_tls,
                )
            else:
                resp = self._session.post(url, data=b"x=", timeout=self.settings.timeout_s,
                                          verify=self.settings.verify_tls)
        except req.exceptions.SSLError as exc:
            raise SigWebCertificateExpired(
                "El certificado de SigWeb no es válido o venció; reinstale SigWeb (sigweb.exe) para renovarlo."
            ) from exc
        except req.exceptions.Timeout as exc:
            raise SigWebTimeout(
                f"SigWeb no respondió en {self.settings.timeout_s:g} s. Reinicie el servicio SigWeb o el equipo."
            ) from exc
        except req.exceptions.ConnectionError as exc:
            raise SigWebNotInstalled(MSG_NOT_INSTALLED) from exc
        if resp.status_code != 200:
            raise SigWebError(f"SigWeb respondió con un error (HTTP {resp.status_code}) a «{prop.split('/')[0]}».")
        if binary:
            return resp.content
        return resp.text.strip().strip('"')

    def get(self, prop: str) -> str:
        """GET a property; returns its text without surrounding quotes."""
        return self._call("GET", prop)

    def get_int(self, prop: str) -> int:
        """GET a numeric property. Raises :class:`SigWebError` when not a number."""
        text = self.get(prop)
        try:
            return int(float(text))
        except ValueError as exc:
            raise SigWebError(f"SigWeb devolvió un valor no numérico para «{prop.split('/')[0]}».") from exc

    def post(self, prop: str) -> None:
        """POST ``<base><prop>`` (e.g. ``"TabletState/1"``)."""
        self._call("POST", prop)

    # ------------------------------------------------------------- queries
    def service_info(self) -> SigWebServiceInfo:
        """Version, certificate days and tablet presence.

        Raises :class:`SigWebCertificateExpired` when the certificate expired and
        the base URL is HTTPS (over HTTP an expired certificate is only a warning).
        """
        version = self.get("SigWebVersion")
        try:
            days: int | None = self.get_int("DaysUntilCertificateExpires")
        except SigWebError:
            days = None  # old SigWeb versions lack it
        warning = ""
        if days is not None and days <= 0:
            text = f"El certificado de SigWeb venció hace {-days} días; reinstale SigWeb (sigweb.exe) para renovarlo."
            if days == 0:
                text = "El certificado de SigWeb vence hoy; reinstale SigWeb (sigweb.exe) para renovarlo."
            if self.base_url.startswith("https:"):
                raise SigWebCertificateExpired(text)
            warning = text
        elif days is not None and days <= self.settings.cert_warning_days:
            warning = f"El certificado de SigWeb vence en {days} días; reinstale SigWeb pronto para renovarlo."
        try:
            connected = self.get_int("TabletConnectQuery") != 0
        except SigWebError:
            connected = True  # [I] older services lack the query; assume present
        return SigWebServiceInfo(version, days, connected, warning)

    def logical_size(self) -> tuple[int, int]:
        """``(TabletLogicalXSize, TabletLogicalYSize)``; 2000×700 when absent or 0."""
        try:
            w, h = self.get_int("TabletLogicalXSize"), self.get_int("TabletLogicalYSize")
        except SigWebError:
            return DEFAULT_LOGICAL_WIDTH, DEFAULT_LOGICAL_HEIGHT
        if w <= 0 or h <= 0:
            return DEFAULT_LOGICAL_WIDTH, DEFAULT_LOGICAL_HEIGHT
        return w, h

    def point(self, stroke: int, index: int) -> tuple[int, int]:
        """``(PointXValue/s/p, PointYValue/s/p)`` in tablet logical units."""
        return self.get_int(f"PointXValue/{stroke}/{index}"), self.get_int(f"PointYValue/{stroke}/{index}")

    def sig_image(self, final: bool = True) -> bytes:
        """``SigImage/1`` (final) or ``/0`` (live) PNG bytes."""
        return self._call("GET", f"SigImage/{1 if final else 0}", binary=True)


class SigWebPad(SignaturePad):
    """Signature pad through SigWeb. Service absent → state DISCONNECTED with
    :data:`MSG_NOT_INSTALLED` (re-checked every ``reconnect_interval_s``); slow →
    ERROR with the timeout message; certificate warnings go in :attr:`message`."""

    kind = "sigweb"

    def __init__(self, settings: SigWebSettings | None = None, client: SigWebClient | None = None):
        super().__init__(DeviceInfo(kind="sigweb", name="SigWeb", transport="sigweb"))
        self.settings = settings or SigWebSettings()
        self.client = client or SigWebClient(self.settings)
        self.service: SigWebServiceInfo | None = None
        self._thread: threading.Thread | None = None
        self._stop_evt = threading.Event()
        self._first = threading.Event()
        self._commands: deque[tuple[str, threading.Event | None]] = deque()
        self._wake = threading.Event()
        self._connected = False
        self._ever_connected = False
        self._cursor = (0, 0)  # (stroke, point) next to fetch
        self._total = 0
        self._scale = (1.0, 1.0)

    # -------------------------------------------------------------- worker
    def _open(self) -> None:
        if self._thread and self._thread.is_alive():
            return
        self._stop_evt.clear()
        self._first.clear()
        self._set_state(PadState.CONNECTING, "Buscando SigWeb…")
        self._thread = threading.Thread(target=self._run, name="pad-sigweb", daemon=True)
        self._thread.start()
        self._first.wait(self.settings.timeout_s * 4 + 1)

    def _close(self) -> None:
        self._command("close")
        self._stop_evt.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(self.settings.timeout_s * 3 + 1)
            self._thread = None

    def _command(self, name: str, done: threading.Event | None = None) -> None:
        self._commands.append((name, done))
        self._wake.set()

    def _run(self) -> None:
        while not self._stop_evt.is_set():
            try:
                if not self._connected:
                    self._try_connect()
                if self._connected:
                    self._run_commands()
                    if self.capturing:
                        self._poll()
            except SigWebNotInstalled as exc:
                self._lost(PadState.DISCONNECTED, MSG_DISCONNECTED if self._ever_connected else exc.message)
            except SigWebTimeout as exc:
                self._lost(PadState.ERROR, exc.message)
            except PadError as exc:
                self._lost(PadState.ERROR, exc.message)
            except Exception:
                log.exception("sigweb worker failed")
                self._lost(PadState.ERROR, "Error inesperado al comunicarse con SigWeb.")
            self._first.set()
            wait = self.settings.poll_interval_s if self._connected else self.settings.reconnect_interval_s
            self._wake.wait(wait)
            self._wake.clear()
        # closing: tell SigWeb to stop capturing (bounded by timeout_s per call)
        if self._connected:
            try:
                self._commands = deque(c for c in self._commands if c[0] == "close")
                self._run_commands()
            except Exception:
                log.debug("sigweb close failed", exc_info=True)
        while self._commands:
            _, done = self._commands.popleft()
            if done:
                done.set()

    def _lost(self, state: PadState, message: str) -> None:
        self._end_stroke()
        self._connected = False
        for name, done in list(self._commands):
            if done:
                done.set()
        self._commands = deque(c for c in self._commands if c[0] in ("begin",))
        self._set_state(state, message)

    def _try_connect(self) -> None:
        info = self.client.service_info()
        self.service = info
        if not info.tablet_connected:
            raise SigWebNotInstalled(MSG_DISCONNECTED if self._ever_connected else MSG_NO_TABLET)
        w, h = self.client.logical_size()
        model, serial = "", ""
        try:
            model = self.client.get("TabletModelNumber")
            serial = self.client.get("TabletSerialNumber")
        except SigWebError:
            pass
        self._set_device(
            DeviceInfo(
                kind="sigweb", model=model, name=f"Topaz vía SigWeb {info.version}", serial=serial,
                transport="sigweb", logical_width=w, logical_height=h,
                extra={"sigweb_version": info.version, "days_until_cert_expires": info.days_until_cert_expires},
            )
        )
        self._connected = True
        base = MSG_RECONNECTED if self._ever_connected else MSG_CONNECTED
        self._ever_connected = True
        if self.capturing:
            self._commands.appendleft(("begin", None))
        self._set_state(PadState.CONNECTED, f"{base} {info.warning}".strip())

    def _run_commands(self) -> None:
        c = self.client
        while self._commands:
            name, done = self._commands[0]
            if name == "begin":
                c.post("TabletState/0")
                c.get("ClearSignature")
                c.post("TabletState/1")
                self._cursor, self._total = (0, 0), 0
            elif name == "clear":
                c.get("ClearSignature")
                self._cursor, self._total = (0, 0), 0
                # points fetched between the operator's Limpiar and SigWeb's clear go too
                with self._lock:
                    self._builder.clear()
                self._emit(ClearedEvent())
            elif name == "finish":
                self._poll()
                c.post("TabletState/0")
            elif name == "close":
                c.post("TabletState/0")
                c.post("Reset")
            self._commands.popleft()
            if done:
                done.set()

    def _poll(self) -> None:
        c = self.client
        total = c.get_int("TotalPoints")
        if total == self._total:
            return
        strokes = c.get_int("NumberOfStrokes")
        s, p = self._cursor
        while s < strokes:
            n = c.get_int(f"NumberOfPointsInStroke/{s}")
            while p < n:
                x, y = c.point(s, p)
                self._sample(float(x), float(y), True, now_ms())
                p += 1
            if s < strokes - 1:  # a later stroke exists: this one is finished
                self._sample(0.0, 0.0, False, now_ms())
                s, p = s + 1, 0
            else:
                break
        self._cursor = (s, p)
        self._total = total

    # ------------------------------------------------------------ commands
    def _on_start(self) -> None:
        self._command("begin")

    def _on_clear(self) -> None:
        self._command("clear")

    def stop(self):
        """End capture after a last fetch of the points (waits at most ~2×timeout_s)."""
        done = threading.Event()
        if self._connected and self._thread is not None:
            self._command("finish", done)
            done.wait(self.settings.timeout_s * 2 + 0.5)
        return super().stop()
