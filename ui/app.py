"""Entry point of the station's window (``credencializacion`` / ``--demo``).

Start-up order keeps the sign-in window fast (DESIGN §10: ≤ 2.5 s): the Qt
application and the sign-in window come first; the configuration, the local
store (migrations) and, for ``--demo``, the embedded server are prepared on a
worker thread while the window is already on screen.

Environment: ``CREDENCIALIZACION_STARTUP_PROBE=1`` prints
``credencializacion: inicio de sesión mostrado <seconds>`` once the sign-in
window is shown and exits (used by ``benchmarks/bench_startup.py``).
"""
from __future__ import annotations

import os
import sys
import time

_T0 = time.perf_counter()
PROBE_ENV = "CREDENCIALIZACION_STARTUP_PROBE"
PROBE_MARKER = "credencializacion: inicio de sesión mostrado"


def prepare_station():
    """Open the configured station: config, local store (keyring key), server
    client, sync service and authenticator. Returns a DeskServices.
    Raises with a Spanish message when the store or keyring cannot open."""
    from station.api import ServerApi
    from station.config import load_config
    from station.services import DeskServices
    from station.store import LocalStore
    from ui.demo import build_authenticator, build_sync

    config = load_config()
    store = LocalStore.open_configured(config)
    api = ServerApi(config.server_url) if config.server_url else None
    sync = build_sync(config, store, api) if api is not None else None
    return DeskServices(config, store, api, sync=sync, authenticator=build_authenticator(config, store, api))


class StationApp:
    """The running application: sign-in window, main window and their hand-over.

    ``demo`` starts the embedded demo environment and signs in as the demo
    supervisor. ``services`` (already prepared) skips preparation (tests);
    ``background_sync`` False leaves sync rounds to «Sincronizar ahora».
    """

    def __init__(self, app, demo: bool = False, services=None, auto_login: tuple[str, str] | None = None,
                 background_sync: bool = True):
        from ui.login import LoginWindow

        self.app = app
        self.demo = None
        self.window = None
        self.services = services
        self.auto_login = auto_login
        self.background_sync = background_sync
        self.login = LoginWindow()
        self.login.signedIn.connect(self._on_signed_in)
        if demo:
            from ui.demo import DEMO_PASSWORD, DEMO_USER, DemoEnvironment

            self.demo = DemoEnvironment()
            self.auto_login = auto_login or (DEMO_USER, DEMO_PASSWORD)
            self.login.server_label.setText(self.login.tr("Demostración: usuario «{0}», contraseña «{1}».")
                                            .format(DEMO_USER, DEMO_PASSWORD))
        app.aboutToQuit.connect(self.shutdown)

    def start(self) -> None:
        """Show the sign-in window and prepare the station in the background."""
        from ui.workers import error_text, run_task

        self.login.show()
        if self.services is not None:
            self._ready(self.services)
            return
        if self.demo is not None:
            self.login.set_preparing(self.login.tr("Preparando la demostración (servidor central embebido)…"))
            run_task(self.demo.start, self._ready, lambda exc: self.login.fail(error_text(exc)),
                     label=self.login.tr("Preparando la demostración…"))
        else:
            run_task(prepare_station, self._ready,
                     lambda exc: self.login.fail(self.login.tr("No se pudo abrir la estación: {0}")
                                                 .format(error_text(exc))),
                     label=self.login.tr("Abriendo la estación…"))

    def _ready(self, services) -> None:
        self.services = services
        self.login.set_services(services)
        if self.demo is not None:
            from ui.demo import DEMO_PASSWORD

            self.login.server_label.setText(self.login.tr("Demostración: usuario «supervisor» u «operador», "
                                                          "contraseña «{0}».").format(DEMO_PASSWORD))
        if self.auto_login:
            self.login.user_edit.setText(self.auto_login[0])
            self.login.password_edit.setText(self.auto_login[1])
            self.login.submit()

    def _on_signed_in(self, session) -> None:
        from ui.main_window import MainWindow

        self.window = MainWindow(self.services)
        self.window.signedOut.connect(self._on_signed_out)
        start = getattr(self.services.sync, "start_background", None)
        if callable(start) and self.background_sync:
            start(5.0 if self.demo is not None else 30.0)
        self.window.show()
        self.login.hide()

    def _on_signed_out(self) -> None:
        self.auto_login = None
        stop = getattr(self.services.sync, "stop", None)
        if callable(stop):
            stop()
        self.window = None
        self.login.show()
        self.login.user_edit.setFocus()

    def shutdown(self) -> None:
        """Stop background work; close the store; stop the demo server."""
        if self.window is not None:
            self.window.close()
        if self.demo is not None:
            self.demo.stop()
        elif self.services is not None:
            stop = getattr(self.services.sync, "stop", None)
            if callable(stop):
                stop()
            self.services.store.close()


def setup_main(argv: list[str] | None = None) -> int:
    """``credencializacion setup``: run the first-run setup wizard alone; 0 when saved."""
    from PySide6.QtWidgets import QApplication

    from ui.setup_wizard import run_setup_wizard
    from ui.style import apply_style

    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "credencializacion"])
    apply_style(app)
    return 0 if run_setup_wizard() else 1


def main(argv: list[str] | None = None) -> int:
    """Start the Qt application (``--demo`` for the demonstration station); returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    unknown = [a for a in argv if a not in ("--demo",)]
    if unknown:
        print(f"Opción desconocida: {' '.join(unknown)}. Use --help para ver la lista.", file=sys.stderr)
        return 2
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from ui.style import apply_style

    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "credencializacion"])
    app.setApplicationName("Credencialización")
    app.setOrganizationName("credencializacion")
    app.setDesktopFileName("credencializacion")
    apply_style(app)
    if "--demo" not in argv and not os.environ.get(PROBE_ENV):
        from ui.setup_wizard import needs_setup, run_setup_wizard

        if needs_setup() and not run_setup_wizard():
            print("La estación no está configurada: ejecute de nuevo «credencializacion» o "
                  "«credencializacion setup» para completar el asistente.", file=sys.stderr)
            return 1
    station = StationApp(app, demo="--demo" in argv)
    if os.environ.get(PROBE_ENV):
        station.login.show()

        def probe() -> None:
            print(f"{PROBE_MARKER} {time.perf_counter() - _T0:.3f}", flush=True)
            app.quit()

        QTimer.singleShot(0, probe)
        return int(app.exec())
    station.start()
    return int(app.exec())
