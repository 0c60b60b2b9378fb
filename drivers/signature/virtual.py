"""A virtual Topaz HSB pad implemented as a real pyusb backend.

:class:`VirtualUsbBackend` subclasses ``usb.backend.IBackend``, so the product
code (``usb.core.find``, descriptors, ``Device.read`` on the interrupt IN
endpoint, HID SET_REPORT, kernel-driver checks) runs unchanged against it. Used
by the tests, the demo (``open_pad("virtual")``) and ``credencializacion devices
--virtual``.

The device's descriptors are our assumption of what a Topaz HID pad exposes
(the real ones are not published, research note "USB identity"): one HID
interface, interrupt IN 0x81 (8 bytes), interrupt OUT 0x02 (24 bytes).
Reports are produced from scripted strokes with the same layout table the
decoder uses (:mod:`drivers.signature.topaz_protocol`), so correcting the table
corrects both; the decoder also has hand-written golden vectors in the tests.
"""
from __future__ import annotations

import array
import errno
import threading
import time
from collections import deque
from types import SimpleNamespace
from typing import Iterable, Sequence

import usb.backend
import usb.core

from drivers.doubles import double_refusal
from drivers.signature.base import PadError
from drivers.signature.model import demo_strokes
from drivers.signature.topaz_protocol import (
    DEFAULT_MODEL,
    MODELS,
    TOPAZ_VENDOR_ID,
    Calibration,
    LAYOUTS,
    ReportLayout,
    encode_lift,
    encode_position,
)

LIBUSB_ERROR_NO_DEVICE = -4
LIBUSB_ERROR_TIMEOUT = -7
LIBUSB_ERROR_PIPE = -9

EP_IN = 0x81
EP_OUT = 0x02


