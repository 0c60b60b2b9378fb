"""The Topaz driver end to end through pyusb with the virtual device as backend."""
from __future__ import annotations

import random

import pytest
import usb.core

from drivers.signature.base import MSG_DISCONNECTED, MSG_NOT_FOUND, ClearedEvent, PadState, PenEvent, PointEvent
from drivers.signature.model import demo_strokes
from drivers.signature.topaz_protocol import LAYOUTS, encode_position
from drivers.signature.virtual import VirtualTopazDevice, VirtualUsbBackend



def coords(sig):
    return [[(p.x, p.y) for p in s.points] for s in sig.strokes]


def assert_close(got, want, tol=1.0):
    assert len(got) == len(want)
    for gs, ws in zip(got, want):
        assert len(gs) == len(ws)
        for (gx, gy), (wx, wy) in zip(gs, ws):
            assert abs(gx - wx) <= tol and abs(gy - wy) <= tol, ((gx, gy), (wx, wy))


def test_pyusb_sees_the_virtual_device_descriptors(vdev):
    dev = usb.core.find(idVendor=0x06A8, idProduct=0x0043, backend=VirtualUsbBackend([vdev]))
    assert dev is not None
    assert dev.serial_number == "VT460-0001" and dev.manufacturer == "Topaz Systems Inc."
    intf = dev[0][(0, 0)]
    assert intf.bInterfaceClass == 3
    assert [e.bEndpointAddress for e in intf] == [0x81, 0x02]


def test_scripted_strokes_are_decoded_within_one_unit(vpad, vdev, recorder):
    strokes = demo_strokes() + [[(123.4, 56.7), (1999.6, 699.5), (0.4, 0.2)]]
    vpad.start()
    vdev.play_strokes(strokes)
    recorder.wait_strokes(len(strokes))
    sig = vpad.stop()
    assert_close(coords(sig), strokes)
    assert sig.device.kind == "virtual" and sig.device.serial == "VT460-0001"
    assert sig.device.product_id == 0x0043 and sig.device.calibration["raw_x"] == [400, 2400]
    times = [p.t for s in sig.strokes for p in s.points]
    assert times == sorted(times) and times[0] == 0
    sig.check()


def test_pen_down_and_up_events_bracket_each_stroke(vpad, vdev, recorder):
    vpad.start()
    vdev.play_strokes([[(100, 100), (200, 200)], [(300, 300)]])
    recorder.wait_strokes(2)
    pens = [e.down for e in recorder.of(PenEvent)]
    assert pens == [True, False, True, False]
    # hover report (pen up in proximity) is not ink
    assert len(recorder.of(PointEvent)) == 3


def test_noise_packets_do_not_break_or_add_to_a_stroke(vpad, vdev, recorder):
    vpad.start()
    vdev.play_points([(100, 100), (150, 120)])
    vdev.inject_noise(3)
    vdev.play_strokes([[(200, 140), (250, 160)]])
    recorder.wait_strokes(1)
    sig = vpad.stop()
    assert_close(coords(sig), [[(100, 100), (150, 120), (200, 140), (250, 160)]])
    assert vpad.decoder.stats["noise"] == 3


def test_garbage_bytes_are_rejected_and_the_pad_goes_on(vpad, vdev, recorder):
    rng = random.Random(4)
    garbage = [bytes([0x00, 0x7F, 0x10, 0x05, 0x20, 0x03, 0, 0]),  # no sync bit
               bytes([0x00, 0xE5, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]),  # bit 7 in data
               b"\x01\x02", b""]
    garbage += [bytes([0x00, rng.randrange(0, 0x80)] + [rng.randrange(256) for _ in range(6)]) for _ in range(20)]
    vpad.start()
    vdev.inject(*garbage)
    vdev.play_strokes([[(500, 300), (600, 350), (700, 400)]])
    recorder.wait_strokes(1)
    sig = vpad.stop()
    assert_close(coords(sig), [[(500, 300), (600, 350), (700, 400)]])
    rejected = sum(v for k, v in vpad.decoder.stats.items() if k in ("short", "sync", "bit7", "noise", "range", "type"))
    assert rejected == len(garbage)
    assert vpad.state == PadState.CONNECTED


def test_reports_before_start_are_not_recorded(vpad, vdev, recorder):
    vdev.play_strokes([[(100, 100), (200, 200)]])
    assert vdev.wait_drained()
    vpad.start()
    vdev.play_strokes([[(300, 300), (400, 300)]])
    recorder.wait_strokes(1)
    assert_close(coords(vpad.stop()), [[(300, 300), (400, 300)]])


