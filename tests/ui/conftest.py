"""Fixtures of the station UI tests: a real central server on 127.0.0.1 (SQLite
in tmp, seeded with the demo data), a station store filled from it, and the
application driven through its windows."""
from __future__ import annotations

import os

import pytest

PASSWORD = "demo-1234"
WAIT_MS = 20_000


@pytest.fixture
def server(tmp_path):
    """A seeded server: ``(base_url, db_url, restart)``; 2 planteles, 80 students."""
    from server.testing import run_server_in_thread, seeded_sqlite_url

    db_url = seeded_sqlite_url(tmp_path / "srv" if (tmp_path / "srv").mkdir() is None else tmp_path,
                               password=PASSWORD, students=80, campuses=2)
    state = {}
    state["base_url"], state["stop"] = run_server_in_thread(db_url)

    class Server:
        url = db_url

        @property
        def base_url(self):
            return state["base_url"]

        def stop(self):
            if state.get("stop"):
                state.pop("stop")()

        def start(self):
            port = int(state["base_url"].rsplit(":", 1)[1])
            state["base_url"], state["stop"] = run_server_in_thread(db_url, port=port)

        def api(self, username):
            from station.api import ServerApi

            api = ServerApi(state["base_url"])
            api.login(username, PASSWORD)
            return api

    srv = Server()
    yield srv
    srv.stop()


@pytest.fixture
def make_station(server, tmp_path, qtbot, monkeypatch):
    """``make_station(username)`` → the signed-in :class:`ui.main_window.MainWindow`,
    after typing the user and password into the sign-in window."""
    monkeypatch.setenv("CREDENCIALIZACION_NO_OPEN_PDF", "1")
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from PySide6.QtWidgets import QApplication

    from app.demo import initial_pull, register_station
    from app.wiring import build_station
    from station.api import ServerApi
    from station.config import Config
    from station.store import LocalStore
    from ui.app import StationApp

    apps = []

    def make(username: str, password: str = PASSWORD, expect_ok: bool = True, background_sync: bool = False):
        data = tmp_path / f"estacion-{username}-{len(apps)}"
        config = Config(server_url=server.base_url, station_id="EST-PRUEBA-01", campuses=["001"], camera="demo",
                        pad="onscreen", data_dir=data)
        store = LocalStore(config.store_path, os.urandom(32), config.station_id)
        api = ServerApi(server.base_url)
        signing_key = Ed25519PrivateKey.generate()
        register_station(server.base_url, config.station_id, signing_key, PASSWORD)
        services = build_station(config, store=store, api=api, signing_key=signing_key)
        initial_pull(services, "supervisor", PASSWORD)
        api.token = None
        station = StationApp(QApplication.instance(), services=services, background_sync=background_sync)
        station.start()
        apps.append(station)
        qtbot.addWidget(station.login)
        login = station.login
        qtbot.keyClicks(login.user_edit, username)
        qtbot.keyClicks(login.password_edit, password)
        login.login_button.click()
        if not expect_ok:
            return station
        qtbot.waitUntil(lambda: station.window is not None, timeout=WAIT_MS)
        qtbot.addWidget(station.window)
        station.window.station = station
        return station.window

    yield make
    for station in apps:
        if station.window is not None:
            station.window.close()
        stop = getattr(station.services.sync, "stop", None)
        if callable(stop):
            stop()
        station.services.store.close()
