"""«Solicitudes» and «Atender solicitudes» (issue #19 item 7) driven through the windows
against a real central server in a thread: filing with documents (a renamed program
refused on the desk first), the list and the detail with its timeline and documents, the
systems office acting from its queue (overdue first, only the server's allowed actions
enabled, reason and response required, the response letter), a non-systems user with no
review actions, and an offline or failing server said in Spanish without losing the form."""
from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone

import pytest

from tests.ui.helpers import WAIT_MS, wait_idle


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (320, 200), (90, 120, 160)).save(out, "PNG")
    return out.getvalue()


def _pdf(text: str = "Horario del semestre") -> bytes:
    from reportlab.pdfgen.canvas import Canvas

    out = io.BytesIO()
    canvas = Canvas(out)
    canvas.drawString(72, 720, text)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


@pytest.fixture
def documents(tmp_path):
    """``{name: path}``: an INE scan (PNG), a schedule (PDF) and a program renamed .pdf."""
    folder = tmp_path / "docs"
    folder.mkdir()
    files = {"ine": ("ine-escaneada.png", _png()), "schedule": ("horario.pdf", _pdf()),
             "program": ("oficio.pdf", b"MZ\x90\x00" + b"\x00" * 400)}
    out = {}
    for name, (filename, data) in files.items():
        (folder / filename).write_bytes(data)
        out[name] = folder / filename
    return out


def _open_requests(qtbot, win):
    win.open_screen("requests")
    screen = win.screens["requests"]
    qtbot.waitUntil(lambda: screen.form.type_combo.count() >= 6, timeout=WAIT_MS)
    wait_idle(qtbot)
    return screen


def _fill_password_reset(qtbot, screen, documents, choose_files: bool = True):
    screen.tabs.setCurrentIndex(1)
    screen.form.select_type("password_reset")
    form = screen.form.current
    qtbot.keyClicks(form.editors["contact_email"][1], "servicios.escolares@conalepmex.edu.mx")
    form.editors["full_name"][1].insert("ANA PÉREZ LÓPEZ")  # QTest types ASCII only
    qtbot.keyClicks(form.editors["account"][1], "ana.perez@conalepmex.edu.mx")
    if choose_files:
        form.attachments["ine"].set_path(documents["ine"])
        form.attachments["schedule"].set_path(documents["schedule"])
    return form


def test_filing_with_documents_then_list_and_detail(make_station, server, qtbot, documents, tmp_path):
    win = make_station("supervisor")
    assert "requests" in win.keys and "request_queue" not in win.keys  # no queue for a supervisor
    screen = _open_requests(qtbot, win)
    form = _fill_password_reset(qtbot, screen, documents, choose_files=False)

    # a program renamed .pdf is refused on the desk, before anything is sent
    form.attachments["ine"]._ask = lambda title, filt: str(documents["program"])
    form.attachments["ine"].choose_button.click()
    assert "programa" in screen.message.text() and form.attachments["ine"].path is None
    # a required document missing: said at once, nothing filed, the form kept
    form.attachments["schedule"].set_path(documents["schedule"])
    screen.file_button.click()
    qtbot.waitUntil(lambda: "Falta adjuntar" in screen.message.text(), timeout=WAIT_MS)
    assert server.api("supervisor").requests_list()["total"] == 0
    assert form.editors["full_name"][1].text() == "ANA PÉREZ LÓPEZ"

    form.attachments["ine"]._ask = lambda title, filt: str(documents["ine"])
    form.attachments["ine"].choose_button.click()
    assert form.attachments["ine"].path == documents["ine"]
    screen.file_button.click()
    qtbot.waitUntil(lambda: "presentada" in screen.message.text(), timeout=WAIT_MS)
    wait_idle(qtbot)
    browser = screen.browser
    assert screen.tabs.currentIndex() == 0 and browser.showing_detail()
    detail = browser.detail
    folio = detail.detail["folio"]
    assert folio.startswith("SOL-") and folio in screen.message.text()
    assert detail.state_tag.text() == "Recibida"
    assert form.editors["full_name"][1].text() == ""  # filed: the form is empty for the next one
    assert detail.docs.rowCount() == 2
    assert {detail.docs.item(r, 1).text() for r in range(2)} == {"ine-escaneada.png", "horario.pdf"}
    assert any(detail.timeline.item(r, 2).text() == "Presentada" for r in range(detail.timeline.rowCount()))
    fields = {detail.fields_form.itemAt(r, detail.fields_form.ItemRole.LabelRole).widget().text():
              detail.fields_form.itemAt(r, detail.fields_form.ItemRole.FieldRole).widget().text()
              for r in range(detail.fields_form.rowCount())}
    assert fields["Nombre completo"] == "ANA PÉREZ LÓPEZ"
    # the requester: no review action, only «Cancelar» while it waits
    shown = {code for code, b in detail.action_buttons.items() if b.isVisibleTo(detail)}
    assert shown == {"cancel"}
    assert not detail.letter_button.isVisibleTo(detail)

    # view the INE scan in the app (memory), save a copy of it
    row = next(r for r in range(2) if detail.docs.item(r, 1).text() == "ine-escaneada.png")
    detail.docs.selectRow(row)
    detail.view_button.click()
    qtbot.waitUntil(lambda: browser.viewer is not None and browser.viewer.pages == 1, timeout=WAIT_MS)
    browser.viewer.close()
    target = tmp_path / "copia.png"
    browser.ask_save_path = lambda suggested: str(target)
    detail.save_button.click()
    qtbot.waitUntil(target.exists, timeout=WAIT_MS)
    assert target.read_bytes() == documents["ine"].read_bytes()

    # back to the list: the request with its state; filters narrow it
    detail.back_button.click()
    qtbot.waitUntil(lambda: browser.table.rowCount() == 1, timeout=WAIT_MS)
    assert browser.table.item(0, 0).text() == folio and browser.table.item(0, 2).text() == "Recibida"
    browser.state_combo.setCurrentIndex(browser.state_combo.findData("attended"))
    qtbot.waitUntil(lambda: browser.table.rowCount() == 0, timeout=WAIT_MS)
    browser.state_combo.setCurrentIndex(0)
    qtbot.waitUntil(lambda: browser.table.rowCount() == 1, timeout=WAIT_MS)

    # another user of the plantel sees neither the request nor its documents
    other = server.api("operador")
    assert other.requests_list()["total"] == 0
    from station.api import ServerApiError

    with pytest.raises(ServerApiError) as refused:
        other.requests_attachment(folio, detail.detail["attachments"][0]["id"])
    assert refused.value.status == 404


