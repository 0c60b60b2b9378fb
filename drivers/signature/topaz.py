"""Topaz HSB pad over USB HID: pyusb transport (libusb from the system or from
``libusb-package``), hidapi transport (Windows, where libusb cannot claim a HID
device [I]), and :class:`TopazPad` with hot-plug.

All device I/O happens on one worker thread per pad: it connects, reads input
reports (``read_timeout_ms`` each), decodes them with
:class:`~drivers.signature.topaz_protocol.TopazDecoder`, sends queued LCD
commands, and when the device disappears closes the open stroke, keeps the
strokes and re-scans every ``rescan_interval_s`` until it comes back.
"""
from __future__ import annotations

import logging
import sys
import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable, Protocol

from drivers.signature.base import (
    MSG_CONNECTED,
    MSG_DISCONNECTED,
    MSG_NOT_FOUND,
    MSG_RECONNECTED,
    PadError,
    PadNotFound,
    PadState,
    PadUnavailable,
    SignaturePad,
    now_ms,
)
from drivers.signature.model import DeviceInfo
from drivers.signature.topaz_protocol import (
    DEFAULT_PRODUCT_IDS,
    LCD_COMMANDS,
    TOPAZ_VENDOR_ID,
    Calibration,
    TopazDecoder,
    calibration_for,
    layout_for,
    text_bitmap,
)

log = logging.getLogger(__name__)

#: ``raw_listener(t_ms, report_bytes)`` — every report as read (pad-record).
RawListener = Callable[[float, bytes], None]


class TransportGone(Exception):
    """The device went away (unplugged, reset); the worker will re-scan."""


class Transport(Protocol):
    """One open HID device. ``read`` returns ``None`` on timeout and raises
    :class:`TransportGone` when the device is gone."""

    label: str
    product: str
    serial: str
    vendor_id: int
    product_id: int

    def read(self, timeout_ms: int) -> bytes | None: ...

    def write(self, data: bytes) -> None: ...

    def close(self) -> None: ...


# ------------------------------------------------------------------ pyusb
_backend_cache: tuple[Any, str] | None = None


def find_usb_backend() -> tuple[Any, str]:
    """``(backend, label)``: the system libusb if pyusb finds one, else the DLL/.so
    bundled by ``libusb-package``. Raises :class:`PadUnavailable` if neither loads."""
    global _backend_cache
    if _backend_cache is not None:
        return _backend_cache
    backend, label = None, ""
    try:
        import usb.backend.libusb1 as libusb1

        backend = libusb1.get_backend()
        label = "pyusb/libusb (sistema)"
    except Exception:  # pragma: no cover - broken system library
        backend = None
    if backend is None:
        try:
            import libusb_package

            backend = libusb_package.get_libusb1_backend()
            label = "pyusb/libusb-package"
        except Exception:  # pragma: no cover
            backend = None
    if backend is None:
        raise PadUnavailable("No se pudo cargar la biblioteca USB (libusb). Reinstale la estación.")
    _backend_cache = (backend, label)
    return _backend_cache


def _is_timeout(exc: Exception) -> bool:
    import usb.core

    return isinstance(exc, usb.core.USBTimeoutError) or getattr(exc, "backend_error_code", None) == -7


