"""Take the README screenshots from the real application under Xvfb, at the desks'
common screens: 1366×768, 1024×768 and 1366×768 at 125 % scaling.

    python docs/screenshots/take_screenshots.py --all        # the three sizes (starts Xvfb)
    xvfb-run -a -s "-screen 0 1024x768x24" python docs/screenshots/take_screenshots.py \
        --out docs/screenshots/1024x768 [screen ...]
    QT_SCALE_FACTOR=1.25 xvfb-run ... --out docs/screenshots/1366x768-125

Starts the --demo environment in-process, signs in as the demo supervisor,
maximises the window on the X screen (as a desk would) and saves one PNG per
screen. The 125 % set uses ``QT_SCALE_FACTOR=1.25``: Qt lays the window out at
1093×614 logical pixels and renders it at 1366×768, as Windows does at 125 %.
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("CREDENCIALIZACION_NO_OPEN_PDF", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

HERE = Path(__file__).resolve().parent
OUT = HERE
#: (folder, Xvfb screen, QT_SCALE_FACTOR) of each set.
SETS = (("1366x768", "1366x768", ""), ("1024x768", "1024x768", ""), ("1366x768-125", "1366x768", "1.25"))


def take_all() -> int:
    """Run this script once per set under its own Xvfb (xvfb-run) with the xcb platform."""
    import subprocess

    for folder, screen, scale in SETS:
        env = dict(os.environ, QT_QPA_PLATFORM="xcb")
        env.pop("QT_SCALE_FACTOR", None)
        if scale:
            env["QT_SCALE_FACTOR"] = scale
        subprocess.run(["xvfb-run", "-a", "-s", f"-screen 0 {screen}x24", sys.executable, __file__, "--out",
                        str(HERE / folder)], env=env, check=True)
        subprocess.run(["xvfb-run", "-a", "-s", f"-screen 0 {screen}x24", sys.executable, __file__, "--out",
                        str(HERE / folder), "--user", "sistemas", "bandeja"], env=env, check=True)
    return 0


def main(argv: list[str]) -> int:
    global OUT
    if "--all" in argv:
        return take_all()
    user = "supervisor"
    if "--user" in argv:  # e.g. --user sistemas for «Atender solicitudes»
        i = argv.index("--user")
        user = argv[i + 1]
        argv = argv[:i] + argv[i + 2:]
    if "--out" in argv:
        i = argv.index("--out")
        OUT = Path(argv[i + 1])
        OUT.mkdir(parents=True, exist_ok=True)
        argv = argv[:i] + argv[i + 2:]
    from PySide6.QtWidgets import QApplication

    from app.demo import DemoEnvironment
    from station.domain import Status
    from ui.app import StationApp
    from ui.style import apply_style

    app = QApplication([sys.argv[0]])
    apply_style(app)
    station = StationApp(app, demo=DemoEnvironment())
    station.auto_login = None
    station.start()
    wait(app, lambda: station.services is not None, 120)
    login = station.login
    login.user_edit.setText(user)
    login.password_edit.setText("demo-1234")
    if not argv or "login" in argv:
        app.processEvents()
        shot(app, login, "01-iniciar-sesion")
    login.submit()
    wait(app, lambda: station.window is not None, 30)
    win = station.window
    win.showMaximized()
    settle(app, 0.5)
    services = station.services
    store = services.store

    def first(status: Status) -> str:
        return store.find_students("001", statuses=[status], limit=1)[0].matricula

    wanted = set(argv)

    def want(name: str) -> bool:
        return not wanted or name in wanted

    if want("inicio"):
        win.open_screen("home")
        wait(app, lambda: win.screens["home"].report is not None, 10)
        shot(app, win, "02-inicio")
    if want("captura"):
        win.open_screen("capture", first(Status.ENROLLED))
        screen = win.screens["capture"]
        wait(app, lambda: screen.camera_widget is not None and screen.camera_widget.frames_shown > 5, 20)
        wait(app, lambda: screen.camera_widget.view.guidance == "Foto correcta", 10)
        settle(app, 0.5)
        shot(app, win, "03-toma-de-biometricos")
    if want("firma"):
        screen = win.screens["capture"]
        screen.camera_widget.take_button.click()
        wait(app, lambda: screen.camera_widget.accept_button.isEnabled(), 10)
        screen.camera_widget.accept_button.click()
        wait(app, lambda: screen.photo_jpeg is not None, 10)
        from drivers.signature.model import demo_strokes

        pad = screen.pad_panel.pad
        t = 0.0
        for stroke in demo_strokes():
            for i, (x, y) in enumerate(stroke):
                pad.feed(x, y, True, t)
                t += 10
            pad.feed(stroke[-1][0], stroke[-1][1], False, t)
        settle(app, 0.3)
        screen.pad_panel.capture()
        settle(app, 0.3)
        shot(app, win, "04-toma-de-firma")
    if want("imprimir"):
        win.open_screen("print", first(Status.CAPTURED))
        wait(app, lambda: win.screens["print"].student is not None, 10)
        shot(app, win, "05-imprimir-temporal")
    if want("validar"):
        screen = win.screens["validate"]
        win.open_screen("validate")
        wait(app, lambda: screen.table.rowCount() > 0, 10)
        screen.table.selectRow(0)
        screen.open_selected()
        wait(app, lambda: screen.current is not None, 10)
        settle(app, 0.3)
        shot(app, win, "06-validar-datos-alumno")
    if want("rechazar"):
        win.open_screen("reject", first(Status.RECEIVED))
        wait(app, lambda: win.screens["reject"].student is not None, 10)
        win.screens["reject"].comment.setPlainText("Fotografía con manchas")
        win.screens["reject"].retake_check.setChecked(True)
        shot(app, win, "07-rechazar-reimprimir")
    if want("entregar"):
        win.open_screen("deliver", first(Status.RECEIVED))
        wait(app, lambda: win.screens["deliver"].student is not None, 10)
        shot(app, win, "08-entregar-credencial")
    if want("consultar"):
        win.open_screen("consult", first(Status.DELIVERED))
        wait(app, lambda: win.screens["consult"].student is not None, 10)
        shot(app, win, "09-consultar-alumno")
    if want("sae"):
        screen = win.screens["sae"]
        win.open_screen("sae")
        screen.search.edit.setText(sae_only(services))
        screen.search.button.click()
        wait(app, lambda: screen.answer is not None, 15)
        shot(app, win, "10-importar-alumno-sae")
    if want("sincronizacion"):
        win.open_screen("sync")
        settle(app, 1.0)
        shot(app, win, "11-sincronizacion")
    if want("solicitudes") and "requests" in win.keys:
        screen = win.screens["requests"]
        win.open_screen("requests")
        wait(app, lambda: screen.browser.table.rowCount() > 0, 20)
        shot(app, win, "13-solicitudes")
        screen.browser.table.selectRow(next(r for r, i in enumerate(screen.browser.items) if i["state"] == "attended"))
        screen.browser.open_selected()
        wait(app, lambda: screen.browser.showing_detail(), 10)
        shot(app, win, "14-solicitud-detalle")
        screen.browser.show_list()
        screen.tabs.setCurrentIndex(1)
        screen.form.select_type("mail_problem")
        form = screen.form.current
        form.editors["contact_email"][1].setText("escolares.ciudadazteca@conalepmex.edu.mx")
        form.editors["full_name"][1].setText("ROSA MÉNDEZ CRUZ")
        shot(app, win, "15-nueva-solicitud")
    if want("bandeja") and "request_queue" in win.keys:
        screen = win.screens["request_queue"]
        win.open_screen("request_queue")
        wait(app, lambda: screen.browser.table.rowCount() > 0, 20)
        shot(app, win, "16-atender-solicitudes")
        screen.browser.table.selectRow(next(r for r, i in enumerate(screen.browser.items) if i["state"] == "in_review"))
        screen.browser.open_selected()
        wait(app, lambda: screen.browser.showing_detail(), 10)
        shot(app, win, "17-atender-solicitud-detalle")
    if want("ajustes"):
        win.open_screen("settings")
        settle(app, 1.0)
        shot(app, win, "12-ajustes-y-dispositivos")
    if want("avisos"):
        screen = win.screens["mail"]
        win.open_screen("mail")
        wait(app, lambda: screen.sender_combo.count() > 0, 20)
        screen.save_template_button.click()  # the notice's text becomes a saved template of plantel 001
        wait(app, lambda: screen.template_combo.count() > 0, 20)
        screen.requester_edit.setText("servicios.escolares@conalepmex.edu.mx")
        screen.preview_button.click()
        wait(app, lambda: screen.send_button.isEnabled(), 30)
        shot(app, win, "13-avisos-vista-previa")
        screen.send_button.click()
        wait(app, lambda: screen.outbox_card is not None and len(screen.outbox_items) >= 6, 60)
        screen.refresh()
        settle(app, 1.0)
        screen.outbox.selectRow(0)
        screen.table.selectRow(0)
        settle(app, 0.3)
        bar = screen.scroll.verticalScrollBar()
        bar.setValue(bar.maximum())  # the sent notices and the demo's received mail
        shot(app, win, "14-avisos-enviados-demostracion")
    win.close()
    app.quit()
    station.shutdown()
    return 0


def sae_only(services) -> str:
    """A matrícula that is in SAE but not yet in the credentialing database."""
    from sqlalchemy import create_engine, text

    url = f"sqlite:///{station_folder(services) / 'servidor.sqlite3'}"
    engine = create_engine(url)
    with engine.connect() as c:
        row = c.execute(text("SELECT s.matricula FROM sae_records s LEFT JOIN students t ON t.matricula = s.matricula "
                             "WHERE t.matricula IS NULL AND s.campus_code = '001' LIMIT 1")).first()
    engine.dispose()
    return row[0]


def station_folder(services) -> Path:
    return Path(services.config.data_dir).parent


def wait(app, condition, timeout: float) -> None:
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise TimeoutError("La pantalla no quedó lista a tiempo.")
        app.processEvents()
        time.sleep(0.02)


def settle(app, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.02)


def shot(app, widget, name: str) -> None:
    settle(app, 0.4)
    path = OUT / f"{name}.png"
    screen = app.primaryScreen()
    # The whole X screen as the desk sees it (window frame, nothing cropped).
    screen.grabWindow(0).save(str(path)) if widget.isWindow() and widget.isMaximized() else widget.grab().save(str(path))
    print(path)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