def _file_via_api(server, username: str, documents, name: str = "ANA PÉREZ LÓPEZ") -> str:
    from station.service_requests import ServiceRequests

    api = server.api(username)
    client = ServiceRequests(lambda: api)
    detail = client.file("password_reset", {"contact_email": "escolares@conalepmex.edu.mx", "full_name": name,
                                            "account": "ana.perez@conalepmex.edu.mx"},
                         [("ine", documents["ine"]), ("schedule", documents["schedule"])])
    return detail["folio"]


def _make_overdue(server, folio: str) -> None:
    from sqlalchemy import update

    from server.db.engine import make_engine, make_session_factory
    from server.requests.models import ServiceRequest

    engine = make_engine(server.url)
    with make_session_factory(engine)() as s, s.begin():
        s.execute(update(ServiceRequest).where(ServiceRequest.folio == folio)
                  .values(due_at=datetime.now(timezone.utc) - timedelta(hours=5)))
    engine.dispose()


def test_systems_queue_acts_in_order_and_answers_with_a_letter(make_station, server, qtbot, documents):
    later = _file_via_api(server, "supervisor", documents, "BETO RUIZ")
    urgent = _file_via_api(server, "supervisor", documents, "ANA PÉREZ LÓPEZ")
    latest = _file_via_api(server, "supervisor", documents, "CARLA SOTO")
    _make_overdue(server, urgent)  # due order differs from filing order both ways
    win = make_station("sistemas")
    assert "request_queue" in win.keys
    win.open_screen("request_queue")
    screen = win.screens["request_queue"]
    browser = screen.browser
    qtbot.waitUntil(lambda: browser.table.rowCount() == 3, timeout=WAIT_MS)
    # soonest due first; the overdue one marked
    assert [browser.table.item(r, 0).text() for r in range(3)] == [urgent, later, latest]
    assert "vencida" in browser.table.item(0, 5).text() and "vencida" not in browser.table.item(1, 5).text()
    assert browser.table.item(0, 0).background().color().name() != browser.table.item(1, 0).background().color().name()
    assert browser.count_label.text() == "Solicitudes: 3; vencidas: 1."

    browser.table.setFocus()
    browser.table.selectRow(0)
    browser.open_button.click()
    qtbot.waitUntil(browser.showing_detail, timeout=WAIT_MS)
    detail = browser.detail
    assert detail.detail["folio"] == urgent
    enabled = {code for code, b in detail.action_buttons.items() if b.isEnabled()}
    assert enabled == {"review", "cancel"}  # what the server lists for a received request
    assert all(b.isVisibleTo(detail) for b in detail.action_buttons.values())  # the queue shows every action

    def act(code: str, state: str) -> None:
        screen.message.clear_message()
        detail.action_buttons[code].click()
        qtbot.waitUntil(lambda: detail.state_tag.text() == state, timeout=WAIT_MS)
        wait_idle(qtbot)

    act("review", "En revisión")
    assert {c for c, b in detail.action_buttons.items() if b.isEnabled()} == {"approve", "cancel"}
    act("approve", "Aprobada")
    act("start", "En proceso")
    detail.action_buttons["complete"].click()  # the response is required
    assert "respuesta" in screen.message.text() and detail.state_tag.text() == "En proceso"
    detail.note_edit.insertPlainText("Se reinició la contraseña; la nueva se entregó en persona.")  # QTest: ASCII only
    act("complete", "Atendida")
    assert "Atendida" in screen.message.text()
    assert not any(b.isEnabled() for b in detail.action_buttons.values())
    assert "Se reinició la contraseña" in detail.outcome_label.text()
    timeline = [detail.timeline.item(r, 2).text() for r in range(detail.timeline.rowCount())]
    assert {"Presentada", "Revisar", "Aprobar", "Iniciar atención", "Marcar como atendida"} <= set(timeline)
    assert detail.letter_button.isVisibleTo(detail)
    detail.letter_button.click()
    qtbot.waitUntil(lambda: browser.viewer is not None and browser.viewer.pages >= 1, timeout=WAIT_MS)
    browser.viewer.close()

    # the other one: cancelling needs the reason
    detail.back_button.click()
    qtbot.waitUntil(lambda: browser.table.rowCount() == 2, timeout=WAIT_MS)  # attended left the queue
    browser.table.selectRow(0)
    browser.open_selected()
    qtbot.waitUntil(lambda: browser.showing_detail() and detail.detail["folio"] == later, timeout=WAIT_MS)
    detail.action_buttons["cancel"].click()
    assert "motivo" in screen.message.text() and detail.state_tag.text() == "Recibida"
    detail.note_edit.insertPlainText("Falta la firma del jefe de área en el oficio.")
    act("cancel", "Cancelada")
    assert "Falta la firma" in detail.outcome_label.text()

    # the requester reads the answer and the letter in «Solicitudes»
    requester = make_station("supervisor")
    own = _open_requests(qtbot, requester)
    qtbot.waitUntil(lambda: own.browser.table.rowCount() == 3, timeout=WAIT_MS)
    own.browser.open_folio(urgent)
    qtbot.waitUntil(lambda: own.browser.showing_detail() and own.browser.detail.state_tag.text() == "Atendida",
                    timeout=WAIT_MS)
    assert not any(b.isVisibleTo(own.browser.detail) for b in own.browser.detail.action_buttons.values())
    own.browser.detail.letter_button.click()
    qtbot.waitUntil(lambda: own.browser.viewer is not None and own.browser.viewer.pages >= 1, timeout=WAIT_MS)
    own.browser.viewer.close()


