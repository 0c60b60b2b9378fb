"""«Avisos por correo» against the real server: preview refused naming row and field,
a notice previewed, sent, delivered by the real worker to the SMTP sink, and the
table and bounce list showing the outcome."""
from __future__ import annotations

from sqlalchemy import select

from tests.ui.helpers import WAIT_MS


def test_mail_screen_preview_send_and_follow(make_station, server, qtbot, tmp_path):
    from server.db.engine import make_engine, make_session_factory, run_transaction
    from server.db.models import StudentRow
    from server.mail.queue import QueuePolicy
    from server.mail.senders import add_sender
    from server.mail.sink import SmtpSink, demo_script
    from server.mail.worker import Worker, WorkerSettings
    from station.domain import Actor, Role

    engine = make_engine(server.url, pool_size=2)
    factory = make_session_factory(engine)
    with SmtpSink(demo_script) as sink:
        run_transaction(factory, lambda s: add_sender(s, Actor("estatal", Role.STATE_OFFICE), "avisos",
                                                      "avisos@conalepmex.edu.mx", "127.0.0.1", sink.port,
                                                      security="none", auth="none", per_minute=0, per_day=0))
        with factory() as s:  # one student whose address the scripted server refuses
            row = s.scalars(select(StudentRow).where(StudentRow.campus_code == "001",
                                                     StudentRow.status == "RECEIVED").limit(1)).first()
        with factory() as s, s.begin():
            s.get(StudentRow, row.matricula).institutional_email = "noexiste.alumno@conalepmex.edu.mx"

        win = make_station("supervisor")
        menu = [win.menu.item(i).text() for i in range(win.menu.count())]
        assert "Avisos por correo" in menu
        win.open_screen("mail")
        screen = win.screens["mail"]
        qtbot.waitUntil(lambda: screen.sender_combo.count() == 1, timeout=WAIT_MS)
        assert screen.campus_edit.text() == "001"

        screen.text_edit.setPlainText("Hola {{ first_names }}, vigencia {{ valid_until }}")
        screen.status_combo.setCurrentIndex(screen.status_combo.findData("ENROLLED"))
        screen.preview_button.click()
        qtbot.waitUntil(lambda: "valid_until" in screen.message.text(), timeout=WAIT_MS)
        assert not screen.send_button.isEnabled()

        screen.text_edit.setPlainText("Hola {{ first_names }}, tu credencial {{ matricula }} está lista.")
        screen.status_combo.setCurrentIndex(screen.status_combo.findData("RECEIVED"))
        screen.requester_edit.setText("servicios.escolares@conalepmex.edu.mx")
        screen.preview_button.click()
        qtbot.waitUntil(screen.send_button.isEnabled, timeout=WAIT_MS)
        assert "Para: " in screen.preview_text.toPlainText() and "tu credencial" in screen.preview_text.toPlainText()
        screen.send_button.click()
        qtbot.waitUntil(lambda: "Aviso en cola" in screen.message.text(), timeout=WAIT_MS)
        qtbot.waitUntil(lambda: screen.table.rowCount() == 1, timeout=WAIT_MS)

        from sqlalchemy import update

        from server.mail.models import MailCampaign

        with factory() as s, s.begin():  # the hour of waiting for late bounces has passed
            s.execute(update(MailCampaign).values(bounce_wait_s=0))
        result = Worker(settings=WorkerSettings(heartbeat_s=0.2, idle_sleep_s=0.02, bounce_poll_s=0,
                                                policy=QueuePolicy(backoff_base_s=0.1)),
                        factory=factory).run(until_idle=True)
        assert result["sent"] >= 2
        screen.refresh_button.click()
        qtbot.waitUntil(lambda: screen.table.item(0, 1) is not None and screen.table.item(0, 1).text() == "Terminado",
                        timeout=WAIT_MS)
        assert screen.table.item(0, 4).text() == "1"  # the refused address
        screen.table.selectRow(0)
        screen.bounces_button.click()
        qtbot.waitUntil(lambda: screen.bounces.rowCount() == 1, timeout=WAIT_MS)
        assert "550" in screen.bounces.item(0, 3).text() and screen.bounces.item(0, 0).text() == row.matricula
        target = tmp_path / "resultado.xlsx"
        screen.ask_save_path = lambda suggested: str(target)
        screen.report_button.click()
        qtbot.waitUntil(target.exists, timeout=WAIT_MS)
        assert target.read_bytes()[:2] == b"PK"
        assert any(m.rcpt == "servicios.escolares@conalepmex.edu.mx" for m in sink.messages)
    engine.dispose()


def test_operator_has_no_mail_screen(make_station):
    win = make_station("operador")
    assert "mail" not in win.keys


