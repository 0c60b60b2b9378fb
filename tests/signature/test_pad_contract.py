"""One contract every signature pad backend keeps (issue #12 item 8; drivers/signature/base.py).

The same tests run against each backend through real driver code: Topaz over pyusb on a virtual
device, the registry's "virtual" pad, SigWeb against its emulator on 127.0.0.1, and the on-screen
pad. A backend is reached through a small harness that knows how to draw on it, pull its cable and
make it missing at open; the assertions are the same for all.
"""
from __future__ import annotations

import socket

import pytest

from drivers.signature.base import MSG_DISCONNECTED, ClearedEvent, PadState, StrokeEvent
from drivers.signature.onscreen import OnScreenPad
from drivers.signature.registry import create_pad
from drivers.signature.sigweb import SigWebPad, SigWebSettings
from drivers.signature.sigweb_emulator import SigWebEmulator
from drivers.signature.topaz import TopazPad, TopazSettings
from drivers.signature.virtual import VirtualTopazDevice, VirtualUsbBackend

STROKES = [[(100, 100), (200, 150), (300, 200)], [(400, 300), (500, 350)]]


class TopazHarness:
    kind, can_unplug = "topaz", True

    def __init__(self, recorder, *, missing=False):
        self.recorder, self.device = recorder, VirtualTopazDevice()
        if missing:
            self.device.unplug()
        self.pad = TopazPad(TopazSettings(read_timeout_ms=20, rescan_interval_s=0.02),
                            usb_backend=VirtualUsbBackend([self.device]))

    def draw(self, strokes):
        seen = len(self.recorder.of(StrokeEvent))
        self.device.play_strokes(strokes)
        self.recorder.wait_strokes(seen + len(strokes))

    def unplug(self):
        self.device.unplug()

    def plug(self):
        self.device.plug()

    def close(self):
        self.pad.close()


class VirtualHarness(TopazHarness):
    kind = "virtual"

    def __init__(self, recorder, *, missing=False):
        self.recorder = recorder
        self.pad = create_pad("virtual", {"read_timeout_ms": 20, "rescan_interval_s": 0.02})
        self.device = self.pad.virtual_device
        if missing:
            self.device.unplug()


class SigWebHarness:
    kind, can_unplug = "sigweb", True

    def __init__(self, recorder, *, missing=False):
        self.recorder, self.emu = recorder, None
        if missing:  # SigWeb not installed: nothing listens on the port
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                url = f"http://127.0.0.1:{s.getsockname()[1]}/SigWeb/"
        else:
            self.emu = SigWebEmulator().start()
            url = self.emu.base_url
        self.pad = SigWebPad(SigWebSettings(base_url=url, timeout_s=1.0, poll_interval_s=0.01,
                                            reconnect_interval_s=0.02))

    def draw(self, strokes):
        self.emu.wait_for(lambda: self.emu.tablet_state == 1)
        if self.pad.signature().is_empty():  # a Limpiar reaches the service on the next poll
            self.emu.wait_for(lambda: not self.emu.strokes)
        seen = len(self.recorder.of(StrokeEvent))
        for stroke in strokes:
            assert self.emu.add_stroke(stroke)
        # SigWeb reports a stroke finished when the next one appears; stop() fetches the last one
        self.recorder.wait_strokes(seen + len(strokes) - 1)

    def unplug(self):
        self.emu.tablet_connected = False
        self.pad._connected = False  # the next poll re-checks presence, as after any error

    def plug(self):
        self.emu.tablet_connected = True

    def close(self):
        self.pad.close()
        if self.emu is not None:
            self.emu.stop()


class OnScreenHarness:
    kind, can_unplug = "onscreen", False

    def __init__(self, recorder, *, missing=False):
        self.pad = OnScreenPad()

    def draw(self, strokes):
        for stroke in strokes:
            for x, y in stroke:
                self.pad.feed(x, y, True)
            self.pad.feed(*stroke[-1], False)

    def close(self):
        self.pad.close()