def test_systems_user_cannot_approve_own_request(make_station, server, qtbot, documents):
    folio = _file_via_api(server, "sistemas", documents)
    win = make_station("sistemas")
    win.open_screen("request_queue")
    browser = win.screens["request_queue"].browser
    qtbot.waitUntil(lambda: browser.table.rowCount() == 1, timeout=WAIT_MS)
    browser.open_selected()
    qtbot.waitUntil(browser.showing_detail, timeout=WAIT_MS)
    browser.detail.action_buttons["review"].click()
    qtbot.waitUntil(lambda: browser.detail.state_tag.text() == "En revisión", timeout=WAIT_MS)
    assert not browser.detail.action_buttons["approve"].isEnabled()  # the server does not list it
    # even a forced call is refused by the server, in Spanish
    from station.api import ServerApiError

    with pytest.raises(ServerApiError) as refused:
        server.api("sistemas").requests_act(folio, "approve")
    assert refused.value.status == 403 and "propia" in refused.value.message


def test_offline_and_server_error_say_so_in_spanish_and_keep_the_form(make_station, server, qtbot, documents,
                                                                      monkeypatch):
    win = make_station("supervisor")
    screen = _open_requests(qtbot, win)
    form = _fill_password_reset(qtbot, screen, documents)
    server.stop()
    screen.file_button.click()
    qtbot.waitUntil(lambda: "Sin conexión" in screen.message.text(), timeout=WAIT_MS)
    assert "Traceback" not in screen.message.text()
    assert form.editors["full_name"][1].text() == "ANA PÉREZ LÓPEZ" and form.attachments["ine"].path is not None

    server.start()
    from server.requests import service

    original = service.file_request

    def broken(*_args, **_kwargs):
        raise RuntimeError("base de datos caída")

    monkeypatch.setattr(service, "file_request", broken)
    screen.file_button.click()
    qtbot.waitUntil(lambda: "error interno" in screen.message.text(), timeout=WAIT_MS)
    assert "RuntimeError" not in screen.message.text() and "Traceback" not in screen.message.text()
    assert form.editors["full_name"][1].text() == "ANA PÉREZ LÓPEZ"
    assert form.editors["account"][1].text() == "ana.perez@conalepmex.edu.mx"

    monkeypatch.setattr(service, "file_request", original)
    wait_idle(qtbot)
    # uvicorn closes the connection after an unhandled exception; a POST on that pooled keep-alive
    # connection may fail as «Sin conexión» if the close arrives late (requests does not retry POSTs)
    win.services.api.http.close()
    screen.message.clear_message()
    screen.file_button.click()
    qtbot.waitUntil(lambda: screen.message.text() != "", timeout=WAIT_MS)
    assert "presentada" in screen.message.text(), screen.message.text()
    assert server.api("supervisor").requests_list()["total"] == 1  # filed once, after the failures


