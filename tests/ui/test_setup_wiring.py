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
