"""SigWeb client and pad against the emulator on 127.0.0.1 (absent, slow, certificate, capture)."""
from __future__ import annotations

import socket
import time

import pytest
import requests

from drivers.signature.base import MSG_DISCONNECTED, PadState, StrokeEvent
from drivers.signature.sigweb import (
    SigWebCertificateExpired,
    SigWebClient,
    SigWebNotInstalled,
    SigWebPad,
    SigWebSettings,
    SigWebTimeout,
)
from drivers.signature.sigweb_emulator import SigWebEmulator


def wait_until(predicate, timeout=10.0):
    """Poll a condition (bounded); the tests assert the condition, never a duration."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.01)
    raise AssertionError("condition not reached")


@pytest.fixture
def emu():
    with SigWebEmulator() as e:
        yield e


def fast(base_url, **kw):
    s = dict(base_url=base_url, timeout_s=1.0, poll_interval_s=0.01, reconnect_interval_s=0.02)
    s.update(kw)
    return SigWebSettings(**s)


@pytest.fixture
def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed on exit: nothing listens there


def test_service_info_from_the_documented_endpoints(emu):
    info = SigWebClient(fast(emu.base_url)).service_info()
    assert info.version == "1.7.0.0" and info.days_until_cert_expires == 400
    assert info.tablet_connected and info.warning == ""
    assert ("GET", "/SigWeb/SigWebVersion") in emu.requests_log


def test_emulator_refuses_an_empty_post_like_sigweb(emu):
    assert requests.post(emu.base_url + "TabletState/1", timeout=2).status_code == 411
    SigWebClient(fast(emu.base_url)).post("TabletState/1")  # the client sends a body
    assert emu.tablet_state == 1


def test_service_absent_is_reported_in_spanish(free_port):
    url = f"http://127.0.0.1:{free_port}/SigWeb/"
    with pytest.raises(SigWebNotInstalled) as err:
        SigWebClient(fast(url)).service_info()
    assert err.value.message.startswith("SigWeb no está instalado en este equipo.")
    pad = SigWebPad(fast(url))
    try:
        pad.open()
        assert pad.state == PadState.DISCONNECTED
        assert pad.message.startswith("SigWeb no está instalado en este equipo.")
    finally:
        pad.close()


def test_slow_service_times_out_with_a_spanish_message_and_recovers(emu, recorder):
    emu.delay_s = 0.5
    with pytest.raises(SigWebTimeout) as err:
        SigWebClient(fast(emu.base_url, timeout_s=0.1)).get("SigWebVersion")
    assert "no respondió" in err.value.message
    pad = SigWebPad(fast(emu.base_url, timeout_s=0.1))
    pad.add_listener(recorder)
    try:
        pad.open()
        recorder.wait_state(PadState.ERROR)
        assert "SigWeb no respondió" in pad.message
        emu.delay_s = 0.0
        recorder.wait_state(PadState.CONNECTED)
    finally:
        pad.close()


def test_certificate_expired_is_a_warning_over_http(emu):
    emu.days_until_cert_expires = -3
    info = SigWebClient(fast(emu.base_url)).service_info()
    assert "venció hace 3 días" in info.warning
    pad = SigWebPad(fast(emu.base_url))
    try:
        pad.open()
        assert pad.state == PadState.CONNECTED and "venció hace 3 días" in pad.message
    finally:
        pad.close()


def test_certificate_near_expiry_warns(emu):
    emu.days_until_cert_expires = 10
    assert "vence en 10 días" in SigWebClient(fast(emu.base_url)).service_info().warning


def test_certificate_expired_is_an_error_over_https(monkeypatch):
    client = SigWebClient(fast("https://localhost:47290/SigWeb/"))
    answers = {"SigWebVersion": "1.7.0.0", "DaysUntilCertificateExpires": "-1", "TabletConnectQuery": "1"}
    monkeypatch.setattr(client, "get", lambda prop: answers[prop])
    with pytest.raises(SigWebCertificateExpired) as err:
        client.service_info()
    assert "venció" in err.value.message


def test_tls_failure_is_reported_as_certificate_problem(emu):
    # speaking TLS to a plain-HTTP port fails the handshake like a broken certificate
    url = emu.base_url.replace("http://", "https://")
    with pytest.raises(SigWebCertificateExpired) as err:
        SigWebClient(fast(url)).get("SigWebVersion")
    assert "certificado de SigWeb" in err.value.message


def test_capture_through_sigweb(emu, recorder):
    pad = SigWebPad(fast(emu.base_url))
    pad.add_listener(recorder)
    try:
        pad.open()
        assert pad.state == PadState.CONNECTED
        assert pad.device_info.serial == "EMU-460-001" and pad.device_info.logical_width == 2000
        pad.start()
        wait_until(lambda: emu.tablet_state == 1)
        emu.add_stroke([(100, 100), (200, 150), (300, 200)])
        emu.add_stroke([(400, 300), (500, 350)])
        recorder.wait_strokes(1)  # the first stroke closes when the second appears
        sig = pad.stop()
        assert [[(p.x, p.y) for p in s.points] for s in sig.strokes] == [
            [(100, 100), (200, 150), (300, 200)], [(400, 300), (500, 350)]]
        assert sig.device.kind == "sigweb" and emu.tablet_state == 0
    finally:
        pad.close()
    assert ("POST", "/SigWeb/Reset") in emu.requests_log


def test_limpiar_clears_sigweb_too(emu, recorder):
    pad = SigWebPad(fast(emu.base_url))
    pad.add_listener(recorder)
    try:
        pad.open()
        pad.start()
        wait_until(lambda: emu.tablet_state == 1)
        emu.add_stroke([(100, 100), (200, 150)])
        emu.add_stroke([(300, 100)])
        recorder.wait_strokes(1)
        pad.clear()
        # SigWeb's ClearSignature answers before the worker drops the points it fetched in flight:
        # the pad is clear once both are (a poll between the two used to make this flaky under load).
        wait_until(lambda: not emu.strokes and pad.signature().is_empty())
        emu.add_stroke([(700, 300), (800, 320)])
        assert [[(p.x, p.y) for p in s.points] for s in pad.stop().strokes] == [[(700, 300), (800, 320)]]
    finally:
        pad.close()


def test_tablet_unplugged_behind_sigweb_keeps_strokes(emu, recorder):
    pad = SigWebPad(fast(emu.base_url))
    pad.add_listener(recorder)
    try:
        pad.open()
        pad.start()
        wait_until(lambda: emu.tablet_state == 1)
        emu.add_stroke([(100, 100), (200, 150)])
        emu.add_stroke([(300, 100), (320, 120)])
        recorder.wait_strokes(1)
        # SigWeb loses the pad: the service keeps answering, TabletConnectQuery says 0
        emu.tablet_connected = False
        pad._connected = False  # the next poll re-checks presence (as after any error)
        recorder.wait_state(PadState.DISCONNECTED)
        assert pad.message == MSG_DISCONNECTED
        assert len(pad.signature().strokes) >= 1
        emu.tablet_connected = True
        recorder.wait_state(PadState.CONNECTED, count=2)
    finally:
        pad.close()
