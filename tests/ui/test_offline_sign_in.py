"""Offline sign-in through «Iniciar sesión» (sync issue item 5): after one online
sign-in the same user gets in with the server down; a wrong password does not."""
from tests.ui.conftest import PASSWORD, WAIT_MS


def _sign_out_and_retry(qtbot, window, password):
    station = window.station
    window._sign_out()
    qtbot.waitUntil(station.login.isVisible, timeout=WAIT_MS)
    login = station.login
    login.user_edit.clear()
    login.password_edit.clear()
    qtbot.keyClicks(login.user_edit, "supervisor")
    qtbot.keyClicks(login.password_edit, password)
    login.login_button.click()
    return station


def test_offline_sign_in_after_an_online_one(make_station, server, qtbot):
    window = make_station("supervisor")
    assert window.services.session.online
    server.stop()

    station = _sign_out_and_retry(qtbot, window, "otra-cosa")
    qtbot.waitUntil(lambda: bool(station.login.message.text()), timeout=WAIT_MS)
    assert "contraseña" in station.login.message.text().lower()
    assert station.window is None

    station.login.password_edit.clear()
    qtbot.keyClicks(station.login.password_edit, PASSWORD)
    station.login.login_button.click()
    qtbot.waitUntil(lambda: station.window is not None, timeout=WAIT_MS)
    session = station.window.services.session
    assert not session.online and session.actor.role.value == "supervisor"
    assert session.actor.campuses == frozenset({"001"})