def test_saved_templates_save_load_and_delete(make_station, server, qtbot):
    """«Plantilla»: save the form as a template of the supervisor's plantel, load it back
    into the form, refuse a password-like field (Spanish, from the server), delete it."""
    win = make_station("supervisor")
    win.open_screen("mail")
    screen = win.screens["mail"]
    # No wait for the screen's own loads (senders, templates, campaigns): a late «no senders» notice
    # no longer replaces «guardada» (tests/ui/test_message_order.py holds that order deterministically).
    screen.name_edit.setText("Reposición lista")
    screen.subject_edit.setText("{{ first_names }}, tu reposición está lista")
    screen.text_edit.setPlainText("Hola {{ first_names }}: recoge tu credencial ({{ matricula }}).")
    screen.save_template_button.click()
    qtbot.waitUntil(lambda: "Plantilla «Reposición lista» guardada" in screen.message.text(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: screen.template_combo.findText("Reposición lista (plantel 001)") >= 0, timeout=WAIT_MS)

    screen.name_edit.setText("otro")
    screen.subject_edit.setText("otro")
    screen.text_edit.setPlainText("otro")
    screen.template_combo.setCurrentIndex(screen.template_combo.findText("Reposición lista (plantel 001)"))
    screen.load_template_button.click()
    assert screen.subject_edit.text() == "{{ first_names }}, tu reposición está lista"
    assert "recoge tu credencial" in screen.text_edit.toPlainText() and screen.name_edit.text() == "Reposición lista"
    assert not screen.send_button.isEnabled()  # a loaded template needs a fresh preview

    screen.name_edit.setText("Con contraseña")
    screen.text_edit.setPlainText("Tu contraseña: {{ password }}")
    screen.save_template_button.click()
    qtbot.waitUntil(lambda: "contraseña" in screen.message.text() and "nunca" in screen.message.text(),
                    timeout=WAIT_MS)
    assert screen.template_combo.findText("Con contraseña (plantel 001)") < 0

    asked = []
    screen.confirm_delete = lambda name: asked.append(name) or True
    screen.template_combo.setCurrentIndex(screen.template_combo.findText("Reposición lista (plantel 001)"))
    screen.delete_template_button.click()
    qtbot.waitUntil(lambda: "eliminada" in screen.message.text(), timeout=WAIT_MS)
    assert asked == ["Reposición lista"]
    qtbot.waitUntil(lambda: screen.template_combo.findText("Reposición lista (plantel 001)") < 0, timeout=WAIT_MS)


def test_demo_outbox_shows_what_the_embedded_server_received(server, qtbot):
    """The GUI demo's mail: the embedded SMTP server and the real worker (``EmbeddedMail``) deliver
    a notice, and the screen's demo card lists each message and shows it as received."""
    from types import SimpleNamespace

    from server.db.engine import make_engine, make_session_factory, run_transaction
    from server.mail import service
    from server.mail.demo import EmbeddedMail
    from station.domain import Actor, Role
    from ui.screens.mail import MailScreen

    mail = EmbeddedMail(server.url, per_minute=0).start()
    engine = make_engine(server.url, pool_size=1)
    factory = make_session_factory(engine)
    try:
        actor = Actor("estatal", Role.STATE_OFFICE)
        rows = [{"email": f"alumna{i}@gmail.com", "first_names": f"ALUMNA {i}", "matricula": f"D{i}"}
                for i in range(3)] + [{"email": "noexiste.demo@gmail.com", "first_names": "X", "matricula": "X"}]

        def create(session):
            campaign = service.create_campaign(session, actor, service.CampaignSpec(
                name="Demo", subject="{{ first_names }}, tu credencial está lista",
                text="Hola {{ first_names }}, matrícula {{ matricula }}.", audience={"kind": "list", "rows": rows},
                sender_names=["demo"], bounce_wait_s=0))
            service.start(session, actor, campaign.id)
            return campaign.id

        run_transaction(factory, create)
        screen = MailScreen(SimpleNamespace(api=None, session=None, mail_outbox=mail.outbox))
        qtbot.addWidget(screen)
        assert screen.outbox_card is not None and screen.wait_combo.currentData() == 0

        def delivered() -> bool:
            screen.refresh_outbox()
            return screen.outbox.rowCount() == 3

        qtbot.waitUntil(delivered, timeout=WAIT_MS)
        assert {screen.outbox.item(r, 1).text() for r in range(3)} == {f"alumna{i}@gmail.com" for i in range(3)}
        screen.outbox.selectRow(2)  # newest first: the first one sent is last
        shown = screen.outbox_text.toPlainText()
        assert "Para: alumna" in shown and "tu credencial está lista" in shown and "matrícula D" in shown
        assert "Servicios Escolares CONALEP" in shown
    finally:
        mail.stop()
        engine.dispose()
    # Without the demo the card does not exist.
    assert MailScreen(SimpleNamespace(api=None, session=None)).outbox_card is None
