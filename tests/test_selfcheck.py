"""``credencializacion --self-check``: JSON shape, what each check finds, bounded probes."""
from __future__ import annotations

import json
import threading

import pytest

from app import selfcheck
from app.cli import main as cli_main


@pytest.fixture
def station_env(monkeypatch, tmp_path):
    """An isolated station home with the demo camera and the virtual pad configured."""
    monkeypatch.setenv("CREDENCIALIZACION_HOME", str(tmp_path))
    monkeypatch.setenv("CREDENCIALIZACION_CAMERA", "demo")
    monkeypatch.setenv("CREDENCIALIZACION_PAD", "virtual")
    monkeypatch.delenv("CREDENCIALIZACION_SERVER_URL", raising=False)
    return tmp_path


def _check(report: dict, name: str) -> dict:
    return next(c for c in report["checks"] if c["name"] == name)


def test_full_report_shape_and_every_check_passes_with_demo_devices(station_env, capsys):
    code = cli_main(["--self-check"])
    report = json.loads(capsys.readouterr().out)
    assert code == 0, report
    assert report["ok"] is True
    assert [c["name"] for c in report["checks"]] == [n for n, _ in selfcheck.CHECKS]
    for check in report["checks"]:
        assert set(check) == {"name", "ok", "detail", "ms"}
        assert check["ok"] is True and check["detail"] and check["ms"] >= 0
    assert "no configurado" in _check(report, "server")["detail"]
    assert "demo" in _check(report, "cameras")["detail"]
    assert "virtual conectado" in _check(report, "pads")["detail"]
    assert "migraciones" in _check(report, "resources")["detail"]


def test_missing_camera_index_fails_and_names_it(station_env, monkeypatch):
    monkeypatch.setenv("CREDENCIALIZACION_CAMERA", "7")
    monkeypatch.setattr("drivers.camera.list_cameras", lambda **kw: [])
    check = _check(selfcheck.run_checks({"cameras"}), "cameras")
    assert check["ok"] is False
    assert "ninguna" in check["detail"] and "(7) no está conectada" in check["detail"]


def test_listed_camera_index_passes(station_env, monkeypatch):
    from drivers.camera import CameraInfo

    monkeypatch.setenv("CREDENCIALIZACION_CAMERA", "0")
    monkeypatch.setattr("drivers.camera.list_cameras",
                        lambda **kw: [CameraInfo(0, "HD Webcam C270", "/dev/video0", "V4L2")])
    check = _check(selfcheck.run_checks({"cameras"}), "cameras")
    assert check["ok"] is True and "HD Webcam C270" in check["detail"]


def test_busy_camera_fails_with_driver_reason(station_env, monkeypatch):
    from drivers.camera import CameraInfo

    monkeypatch.setenv("CREDENCIALIZACION_CAMERA", "0")
    busy = CameraInfo(0, "Cámara 0", None, "DSHOW", available=False, message="La cámara no respondió a tiempo.")
    monkeypatch.setattr("drivers.camera.list_cameras", lambda **kw: [busy])
    check = _check(selfcheck.run_checks({"cameras"}), "cameras")
    assert check["ok"] is False and "no respondió a tiempo" in check["detail"]


def test_topaz_configured_but_absent_fails_with_reason(station_env, monkeypatch):
    monkeypatch.setenv("CREDENCIALIZACION_PAD", "topaz")
    check = _check(selfcheck.run_checks({"pads"}), "pads")
    assert check["ok"] is False
    assert "Pads Topaz USB: 0" in check["detail"] and "No se encontró el pad" in check["detail"]


def test_onscreen_pad_needs_no_device(station_env, monkeypatch):
    monkeypatch.setenv("CREDENCIALIZACION_PAD", "onscreen")
    check = _check(selfcheck.run_checks({"pads"}), "pads")
    assert check["ok"] is True and "pantalla" in check["detail"]


def test_unknown_pad_kind_fails(station_env, monkeypatch):
    monkeypatch.setenv("CREDENCIALIZACION_PAD", "wacom")
    check = _check(selfcheck.run_checks({"pads"}), "pads")
    assert check["ok"] is False and "«wacom»" in check["detail"]


