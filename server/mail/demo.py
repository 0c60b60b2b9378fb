"""``credencializacion-server mail demo``: a complete notice against an embedded SMTP sink;
:class:`EmbeddedMail`: the same sink and the real worker for the GUI demo.

Loads demo students when the database has none, registers the sender
«demo» pointing at a :class:`~server.mail.sink.SmtpSink` on 127.0.0.1,
creates the notice «Tu credencial está lista» for the Recibido students of
the first plantel (plus two scripted failures: an unknown mailbox answered
550 and a busy one answered 451 twice), sends it with the real worker and
prints what the sink received and the requester's report.
"""
from __future__ import annotations

from sqlalchemy import func, select

from station.domain import Actor, Role

SUBJECT = "{{ first_names }}, tu credencial del CONALEP está lista"
TEXT = """Hola {{ first_names }}:

Tu credencial (matrícula {{ matricula }}) ya llegó al plantel {{ campus_name }}.
Recógela en Servicios Escolares con tu credencial temporal.

Atentamente,
Servicios Escolares
"""
HTML = """<p>Hola {{ first_names }}:</p>
<p>Tu credencial (matrícula <b>{{ matricula }}</b>) ya llegó al plantel {{ campus_name }}.
Recógela en Servicios Escolares con tu credencial temporal.</p>"""


def run_demo(url: str, students: int = 60) -> int:
    """Run the demo on ``url``; print a Spanish account of it. Returns 0."""
    from server.db.engine import make_engine, make_session_factory, run_transaction
    from server.db.migrate import upgrade
    from server.db.models import StudentRow
    from server.mail import service
    from server.mail.queue import QueuePolicy
    from server.mail.senders import add_sender
    from server.mail.sink import SmtpSink, demo_script
    from server.mail.worker import Worker, WorkerSettings

    upgrade(url)
    engine = make_engine(url, pool_size=2)
    factory = make_session_factory(engine)
    with factory() as session:
        have = session.scalar(select(func.count()).select_from(StudentRow))
    if not have:
        from server.services.demo import load_demo
        from server.settings import FAST_TEST_SETTINGS

        load_demo(url, password="demo-1234", students=students, campuses=1, settings=FAST_TEST_SETTINGS)
    actor = Actor("cli:demo", Role.STATE_OFFICE, frozenset(), "cli")
    with SmtpSink(demo_script) as sink:
        run_transaction(factory, lambda s: add_sender(
            s, actor, "demo", "avisos@conalepmex.edu.mx", "127.0.0.1", sink.port, security="none", auth="none",
            from_name="Servicios Escolares CONALEP", per_minute=0, per_day=0, imap_host=""))

        def create(session):
            campus = session.scalar(select(StudentRow.campus_code).order_by(StudentRow.campus_code).limit(1))
            rows = [{"email": r.institutional_email, "matricula": r.matricula} for r in session.scalars(
                select(StudentRow).where(StudentRow.campus_code == campus).order_by(StudentRow.matricula).limit(8))]
            rows.append({"email": "noexiste.alumno@conalepmex.edu.mx", "first_names": "PRUEBA",
                         "matricula": "NOEXISTE", "campus_name": "Demostración"})
            rows.append({"email": "ocupado.alumno@conalepmex.edu.mx", "first_names": "PRUEBA",
                         "matricula": "OCUPADO", "campus_name": "Demostración"})
            spec = service.CampaignSpec(name="Tu credencial está lista (demostración)", subject=SUBJECT, text=TEXT,
                                        html=HTML, audience={"kind": "list", "rows": rows, "source": "demo"},
                                        sender_names=["demo"], requester_email="servicios.escolares@conalepmex.edu.mx",
                                        bounce_wait_s=0)
            campaign = service.create_campaign(session, actor, spec)
            return campaign.id

        campaign_id = run_transaction(factory, create)
        run_transaction(factory, lambda s: service.start(s, actor, campaign_id))
        worker = Worker(settings=WorkerSettings(heartbeat_s=0.2, idle_sleep_s=0.05, bounce_poll_s=0,
                                                policy=QueuePolicy(backoff_base_s=0.2)), factory=factory)
        worker.run(until_idle=True)
        print(f"Servidor SMTP de demostración en 127.0.0.1:{sink.port}. Mensajes aceptados: {len(sink.messages)}")
        import email
        import email.policy

        for item in sink.messages:
            subject = email.message_from_bytes(item.data, policy=email.policy.default)["Subject"]
            print(f"  → {item.rcpt}: {subject}")
        for address, reply in sink.replies:
            print(f"  ✗ {address}: {reply}")
        with factory() as session:
            result = service.summary(session, session.get(service.MailCampaign, campaign_id))
        print(f"Aviso {campaign_id}: {result['status_label']}; " +
              ", ".join(f"{k}: {v}" for k, v in result["counts"].items() if v))
        report = [m for m in sink.messages if m.rcpt == "servicios.escolares@conalepmex.edu.mx"]
        if report:
            print("\nReporte enviado al solicitante:\n")
            parsed = email.message_from_bytes(report[-1].data, policy=email.policy.default)
            print(parsed.get_body(("plain",)).get_content())
    engine.dispose()
    return 0


