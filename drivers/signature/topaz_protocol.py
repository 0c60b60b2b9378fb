"""Topaz HSB (USB HID) report decoder and host→pad commands — data-driven.

EVERYTHING HERE IS UNCONFIRMED ON HARDWARE (research note
``shared/research/topaz-pad.md``). The byte layout, status bits, radix,
calibration and LCD commands live in the tables below (:data:`LAYOUTS`,
:data:`MODELS`, :data:`LCD_COMMANDS`) so that a capture made with
``credencializacion pad-record`` can correct them without touching code paths.
Each table entry says where it comes from: [C] confirmed in a cited source
(not on our hardware), [I] inferred.

Report shape assumed (HSB 8-byte report, WaiverServ topaz.py [C], offsets [I])::

    byte 0        ignored (maybe a length or report id) [I]
    byte 1        status: bit7 sync (always 1), bit6 proximity, bit0 pen down,
                  bits 2–4 packet type (0, 1, 4 position; 7 pressure;
                  2 model/serial info; 3 command response) [C serial BSB packet]
    bytes 2, 3    X low 7 bits, X high 5 bits → X = hi<<7 | lo (radix 128) [C serial; I for HSB]
    bytes 4, 5    Y the same
    bytes 6, 7    ignored
    byte 1 == 0x80 → pen lift (out of proximity) [C WaiverServ]
    X = Y = 0xFFF → noise [C serial]
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Iterable, Iterator

TOPAZ_VENDOR_ID = 0x06A8  # [C] usb.ids
#: HID PIDs tried by default; 0x0043 "SignatureGem 1X5-HID Pad" [C]; all HSB share it [I].
DEFAULT_PRODUCT_IDS: tuple[int, ...] = (0x0043,)


@dataclass(frozen=True)
class ReportLayout:
    """Byte layout of one HID input report. Offsets are 0-based into the report;
    ``x_low`` etc. are relative to ``packet_offset``."""

    name: str
    report_size: int = 8  # [C] WaiverServ reads 8-byte chunks
    packet_offset: int = 1  # [I] serial packet starts at byte 1
    sync_bit: int = 0x80  # [C] bit7 always 1 in a status byte
    proximity_bit: int = 0x40  # [C]
    pen_down_bit: int = 0x01  # [C]
    type_shift: int = 2  # [C] bits 2–4
    type_mask: int = 0x07
    position_types: frozenset[int] = frozenset({0, 1, 4})  # [C]
    pressure_types: frozenset[int] = frozenset({7})  # [C]
    info_types: frozenset[int] = frozenset({2})  # [C]
    response_types: frozenset[int] = frozenset({3})  # [C]
    x_low: int = 1
    x_high: int = 2
    y_low: int = 3
    y_high: int = 4
    low_mask: int = 0x7F  # [C] 7-bit joins
    high_mask: int = 0x1F  # [C] 12-bit values
    radix_bits: int = 7  # [C serial] radix 128 (WaiverServ's ×127 taken as a bug [I])
    data_bytes_clear_bit7: bool = True  # [C serial] only the status byte has bit7 set
    noise_value: int = 0xFFF  # [C]
    lift_status_values: frozenset[int] = frozenset({0x80})  # [C WaiverServ]
    #: bit 5 is set in the statuses seen in the wild (0xE5/0xE4, sigpad-net-server);
    #: its meaning is unknown [I]. The decoder ignores it; the virtual pad sets it.
    status_extra_bits: int = 0x20

    @property
    def packet_size(self) -> int:
        """Bytes of the serial packet inside the report (status + 4 data bytes)."""
        return 1 + max(self.x_low, self.x_high, self.y_low, self.y_high)

    @property
    def min_report_size(self) -> int:
        """Shortest report that holds a whole packet."""
        return self.packet_offset + self.packet_size


@dataclass(frozen=True)
class Calibration:
    """Raw→logical mapping of one pad model (pad units).

    ``raw_x``/``raw_y``: raw ranges of the writing area (inclusive).
    ``logical``: ``(width, height)`` of the logical frame. ``invert_y``: raw Y
    grows upwards [I: no]. ``margin``: fraction of the raw range outside which a
    sample is rejected as noise; samples inside the margin are clamped.
    """

    model: str
    raw_x: tuple[int, int]
    raw_y: tuple[int, int]
    logical: tuple[int, int]
    invert_y: bool = False
    margin: float = 0.05
    dpi: int | None = None
    lcd_size: tuple[int, int] | None = None
    source: str = ""

    def to_logical(self, raw_x: int, raw_y: int) -> tuple[float, float] | None:
        """Logical ``(x, y)`` for raw values, clamped to ``[0, width]×[0, height]``;
        ``None`` when the raw point lies beyond :attr:`margin` (noise)."""
        (x0, x1), (y0, y1) = self.raw_x, self.raw_y
        w, h = self.logical
        fx = (raw_x - x0) / (x1 - x0)
        fy = (raw_y - y0) / (y1 - y0)
        if not (-self.margin <= fx <= 1 + self.margin and -self.margin <= fy <= 1 + self.margin):
            return None
        if self.invert_y:
            fy = 1 - fy
        fx, fy = min(max(fx, 0.0), 1.0), min(max(fy, 0.0), 1.0)
        return fx * w, fy * h

    def to_raw(self, x: float, y: float) -> tuple[int, int]:
        """Inverse of :meth:`to_logical` (rounded raw units); used by the virtual pad."""
        (x0, x1), (y0, y1) = self.raw_x, self.raw_y
        w, h = self.logical
        fy = y / h
        if self.invert_y:
            fy = 1 - fy
        return round(x0 + x / w * (x1 - x0)), round(y0 + fy * (y1 - y0))

    def to_dict(self) -> dict[str, Any]:
        """Stored in the signature's device metadata."""
        return {
            "model": self.model,
            "raw_x": list(self.raw_x),
            "raw_y": list(self.raw_y),
            "logical": list(self.logical),
            "invert_y": self.invert_y,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Calibration":
        """Build from a settings dict (``raw_x``, ``raw_y``, ``logical`` lists). ``KeyError`` if missing."""
        return cls(
            model=str(data.get("model", "custom")),
            raw_x=tuple(data["raw_x"]),  # type: ignore[arg-type]
            raw_y=tuple(data["raw_y"]),  # type: ignore[arg-type]
            logical=tuple(data.get("logical", (2000, 700))),  # type: ignore[arg-type]
            invert_y=bool(data.get("invert_y", False)),
            margin=float(data.get("margin", 0.05)),
        )


#: Report layouts by name. Correct here when real traffic is captured.
LAYOUTS: dict[str, ReportLayout] = {
    "hsb8": ReportLayout(name="hsb8"),
}

#: Calibration per model. LBK460 = "SigLite LCD 1x5" (topaz-dext MODELS.SigLiteLCD1X5) [C].
MODELS: dict[str, Calibration] = {
    "LBK460": Calibration(
        model="LBK460",
        raw_x=(400, 2400),
        raw_y=(350, 1050),
        logical=(2000, 700),
        dpi=410,
        lcd_size=(240, 64),
        source="topaz-dext MODELS.SigLiteLCD1X5 [C]",
    ),
}
DEFAULT_MODEL = "LBK460"


@dataclass(frozen=True)
class Sample:
    """One decoded report.

    ``kind``: ``"position"``, ``"lift"``, ``"pressure"``, ``"info"`` or ``"response"``.
    ``raw_x``/``raw_y``: raw pad units; ``x``/``y``: logical pad units (position only).
    """

    kind: str
    status: int
    down: bool = False
    proximity: bool = False
    raw_x: int | None = None
    raw_y: int | None = None
    x: float | None = None
    y: float | None = None
    payload: bytes = b""


class Rejected(Exception):
    """A report that is noise or malformed; ``reason`` is ``"short"``, ``"sync"``,
    ``"bit7"``, ``"noise"``, ``"range"`` or ``"type"``."""

    def __init__(self, reason: str, report: bytes):
        super().__init__(f"{reason}: {report.hex()}")
        self.reason = reason
        self.report = report


@dataclass
class TopazDecoder:
    """Decodes HID input reports with a :class:`ReportLayout` and :class:`Calibration`.

    :meth:`decode` raises :class:`Rejected`; :meth:`feed` counts rejections in
    :attr:`stats` and returns ``None`` for them.
    """

    layout: ReportLayout = field(default_factory=lambda: LAYOUTS["hsb8"])
    calibration: Calibration = field(default_factory=lambda: MODELS[DEFAULT_MODEL])
    stats: dict[str, int] = field(default_factory=dict)

    def decode(self, report: bytes | bytearray | Iterable[int]) -> Sample:
        """Decode one report (bytes). Raises :class:`Rejected` for noise/malformed."""
        data = bytes(report)
        lay = self.layout
        if len(data) < lay.min_report_size:
            raise Rejected("short", data)
        pkt = data[lay.packet_offset : lay.packet_offset + lay.packet_size]
        status = pkt[0]
        if status in lay.lift_status_values:
            return Sample(kind="lift", status=status)
        if not status & lay.sync_bit:
            raise Rejected("sync", data)
        data_idx = (lay.x_low, lay.x_high, lay.y_low, lay.y_high)
        if lay.data_bytes_clear_bit7 and any(pkt[i] & 0x80 for i in data_idx):
            raise Rejected("bit7", data)
        ptype = (status >> lay.type_shift) & lay.type_mask
        down = bool(status & lay.pen_down_bit)
        prox = bool(status & lay.proximity_bit)
        if ptype in lay.position_types:
            raw_x = ((pkt[lay.x_high] & lay.high_mask) << lay.radix_bits) | (pkt[lay.x_low] & lay.low_mask)
            raw_y = ((pkt[lay.y_high] & lay.high_mask) << lay.radix_bits) | (pkt[lay.y_low] & lay.low_mask)
            if raw_x == lay.noise_value and raw_y == lay.noise_value:
                raise Rejected("noise", data)
            logical = self.calibration.to_logical(raw_x, raw_y)
            if logical is None:
                raise Rejected("range", data)
            return Sample("position", status, down, prox, raw_x, raw_y, logical[0], logical[1])
        payload = bytes(pkt[1:])
        if ptype in lay.pressure_types:
            return Sample("pressure", status, down, prox, payload=payload)
        if ptype in lay.info_types:
            return Sample("info", status, down, prox, payload=payload)
        if ptype in lay.response_types:
            return Sample("response", status, down, prox, payload=payload)
        raise Rejected("type", data)

    def feed(self, report: bytes | bytearray | Iterable[int]) -> Sample | None:
        """Like :meth:`decode` but counts results in :attr:`stats` and returns
        ``None`` for a rejected report."""
        try:
            sample = self.decode(report)
        except Rejected as exc:
            self.stats[exc.reason] = self.stats.get(exc.reason, 0) + 1
            return None
        self.stats[sample.kind] = self.stats.get(sample.kind, 0) + 1
        return sample

    def iter_samples(self, reports: Iterable[bytes]) -> Iterator[Sample]:
        """Decoded samples of ``reports``, rejected ones skipped (replay)."""
        for r in reports:
            s = self.feed(r)
            if s is not None:
                yield s


def encode_position(
    layout: ReportLayout,
    raw_x: int,
    raw_y: int,
    down: bool,
    proximity: bool = True,
    ptype: int = 1,
) -> bytes:
    """Build a position report as the pad is believed to send it (virtual pad).

    Raw values are 12-bit (``0..4095``); raises ``ValueError`` outside.
    """
    limit = ((layout.high_mask << layout.radix_bits) | layout.low_mask)
    if not (0 <= raw_x <= limit and 0 <= raw_y <= limit):
        raise ValueError(f"raw coordinate out of 0..{limit}: {raw_x}, {raw_y}")
    report = bytearray(layout.report_size)
    status = layout.sync_bit | layout.status_extra_bits | (ptype & layout.type_mask) << layout.type_shift
    if proximity:
        status |= layout.proximity_bit
    if down:
        status |= layout.pen_down_bit
    o = layout.packet_offset
    report[o] = status
    report[o + layout.x_low] = raw_x & layout.low_mask
    report[o + layout.x_high] = (raw_x >> layout.radix_bits) & layout.high_mask
    report[o + layout.y_low] = raw_y & layout.low_mask
    report[o + layout.y_high] = (raw_y >> layout.radix_bits) & layout.high_mask
    return bytes(report)


def encode_lift(layout: ReportLayout) -> bytes:
    """Pen-lift report (status 0x80 [C WaiverServ])."""
    report = bytearray(layout.report_size)
    report[layout.packet_offset] = min(layout.lift_status_values)
    return bytes(report)


# --------------------------------------------------------------- LCD commands
@dataclass(frozen=True)
class LcdCommands:
    """Host→pad LCD command bytes (libsigpad protocol.md, hid-topaz.c [C] for the
    LBK766; [I] that the LBK460 HSB takes the same). Sent only when the setting
    ``unconfirmed_lcd_commands`` is on."""

    backlight_on: bytes = b"\xff\x02"
    clear_rect_prefix: bytes = b"\xff\x12"
    clear_mode: int = 2  # fill=clear
    bitmap_prefix: bytes = b"\xf2\x07"
    bitmap_mode: int = 2  # opaque
    block: int = 8  # 8×8-pixel blocks, 1 bpp
    max_packet: int = 24  # [C] output packets up to 24 bytes

    def clear_rect(self, x: int, y: int, w: int, h: int) -> bytes:
        """``FF 12 mode x y w h`` (16-bit big-endian, LCD pixels)."""
        return (
            self.clear_rect_prefix
            + bytes([self.clear_mode])
            + b"".join(int(v).to_bytes(2, "big") for v in (x, y, w, h))
        )

    def bitmap_packets(self, pixels: list[list[int]], x0: int = 0, y0: int = 0) -> list[bytes]:
        """1-bpp bitmap (rows of 0/1, LCD pixels) → ``F2 07 mode x y w h`` + 8 data
        bytes per 8×8 block (19 bytes each). Blocks with no ink are skipped."""
        packets = []
        height = len(pixels)
        width = len(pixels[0]) if pixels else 0
        b = self.block
        for by in range(0, height, b):
            for bx in range(0, width, b):
                rows = []
                for r in range(b):
                    byte = 0
                    for c in range(b):
                        yy, xx = by + r, bx + c
                        bit = pixels[yy][xx] if yy < height and xx < width else 0
                        byte = (byte << 1) | (1 if bit else 0)
                    rows.append(byte)
                if not any(rows):
                    continue
                head = self.bitmap_prefix + bytes([self.bitmap_mode])
                head += b"".join(int(v).to_bytes(2, "big") for v in (x0 + bx, y0 + by, b, b))
                packets.append(head + bytes(rows))
        return packets


LCD_COMMANDS = LcdCommands()


def text_bitmap(text: str, size: tuple[int, int]) -> list[list[int]]:
    """Render ``text`` (e.g. "Firme aquí") left-aligned near the top of an LCD of
    ``size`` (w, h) pixels as rows of 0/1, with Pillow's built-in font."""
    from PIL import Image, ImageDraw, ImageFont

    w, h = size
    img = Image.new("1", (w, h), 0)
    draw = ImageDraw.Draw(img)
    draw.text((4, 2), text, fill=1, font=ImageFont.load_default())
    # baseline for the signature
    draw.line((4, h - 6, w - 5, h - 6), fill=1)
    return [[1 if img.getpixel((x, y)) else 0 for x in range(w)] for y in range(h)]


def layout_for(name: str | None, overrides: dict[str, Any] | None = None) -> ReportLayout:
    """Layout ``name`` (default "hsb8") with field ``overrides`` from settings.
    Raises ``KeyError`` for an unknown name, ``TypeError`` for an unknown field."""
    layout = LAYOUTS[name or "hsb8"]
    if overrides:
        fixed = {k: frozenset(v) if isinstance(getattr(layout, k), frozenset) else v for k, v in overrides.items()}
        layout = replace(layout, **fixed)
    return layout


def calibration_for(model: str | None, override: dict[str, Any] | None = None) -> Calibration:
    """Calibration of ``model`` (default LBK460) or the explicit ``override`` dict.
    An unknown model falls back to LBK460 [I: all 1x5 HSB pads alike]."""
    if override:
        return Calibration.from_dict(override)
    return MODELS.get((model or DEFAULT_MODEL).upper(), MODELS[DEFAULT_MODEL])
