"""Signature pads: one interface (:class:`SignaturePad`) with Topaz HID (pyusb /
hidapi), SigWeb, on-screen and virtual backends, and the :class:`Signature` model.

Open a pad by configuration name with :func:`open_pad` (``"topaz"``,
``"sigweb"``, ``"onscreen"``, ``"virtual"``). No Qt is imported here.
"""
from drivers.signature.base import (
    ClearedEvent,
    PadError,
    PadEvent,
    PadNotFound,
    PadState,
    PadUnavailable,
    PenEvent,
    PointEvent,
    SignaturePad,
    StateEvent,
    StrokeEvent,
)
from drivers.signature.model import (
    DeviceInfo,
    Point,
    Signature,
    SignatureFormatError,
    SignatureRejected,
    SignatureRules,
    Stroke,
)
from drivers.signature.registry import PAD_KINDS, create_pad, open_pad

__all__ = [
    "ClearedEvent", "DeviceInfo", "PAD_KINDS", "PadError", "PadEvent", "PadNotFound", "PadState",
    "PadUnavailable", "PenEvent", "Point", "PointEvent", "Signature", "SignatureFormatError",
    "SignaturePad", "SignatureRejected", "SignatureRules", "StateEvent", "Stroke", "StrokeEvent",
    "create_pad", "open_pad",
]
