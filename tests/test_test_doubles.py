"""Test doubles refuse to open outside demo or test mode (issue #12 item 4; drivers/doubles.py)."""
from __future__ import annotations

import pytest

from drivers.camera import CameraError, open_source
from drivers.doubles import MODE_ENV, doubles_allowed, set_mode
from drivers.signature import PadError, create_pad


@pytest.fixture
def product_mode(monkeypatch):
    """A desk as installed: no demo, no test run."""
    monkeypatch.delenv(MODE_ENV, raising=False)
    assert not doubles_allowed()


def test_the_virtual_pad_refuses_on_a_real_desk(product_mode):
    with pytest.raises(PadError) as err:
        create_pad("virtual")
    assert err.value.message.startswith("El pad Topaz virtual es solo para demostración y pruebas")


@pytest.mark.parametrize("spec", ["demo", "video.avi", "foto.jpg"])
def test_file_cameras_refuse_on_a_real_desk(product_mode, spec, tmp_path):
    source = open_source(spec if spec == "demo" else str(tmp_path / spec))
    with pytest.raises(CameraError, match="es solo para demostración y pruebas; en una estación real elija"):
        source.open()


def test_real_devices_are_not_affected(product_mode):
    assert create_pad("onscreen").kind == "onscreen"  # a real input, not a double


def test_the_demo_and_the_tests_may_open_them(monkeypatch):
    monkeypatch.delenv(MODE_ENV, raising=False)
    set_mode("demo")
    create_pad("virtual")
    source = open_source("demo")
    source.open()
    assert source.read() is not None
    source.close()
    monkeypatch.setenv(MODE_ENV, "configuración")  # anything else is product mode
    assert not doubles_allowed()
    with pytest.raises(ValueError):
        set_mode("produccion")


def test_the_demo_environment_declares_demo_mode(monkeypatch, tmp_path):
    from app.demo import DemoEnvironment

    monkeypatch.delenv(MODE_ENV, raising=False)
    DemoEnvironment(folder=tmp_path)
    assert doubles_allowed()
