"""The station's windows and their hand-over: sign-in → main window → sign-out.

:class:`StationApp` is wired by the composition root (:mod:`app.gui`), which
decides what opens the station: the configured desk (``prepare``), the demo
environment (``demo``) or services already built (tests). ``ui`` itself never
builds a station nor imports the server (DESIGN.md §2).

Start-up order keeps the sign-in window fast (DESIGN §10: ≤ 2.5 s): the
sign-in window comes first; ``prepare``/``demo.start`` (configuration, local
store migrations, for the demo the embedded server) run on a worker thread
while the window is already on screen.
"""
from __future__ import annotations

from typing import Callable


class StationApp:
    """The running application: sign-in window, main window and their hand-over.

    Exactly one of these opens the station: ``services`` (already prepared
    :class:`station.services.DeskServices`; tests), ``demo`` (an environment
    with ``start(progress) -> DeskServices``, ``stop()``, ``user`` and
    ``password``, e.g. :class:`app.demo.DemoEnvironment`; signs in as the demo
    supervisor) or ``prepare`` (a blocking ``() -> DeskServices`` run off the
    GUI thread; raises with a Spanish message when the store or keyring cannot
    open). ``background_sync`` False leaves sync rounds to «Sincronizar ahora».
    """

    def __init__(self, app, demo=None, services=None, auto_login: tuple[str, str] | None = None,
                 background_sync: bool = True, prepare: Callable[[], object] | None = None):
        from ui.login import LoginWindow

        self.app = app
        self.demo = demo
        self.prepare = prepare
        self.window = None
        self.services = services
        self.auto_login = auto_login
        self.background_sync = background_sync
        self.login = LoginWindow()
        self.login.signedIn.connect(self._on_signed_in)
        if demo is not None:
            self.auto_login = auto_login or (demo.user, demo.password)
            self.login.server_label.setText(self.login.tr("Demostración: usuario «{0}», contraseña «{1}».")
                                            .format(demo.user, demo.password))
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
            run_task(self.prepare, self._ready,
                     lambda exc: self.login.fail(self.login.tr("No se pudo abrir la estación: {0}")
                                                 .format(error_text(exc))),
                     label=self.login.tr("Abriendo la estación…"))

    def _ready(self, services) -> None:
        self.services = services
        self.login.set_services(services)
        if self.demo is not None:
            self.login.server_label.setText(self.login.tr("Demostración: usuario «supervisor» u «operador», "
                                                          "contraseña «{0}».").format(self.demo.password))
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