def test_demo_seeds_requests_in_every_state(server):
    from app.demo import seed_demo_requests
    from tests.ui.conftest import PASSWORD

    folios = seed_demo_requests(server.base_url, server.url, PASSWORD)
    items = server.api("sistemas").requests_list()["items"]
    assert sorted(i["folio"] for i in items) == sorted(folios)
    assert {i["state"] for i in items} == {"received", "in_review", "in_progress", "attended", "cancelled"}
    assert [i["state"] for i in items if i["overdue"]] == ["received"]


@pytest.mark.parametrize("name", ["1024x768", "1366x768@125%"])
def test_request_screens_fit(make_station, server, qtbot, documents, name):
    """The filing form's «Presentar solicitud» and the queue's detail stay reachable at the desks' sizes."""
    from tests.ui.test_screen_fit import SIZES, must_be_on_screen, outside, primary_buttons

    _file_via_api(server, "supervisor", documents)
    width, height = SIZES[name]
    problems = []
    for user, key in (("supervisor", "requests"), ("sistemas", "request_queue")):
        win = make_station(user)
        win.resize(width, height)
        qtbot.waitUntil(lambda: win.width() <= width and win.height() <= height, timeout=WAIT_MS)
        win.open_screen(key)
        screen = win.screens[key]
        qtbot.waitUntil(lambda: screen.browser.table.rowCount() == 1, timeout=WAIT_MS)
        if key == "requests":
            screen.tabs.setCurrentIndex(1)
            screen.form.select_type("mass_mail")  # the longest form
        else:
            screen.browser.open_selected()
            qtbot.waitUntil(screen.browser.showing_detail, timeout=WAIT_MS)
        wait_idle(qtbot)
        qtbot.wait(50)
        buttons = primary_buttons(screen)
        assert buttons, key
        for b in buttons:
            if must_be_on_screen(screen, b) and outside(win, b):
                problems.append(f"{key}: «{b.text()}» {outside(win, b)}")
        assert screen.scroll.horizontalScrollBar().maximum() == 0 or not screen.scroll.horizontalScrollBar().isVisible(), \
            f"{key}: desplazamiento horizontal en {name}"
    assert not problems, problems


def test_queue_proposes_the_accounts_of_an_accounts_request(make_station, server, qtbot, documents):
    from sqlalchemy import update

    from server.db.engine import make_engine, make_session_factory
    from server.db.models import StudentRow
    from station.service_requests import ServiceRequests

    engine = make_engine(server.url)
    with make_session_factory(engine)() as s, s.begin():
        s.execute(update(StudentRow).where(StudentRow.campus_code == "001", StudentRow.status == "ENROLLED")
                  .values(institutional_email=""))
    engine.dispose()
    server.api("admin").request("PUT", "/accounts/rules/student", json={"domain": "alumnos.conalepmex.edu.mx"})
    api = server.api("supervisor")
    folio = ServiceRequests(lambda: api).file(
        "student_accounts", {"contact_email": "escolares@conalepmex.edu.mx", "campus": "001"},
        [("oficio", documents["schedule"])])["folio"]
    office = server.api("sistemas")
    for action in ("review", "approve", "start"):
        office.requests_act(folio, action)
    win = make_station("sistemas")
    win.open_screen("request_queue")
    browser = win.screens["request_queue"].browser
    qtbot.waitUntil(lambda: browser.table.rowCount() == 1, timeout=WAIT_MS)
    browser.open_selected()
    qtbot.waitUntil(browser.showing_detail, timeout=WAIT_MS)
    assert browser.detail.accounts_button.isVisibleTo(browser.detail)
    browser.detail.accounts_button.click()
    qtbot.waitUntil(lambda: "cuentas propuestas" in browser.owner.message.text(), timeout=WAIT_MS)
    assert not browser.owner.message.text().startswith("0 ")
    timeline = [browser.detail.timeline.item(r, 2).text() for r in range(browser.detail.timeline.rowCount())]
    assert "Cuentas propuestas" in timeline
