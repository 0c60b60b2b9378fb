"""Create a signature pad from its configuration name.

Names: ``"topaz"`` (USB HID pad), ``"sigweb"`` (Topaz SigWeb service),
``"onscreen"`` (mouse/touch/stylus widget feeds it), ``"virtual"`` (a
:class:`~drivers.signature.virtual.VirtualTopazDevice` behind pyusb, for demos).
"""
from __future__ import annotations

from typing import Any

from drivers.signature.base import PadError, SignaturePad

PAD_KINDS = ("topaz", "sigweb", "onscreen", "virtual")


def create_pad(name: str, settings: dict[str, Any] | None = None) -> SignaturePad:
    """Build (not open) the pad named ``name`` with its ``settings`` dict.

    * ``topaz``: keys of :class:`~drivers.signature.topaz.TopazSettings`.
    * ``sigweb``: keys of :class:`~drivers.signature.sigweb.SigWebSettings`.
    * ``onscreen``: none.
    * ``virtual``: TopazSettings keys plus ``pace_ms`` (delay per report) and
      ``demo`` (queue a demo signature at start); the device is ``pad.virtual_device``.

    Raises :class:`PadError` (Spanish) for an unknown name or bad settings.
    """
    settings = dict(settings or {})
    try:
        if name == "topaz":
            from drivers.signature.topaz import TopazPad, TopazSettings

            return TopazPad(TopazSettings.from_dict(settings))
        if name == "virtual":
            from drivers.signature.topaz import TopazPad, TopazSettings
            from drivers.signature.virtual import VirtualTopazDevice, VirtualUsbBackend

            pace = float(settings.pop("pace_ms", 0.0))
            demo = bool(settings.pop("demo", False))
            device = VirtualTopazDevice(pace_ms=pace)
            pad = TopazPad(TopazSettings.from_dict(settings), usb_backend=VirtualUsbBackend([device]), kind="virtual")
            pad.virtual_device = device  # type: ignore[attr-defined]
            if demo:
                pad.add_listener(_DemoOnStart(pad, device))
            return pad
        if name == "sigweb":
            from drivers.signature.sigweb import SigWebPad, SigWebSettings

            return SigWebPad(SigWebSettings(**settings))
        if name == "onscreen":
            from drivers.signature.onscreen import OnScreenPad

            return OnScreenPad()
    except TypeError as exc:
        raise PadError(f"Configuración del pad «{name}» inválida: {exc}") from exc
    raise PadError(f"Tipo de pad desconocido: «{name}». Use uno de: {', '.join(PAD_KINDS)}.")


def open_pad(name: str, settings: dict[str, Any] | None = None) -> SignaturePad:
    """:func:`create_pad` then ``open()``; a missing device leaves it DISCONNECTED (hot-plug)."""
    pad = create_pad(name, settings)
    pad.open()
    return pad


class _DemoOnStart:
    """Queues the demo signature on the virtual device once it is connected."""

    def __init__(self, pad: SignaturePad, device: Any):
        self._pad, self._device, self._done = pad, device, False

    def __call__(self, event: Any) -> None:
        from drivers.signature.base import StateEvent

        if not self._done and isinstance(event, StateEvent) and event.state.value == "connected":
            self._done = True
            self._device.play_demo()
