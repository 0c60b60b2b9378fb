"""Opening pads by configuration name."""
from __future__ import annotations

import pytest

from drivers.signature import PadError, PadState, StrokeEvent, create_pad, open_pad
from drivers.signature.onscreen import OnScreenPad
from drivers.signature.sigweb import SigWebPad
from drivers.signature.topaz import TopazPad


def test_names_map_to_backends():
    assert isinstance(create_pad("topaz", {"product_ids": ["0x0043", "0x0042"]}), TopazPad)
    assert create_pad("topaz", {"product_ids": ["0x0042"]}).settings.product_ids == (0x0042,)
    assert isinstance(create_pad("sigweb", {"timeout_s": 1.0}), SigWebPad)
    assert isinstance(create_pad("onscreen"), OnScreenPad)
    assert create_pad("virtual").kind == "virtual"


def test_unknown_name_or_setting_is_a_spanish_error():
    with pytest.raises(PadError, match="Tipo de pad desconocido"):
        create_pad("wacom")
    with pytest.raises(PadError, match="Configuración del pad"):
        create_pad("topaz", {"colour": "red"})


def test_virtual_demo_signs_by_itself(recorder):
    pad = create_pad("virtual", {"demo": True, "read_timeout_ms": 20})
    pad.add_listener(recorder)
    pad.start()
    pad.open()
    try:
        recorder.wait_strokes(3)
        assert pad.state == PadState.CONNECTED
        pad.stop().check()
    finally:
        pad.close()


def test_onscreen_pad_feeds_and_clamps():
    pad = open_pad("onscreen")
    pad.start()
    pad.feed(-5, 10, True)
    pad.feed(2500, 800, True)
    pad.feed(2500, 800, False)
    assert [(p.x, p.y) for p in pad.stop().strokes[0].points] == [(0, 10), (2000, 700)]
