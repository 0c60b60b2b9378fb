"""Signature values: points and strokes in logical pad units, device metadata, the errors.

See :mod:`drivers.signature.model` for the coordinate frame (manual pad geometry, research note
topaz-pad.md). No Qt, no Pillow."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from station.domain.errors import UserError

FORMAT_NAME = "credencializacion.signature"
FORMAT_VERSION = 1

#: Logical frame of the LBK460 and of the on-screen pad (pad units).
DEFAULT_LOGICAL_WIDTH = 2000
DEFAULT_LOGICAL_HEIGHT = 700


class SignatureError(UserError, ValueError):
    """Base of the signature errors (the shared vocabulary: ``code``, Spanish ``message``)."""

    code = "signature_invalid"


class SignatureFormatError(SignatureError):
    """Raised by :meth:`Signature.from_json` on bytes that are not a signature document."""

    code = "signature_format"


class SignatureRejected(SignatureError):
    """Raised by :meth:`Signature.check` when the signature is empty or trivial.

    ``reason`` is a machine code: ``"empty"``, ``"few_points"``, ``"small"``.
    """

    code = "signature_rejected"

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


def _num(value: float) -> float | int:
    """Whole floats become ints so JSON stays compact; others keep 2 decimals."""
    if float(value).is_integer():
        return int(value)
    return round(float(value), 2)

