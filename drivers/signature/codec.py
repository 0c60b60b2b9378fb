"""JSON codec of a signature (format ``credencializacion.signature``, version 1):
:meth:`Signature.to_dict`, :meth:`Signature.to_json`, :meth:`Signature.from_json`."""
from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from drivers.signature.values import (
    FORMAT_NAME,
    FORMAT_VERSION,
    DeviceInfo,
    Point,
    SignatureFormatError,
    Stroke,
    _num,
)

if TYPE_CHECKING:
    from drivers.signature.model import Signature


class CodecMixin:
    """JSON part of :class:`drivers.signature.model.Signature`."""

    __slots__ = ()

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