class VirtualTopazDevice:
    """One virtual pad: descriptors, a queue of input reports, plug state and a
    log of what the host wrote (``writes``: list of ``(channel, bytes)`` where
    channel is ``"ep_out"`` or ``"set_report"``).

    Coordinates passed to :meth:`play_strokes` are logical pad units (converted
    to raw with the model calibration); :meth:`play_raw` takes raw units.
    """

    def __init__(
        self,
        *,
        vendor_id: int = TOPAZ_VENDOR_ID,
        product_id: int = 0x0043,
        serial: str = "VT460-0001",
        product: str = "Topaz Virtual LBK460 HID",
        model: str = DEFAULT_MODEL,
        layout: ReportLayout | None = None,
        calibration: Calibration | None = None,
        bus: int = 1,
        address: int = 7,
        pace_ms: float = 0.0,
        with_out_endpoint: bool = True,
    ):
        self.vendor_id = vendor_id
        self.product_id = product_id
        self.serial = serial
        self.product = product
        self.model = model
        self.layout = layout or LAYOUTS["hsb8"]
        self.calibration = calibration or MODELS[model]
        self.bus = bus
        self.address = address
        self.pace_ms = pace_ms
        self.with_out_endpoint = with_out_endpoint
        self.plugged = True
        self.generation = 0
        self.writes: list[tuple[str, bytes]] = []
        self.reads = 0
        self._queue: deque[bytes] = deque()
        self._cond = threading.Condition()

    # ------------------------------------------------------------ scripting
    def play_raw(self, strokes: Iterable[Sequence[tuple[int, int]]], *, hover: bool = True) -> int:
        """Queue reports for strokes given in raw units: pen-down position
        reports, then (if ``hover``) one pen-up-in-proximity report, then a lift.
        Returns the number of reports queued."""
        reports: list[bytes] = []
        for stroke in strokes:
            pts = list(stroke)
            for rx, ry in pts:
                reports.append(encode_position(self.layout, rx, ry, down=True))
            if pts and hover:
                rx, ry = pts[-1]
                reports.append(encode_position(self.layout, rx, ry, down=False))
            reports.append(encode_lift(self.layout))
        self.inject(*reports)
        return len(reports)

    def play_strokes(self, strokes: Iterable[Sequence[tuple[float, float]]], *, hover: bool = True) -> int:
        """Queue strokes given in logical pad units (see :meth:`play_raw`)."""
        raw = [[self.calibration.to_raw(x, y) for x, y in s] for s in strokes]
        return self.play_raw(raw, hover=hover)

    def play_points(self, points: Iterable[tuple[float, float]], *, down: bool = True) -> int:
        """Queue position reports for logical points without a lift (a stroke in progress)."""
        reps = [encode_position(self.layout, *self.calibration.to_raw(x, y), down=down) for x, y in points]
        self.inject(*reps)
        return len(reps)

    def play_demo(self) -> int:
        """Queue :func:`drivers.signature.model.demo_strokes`."""
        w, h = self.calibration.logical
        return self.play_strokes(demo_strokes(w, h))

    def inject(self, *reports: bytes) -> None:
        """Queue raw reports exactly as given (garbage, noise, odd sizes)."""
        with self._cond:
            self._queue.extend(bytes(r) for r in reports)
            self._cond.notify_all()

    def inject_noise(self, count: int = 1) -> None:
        """Queue ``count`` noise reports (X = Y = 0xFFF)."""
        noise = self.layout.noise_value
        self.inject(*[encode_position(self.layout, noise, noise, down=True)] * count)

    def pending(self) -> int:
        """Reports queued and not yet read by the host."""
        with self._cond:
            return len(self._queue)

    def wait_drained(self, timeout: float = 5.0) -> bool:
        """Block until the host has read every queued report (bounded)."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._queue, timeout)

    def unplug(self) -> None:
        """Pull the cable: enumeration stops listing it, open handles fail with
        ``USBError(errno=ENODEV)``, queued reports are lost."""
        with self._cond:
            self.plugged = False
            self.generation += 1
            self._queue.clear()
            self._cond.notify_all()

    def plug(self) -> None:
        """Plug it back in (a new address, as on real hardware)."""
        with self._cond:
            self.plugged = True
            self.address += 1
            self._cond.notify_all()

    # --------------------------------------------------------- host side I/O
    def _read(self, generation: int, size: int, timeout_ms: int) -> bytes:
        deadline = time.monotonic() + max(timeout_ms, 1) / 1000.0
        with self._cond:
            while True:
                if not self.plugged or generation != self.generation:
                    raise usb.core.USBError("No such device (it may have been disconnected)", LIBUSB_ERROR_NO_DEVICE, errno.ENODEV)
                if self._queue:
                    data = self._queue.popleft()
                    self.reads += 1
                    self._cond.notify_all()
                    break
                left = deadline - time.monotonic()
                if left <= 0:
                    raise usb.core.USBTimeoutError("Operation timed out", LIBUSB_ERROR_TIMEOUT, errno.ETIMEDOUT)
                self._cond.wait(left)
        if self.pace_ms:
            time.sleep(self.pace_ms / 1000.0)
        return data[:size]

    def _check(self, generation: int) -> None:
        if not self.plugged or generation != self.generation:
            raise usb.core.USBError("No such device (it may have been disconnected)", LIBUSB_ERROR_NO_DEVICE, errno.ENODEV)

    # ------------------------------------------------------------ descriptors
    def strings(self) -> dict[int, str]:
        """String descriptors by index."""
        return {1: "Topaz Systems Inc.", 2: self.product, 3: self.serial}

    def device_descriptor(self) -> SimpleNamespace:
        return SimpleNamespace(
            bLength=18, bDescriptorType=1, bcdUSB=0x0110, bDeviceClass=0, bDeviceSubClass=0,
            bDeviceProtocol=0, bMaxPacketSize0=8, idVendor=self.vendor_id, idProduct=self.product_id,
            bcdDevice=0x0100, iManufacturer=1, iProduct=2, iSerialNumber=3, bNumConfigurations=1,
            address=self.address, bus=self.bus, port_number=1, port_numbers=(1,), speed=2,
        )

    def config_descriptor(self) -> SimpleNamespace:
        return SimpleNamespace(
            bLength=9, bDescriptorType=2, wTotalLength=41, bNumInterfaces=1, bConfigurationValue=1,
            iConfiguration=0, bmAttributes=0x80, bMaxPower=50, extra_descriptors=[],
        )

    def interface_descriptor(self) -> SimpleNamespace:
        return SimpleNamespace(
            bLength=9, bDescriptorType=4, bInterfaceNumber=0, bAlternateSetting=0,
            bNumEndpoints=2 if self.with_out_endpoint else 1, bInterfaceClass=3, bInterfaceSubClass=0,
            bInterfaceProtocol=0, iInterface=0, extra_descriptors=[],
        )

    def endpoint_descriptors(self) -> list[SimpleNamespace]:
        eps = [
            SimpleNamespace(bLength=7, bDescriptorType=5, bEndpointAddress=EP_IN, bmAttributes=3,
                            wMaxPacketSize=self.layout.report_size, bInterval=5, bRefresh=0,
                            bSynchAddress=0, extra_descriptors=[]),
        ]
        if self.with_out_endpoint:
            eps.append(SimpleNamespace(bLength=7, bDescriptorType=5, bEndpointAddress=EP_OUT, bmAttributes=3,
                                       wMaxPacketSize=24, bInterval=5, bRefresh=0, bSynchAddress=0,
                                       extra_descriptors=[]))
        return eps


class _Handle:
    def __init__(self, device: VirtualTopazDevice):
        self.device = device
        self.generation = device.generation
        self.configuration = 0
        self.claimed: set[int] = set()


class VirtualUsbBackend(usb.backend.IBackend):
    """pyusb backend serving :class:`VirtualTopazDevice` objects.

    Pass it as ``backend=`` to ``usb.core.find`` (or to :class:`TopazPad`).
    Errors mimic libusb: ``USBTimeoutError`` (errno ETIMEDOUT) on an empty read,
    ``USBError`` (errno ENODEV, code -4) once unplugged, PIPE for unknown
    control requests.
    """

    def __init__(self, devices: Iterable[VirtualTopazDevice] | None = None):
        """Raises :class:`~drivers.signature.base.PadError` (Spanish) outside demo or test mode
        (:mod:`drivers.doubles`)."""
        refusal = double_refusal("El pad Topaz virtual")
        if refusal:
            raise PadError(refusal)
        super().__init__()
        self.devices: list[VirtualTopazDevice] = list(devices) if devices is not None else [VirtualTopazDevice()]

    @property
    def device(self) -> VirtualTopazDevice:
        """The first (usually only) device."""
        return self.devices[0]

    def enumerate_devices(self):
        return [d for d in self.devices if d.plugged]

    def get_parent(self, dev):
        return None

    def get_device_descriptor(self, dev):
        return dev.device_descriptor()

    def get_configuration_descriptor(self, dev, config):
        if config != 0:
            raise IndexError("Invalid configuration index " + str(config))
        return dev.config_descriptor()

    def get_interface_descriptor(self, dev, intf, alt, config):
        if intf != 0 or alt != 0:
            raise IndexError("Invalid interface index " + str(intf))
        return dev.interface_descriptor()

    def get_endpoint_descriptor(self, dev, ep, intf, alt, config):
        return dev.endpoint_descriptors()[ep]

    def open_device(self, dev):
        if not dev.plugged:
            raise usb.core.USBError("No such device", LIBUSB_ERROR_NO_DEVICE, errno.ENODEV)
        return _Handle(dev)

    def close_device(self, dev_handle):
        dev_handle.claimed.clear()

    def set_configuration(self, dev_handle, config_value):
        dev_handle.device._check(dev_handle.generation)
        dev_handle.configuration = config_value

    def get_configuration(self, dev_handle):
        dev_handle.device._check(dev_handle.generation)
        return dev_handle.configuration or 1

    def set_interface_altsetting(self, dev_handle, intf, altsetting):
        dev_handle.device._check(dev_handle.generation)

    def claim_interface(self, dev_handle, intf):
        dev_handle.device._check(dev_handle.generation)
        dev_handle.claimed.add(intf)

    def release_interface(self, dev_handle, intf):
        dev_handle.claimed.discard(intf)

    def is_kernel_driver_active(self, dev_handle, intf):
        return False

    def detach_kernel_driver(self, dev_handle, intf):
        return None

    def attach_kernel_driver(self, dev_handle, intf):
        return None

    def intr_read(self, dev_handle, ep, intf, buff, timeout):
        if ep != EP_IN:
            raise usb.core.USBError("Pipe error", LIBUSB_ERROR_PIPE, errno.EPIPE)
        data = dev_handle.device._read(dev_handle.generation, len(buff), timeout)
        buff[: len(data)] = array.array("B", data)
        return len(data)

    def intr_write(self, dev_handle, ep, intf, data, timeout):
        dev_handle.device._check(dev_handle.generation)
        payload = bytes(data)
        dev_handle.device.writes.append(("ep_out", payload))
        return len(payload)

    def ctrl_transfer(self, dev_handle, bmRequestType, bRequest, wValue, wIndex, data, timeout):
        dev = dev_handle.device
        dev._check(dev_handle.generation)
        if bmRequestType == 0x80 and bRequest == 0x06:  # GET_DESCRIPTOR
            dtype, index = wValue >> 8, wValue & 0xFF
            if dtype == 0x03:
                if index == 0:
                    payload = bytes([4, 3, 0x09, 0x04])
                else:
                    text = dev.strings().get(index)
                    if text is None:
                        raise usb.core.USBError("Pipe error", LIBUSB_ERROR_PIPE, errno.EPIPE)
                    body = text.encode("utf-16-le")
                    payload = bytes([2 + len(body), 3]) + body
                n = min(len(payload), len(data))
                data[:n] = array.array("B", payload[:n])
                return n
        if bmRequestType == 0x21 and bRequest == 0x09:  # HID SET_REPORT
            payload = bytes(data)
            dev.writes.append(("set_report", payload))
            return len(payload)
        if bmRequestType == 0x21 and bRequest == 0x0A:  # HID SET_IDLE
            return 0
        raise usb.core.USBError("Pipe error", LIBUSB_ERROR_PIPE, errno.EPIPE)
