"""The station's window entry points (``credencializacion``, ``--demo``, ``setup``).

Start-up order keeps the sign-in window fast (DESIGN §10: ≤ 2.5 s): the Qt
application and the sign-in window come first; the configured station
(:func:`app.wiring.prepare_configured_station`) or, for ``--demo``, the
embedded demo environment are prepared on a worker thread while the window is
already on screen. The demo wiring (:mod:`app.demo`, which starts a server) is
imported only for ``--demo``.

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


def _qt_application():
    """The process's QApplication (created once) with the station's names and style."""
    from PySide6.QtWidgets import QApplication

    from ui.style import apply_style

    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "credencializacion"])
    app.setApplicationName("Credencialización")
    app.setOrganizationName("credencializacion")
    app.setDesktopFileName("credencializacion")
    apply_style(app)
    return app


def setup_main(argv: list[str] | None = None) -> int:
    """``credencializacion setup``: run the first-run setup wizard alone; 0 when saved, 2 for
    an unknown option (Spanish message, no window)."""
    from station.domain.cliargs import SpanishArgumentParser

    parser = SpanishArgumentParser(prog="credencializacion setup",
                                   description="Abre el asistente de configuración de la estación.")
    try:
        parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    except SystemExit as exc:
        return 0 if exc.code in (0, None) else 2
    from ui.setup_wizard import run_setup_wizard

    _qt_application()
    return 0 if run_setup_wizard() else 1


def main(argv: list[str] | None = None) -> int:
    """Start the Qt application (``--demo`` for the demonstration station); returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    unknown = [a for a in argv if a not in ("--demo",)]
    if unknown:
        print(f"Opción desconocida: {' '.join(unknown)}. Use --help para ver la lista.", file=sys.stderr)
        return 2
    from PySide6.QtCore import QTimer

    from ui.app import StationApp

    app = _qt_application()
    probe_only = bool(os.environ.get(PROBE_ENV))
    if "--demo" not in argv and not probe_only:
        from ui.setup_wizard import needs_setup, run_setup_wizard

        if needs_setup() and not run_setup_wizard():
            print("La estación no está configurada: ejecute de nuevo «credencializacion» o "
                  "«credencializacion setup» para completar el asistente.", file=sys.stderr)
            return 1
    if "--demo" in argv:
        from app.demo import DemoEnvironment

        station = StationApp(app, demo=DemoEnvironment())
        # Qt's event loop runs in C: wake Python twice a second so SIGTERM's handler
        # (which deletes the demo folder) runs promptly.
        wake = QTimer(app)
        wake.timeout.connect(lambda: None)
        wake.start(500)
    else:
        from app.wiring import prepare_configured_station

        station = StationApp(app, prepare=prepare_configured_station)
    if probe_only:
        station.login.show()

        def probe() -> None:
            print(f"{PROBE_MARKER} {time.perf_counter() - _T0:.3f}", flush=True)
            app.quit()

        QTimer.singleShot(0, probe)
        return int(app.exec())
    station.start()
    return int(app.exec())
