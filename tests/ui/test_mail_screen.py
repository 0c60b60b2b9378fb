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
