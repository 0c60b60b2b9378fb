"""On-screen pad backend: the Qt widget (``ui/widgets/signature_pad.py``) converts
mouse/touch/stylus positions to logical pad units (2000×700) and feeds them here,
so the on-screen pad produces the same :class:`~drivers.signature.model.Signature`
and events as a hardware pad. No Qt in this module.
"""
from __future__ import annotations

from drivers.signature.base import MSG_CONNECTED, PadState, SignaturePad
from drivers.signature.model import DEFAULT_LOGICAL_HEIGHT, DEFAULT_LOGICAL_WIDTH, DeviceInfo


class OnScreenPad(SignaturePad):
    """Always connected; :meth:`feed` takes samples in logical units
    (``0..2000`` × ``0..700``, clamped) with host ms timestamps."""

    kind = "onscreen"

    def __init__(self, width: int = DEFAULT_LOGICAL_WIDTH, height: int = DEFAULT_LOGICAL_HEIGHT):
        super().__init__(
            DeviceInfo(
                kind="onscreen",
                name="Pad en pantalla",
                transport="qt",
                logical_width=width,
                logical_height=height,
            )
        )

    def feed(self, x: float, y: float, down: bool, t_ms: float | None = None) -> None:
        """One sample from the widget: logical units, pen/button down, host ms."""
        w, h = self.device_info.logical_width, self.device_info.logical_height
        self._sample(min(max(x, 0.0), float(w)), min(max(y, 0.0), float(h)), down, t_ms)

    def _open(self) -> None:
        self._set_state(PadState.CONNECTED, MSG_CONNECTED)

    def _close(self) -> None:
        pass
