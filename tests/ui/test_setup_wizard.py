"""Setup wizard against a real central server (server/testing.py on 127.0.0.1).

Covers the whole path (server test → registration → plantel → demo camera →
virtual pad signature → saved config), a wrong URL whose cause is named, a
wrong admin password, a non-admin user, and keeping an existing registration.
"""
from __future__ import annotations

import base64

import pytest
import requests
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from station.config import Config, load_config, save_config
from ui.setup_wizard import SetupWizard, needs_setup, normalize_url

PASSWORD = "demo-1234"
WAIT_MS = 20_000


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A seeded server (admin, operador…) on a free port; yields its base URL."""
    from server.testing import run_server_in_thread, seeded_sqlite_url

    url = seeded_sqlite_url(tmp_path_factory.mktemp("server"), password=PASSWORD, students=0, campuses=3)
    base_url, stop = run_server_in_thread(url)
    yield base_url
    stop()


@pytest.fixture
def home(monkeypatch, tmp_path):
    """A fresh station home: no config file, no station id."""
    monkeypatch.setenv("CREDENCIALIZACION_HOME", str(tmp_path))
    for key in ("SERVER_URL", "STATION_ID", "CAMPUSES", "CAMERA", "PAD"):
        monkeypatch.delenv("CREDENCIALIZACION_" + key, raising=False)
    return tmp_path


@pytest.fixture
def wizard(qtbot, home):
    w = SetupWizard()
    qtbot.addWidget(w)
    w.show()
    yield w
    w.done(0)
    qtbot.waitUntil(lambda: not w.busy, timeout=WAIT_MS)


def _status(page) -> str:
    return page.status.text()


def _next(qtbot, wizard: SetupWizard) -> None:
    assert wizard.button(QWizard.WizardButton.NextButton).isEnabled(), wizard.currentPage().status.text()
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)


def _connect(qtbot, wizard: SetupWizard, url: str) -> None:
    page = wizard.server_page
    page.url_edit.setText(url)
    qtbot.mouseClick(page.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not wizard.busy, timeout=WAIT_MS)


def _register(qtbot, wizard: SetupWizard, station_id: str, user: str, password: str) -> None:
    page = wizard.register_page
    page.station_edit.setText(station_id)
    page.user_edit.setText(user)
    page.password_edit.setText(password)
    qtbot.mouseClick(page.register_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not wizard.busy, timeout=WAIT_MS)


def test_first_run_end_to_end_saves_config_and_registers_key(qtbot, wizard, server):
    from station.domain.public_keys import public_key_b64
    from station.secrets import get_or_create_signing_key

    assert needs_setup()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()  # no test yet

    _connect(qtbot, wizard, server + "/")
    assert "Conexión correcta" in _status(wizard.server_page)
    _next(qtbot, wizard)

    assert wizard.currentPage() is wizard.register_page
    _register(qtbot, wizard, "EST-001-01", "admin", PASSWORD)
    assert "registrada por admin" in _status(wizard.register_page)
    assert wizard.register_page.password_edit.text() == ""  # the password is not kept
    _next(qtbot, wizard)

    campus = wizard.campus_page
    assert wizard.currentPage() is campus
    assert campus.list.count() == 3 and campus.list.item(0).text().startswith("001 — ")
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()  # nothing checked yet
    campus.list.item(0).setCheckState(Qt.CheckState.Checked)
    _next(qtbot, wizard)

    camera = wizard.camera_page
    qtbot.waitUntil(lambda: camera.combo.count() > 0, timeout=WAIT_MS)
    camera.combo.setCurrentIndex(camera.combo.findData("demo"))
    qtbot.waitUntil(lambda: camera.isComplete(), timeout=WAIT_MS)
    assert camera.preview.pixmap() is not None and not camera.preview.pixmap().isNull()
    _next(qtbot, wizard)

    pad = wizard.pad_page
    pad.combo.setCurrentIndex(pad.combo.findData("virtual"))
    qtbot.waitUntil(lambda: pad.panel is not None and bool(pad.panel.canvas.ink_strokes()), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: pad.panel.pad.virtual_device.pending() == 0, timeout=WAIT_MS)
    qtbot.mouseClick(pad.panel.capture_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(pad.isComplete, timeout=WAIT_MS)
    assert "Firma de prueba capturada" in _status(pad)
    _next(qtbot, wizard)

    assert wizard.currentPage() is wizard.summary_page
    summary = wizard.summary_page.summary.text()
    for text in (server, "EST-001-01", "001", "Foto de demostración", "virtual"):
        assert text in summary
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)

    assert wizard.result() == QWizard.DialogCode.Accepted
    config = load_config()
    assert (config.server_url, config.station_id, config.campuses, config.camera, config.pad) == (
        server, "EST-001-01", ["001"], "demo", "virtual")
    assert not needs_setup(config)
    # the server holds the public half of the key kept in the keyring
    token = requests.post(server + "/auth/login", json={"username": "admin", "password": PASSWORD}).json()["token"]
    keys = requests.get(server + "/stations/keys", headers={"Authorization": f"Bearer {token}"}).json()["keys"]
    assert keys["EST-001-01"] == public_key_b64(get_or_create_signing_key("EST-001-01"))
    assert len(base64.b64decode(keys["EST-001-01"])) == 32


def test_wrong_url_names_the_cause_and_blocks_next(qtbot, wizard):
    from server.testing import free_port

    _connect(qtbot, wizard, f"http://127.0.0.1:{free_port()}")
    text = _status(wizard.server_page)
    assert "No se pudo conectar" in text and "rechazó la conexión" in text
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()

    _connect(qtbot, wizard, "https://servidor-que-no-existe.invalid")
    assert "falla de DNS" in _status(wizard.server_page)

    wizard.server_page.url_edit.setText("credencializacion.plantel.mx")  # no scheme
    qtbot.mouseClick(wizard.server_page.test_button, Qt.MouseButton.LeftButton)
    assert "Dirección del servidor" in _status(wizard.server_page) and "https://" in _status(wizard.server_page)
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()


def test_a_non_credencializacion_answer_is_not_accepted(qtbot, wizard, server):
    _connect(qtbot, wizard, server + "/students")  # 401 JSON error, not /health
    assert "No se pudo conectar" in _status(wizard.server_page)
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()


def test_changing_the_url_after_a_good_test_requires_a_new_test(qtbot, wizard, server):
    _connect(qtbot, wizard, server)
    assert wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    wizard.server_page.url_edit.setText(server + "0")
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()


def test_wrong_admin_password_and_non_admin_user_are_refused(qtbot, wizard, server):
    _connect(qtbot, wizard, server)
    _next(qtbot, wizard)
    page = wizard.register_page

    _register(qtbot, wizard, "EST-001-02", "admin", "contraseña-mala")
    assert "No se registró la estación" in _status(page)
    assert "contraseña" in _status(page).lower() or "credenciales" in _status(page).lower()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    assert page.password_edit.text() == "contraseña-mala"  # kept for correction, selected

    _register(qtbot, wizard, "EST-001-02", "operador", PASSWORD)
    assert "no es administrador" in _status(page)
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()

    _register(qtbot, wizard, "EST 001/02", "admin", PASSWORD)  # bad id: refused before any call
    assert "Clave de la estación" in _status(page)
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()


def test_rerun_from_ajustes_can_keep_the_registration(qtbot, home, server):
    save_config(Config(server_url=server, station_id="EST-001-09", campuses=["002"], camera="demo", pad="onscreen"))
    assert not needs_setup()
    wizard = SetupWizard()
    qtbot.addWidget(wizard)
    wizard.show()
    try:
        assert wizard.server_page.url_edit.text() == server
        _connect(qtbot, wizard, server)
        _next(qtbot, wizard)
        page = wizard.register_page
        assert page.keep_check.isVisible() and "EST-001-09" in page.keep_check.text()
        assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
        page.keep_check.setChecked(True)
        _next(qtbot, wizard)
        assert wizard.campus_page.checked() == ["002"]
        _next(qtbot, wizard)
        camera = wizard.camera_page
        qtbot.waitUntil(camera.isComplete, timeout=WAIT_MS)  # configured "demo" preselected
        _next(qtbot, wizard)
        pad = wizard.pad_page
        assert pad.combo.currentData() == "onscreen"
        assert not pad.isComplete()
        pad.keep_anyway.setVisible(True)
        pad.keep_anyway.setChecked(True)
        _next(qtbot, wizard)
        qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
        config = load_config()
        assert (config.station_id, config.campuses, config.pad) == ("EST-001-09", ["002"], "onscreen")
    finally:
        wizard.done(0)
        qtbot.waitUntil(lambda: not wizard.busy, timeout=WAIT_MS)


def test_normalize_url():
    assert normalize_url("  https://srv.mx:8443/ ") == "https://srv.mx:8443"
    for bad in ("", "srv.mx", "ftp://srv.mx", "https://", "http://srv.mx:99999", "http://srv.mx"):
        with pytest.raises(ValueError):
            normalize_url(bad)


def test_a_ca_bundle_that_is_not_a_pem_file_is_refused_before_connecting(qtbot, wizard, tmp_path):
    """The optional «Certificado de CA» (the station's ca_bundle setting) is checked first."""
    wizard.server_page.ca_edit.setText(str(tmp_path / "no-existe.pem"))
    _connect(qtbot, wizard, "https://127.0.0.1:1")
    assert "Certificado de CA" in _status(wizard.server_page) and "No existe" in _status(wizard.server_page)
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