def test_unplug_mid_signature_keeps_strokes_and_replug_resumes(vpad, vdev, recorder):
    vpad.start()
    vdev.play_strokes([[(100, 100), (300, 200)]])
    recorder.wait_strokes(1)
    vdev.play_points([(400, 300), (450, 320)])  # pen still down
    recorder.wait_for(lambda r: len(r.of(PointEvent)) >= 4)
    vdev.unplug()
    recorder.wait_state(PadState.DISCONNECTED)
    assert vpad.message == MSG_DISCONNECTED
    assert_close(coords(vpad.signature()), [[(100, 100), (300, 200)], [(400, 300), (450, 320)]])

    vdev.plug()
    recorder.wait_state(PadState.CONNECTED, count=2)  # open + reconnection
    assert "de nuevo" in vpad.message
    vdev.play_strokes([[(600, 400), (700, 450)]])
    recorder.wait_strokes(3)
    sig = vpad.stop()
    assert_close(coords(sig), [[(100, 100), (300, 200)], [(400, 300), (450, 320)], [(600, 400), (700, 450)]])


def test_limpiar_after_unplug_drops_the_kept_strokes(vpad, vdev, recorder):
    vpad.start()
    vdev.play_strokes([[(100, 100), (300, 200)]])
    recorder.wait_strokes(1)
    vdev.unplug()
    recorder.wait_state(PadState.DISCONNECTED)
    vpad.clear()
    assert vpad.signature().is_empty() and recorder.of(ClearedEvent)


def test_absent_at_open_then_plugged_in(recorder, pad_factory):
    dev = VirtualTopazDevice()
    dev.unplug()
    pad = pad_factory(dev)
    pad.add_listener(recorder)
    pad.open()
    assert pad.state == PadState.DISCONNECTED and pad.message == MSG_NOT_FOUND
    pad.start()
    dev.plug()
    recorder.wait_state(PadState.CONNECTED)
    dev.play_strokes([[(10, 10), (20, 20)]])
    recorder.wait_strokes(1)
    assert_close(coords(pad.stop()), [[(10, 10), (20, 20)]])


def test_configurable_product_ids(pad_factory):
    other = VirtualTopazDevice(product_id=0x0042)
    pad = pad_factory(other)
    pad.open()
    assert pad.state == PadState.DISCONNECTED  # 0x0042 not in the default list
    pad = pad_factory(other, product_ids=(0x0042, 0x0043))
    pad.open()
    assert pad.state == PadState.CONNECTED and pad.device_info.product_id == 0x0042


def test_lcd_commands_are_off_by_default(vpad, vdev, recorder):
    vpad.start()
    vdev.play_strokes([[(10, 10)]])
    recorder.wait_strokes(1)
    vpad.clear()
    vdev.play_strokes([[(10, 10)]])
    recorder.wait_strokes(2)
    assert vdev.writes == []


@pytest.mark.parametrize("with_out_endpoint, channel", [(True, "ep_out"), (False, "set_report")])
def test_lcd_prompt_when_enabled(recorder, pad_factory, with_out_endpoint, channel):
    dev = VirtualTopazDevice(with_out_endpoint=with_out_endpoint)
    pad = pad_factory(dev, unconfirmed_lcd_commands=True)
    pad.add_listener(recorder)
    pad.open()
    pad.start()
    dev.play_strokes([[(10, 10)]])  # the worker flushes commands before reading
    recorder.wait_strokes(1)
    sent = [data for ch, data in dev.writes]
    assert {ch for ch, _ in dev.writes} == {channel}
    assert sent[0] == b"\xff\x02" and sent[1].startswith(b"\xff\x12\x02")
    assert len(sent) > 5 and all(s.startswith(b"\xf2\x07") and len(s) <= 24 for s in sent[2:])


def test_a_failing_listener_does_not_stop_the_driver(vpad, vdev, recorder):
    def broken(event):
        raise RuntimeError("UI bug")

    vpad.add_listener(broken)
    vpad.start()
    vdev.play_strokes([[(10, 10), (30, 30)]])
    recorder.wait_strokes(1)
    assert vpad.state == PadState.CONNECTED


def test_hand_written_report_through_pyusb(vpad, vdev, recorder):
    vpad.start()
    vdev.inject(bytes([0x00, 0xE5, 0x10, 0x05, 0x20, 0x03, 0, 0]), bytes([0x00, 0x80, 0, 0, 0, 0, 0, 0]))
    recorder.wait_strokes(1)
    assert coords(vpad.stop()) == [[(256, 66)]]
