"""pad-record (record through the virtual pad, replay) and `devices` diagnostics."""
from __future__ import annotations

import json
import sys
import threading
import types
from pathlib import Path

import pytest

from app import devices as diagnostics
from app import pad_record as record
from app.cli import main as cli_main
from drivers.signature.model import demo_strokes
from drivers.signature.sigweb_emulator import SigWebEmulator

DATA = Path(__file__).parent / "data"


def test_replay_of_a_hand_written_recording():
    sig, stats = record.replay(DATA / "hand-written-recording.jsonl")
    assert [[(p.x, p.y) for p in s.points] for s in sig.strokes] == [
        [(100, 50), (200, 100), (300, 150)], [(1000, 350), (1100, 450)]]
    assert [p.t for p in sig.strokes[0].points] == [0, 5, 10]  # the file's host times
    assert stats["noise"] == 1 and stats["short"] == 1 and stats["lift"] == 2


def test_pad_record_with_the_virtual_pad_then_replay(tmp_path, capsys):
    out = tmp_path / "rec.jsonl"
    assert cli_main(["pad-record", str(out), "--virtual"]) == 0
    assert "Se grabaron" in capsys.readouterr().out
    header, reports = record.read_recording(out)
    assert header["device"]["serial"] == "VT460-0001" and header["layout"] == "hsb8"
    times = [t for t, _ in reports]
    assert times == sorted(times) and len(reports) > 100
    sig, stats = record.replay(out)
    want = demo_strokes()
    got = [[(p.x, p.y) for p in s.points] for s in sig.strokes]
    assert len(got) == len(want)
    for gs, ws in zip(got, want):
        assert len(gs) == len(ws)
        assert all(abs(gx - wx) <= 1 and abs(gy - wy) <= 1 for (gx, gy), (wx, wy) in zip(gs, ws))


def test_pad_record_refuses_to_overwrite(tmp_path, capsys):
    out = tmp_path / "rec.jsonl"
    out.write_text("valioso")
    assert record.main([str(out), "--virtual"]) == 2
    assert "ya existe" in capsys.readouterr().err and out.read_text() == "valioso"


def test_pad_record_without_a_pad_says_so(tmp_path, capsys, monkeypatch):
    from drivers.signature import topaz
    from drivers.signature.virtual import VirtualUsbBackend

    monkeypatch.setattr(topaz, "find_usb_backend", lambda: (VirtualUsbBackend([]), "pyusb/virtual"))
    out = tmp_path / "rec.jsonl"
    assert record.main([str(out), "--wait", "0.2"]) == 1
    assert "No se encontró el pad" in capsys.readouterr().err and not out.exists()


def test_read_recording_rejects_other_files(tmp_path):
    bad = tmp_path / "x.jsonl"
    bad.write_text('{"hola": 1}\n')
    with pytest.raises(record.RecordingFormatError, match="no es una grabación"):
        record.read_recording(bad)
    good = (DATA / "hand-written-recording.jsonl").read_text().splitlines()
    bad.write_text("\n".join(good[:2] + ["{roto"]) + "\n")
    with pytest.raises(record.RecordingFormatError, match="línea 3"):
        record.read_recording(bad)


class _Cam:
    def to_dict(self):
        return {"index": 0, "name": "Cámara integrada", "path": "/dev/video0", "resolutions": ["1280x720"],
                "available": True, "message": ""}


@pytest.fixture
def fake_cameras(monkeypatch):
    mod = types.ModuleType("drivers.camera")
    mod.list_cameras = lambda: [_Cam()]
    monkeypatch.setitem(sys.modules, "drivers.camera", mod)


@pytest.fixture
def no_usb(monkeypatch):
    from drivers.signature import topaz
    from drivers.signature.virtual import VirtualUsbBackend

    monkeypatch.setattr(topaz, "find_usb_backend", lambda: (VirtualUsbBackend([]), "pyusb/virtual"))


def test_devices_json_lists_cameras_and_pads(fake_cameras, no_usb, capsys):
    with SigWebEmulator() as emu:
        assert cli_main(["devices", "--json", "--virtual", "--sigweb-url", emu.base_url]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["cameras"][0]["name"] == "Cámara integrada" and doc["errors"] == []
    by_kind = {p["kind"]: p for p in doc["pads"]}
    assert by_kind["topaz"]["state"] == "absent"
    assert by_kind["sigweb"]["state"] == "connected" and by_kind["sigweb"]["version"] == "1.7.0.0"
    assert by_kind["virtual"]["state"] == "connected" and by_kind["virtual"]["serial"] == "VT460-0001"
    assert by_kind["onscreen"]["state"] == "available"


def test_devices_text_when_the_camera_module_fails(monkeypatch, no_usb, capsys):
    monkeypatch.setitem(sys.modules, "drivers.camera", None)  # import raises ImportError
    assert diagnostics.main(["--timeout", "1", "--sigweb-url", "http://127.0.0.1:9/SigWeb/"]) == 0
    out = capsys.readouterr().out
    assert "No se pudo cargar el módulo de cámaras" in out
    assert "SigWeb no está instalado" in out and "Pads de firma:" in out


def test_devices_never_hangs_on_a_stuck_probe(monkeypatch, no_usb):
    release = threading.Event()
    mod = types.ModuleType("drivers.camera")
    mod.list_cameras = lambda: release.wait(30) and []
    monkeypatch.setitem(sys.modules, "drivers.camera", mod)
    try:
        report = diagnostics.collect(timeout_s=0.2, sigweb_url="http://127.0.0.1:9/SigWeb/")
    finally:
        release.set()
    assert report["cameras"] == [] and "no terminó" in report["errors"][0]["message"]
    assert any(p["kind"] == "onscreen" for p in report["pads"])
