"""``credencializacion --demo``: a throw-away station with its own central server.

Demo wiring only: imported by :mod:`app.gui` for ``--demo`` (never on the
production path), by the UI tests and the screenshot script.

Everything lives in a temporary folder that is deleted on exit: the server's
SQLite database seeded with the server's demo data (planteles, users
``supervisor``/``operador``/``estatal``/``admin`` and students in every status),
uvicorn on 127.0.0.1 at a free port in a daemon thread, and the station's
local store with an ephemeral key (no OS keyring needed). The camera plays the
face photograph shipped in ``resources/demo/face.jpg``; the signature pad is
the on-screen pad. Mail: an SMTP server on 127.0.0.1 that keeps what it receives
(:class:`server.mail.demo.EmbeddedMail`), registered as the sender «demo», and the
real mail worker in a thread; «Avisos por correo» lists what that server received
(``services.mail_outbox``). Nothing is downloaded and no mail leaves the machine.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from drivers.doubles import set_mode

#: Password of every demo user (shown on the sign-in window of the demo).
DEMO_PASSWORD = "demo-1234"
DEMO_USER = "supervisor"
DEMO_STATION = "DEMO-001-01"


class DemoEnvironment:
    """Start with :meth:`start` (blocking, run it off the GUI thread), stop with :meth:`stop`.

    ``students`` is how many demo students the server gets (split over
    ``campuses`` planteles; the supervisor sees plantel 001 Ciudad Azteca).
    ``user``/``password`` are the credentials the demo signs in with.
    """

    user = DEMO_USER
    password = DEMO_PASSWORD

    def __init__(self, students: int = 600, campuses: int = 2, folder: Path | None = None):
        set_mode("demo")  # the virtual pad and the demo photo may open (drivers.doubles)
        self.students = students
        self.campuses = campuses
        self.folder = Path(folder) if folder else Path(tempfile.mkdtemp(prefix="credencializacion-demo-"))
        self._own_folder = folder is None
        self._stop_server = None
        self.mail = None
        self.services = None
        self.base_url = ""
        if self._own_folder:
            self.remove_folder_on_exit()

    def remove_folder_on_exit(self) -> None:
        """Delete the temporary folder on any exit: normal end (``atexit``),
        SIGTERM, SIGINT and SIGHUP (issue 14 §1: the demo's copies of
        students' data never outlive it). Signal handlers exist only on the
        main thread; elsewhere ``atexit`` alone applies."""
        import atexit
        import signal
        import threading

        atexit.register(self.stop)
        if threading.current_thread() is not threading.main_thread():
            return

        def on_signal(signum, _frame):
            try:
                self.stop()
            finally:
                os._exit(128 + signum)

        for name in ("SIGTERM", "SIGINT", "SIGHUP"):
            if hasattr(signal, name):
                signal.signal(getattr(signal, name), on_signal)

    def start(self, progress=lambda text: None):
        """Seed and start the server, open the station store, pull plantel 001;
        returns the :class:`station.services.DeskServices` (not signed in)."""
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        from app.wiring import build_station
        from server.testing import run_server_in_thread, seed
        from station.api import ServerApi
        from station.config import Config
        from station.store import LocalStore

        os.environ.setdefault("CREDENCIALIZACION_HOME", str(self.folder))
        progress("Creando la base de datos del servidor de demostración…")
        url = f"sqlite:///{self.folder / 'servidor.sqlite3'}"
        seed(url, DEMO_PASSWORD, students=self.students, campuses=self.campuses)
        progress("Iniciando el servidor central de demostración…")
        self.base_url, self._stop_server = run_server_in_thread(url)
        progress("Iniciando el correo de demostración…")
        from server.mail.demo import EmbeddedMail

        self.mail = EmbeddedMail(url).start()
        config = Config(server_url=self.base_url, station_id=DEMO_STATION, campuses=["001"], camera="demo",
                        pad="onscreen", data_dir=self.folder / "estacion")
        store = LocalStore(config.store_path, os.urandom(32), DEMO_STATION)
        signing_key = Ed25519PrivateKey.generate()
        register_station(self.base_url, DEMO_STATION, signing_key, DEMO_PASSWORD)
        progress("Preparando solicitudes de ejemplo…")
        seed_demo_requests(self.base_url, url, DEMO_PASSWORD)
        self.services = build_station(config, store=store, api=ServerApi(self.base_url), signing_key=signing_key,
                                      remember_session=False)
        self.services.mail_outbox = self.mail.outbox
        sync = self.services.sync
        progress("Descargando los alumnos del plantel…")
        initial_pull(self.services, DEMO_USER, DEMO_PASSWORD)
        if sync is not None and sync.state().last_error is not None:
            # The embedded server does not answer the sync protocol: keep the commands
            # queued (visible as pending) instead of filing them as incidencias.
            self.services.sync = None
        progress("Preparando fotografías y firmas de ejemplo…")
        add_demo_biometrics(store)
        return self.services

    def stop(self) -> None:
        """Stop sync and server, close the store and delete the folder (idempotent)."""
        services, self.services = self.services, None
        if services is not None:
            stop = getattr(services.sync, "stop", None)
            if callable(stop):
                stop()
            services.store.close()
        if self.mail is not None:
            mail, self.mail = self.mail, None
            mail.stop()
        if self._stop_server is not None:
            stop_server, self._stop_server = self._stop_server, None
            stop_server()
        if self._own_folder:
            shutil.rmtree(self.folder, ignore_errors=True)


def register_station(base_url: str, station_id: str, signing_key, admin_password: str,
                     admin_user: str = "admin") -> None:
    """Register ``station_id`` and the public half of ``signing_key`` on the
    server as its admin (what the setup wizard does on a desk); the demo and
    the tests use it because sign-in binds the session to a registered station."""
    from station.api import ServerApi
    from station.domain.public_keys import public_key_b64

    admin = ServerApi(base_url)
    admin.login(admin_user, admin_password)
    admin.register_station(station_id, public_key_b64(signing_key), "Estación de demostración")
    admin.logout()


#: The demo's requests: (type, form fields, documents, actions the systems office took, text of the last
#: action, hours overdue or 0). Filed by ``supervisor`` and handled by ``sistemas`` through the HTTP API,
#: so «Solicitudes» and «Atender solicitudes» show every state, one overdue.
DEMO_REQUESTS = (
    ("student_accounts", {"contact_email": "escolares.ciudadazteca@conalepmex.edu.mx", "campus": "001",
                          "groups": "101, 102, 103", "notes": "Alumnos de nuevo ingreso, semestre 2026-1."},
     ("oficio",), (), "", 6),
    ("password_reset", {"contact_email": "escolares.ciudadazteca@conalepmex.edu.mx",
                        "full_name": "ANA PÉREZ LÓPEZ", "account": "aperez0412@conalepmex.edu.mx"},
     ("ine", "schedule"), ("review",), "", 0),
    ("mail_problem", {"contact_email": "escolares.ciudadazteca@conalepmex.edu.mx", "full_name": "LUIS GÓMEZ RUIZ",
                      "account": "lgomez0311@conalepmex.edu.mx",
                      "description": "No recibe correos desde el lunes; el buzón dice que está lleno."},
     ("ine", "schedule"), ("review", "approve", "start"), "", 0),
    ("password_reset", {"contact_email": "escolares.ciudadazteca@conalepmex.edu.mx",
                        "full_name": "MARÍA TORRES DÍAZ", "account": "mtorres0907@conalepmex.edu.mx"},
     ("ine", "schedule"), ("review", "approve", "start", "complete"),
     "Se reinició la contraseña; la nueva se entregó en persona en el Centro de Cómputo.", 0),
    ("graduate_account", {"contact_email": "titulacion.ciudadazteca@conalepmex.edu.mx", "campus": "001",
                          "full_name": "JORGE SALAS MEJÍA", "matricula": "169130004"},
     ("ine",), ("review", "cancel"), "Falta el documento de Titulación que valida el trámite.", 0),
)


def seed_demo_requests(base_url: str, db_url: str, password: str) -> list[str]:
    """File :data:`DEMO_REQUESTS` as ``supervisor`` with small generated documents (a PDF and a
    PNG), act on them as ``sistemas`` and make the first one overdue; returns the folios."""
    import io
    from datetime import datetime, timedelta, timezone

    from PIL import Image
    from reportlab.pdfgen.canvas import Canvas

    from station.api import ServerApi

    pdf_out = io.BytesIO()
    canvas = Canvas(pdf_out)
    canvas.drawString(72, 720, "Oficio de solicitud (documento de demostración)")
    canvas.showPage()
    canvas.save()
    png_out = io.BytesIO()
    Image.new("RGB", (640, 400), (214, 226, 236)).save(png_out, "PNG")
    documents = {"oficio": ("oficio.pdf", pdf_out.getvalue()), "schedule": ("horario.pdf", pdf_out.getvalue()),
                 "ine": ("ine.png", png_out.getvalue())}
    requester, office = ServerApi(base_url), ServerApi(base_url)
    requester.login("supervisor", password)
    office.login("sistemas", password)
    folios, overdue = [], {}
    for type_code, fields, kinds, actions, text, late_hours in DEMO_REQUESTS:
        folio = requester.requests_file(type_code, fields)["folio"]
        for kind in kinds:
            requester.requests_attach(folio, kind, *documents[kind])
        for action in actions:
            last = action == actions[-1]
            office.requests_act(folio, action, reason=text if last and action == "cancel" else "",
                                response=text if last and action == "complete" else "")
        if late_hours:
            overdue[folio] = late_hours
        folios.append(folio)
    if overdue:
        from sqlalchemy import update

        from server.db.engine import make_engine, make_session_factory
        from server.requests.models import ServiceRequest

        engine = make_engine(db_url)
        with make_session_factory(engine)() as session, session.begin():
            for folio, hours in overdue.items():
                session.execute(update(ServiceRequest).where(ServiceRequest.folio == folio).values(
                    due_at=datetime.now(timezone.utc) - timedelta(hours=hours)))
        engine.dispose()
    requester.logout()
    office.logout()
    return folios


def initial_pull(services, username: str, password: str) -> int:
    """Fill the station cache from the server: a sync round when the sync
    service exists, else a paged ``GET /students`` with a separate session."""
    sync = services.sync
    if sync is not None:
        api = services.api
        api.login(username, password)
        result = sync.run_round()
        if result.completed:
            return services.store.count_students()
    from station.api import ServerApi
    from station.domain import Student

    reader = ServerApi(services.api.base_url)
    reader.login(username, password)
    page, count = 1, 0
    while True:
        answer = reader.request("GET", "/students", params={"page": page, "page_size": 500})
        items = [Student.from_dict(item) for item in answer["items"]]
        count += services.store.upsert_students(items)
        if page * answer["page_size"] >= answer["total"] or not items:
            break
        page += 1
    reader.logout()
    return count


def demo_photo_jpeg() -> bytes:
    """The shipped face photo cropped to the credential's 480×640 token (JPEG)."""
    import cv2

    from drivers.camera import demo_image_path
    from station.photo import analyze
    from station.photo.capture import finalize_capture

    frame = cv2.imread(str(demo_image_path()))
    return finalize_capture(frame, analyze(frame), reason="Foto de demostración").jpeg


def add_demo_biometrics(store) -> int:
    """Give every cached student that has biometrics on record a photo and a
    signature image in the local store (the demo server has none), so the
    screens show real pictures. Returns how many students got them."""
    from drivers.signature.model import demo_strokes, signature_from_points

    photo = demo_photo_jpeg()
    signature = signature_from_points(demo_strokes())
    sig_png = signature.to_png()
    count = 0
    for student in store.find_students():
        tag = student.matricula.encode("ascii")
        if student.has_biometrics and store.latest_blob(student.matricula, "photo") is None:
            # Blobs are content-addressed: tag each copy so every student owns one.
            store.put_blob(_jpeg_with_comment(photo, tag), "photo", student.matricula)
            store.put_blob(_png_with_text(sig_png, tag), "signature_png", student.matricula)
            count += 1
        if student.delivery_signature_sha256 and store.latest_blob(student.matricula,
                                                                   "delivery_signature_png") is None:
            store.put_blob(_png_with_text(sig_png, tag + b"-entrega"), "delivery_signature_png", student.matricula)
    return count


def _jpeg_with_comment(jpeg: bytes, text: bytes) -> bytes:
    """``jpeg`` with a COM segment holding ``text`` right after SOI (still a valid JPEG)."""
    import struct

    return jpeg[:2] + b"\xff\xfe" + struct.pack(">H", len(text) + 2) + text + jpeg[2:]


def _png_with_text(png: bytes, text: bytes) -> bytes:
    """``png`` with a tEXt chunk ``Comment`` before IEND (still a valid PNG)."""
    import struct
    import zlib

    data = b"Comment\x00" + text
    chunk = struct.pack(">I", len(data)) + b"tEXt" + data + struct.pack(">I", zlib.crc32(b"tEXt" + data))
    end = png.rindex(b"IEND") - 4
    return png[:end] + chunk + png[end:]
