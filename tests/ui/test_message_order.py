"""The message line keeps an operator's newer result: a background load that finishes late
never replaces it (issue: «Plantilla guardada» overwritten by a late «no hay remitentes»).

Deterministic: each background call blocks on its own event, and the test releases them in the
order it wants — no sleeps, no timing."""
from __future__ import annotations

import threading
from types import SimpleNamespace

from tests.ui.helpers import WAIT_MS, wait_idle


def _gate():
    """(blocking call, release): the call waits in its worker thread until released, then
    returns ``value`` or raises it (an exception)."""
    event = threading.Event()
    box = {}

    def call():
        assert event.wait(WAIT_MS / 1000)
        if isinstance(box.get("value"), BaseException):
            raise box["value"]
        return box.get("value")

    def release(value=None):
        box["value"] = value
        event.set()

    return call, release


def test_a_late_load_never_replaces_a_newer_actions_result(qtbot):
    from ui.screens.base import Screen

    screen = Screen(None, "Pantalla")
    qtbot.addWidget(screen)
    said = []

    # A load starts (blocked), then the operator acts and the action's result is shown.
    load, release_load = _gate()
    screen.run(load, lambda v: (said.append("load"), screen.message.notice(v)), "cargando", load=True)
    screen.run(lambda: "Plantilla «A» guardada.", screen.message.ok, "guardando")
    qtbot.waitUntil(lambda: screen.message.text() == "Plantilla «A» guardada.", timeout=WAIT_MS)

    release_load("No hay cuentas remitentes.")
    qtbot.waitUntil(lambda: said == ["load"], timeout=WAIT_MS)
    assert screen.message.text() == "Plantilla «A» guardada." and screen.message.kind == "ok"

    # A stale load's error is dropped the same way; its own failure callback still runs.
    failing, release_failing = _gate()
    failed = []
    screen.run(failing, lambda v: None, "cargando", failed.append, load=True)
    screen.message.notice("Elija una plantilla guardada.")  # a click answered on the spot
    release_failing(RuntimeError("Sin conexión con el servidor."))
    qtbot.waitUntil(lambda: len(failed) == 1, timeout=WAIT_MS)
    assert screen.message.text() == "Elija una plantilla guardada."

    # A load that started after the action is newer news: it is shown.
    screen.run(lambda: "Hay 2 incidencias.", screen.message.notice, "cargando", load=True)
    qtbot.waitUntil(lambda: screen.message.text() == "Hay 2 incidencias.", timeout=WAIT_MS)

    # An action's result always shows, even when a load spoke after the action started.
    action, release_action = _gate()
    screen.run(action, screen.message.ok, "guardando")
    screen.run(lambda: "Cargado.", screen.message.notice, "cargando", load=True)
    qtbot.waitUntil(lambda: screen.message.text() == "Cargado.", timeout=WAIT_MS)
    release_action("Guardado.")
    qtbot.waitUntil(lambda: screen.message.text() == "Guardado.", timeout=WAIT_MS)


class _Api:
    """The mail screen's server calls; ``mail_senders`` waits until the test releases it."""

    token = "t"

    def __init__(self):
        self.mail_senders, self.release_senders = _gate()

    def mail_templates(self):
        return []

    def mail_campaigns(self):
        return []

    def mail_save_template(self, body):
        return {"id": 7, "name": body["name"], "created": True}


def test_mail_screen_keeps_saved_when_the_senders_load_answers_late(qtbot):
    """«Avisos por correo»: the operator saves a template while the senders are still loading;
    the late «no senders» notice does not replace «Plantilla … guardada»."""
    from ui.screens.mail import MailScreen

    api = _Api()
    screen = MailScreen(SimpleNamespace(api=api, session=None))
    qtbot.addWidget(screen)
    try:
        screen.on_enter()  # senders (held back), templates, campaigns
        screen.name_edit.setText("Reposición lista")
        screen.save_template_button.click()
        qtbot.waitUntil(lambda: "Plantilla «Reposición lista» guardada" in screen.message.text(), timeout=WAIT_MS)
        api.release_senders([])  # the server has no sender accounts: the load's notice comes now
        wait_idle(qtbot)
        assert screen.message.text() == "Plantilla «Reposición lista» guardada."
        assert screen.sender_combo.count() == 0  # the load itself was applied

        # Entering again later: that new load's notice is news and shows.
        api.mail_senders, api.release_senders = _gate()
        screen.on_enter()
        api.release_senders([])
        qtbot.waitUntil(lambda: "No hay cuentas remitentes" in screen.message.text(), timeout=WAIT_MS)
    finally:
        screen.shutdown()
