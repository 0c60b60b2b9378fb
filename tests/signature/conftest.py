"""Fixtures for the signature-pad tests: an event recorder that waits on
conditions (never on wall-clock sleeps) and a virtual Topaz pad behind pyusb."""
from __future__ import annotations

import os
import threading

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from drivers.signature.base import PadState, StateEvent, StrokeEvent  # noqa: E402
from drivers.signature.topaz import TopazPad, TopazSettings  # noqa: E402
from drivers.signature.virtual import VirtualTopazDevice, VirtualUsbBackend  # noqa: E402

WAIT = 10.0  # generous upper bound for a condition; tests never assert durations


class Recorder:
    """Collects pad events and lets a test wait until a condition holds."""

    def __init__(self):
        self.events = []
        self._cond = threading.Condition()

    def __call__(self, event):
        with self._cond:
            self.events.append(event)
            self._cond.notify_all()

    def of(self, cls):
        with self._cond:
            return [e for e in self.events if isinstance(e, cls)]

    def wait_for(self, predicate, timeout=WAIT):
        with self._cond:
            ok = self._cond.wait_for(lambda: predicate(self), timeout)
        assert ok, f"condition not reached; events: {self.events[-10:]}"

    def wait_strokes(self, n):
        self.wait_for(lambda r: len(r.of(StrokeEvent)) >= n)

    def wait_state(self, state, count=1):
        self.wait_for(lambda r: sum(1 for e in r.of(StateEvent) if e.state == state) >= count)


@pytest.fixture
def recorder():
    return Recorder()


@pytest.fixture
def vdev():
    return VirtualTopazDevice()


def make_pad(device, **settings):
    base = dict(read_timeout_ms=20, rescan_interval_s=0.02)
    base.update(settings)
    return TopazPad(TopazSettings(**base), usb_backend=VirtualUsbBackend([device]), kind="virtual")


@pytest.fixture
def pad_factory():
    """``pad_factory(device, **TopazSettings)`` → unopened pad, closed at teardown."""
    made = []

    def factory(device, **settings):
        pad = make_pad(device, **settings)
        made.append(pad)
        return pad

    yield factory
    for pad in made:
        pad.close()


@pytest.fixture
def vpad(vdev, recorder):
    pad = make_pad(vdev)
    pad.add_listener(recorder)
    pad.open()
    assert pad.state == PadState.CONNECTED
    yield pad
    pad.close()
