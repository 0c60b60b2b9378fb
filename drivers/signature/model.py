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

The values live in :mod:`~drivers.signature.values`, the acceptance rules in
:mod:`~drivers.signature.acceptance`, the JSON codec in :mod:`~drivers.signature.codec` and the
rendering in :mod:`~drivers.signature.rendering`; :class:`Signature` composes them and this module
re-exports every name, so ``from drivers.signature.model import ...`` is unchanged.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Iterable, Sequence

from drivers.signature.acceptance import AcceptanceMixin, SignatureRules
from drivers.signature.codec import CodecMixin
from drivers.signature.rendering import RenderingMixin
from drivers.signature.values import (
    DEFAULT_LOGICAL_HEIGHT,
    DEFAULT_LOGICAL_WIDTH,
    FORMAT_NAME,
    FORMAT_VERSION,
    DeviceInfo,
    Point,
    SignatureError,
    SignatureFormatError,
    SignatureRejected,
    Stroke,
)

__all__ = ["DEFAULT_LOGICAL_HEIGHT", "DEFAULT_LOGICAL_WIDTH", "FORMAT_NAME", "FORMAT_VERSION", "DeviceInfo", "Point",
           "Signature", "SignatureBuilder", "SignatureError", "SignatureFormatError", "SignatureRejected",
           "SignatureRules", "Stroke", "demo_strokes", "signature_from_points"]


@dataclass(slots=True)
class Signature(AcceptanceMixin, CodecMixin, RenderingMixin):
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
