"""Signature model: strokes of points in logical pad units, device metadata,
JSON (de)serialisation, PNG/SVG rendering and the "not empty / not trivial" check.

Coordinates are *logical pad units*: ``0 ≤ x < width``, ``0 ≤ y < height`` with
the origin at the top-left of the writing area and y growing downwards. For the
Topaz LBK460 the logical frame is 2000×700 (research note topaz-pad.md,
"LBK460 geometry"); the on-screen pad uses the same frame. Times ``t`` are host
milliseconds since the signature's first point (pads send no timestamps
[inferred], so the host stamps each report when it is read).

No Qt here (``drivers/`` never imports Qt). Pillow is imported only when a PNG
is rendered.
"""
from __future__ import annotations

import io
import json
import math
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Iterable, Sequence

FORMAT_NAME = "credencializacion.signature"
FORMAT_VERSION = 1

#: Logical frame of the LBK460 and of the on-screen pad (pad units).
DEFAULT_LOGICAL_WIDTH = 2000
DEFAULT_LOGICAL_HEIGHT = 700


class SignatureError(ValueError):
    """Base of the signature errors; ``message`` is Spanish text for the operator."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class SignatureFormatError(SignatureError):
    """Raised by :meth:`Signature.from_json` on bytes that are not a signature document."""


class SignatureRejected(SignatureError):
    """Raised by :meth:`Signature.check` when the signature is empty or trivial.

    ``reason`` is a machine code: ``"empty"``, ``"few_points"``, ``"small"``.
    """

    def __init__(self, message: str, reason: str):
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Point:
    """One pen sample.

    ``x``, ``y``: logical pad units (float; Topaz values are whole numbers).
    ``t``: host ms since the signature's first sample (int, ≥ 0).
    ``down``: pen touching the surface (points inside a stroke are normally down).
    """

    x: float
    y: float
    t: int = 0
    down: bool = True


@dataclass(slots=True)
class Stroke:
    """Points from one pen-down to the following pen-up, in time order."""

    points: list[Point] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.points)

    def bbox(self) -> tuple[float, float, float, float] | None:
        """``(min_x, min_y, max_x, max_y)`` in pad units, or ``None`` when empty."""
        if not self.points:
            return None
        xs = [p.x for p in self.points]
        ys = [p.y for p in self.points]
        return min(xs), min(ys), max(xs), max(ys)


@dataclass(slots=True)
class DeviceInfo:
    """What captured the signature (stored with every signature).

    ``kind``: ``"topaz"``, ``"sigweb"``, ``"onscreen"`` or ``"virtual"``.
    ``logical_width``/``logical_height``: the logical frame in pad units.
    ``calibration``: raw→logical mapping used (e.g. ``{"raw_x": [400, 2400],
    "raw_y": [350, 1050]}``), empty when the backend already gives logical units.
    """

    kind: str
    model: str = ""
    name: str = ""
    serial: str = ""
    vendor_id: int | None = None
    product_id: int | None = None
    transport: str = ""
    logical_width: int = DEFAULT_LOGICAL_WIDTH
    logical_height: int = DEFAULT_LOGICAL_HEIGHT
    calibration: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able dict (ids as ``"0x06a8"`` hex strings)."""
        return {
            "kind": self.kind,
            "model": self.model,
            "name": self.name,
            "serial": self.serial,
            "vendor_id": None if self.vendor_id is None else f"0x{self.vendor_id:04x}",
            "product_id": None if self.product_id is None else f"0x{self.product_id:04x}",
            "transport": self.transport,
            "logical_width": self.logical_width,
            "logical_height": self.logical_height,
            "calibration": dict(self.calibration),
            "extra": dict(self.extra),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "DeviceInfo":
        """Inverse of :meth:`to_dict`; raises ``KeyError``/``ValueError`` on bad data."""

        def _hex(value: Any) -> int | None:
            if value is None:
                return None
            return int(value, 16) if isinstance(value, str) else int(value)

        return cls(
            kind=str(data["kind"]),
            model=str(data.get("model", "")),
            name=str(data.get("name", "")),
            serial=str(data.get("serial", "")),
            vendor_id=_hex(data.get("vendor_id")),
            product_id=_hex(data.get("product_id")),
            transport=str(data.get("transport", "")),
            logical_width=int(data.get("logical_width", DEFAULT_LOGICAL_WIDTH)),
            logical_height=int(data.get("logical_height", DEFAULT_LOGICAL_HEIGHT)),
            calibration=dict(data.get("calibration", {})),
            extra=dict(data.get("extra", {})),
        )


@dataclass(frozen=True, slots=True)
class SignatureRules:
    """Thresholds of :meth:`Signature.check` (pad units of a 2000×700 frame,
    scaled to the signature's own frame).

    ``min_points``: pen-down samples in all strokes together.
    ``min_width``/``min_height``: extent of the ink bounding box.
    """

    min_points: int = 15
    min_width: float = 150.0
    min_height: float = 30.0


def _num(value: float) -> float | int:
    """Whole floats become ints so JSON stays compact; others keep 2 decimals."""
    if float(value).is_integer():
        return int(value)
    return round(float(value), 2)


@dataclass(slots=True)
class Signature:
    """A captured signature: strokes in logical pad units plus device metadata.

    ``width``/``height``: logical frame (pad units), normally the device's.
    ``started_at``: UTC ISO-8601 time of the first sample (``""`` if unknown).
    """

    strokes: list[Stroke] = field(default_factory=list)
    device: DeviceInfo = field(default_factory=lambda: DeviceInfo(kind="unknown"))
    width: int = DEFAULT_LOGICAL_WIDTH
    height: int = DEFAULT_LOGICAL_HEIGHT
    started_at: str = ""

    # ----------------------------------------------------------------- measures
    @property
    def point_count(self) -> int:
        """Number of samples over all strokes."""
        return sum(len(s.points) for s in self.strokes)

    @property
    def stroke_count(self) -> int:
        """Number of non-empty strokes."""
        return sum(1 for s in self.strokes if s.points)

    def is_empty(self) -> bool:
        """True when there is no sample at all."""
        return self.point_count == 0

    def bbox(self) -> tuple[float, float, float, float] | None:
        """Ink bounding box ``(min_x, min_y, max_x, max_y)`` in pad units, ``None`` if empty."""
        boxes = [b for b in (s.bbox() for s in self.strokes) if b is not None]
        if not boxes:
            return None
        return (
            min(b[0] for b in boxes),
            min(b[1] for b in boxes),
            max(b[2] for b in boxes),
            max(b[3] for b in boxes),
        )

    def duration_ms(self) -> int:
        """Time from the first to the last sample (ms); 0 if fewer than two samples."""
        times = [p.t for s in self.strokes for p in s.points]
        return (max(times) - min(times)) if len(times) > 1 else 0

    # -------------------------------------------------------------------- check
    def problems(self, rules: SignatureRules = SignatureRules()) -> list[SignatureRejected]:
        """All reasons to refuse this signature (empty list = acceptable).

        Thresholds in ``rules`` are for a 2000×700 frame and are scaled to
        ``width``/``height``.
        """
        if self.is_empty():
            return [SignatureRejected("No hay firma: pida al alumno que firme en el pad.", "empty")]
        found: list[SignatureRejected] = []
        if self.point_count < rules.min_points:
            found.append(
                SignatureRejected(
                    "La firma es demasiado corta (muy pocos trazos). Presione Limpiar y pida al "
                    "alumno que firme de nuevo.",
                    "few_points",
                )
            )
        x0, y0, x1, y1 = self.bbox()  # type: ignore[misc]
        sx = self.width / DEFAULT_LOGICAL_WIDTH
        sy = self.height / DEFAULT_LOGICAL_HEIGHT
        if (x1 - x0) < rules.min_width * sx or (y1 - y0) < rules.min_height * sy:
            found.append(
                SignatureRejected(
                    "La firma es demasiado pequeña. Presione Limpiar y pida al alumno que firme "
                    "de nuevo ocupando más espacio del recuadro.",
                    "small",
                )
            )
        return found

    def check(self, rules: SignatureRules = SignatureRules()) -> None:
        """Refuse an empty or trivial signature.

        Raises :class:`SignatureRejected` (Spanish ``message``, ``reason`` in
        ``"empty"``, ``"few_points"``, ``"small"``) with the first problem found.
        """
        found = self.problems(rules)
        if found:
            raise found[0]

    # --------------------------------------------------------------------- JSON
    def to_dict(self) -> dict[str, Any]:
        """JSON-able dict; see :meth:`to_json` for the shape."""
        return {
            "format": FORMAT_NAME,
            "version": FORMAT_VERSION,
            "units": "logical",
            "width": self.width,
            "height": self.height,
            "started_at": self.started_at,
            "device": self.device.to_dict(),
            "strokes": [
                [[_num(p.x), _num(p.y), int(p.t), 1 if p.down else 0] for p in s.points]
                for s in self.strokes
            ],
        }

    def to_json(self) -> bytes:
        """UTF-8 JSON bytes::

            {"format": "credencializacion.signature", "version": 1, "units": "logical",
             "width": 2000, "height": 700, "started_at": "2026-01-05T17:03:12.345Z",
             "device": {"kind": "topaz", "model": "LBK460", ..., "calibration": {...}},
             "strokes": [[[x, y, t_ms, pen_down 0|1], ...], ...]}
        """
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    @classmethod
    def from_json(cls, data: bytes | str) -> "Signature":
        """Parse :meth:`to_json` output.

        Raises :class:`SignatureFormatError` (Spanish message) on anything else:
        invalid JSON, another format name, a newer version, malformed points.
        """
        try:
            doc = json.loads(data)
        except (ValueError, TypeError) as exc:
            raise SignatureFormatError("El archivo de firma está dañado (no es JSON válido).") from exc
        if not isinstance(doc, dict) or doc.get("format") != FORMAT_NAME:
            raise SignatureFormatError("El archivo no contiene una firma de Credencialización.")
        if int(doc.get("version", 0)) > FORMAT_VERSION:
            raise SignatureFormatError(
                "La firma fue guardada por una versión más nueva del programa; actualice la estación."
            )
        try:
            strokes = [
                Stroke([Point(float(p[0]), float(p[1]), int(p[2]), bool(p[3])) for p in s])
                for s in doc["strokes"]
            ]
            return cls(
                strokes=strokes,
                device=DeviceInfo.from_dict(doc["device"]),
                width=int(doc["width"]),
                height=int(doc["height"]),
                started_at=str(doc.get("started_at", "")),
            )
        except (KeyError, IndexError, TypeError, ValueError) as exc:
            raise SignatureFormatError("El archivo de firma está incompleto o dañado.") from exc

    # ---------------------------------------------------------------- rendering
    def _view(self, crop: str, margin: float) -> tuple[float, float, float, float]:
        """Region to render ``(x0, y0, w, h)`` in pad units."""
        if crop == "ink" and not self.is_empty():
            x0, y0, x1, y1 = self.bbox()  # type: ignore[misc]
            return x0 - margin, y0 - margin, (x1 - x0) + 2 * margin, (y1 - y0) + 2 * margin
        if crop not in ("ink", "pad"):
            raise ValueError(f"crop must be 'ink' or 'pad', not {crop!r}")
        return 0.0, 0.0, float(self.width), float(self.height)

    def render_image(
        self,
        width_px: int = 600,
        height_px: int | None = None,
        *,
        pen_width_px: float = 3.0,
        color: tuple[int, int, int] = (0, 0, 0),
        crop: str = "ink",
        margin: float = 20.0,
        supersample: int = 4,
    ):
        """Render to a Pillow ``RGBA`` image with a fully transparent background.

        ``width_px``×``height_px``: output size in pixels (``height_px`` defaults
        to keep the aspect of the rendered region). ``crop="ink"`` fits the ink
        bounding box plus ``margin`` pad units; ``crop="pad"`` the whole logical
        frame. Ink keeps its aspect ratio and is centred. An empty signature
        gives a fully transparent image. Raises ``ValueError`` on sizes < 1.
        """
        from PIL import Image, ImageDraw

        vx, vy, vw, vh = self._view(crop, margin)
        vw, vh = max(vw, 1.0), max(vh, 1.0)
        if height_px is None:
            height_px = max(1, round(width_px * vh / vw))
        if width_px < 1 or height_px < 1:
            raise ValueError("La imagen de la firma debe medir al menos 1×1 píxeles.")
        ss = max(1, int(supersample))
        big_w, big_h = width_px * ss, height_px * ss
        scale = min(big_w / vw, big_h / vh)
        off_x = (big_w - vw * scale) / 2 - vx * scale
        off_y = (big_h - vh * scale) / 2 - vy * scale
        img = Image.new("RGBA", (big_w, big_h), (0, 0, 0, 0))
        draw = ImageDraw.Draw(img)
        pen = max(1.0, pen_width_px * ss)
        r = pen / 2
        rgba = (*color, 255)
        for stroke in self.strokes:
            pts = [(p.x * scale + off_x, p.y * scale + off_y) for p in stroke.points]
            if not pts:
                continue
            if len(pts) > 1:
                draw.line(pts, fill=rgba, width=int(round(pen)), joint="curve")
            for px, py in (pts[0], pts[-1]) if len(pts) > 1 else pts:
                draw.ellipse((px - r, py - r, px + r, py + r), fill=rgba)
        if ss > 1:
            img = img.resize((width_px, height_px), Image.LANCZOS)
        return img

    def to_png(self, width_px: int = 600, height_px: int | None = None, **kwargs: Any) -> bytes:
        """PNG bytes of :meth:`render_image` (transparent background, for the card)."""
        buf = io.BytesIO()
        self.render_image(width_px, height_px, **kwargs).save(buf, format="PNG", optimize=True)
        return buf.getvalue()

    def to_svg(
        self,
        *,
        pen_width: float = 6.0,
        color: str = "#000000",
        crop: str = "ink",
        margin: float = 20.0,
    ) -> str:
        """SVG text: ``viewBox`` in pad units, one ``<path>`` per non-empty stroke,
        round caps/joins, no background (transparent). ``pen_width`` in pad units.
        A one-point stroke is drawn as a dot (zero-length segment with round cap).
        """
        vx, vy, vw, vh = self._view(crop, margin)
        vw, vh = max(vw, 1.0), max(vh, 1.0)
        parts = [
            '<svg xmlns="http://www.w3.org/2000/svg" '
            f'viewBox="{_num(vx)} {_num(vy)} {_num(vw)} {_num(vh)}" '
            f'width="{_num(vw)}" height="{_num(vh)}">'
        ]
        for stroke in self.strokes:
            if not stroke.points:
                continue
            first, *rest = stroke.points
            d = [f"M{_num(first.x)} {_num(first.y)}"]
            d += [f"L{_num(p.x)} {_num(p.y)}" for p in rest] or ["l0 0"]
            parts.append(
                f'<path d="{" ".join(d)}" fill="none" stroke="{color}" '
                f'stroke-width="{_num(pen_width)}" stroke-linecap="round" stroke-linejoin="round"/>'
            )
        parts.append("</svg>")
        return "\n".join(parts)


class SignatureBuilder:
    """Accumulates pen samples into strokes (used by every backend).

    Not thread-safe by itself; :class:`drivers.signature.base.SignaturePad`
    holds a lock around it. ``t_ms`` values passed in are absolute host ms
    (``time.monotonic()*1000``); stored points are relative to the first one.
    """

    def __init__(self, device: DeviceInfo):
        self.device = device
        self.strokes: list[Stroke] = []
        self._current: Stroke | None = None
        self._t0: float | None = None
        self._started_at = ""

    @property
    def pen_down(self) -> bool:
        """True while a stroke is open."""
        return self._current is not None

    def add(self, x: float, y: float, t_ms: float, down: bool) -> tuple[Point | None, Stroke | None, bool]:
        """Feed one sample (logical units, absolute host ms).

        Returns ``(point, finished_stroke, stroke_started)``: ``point`` is the
        stored point (``None`` for hover samples), ``finished_stroke`` the stroke
        this pen-up closed.
        """
        if not down:
            return None, self.end_stroke(), False
        if self._t0 is None:
            self._t0 = t_ms
            self._started_at = datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        started = False
        if self._current is None:
            self._current = Stroke()
            self.strokes.append(self._current)
            started = True
        # 2 decimals: what JSON keeps, so a saved signature equals the captured one
        point = Point(round(float(x), 2), round(float(y), 2), max(0, int(round(t_ms - self._t0))), True)
        self._current.points.append(point)
        return point, None, started

    def end_stroke(self) -> Stroke | None:
        """Close the open stroke (pen-up or device loss); returns it or ``None``."""
        done, self._current = self._current, None
        return done

    def clear(self) -> None:
        """Drop every stroke (Limpiar)."""
        self.strokes = []
        self._current = None
        self._t0 = None
        self._started_at = ""

    def signature(self) -> Signature:
        """Snapshot (copies) of the strokes so far as a :class:`Signature`."""
        return Signature(
            strokes=[Stroke(list(s.points)) for s in self.strokes if s.points],
            device=self.device,
            width=self.device.logical_width,
            height=self.device.logical_height,
            started_at=self._started_at,
        )


def signature_from_points(
    strokes: Iterable[Sequence[tuple[float, float]]],
    device: DeviceInfo | None = None,
    *,
    step_ms: int = 10,
) -> Signature:
    """Build a :class:`Signature` from lists of ``(x, y)`` pad-unit tuples,
    with synthetic times ``step_ms`` apart (demos and tests)."""
    device = device or DeviceInfo(kind="virtual", model="LBK460")
    t = 0
    out = []
    for s in strokes:
        pts = []
        for x, y in s:
            pts.append(Point(float(x), float(y), t, True))
            t += step_ms
        out.append(Stroke(pts))
    return Signature(out, device, device.logical_width, device.logical_height)


def demo_strokes(width: int = DEFAULT_LOGICAL_WIDTH, height: int = DEFAULT_LOGICAL_HEIGHT) -> list[list[tuple[int, int]]]:
    """A plausible three-stroke signature in integer pad units (demo and tests):
    a looping wave, a vertical bar and an underline."""
    wave = [
        (int(width * (0.10 + 0.55 * i / 59)), int(height * (0.5 - 0.28 * math.sin(i / 59 * 4 * math.pi))))
        for i in range(60)
    ]
    bar = [(int(width * 0.72), int(height * (0.25 + 0.5 * i / 19))) for i in range(20)]
    line = [(int(width * (0.12 + 0.7 * i / 29)), int(height * 0.82)) for i in range(30)]
    return [wave, bar, line]