class PyUsbTransport:
    """A Topaz pad opened with pyusb: interface 0, interrupt IN endpoint, and
    interrupt OUT (or HID SET_REPORT when there is none) for LCD commands."""

    def __init__(self, dev: Any, label: str):
        import usb.core
        import usb.util

        self._dev = dev
        self.label = label
        self.vendor_id, self.product_id = int(dev.idVendor), int(dev.idProduct)
        self.product = _safe_string(lambda: dev.product) or "Topaz HID"
        self.serial = _safe_string(lambda: dev.serial_number)
        try:
            try:
                if dev.is_kernel_driver_active(0):  # Linux usbhid owns it
                    dev.detach_kernel_driver(0)
            except (NotImplementedError, usb.core.USBError):
                pass
            try:
                dev.set_configuration()
            except usb.core.USBError:
                pass  # already configured (busy) is fine for HID
            cfg = dev.get_active_configuration()
            intf = cfg[(0, 0)]
            self._intf = intf.bInterfaceNumber
            self._ep_in = usb.util.find_descriptor(
                intf,
                custom_match=lambda e: usb.util.endpoint_direction(e.bEndpointAddress) == usb.util.ENDPOINT_IN,
            )
            self._ep_out = usb.util.find_descriptor(
                intf,
                custom_match=lambda e: usb.util.endpoint_direction(e.bEndpointAddress) == usb.util.ENDPOINT_OUT,
            )
            if self._ep_in is None:
                raise PadUnavailable("El pad de firma no expone el canal de datos esperado (endpoint IN).")
            usb.util.claim_interface(dev, self._intf)
        except usb.core.USBError as exc:
            usb.util.dispose_resources(dev)
            if exc.errno in (13, 16):  # EACCES, EBUSY
                raise PadUnavailable(
                    "El pad de firma está en uso por otro programa o faltan permisos USB "
                    "(en Linux instale la regla udev del pad)."
                ) from exc
            raise TransportGone(str(exc)) from exc
        self._size = int(self._ep_in.wMaxPacketSize) or 8

    @classmethod
    def find(cls, vendor_id: int, product_ids: tuple[int, ...], backend: Any | None = None) -> list[Any]:
        """Present devices matching VID and one of ``product_ids``."""
        import usb.core

        if backend is None:
            backend, _ = find_usb_backend()
        return list(
            usb.core.find(
                find_all=True,
                backend=backend,
                custom_match=lambda d: d.idVendor == vendor_id and d.idProduct in product_ids,
            )
        )

    def read(self, timeout_ms: int) -> bytes | None:
        import usb.core

        try:
            return bytes(self._dev.read(self._ep_in.bEndpointAddress, self._size, timeout_ms))
        except usb.core.USBError as exc:
            if _is_timeout(exc):
                return None
            raise TransportGone(str(exc)) from exc

    def write(self, data: bytes) -> None:
        import usb.core

        try:
            if self._ep_out is not None:
                self._dev.write(self._ep_out.bEndpointAddress, data, 1000)
            else:  # HID SET_REPORT, output report 0
                self._dev.ctrl_transfer(0x21, 0x09, 0x0200, self._intf, data, 1000)
        except usb.core.USBError as exc:
            if _is_timeout(exc):
                log.warning("LCD command timed out")
                return
            raise TransportGone(str(exc)) from exc

    def close(self) -> None:
        import usb.util

        try:
            usb.util.release_interface(self._dev, self._intf)
        except Exception:
            pass
        usb.util.dispose_resources(self._dev)


def _safe_string(getter: Callable[[], Any]) -> str:
    try:
        return str(getter() or "")
    except Exception:
        return ""


# ----------------------------------------------------------------- hidapi
class HidapiTransport:
    """A Topaz pad opened with ``hidapi`` (module ``hid``; installed on Windows
    only). Reads return the report without a report-id byte when the device uses
    none [I]; set ``prefix`` so the layout offsets still hold."""

    def __init__(self, info: dict[str, Any], prefix: bytes = b"\x00"):
        import hid  # noqa: F401 - optional dependency

        self._hid = hid
        self._dev = hid.device()
        try:
            self._dev.open_path(info["path"])
        except OSError as exc:
            raise PadUnavailable("El pad de firma está en uso por otro programa.") from exc
        self.label = "hidapi"
        self.vendor_id, self.product_id = int(info["vendor_id"]), int(info["product_id"])
        self.product = str(info.get("product_string") or "Topaz HID")
        self.serial = str(info.get("serial_number") or "")
        self._prefix = prefix

    @staticmethod
    def available() -> bool:
        """True when the ``hid`` module can be imported."""
        try:
            import hid  # noqa: F401
        except Exception:
            return False
        return True

    @classmethod
    def find(cls, vendor_id: int, product_ids: tuple[int, ...]) -> list[dict[str, Any]]:
        """hidapi enumeration entries matching VID/PIDs."""
        import hid

        return [d for d in hid.enumerate(vendor_id, 0) if d.get("product_id") in product_ids]

    def read(self, timeout_ms: int) -> bytes | None:
        try:
            data = self._dev.read(64, timeout_ms)
        except (OSError, ValueError) as exc:
            raise TransportGone(str(exc)) from exc
        return (self._prefix + bytes(data)) if data else None

    def write(self, data: bytes) -> None:
        try:
            self._dev.write(b"\x00" + bytes(data))
        except (OSError, ValueError) as exc:
            raise TransportGone(str(exc)) from exc

    def close(self) -> None:
        try:
            self._dev.close()
        except Exception:
            pass