HARNESSES = {"topaz": TopazHarness, "virtual": VirtualHarness, "sigweb": SigWebHarness,
             "onscreen": OnScreenHarness}


@pytest.fixture(params=sorted(HARNESSES))
def backend(request, recorder):
    """``backend(missing=False)`` → a harness whose pad reports to ``recorder``; closed at teardown."""
    made = []

    def build(missing=False):
        harness = HARNESSES[request.param](recorder, missing=missing)
        harness.pad.add_listener(recorder)
        made.append(harness)
        return harness

    yield build
    for harness in made:
        harness.close()


def coords(signature):
    return [[(p.x, p.y) for p in s.points] for s in signature.strokes]


def assert_strokes(signature, expected):
    got = coords(signature)
    assert len(got) == len(expected), got
    for g, e in zip(got, expected):
        assert len(g) == len(e) and all(abs(a - c) <= 1.5 and abs(b - d) <= 1.5 for (a, b), (c, d) in zip(g, e)), got


class TestPadContract:
    """What the capture screen relies on, for every backend."""

    def test_open_connects_and_describes_the_device(self, backend, recorder):
        h = backend()
        h.pad.open()
        assert h.pad.wait_for_state(PadState.CONNECTED, 10.0)
        assert h.pad.kind == h.kind
        info = h.pad.device_info
        assert info.kind == h.kind and info.name and info.logical_width > 0 and info.logical_height > 0
        recorder.wait_state(PadState.CONNECTED)  # listeners are told, with a Spanish message
        assert h.pad.message

    def test_start_draw_stop_gives_the_strokes_drawn(self, backend, recorder):
        h = backend()
        h.pad.open()
        h.pad.wait_for_state(PadState.CONNECTED, 10.0)
        h.pad.start()
        assert h.pad.capturing
        h.draw(STROKES)
        signature = h.pad.stop()
        assert not h.pad.capturing
        assert_strokes(signature, STROKES)
        assert signature.device.kind == h.kind

    def test_clear_drops_the_strokes_and_says_so(self, backend, recorder):
        h = backend()
        h.pad.open()
        h.pad.wait_for_state(PadState.CONNECTED, 10.0)
        h.pad.start()
        h.draw(STROKES)
        h.pad.clear()
        assert recorder.of(ClearedEvent) and h.pad.signature().is_empty()
        h.draw(STROKES[1:])
        assert_strokes(h.pad.stop(), STROKES[1:])

    def test_close_leaves_the_strokes_readable(self, backend, recorder):
        h = backend()
        h.pad.open()
        h.pad.wait_for_state(PadState.CONNECTED, 10.0)
        h.pad.start()
        h.draw(STROKES[:1] * 2)
        h.pad.close()
        assert h.pad.state == PadState.CLOSED and not h.pad.capturing
        assert len(h.pad.signature().strokes) >= 1

    def test_unplug_keeps_the_strokes_and_replug_resumes(self, backend, recorder):
        h = backend()
        if not h.can_unplug:
            pytest.skip("el pad en pantalla no se puede desconectar")
        h.pad.open()
        h.pad.wait_for_state(PadState.CONNECTED, 10.0)
        h.pad.start()
        h.draw(STROKES)
        h.unplug()
        recorder.wait_state(PadState.DISCONNECTED)
        assert h.pad.message == MSG_DISCONNECTED
        assert len(h.pad.signature().strokes) >= 1
        h.plug()
        recorder.wait_state(PadState.CONNECTED, count=2)

    def test_missing_at_open_is_a_state_not_an_exception(self, backend, recorder):
        h = backend(missing=True)
        if not h.can_unplug:
            pytest.skip("el pad en pantalla siempre está presente")
        h.pad.open()  # no exception: hot-plug keeps looking
        assert h.pad.state == PadState.DISCONNECTED
        assert h.pad.message.startswith(("No se encontró", "SigWeb no está instalado"))