class EmbeddedMail:
    """The GUI demo's mail (``credencializacion --demo``): an SMTP sink on 127.0.0.1
    (:func:`~server.mail.sink.demo_script` answers), the sender «demo» registered on the
    server's database ``url`` and the real worker in a daemon thread.

    :meth:`outbox` lists what the sink accepted, newest first, for the «Avisos por
    correo» screen: ``[{"to", "from", "subject", "at" (HH:MM:SS local), "text"}]``.
    ``per_minute`` paces the demo sender so a user watches the counts move.
    Start with :meth:`start`, end with :meth:`stop` (idempotent)."""

    def __init__(self, url: str, per_minute: int = 120):
        self.url = url
        self.per_minute = per_minute
        self.sink = None
        self.worker = None
        self._thread = None

    def start(self) -> "EmbeddedMail":
        import threading

        from server.db.engine import make_engine, make_session_factory, run_transaction
        from server.mail.queue import QueuePolicy
        from server.mail.senders import add_sender
        from server.mail.sink import SmtpSink, demo_script
        from server.mail.worker import Worker, WorkerSettings

        self.sink = SmtpSink(demo_script).start()
        engine = make_engine(self.url, pool_size=2)
        run_transaction(make_session_factory(engine), lambda s: add_sender(
            s, Actor("demo", Role.STATE_OFFICE, frozenset(), "demo"), "demo", "avisos@conalepmex.edu.mx",
            "127.0.0.1", self.sink.port, security="none", auth="none", from_name="Servicios Escolares CONALEP",
            per_minute=self.per_minute, per_day=0, burst=5, imap_host=""))
        engine.dispose()
        self.worker = Worker(self.url, WorkerSettings(heartbeat_s=1.0, idle_sleep_s=0.5, bounce_poll_s=0,
                                                      policy=QueuePolicy(backoff_base_s=5.0)))
        self._thread = threading.Thread(target=self.worker.run, name="demo-mail-worker", daemon=True)
        self._thread.start()
        return self

    def outbox(self, limit: int = 200) -> list[dict]:
        """What the demo SMTP server accepted (see class docstring)."""
        import email
        import email.policy
        import time
        from datetime import datetime, timedelta

        if self.sink is None:
            return []
        with self.sink.lock:
            items = list(self.sink.messages)[-limit:]
        now_wall, now_mono = datetime.now(), time.monotonic()
        out = []
        for item in reversed(items):
            parsed = email.message_from_bytes(item.data, policy=email.policy.default)
            body = parsed.get_body(("plain",))
            out.append({"to": item.rcpt, "from": str(parsed.get("From", "")), "subject": str(parsed.get("Subject", "")),
                        "at": (now_wall - timedelta(seconds=now_mono - item.at)).strftime("%H:%M:%S"),
                        "text": body.get_content() if body is not None else ""})
        return out

    def stop(self) -> None:
        """Stop the worker thread and the sink."""
        if self.worker is not None:
            self.worker.stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        if self.sink is not None:
            self.sink.stop()
            self.sink = None