# -------------------------------------------------------------------- pad
@dataclass
class TopazSettings:
    """Settings of :class:`TopazPad` (all overridable from the station config).

    ``product_ids``: PIDs accepted with VID ``vendor_id`` (0x06A8).
    ``model``: calibration table key (``"LBK460"``); ``calibration``: explicit
    dict overriding it. ``layout``/``layout_overrides``: report layout table
    entry and field fixes. ``transport``: ``"auto"`` (hidapi on Windows when
    installed, else pyusb), ``"pyusb"`` or ``"hidapi"``.
    ``unconfirmed_lcd_commands``: send LCD prompt/clear bytes that are not
    confirmed for this pad (off by default). Times in ms / s as named.
    """

    vendor_id: int = TOPAZ_VENDOR_ID
    product_ids: tuple[int, ...] = DEFAULT_PRODUCT_IDS
    model: str = "LBK460"
    calibration: dict[str, Any] | None = None
    layout: str = "hsb8"
    layout_overrides: dict[str, Any] = field(default_factory=dict)
    transport: str = "auto"
    read_timeout_ms: int = 50
    rescan_interval_s: float = 0.5
    open_timeout_s: float = 3.0
    unconfirmed_lcd_commands: bool = False
    prompt_text: str = "Firme aquí"

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> "TopazSettings":
        """From a config dict; PIDs may be ints or ``"0x0043"`` strings. Unknown keys raise ``TypeError``."""
        data = dict(data or {})
        if "product_ids" in data:
            data["product_ids"] = tuple(int(p, 16) if isinstance(p, str) else int(p) for p in data["product_ids"])
        if isinstance(data.get("vendor_id"), str):
            data["vendor_id"] = int(data["vendor_id"], 16)
        return cls(**data)


