"""«Cuentas institucionales» for the systems role and the account slip at the desk,
driven through the windows against a real server (issue 20 items 5 and 7)."""
from __future__ import annotations

import csv
import io

from sqlalchemy import select, update

from tests.ui.helpers import WAIT_MS, search, wait_idle


def _prepare(server) -> list[str]:
    from server.db.engine import make_engine, make_session_factory
    from server.db.models import StudentRow
    engine = make_engine(server.url)
    with make_session_factory(engine)() as s, s.begin():
        s.execute(update(StudentRow).where(StudentRow.campus_code == "001", StudentRow.status == "ENROLLED")
                  .values(institutional_email=""))
        waiting = list(s.scalars(select(StudentRow.matricula).where(StudentRow.institutional_email == "")
                                 .order_by(StudentRow.matricula)))
    engine.dispose()
    server.api("admin").request("PUT", "/accounts/rules/student", json={"domain": "alumnos.conalepmex.edu.mx"})
    return waiting


def test_systems_screen_proposes_exports_imports_then_desk_prints_slip_once(server, make_station, qtbot, tmp_path):
    waiting = _prepare(server)
    assert waiting
    window = make_station("sistemas")
    assert "accounts" in window.keys
    assert not {"capture", "validate", "deliver", "print"} & set(window.keys)  # a systems user gets no desk screens
    window.open_screen("accounts")
    screen = window.screens["accounts"]
    qtbot.waitUntil(lambda: screen.campus.count() > 0, timeout=WAIT_MS)
    wait_idle(qtbot)
    screen.preview_button.click()
    qtbot.waitUntil(lambda: screen.table.rowCount() == len(waiting), timeout=WAIT_MS)
    assert screen.table.item(0, 3).text().endswith("@alumnos.conalepmex.edu.mx")
    screen.propose_button.click()
    qtbot.waitUntil(lambda: "reservadas" in screen.message.text(), timeout=WAIT_MS)
    out = tmp_path / "cuentas"
    screen.ask_folder = lambda title: str(out)
    screen.format.setCurrentIndex(screen.format.findData("entra"))
    screen.export_button.click()
    qtbot.waitUntil(lambda: "guardados" in screen.message.text(), timeout=WAIT_MS)
    (exported,) = list(out.glob("*.csv"))
    lines = list(csv.reader(io.StringIO(exported.read_text("utf-8"))))
    assert lines[0] == ["version:v1.0"] and len(lines) == 2 + len(waiting)
    screen.ask_open_file = lambda title, filt: str(exported)
    screen.import_button.click()
    qtbot.waitUntil(lambda: "Correos asignados" in screen.report.text(), timeout=WAIT_MS)
    assert f"Correos asignados: {len(waiting)}." in screen.report.text()
    wait_idle(qtbot)

    # the desk: looking the student up offers the slip, once
    desk = make_station("operador")
    desk.open_screen("consult")
    consult = desk.screens["consult"]
    search(qtbot, consult, waiting[0])
    qtbot.waitUntil(lambda: consult.slip.last_pdf is not None, timeout=WAIT_MS)
    assert "no se puede volver a imprimir" in consult.message.text()
    consult.slip.last_pdf = None
    search(qtbot, consult, waiting[0])
    wait_idle(qtbot)
    assert consult.slip.last_pdf is None  # not offered again
    from station.services import ServiceError

    try:
        desk.services.accounts.print_slip(waiting[0])
    except ServiceError as exc:
        assert exc.code == "slip_already_printed" and "restablecimiento" in exc.message
    else:  # pragma: no cover
        raise AssertionError("la segunda impresión debió rechazarse")


def test_accounts_screen_fits_the_desks_screens(server, make_station, qtbot):
    from tests.ui.test_screen_fit import SIZES, must_be_on_screen, outside, primary_buttons

    _prepare(server)
    win = make_station("sistemas")
    win.open_screen("accounts")
    screen = win.screens["accounts"]
    wait_idle(qtbot)
    problems = []
    for name, (width, height) in SIZES.items():
        win.resize(width, height)
        qtbot.waitUntil(lambda: win.width() <= width and win.height() <= height, timeout=WAIT_MS)
        qtbot.wait(50)
        for b in primary_buttons(screen):
            if must_be_on_screen(screen, b) and outside(win, b):
                problems.append((name, b.text(), outside(win, b)))
    assert problems == []