def test_server_refused_names_the_cause(station_env, monkeypatch):
    from server.testing import free_port

    monkeypatch.setenv("CREDENCIALIZACION_SERVER_URL", f"http://127.0.0.1:{free_port()}")
    check = _check(selfcheck.run_checks({"server"}), "server")
    assert check["ok"] is False and "causa: refused" in check["detail"] and "rechazó la conexión" in check["detail"]


def test_server_reachable(station_env, monkeypatch, tmp_path):
    from server.testing import run_server_in_thread

    base_url, stop = run_server_in_thread(f"sqlite:///{tmp_path / 'server.sqlite3'}")
    try:
        monkeypatch.setenv("CREDENCIALIZACION_SERVER_URL", base_url)
        check = _check(selfcheck.run_checks({"server"}), "server")
    finally:
        stop()
    assert check["ok"] is True and "responde" in check["detail"] and "sqlite" in check["detail"]


def test_a_hung_check_is_reported_not_waited_for(station_env, monkeypatch):
    release = threading.Event()

    def hangs():
        release.wait()
        return True, "never"

    monkeypatch.setattr(selfcheck, "CHECKS", [("hangs", hangs), ("server", selfcheck._check_server)])
    monkeypatch.setitem(selfcheck.TIMEOUTS_S, "hangs", 0.2)
    try:
        report = selfcheck.run_checks()
    finally:
        release.set()
    assert report["ok"] is False
    assert _check(report, "hangs")["ok"] is False and "No terminó" in _check(report, "hangs")["detail"]
    assert _check(report, "server")["ok"] is True  # the next check still ran


def test_a_crashing_check_becomes_a_failed_check(station_env, monkeypatch):
    def boom():
        raise RuntimeError("El llavero del sistema rechazó el acceso.")

    monkeypatch.setattr(selfcheck, "CHECKS", [("keyring", boom)])
    report = selfcheck.run_checks()
    assert report == {**report, "ok": False}
    assert report["checks"][0]["detail"] == "El llavero del sistema rechazó el acceso."


def test_only_rejects_unknown_names(capsys):
    assert selfcheck.main(["--only", "printer"]) == 2
    assert "printer" in capsys.readouterr().err


def test_keyring_check_test_decrypts_and_never_creates_a_key(station_env, capsys):
    """Issue 14 §3: a store whose key is gone is reported, and no key is made for it."""
    import keyring

    from station.config import load_config
    from station.secrets import SERVICE
    from station.store import LocalStore
    from station.store.db import file_identity
    from station.store.keys import key_name

    config = load_config()
    LocalStore.open_configured(config).close()
    name = key_name(file_identity(config.store_path))
    keyring.delete_password(SERVICE, name)
    code = cli_main(["--self-check"])
    report = json.loads(capsys.readouterr().out)
    assert code != 0 and _check(report, "keyring")["ok"] is False
    assert "Falta en el llavero" in _check(report, "keyring")["detail"]
    assert keyring.get_password(SERVICE, name) is None


def test_store_check_reports_the_data_folder_access(station_env, capsys, monkeypatch):
    """Issue 14 §1: self-check restricts the data folder again and reports it; on Windows it reports
    the owner-only ACL's read-back (a fake win32 API here), and a folder still open to others fails."""
    from station.config import load_config
    from station.store import LocalStore, db

    config = load_config()
    LocalStore.open_configured(config).close()
    config.store_path.parent.chmod(0o755)
    assert cli_main(["--self-check", "--only", "store"]) == 0
    detail = _check(json.loads(capsys.readouterr().out), "store")["detail"]
    assert "solo para su usuario (modo 0700)" in detail
    assert config.store_path.parent.stat().st_mode & 0o777 == 0o700

    from tests.store.test_winacl import fake_api

    monkeypatch.setattr(db, "IS_WINDOWS", True)
    fake_api(monkeypatch)
    assert cli_main(["--self-check", "--only", "store"]) == 0
    assert "permisos de Windows verificados" in _check(json.loads(capsys.readouterr().out), "store")["detail"]
    fake_api(monkeypatch, tamper=lambda dacl, control: (dacl, 0))  # inheritance not cut on this volume
    assert cli_main(["--self-check", "--only", "store"]) != 0
    store = _check(json.loads(capsys.readouterr().out), "store")
    assert store["ok"] is False and "sigue heredando permisos" in store["detail"]
