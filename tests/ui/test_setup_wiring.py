"""The setup wizard is reachable: on first start of an unconfigured station,
from «Ajustes y dispositivos», and as ``credencializacion setup``."""
import pytest

import ui.setup_wizard as setup_wizard
from app import gui as ui_app


def test_unconfigured_station_opens_wizard_and_cancel_quits(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("CREDENCIALIZACION_HOME", str(tmp_path))
    monkeypatch.delenv(ui_app.PROBE_ENV, raising=False)
    calls = []
    monkeypatch.setattr(setup_wizard, "run_setup_wizard", lambda parent=None: calls.append(parent) or False)
    assert ui_app.main([]) == 1
    assert calls == [None]
    assert "no está configurada" in capsys.readouterr().err


def test_setup_subcommand_runs_wizard(monkeypatch):
    from app.cli import main

    monkeypatch.setattr(setup_wizard, "run_setup_wizard", lambda parent=None: True)
    assert main(["setup"]) == 0
    monkeypatch.setattr(setup_wizard, "run_setup_wizard", lambda parent=None: False)
    assert main(["setup"]) == 1


def test_settings_screen_button_runs_wizard(make_station, monkeypatch, qtbot):
    window = make_station("supervisor")
    window.open_screen("settings")
    screen = window.screens["settings"]
    calls = []
    monkeypatch.setattr(setup_wizard, "run_setup_wizard", lambda parent=None: calls.append(parent) or True)
    screen.wizard_button.click()
    assert calls == [screen]
    assert "reiniciar" in screen.config_label.text()


def test_settings_screen_tries_the_camera_through_the_desk_helper(make_station, qtbot):
    """«Probar cámara» grabs one frame with drivers.desk.grab_frame and says its size; a source
    that names no camera says why in Spanish."""
    from tests.ui.helpers import wait_idle

    window = make_station("supervisor")
    window.open_screen("settings")
    screen = window.screens["settings"]
    screen.camera_combo.setCurrentIndex(screen.camera_combo.findData("demo"))
    screen.test_camera_button.click()
    wait_idle(qtbot)
    assert screen.camera_result.objectName() == "ok" and "Cámara funcionando" in screen.camera_result.text()
    screen.camera_combo.addItem("notas", "notas.txt")
    screen.camera_combo.setCurrentIndex(screen.camera_combo.findData("notas.txt"))
    screen.test_camera_button.click()
    wait_idle(qtbot)
    assert screen.camera_result.objectName() == "error" and "notas.txt" in screen.camera_result.text()