class TopazPad(SignaturePad):
    """Topaz HSB pad (VID 0x06A8) read over pyusb or hidapi, with hot-plug.

    ``usb_backend``: a pyusb backend to use instead of the system one (the
    virtual pad passes :class:`~drivers.signature.virtual.VirtualUsbBackend`).
    ``raw_listener(t_ms, report)``: called for every report read (pad-record).
    Samples are reported in the model's logical units (LBK460: 2000×700).
    """

    kind = "topaz"

    def __init__(
        self,
        settings: TopazSettings | None = None,
        *,
        usb_backend: Any | None = None,
        raw_listener: RawListener | None = None,
        kind: str | None = None,
    ):
        self.settings = settings or TopazSettings()
        if kind:
            self.kind = kind
        self.calibration: Calibration = calibration_for(self.settings.model, self.settings.calibration)
        self.decoder = TopazDecoder(layout_for(self.settings.layout, self.settings.layout_overrides), self.calibration)
        super().__init__(self._device_info(None))
        self._usb_backend = usb_backend
        self.raw_listener = raw_listener
        self._transport: Transport | None = None
        self._thread: threading.Thread | None = None
        self._stop_evt = threading.Event()
        self._first_attempt = threading.Event()
        self._outbox: deque[bytes] = deque()
        self._ever_connected = False

    # ---------------------------------------------------------------- info
    def _device_info(self, t: Transport | None) -> DeviceInfo:
        cal = self.calibration
        return DeviceInfo(
            kind=self.kind,
            model=cal.model,
            name=(t.product if t else "Topaz"),
            serial=(t.serial if t else ""),
            vendor_id=(t.vendor_id if t else self.settings.vendor_id),
            product_id=(t.product_id if t else None),
            transport=(t.label if t else ""),
            logical_width=cal.logical[0],
            logical_height=cal.logical[1],
            calibration=cal.to_dict(),
            extra={"layout": self.decoder.layout.name},
        )

    # ----------------------------------------------------------- transport
    def _choose_transport(self) -> str:
        t = self.settings.transport
        if t == "auto":
            if self._usb_backend is None and sys.platform == "win32" and HidapiTransport.available():
                return "hidapi"
            return "pyusb"
        if t not in ("pyusb", "hidapi"):
            raise PadError(f"Transporte de pad desconocido: «{t}» (use auto, pyusb o hidapi).")
        return t

    def _connect(self) -> Transport:
        s = self.settings
        if self._choose_transport() == "hidapi":
            found = HidapiTransport.find(s.vendor_id, s.product_ids)
            if not found:
                raise PadNotFound(MSG_NOT_FOUND)
            return HidapiTransport(found[0])
        if self._usb_backend is not None:
            backend, label = self._usb_backend, "pyusb/virtual"
        else:
            backend, label = find_usb_backend()
        devices = PyUsbTransport.find(s.vendor_id, s.product_ids, backend)
        if not devices:
            raise PadNotFound(MSG_NOT_FOUND)
        return PyUsbTransport(devices[0], label)

    # -------------------------------------------------------------- worker
    def _open(self) -> None:
        if self._thread and self._thread.is_alive():
            return
        self._stop_evt.clear()
        self._first_attempt.clear()
        self._set_state(PadState.CONNECTING, "Buscando el pad de firma…")
        self._thread = threading.Thread(target=self._run, name=f"pad-{self.kind}", daemon=True)
        self._thread.start()
        self._first_attempt.wait(self.settings.open_timeout_s)

    def _close(self) -> None:
        self._stop_evt.set()
        if self._thread is not None:
            self._thread.join(max(2.0, self.settings.read_timeout_ms / 1000 * 4))
            self._thread = None
        self._drop_transport()

    def _drop_transport(self) -> None:
        t, self._transport = self._transport, None
        if t is not None:
            try:
                t.close()
            except Exception:
                log.debug("close failed", exc_info=True)

    def _run(self) -> None:
        s = self.settings
        while not self._stop_evt.is_set():
            if self._transport is None:
                try:
                    transport = self._connect()
                except PadNotFound:
                    self._set_state(
                        PadState.DISCONNECTED, MSG_DISCONNECTED if self._ever_connected else MSG_NOT_FOUND
                    )
                    self._first_attempt.set()
                    self._stop_evt.wait(s.rescan_interval_s)
                    continue
                except TransportGone:
                    self._first_attempt.set()
                    self._stop_evt.wait(s.rescan_interval_s)
                    continue
                except PadError as exc:
                    self._set_state(PadState.ERROR, exc.message)
                    self._first_attempt.set()
                    self._stop_evt.wait(s.rescan_interval_s)
                    continue
                except Exception:  # never let the worker die
                    log.exception("pad connect failed")
                    self._set_state(PadState.ERROR, "Error inesperado al abrir el pad de firma.")
                    self._first_attempt.set()
                    self._stop_evt.wait(s.rescan_interval_s)
                    continue
                self._transport = transport
                self._set_device(self._device_info(transport))
                self._set_state(PadState.CONNECTED, MSG_RECONNECTED if self._ever_connected else MSG_CONNECTED)
                self._ever_connected = True
                self._first_attempt.set()
                if self.capturing:
                    self._queue_prompt()
            try:
                self._flush_outbox()
                report = self._transport.read(s.read_timeout_ms)
            except TransportGone:
                self._lost()
                continue
            except Exception:
                log.exception("pad read failed")
                self._lost()
                continue
            if report is None:
                continue
            self._handle_report(now_ms(), report)
        self._drop_transport()

    def _lost(self) -> None:
        self._end_stroke()
        self._drop_transport()
        self._outbox.clear()
        self._set_state(PadState.DISCONNECTED, MSG_DISCONNECTED)

    def _handle_report(self, t_ms: float, report: bytes) -> None:
        if self.raw_listener is not None:
            try:
                self.raw_listener(t_ms, report)
            except Exception:
                log.exception("raw listener failed")
        sample = self.decoder.feed(report)
        if sample is None:
            return
        if sample.kind == "position":
            self._sample(sample.x, sample.y, sample.down, t_ms)  # type: ignore[arg-type]
        elif sample.kind == "lift":
            self._sample(0.0, 0.0, False, t_ms)

    # ----------------------------------------------------------------- LCD
    def _flush_outbox(self) -> None:
        while self._outbox and self._transport is not None:
            self._transport.write(self._outbox.popleft())

    def _queue_prompt(self) -> None:
        if not self.settings.unconfirmed_lcd_commands:
            return
        size = self.calibration.lcd_size
        if not size:
            return
        self._outbox.append(LCD_COMMANDS.backlight_on)
        self._outbox.append(LCD_COMMANDS.clear_rect(0, 0, *size))
        self._outbox.extend(LCD_COMMANDS.bitmap_packets(text_bitmap(self.settings.prompt_text, size)))

    def _on_start(self) -> None:
        self._queue_prompt()

    def _on_clear(self) -> None:
        if self.settings.unconfirmed_lcd_commands and self.calibration.lcd_size:
            self._outbox.append(LCD_COMMANDS.clear_rect(0, 0, *self.calibration.lcd_size))
            self._queue_prompt()

    def _on_stop(self) -> None:
        if self.settings.unconfirmed_lcd_commands and self.calibration.lcd_size:
            self._outbox.append(LCD_COMMANDS.clear_rect(0, 0, *self.calibration.lcd_size))
