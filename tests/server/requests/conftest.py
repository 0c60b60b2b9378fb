"""Fixtures of the request tests: one running server per back-end (SQLite and PostgreSQL)
with its own small seeded database, a mail sender pointing at the scripted SMTP sink
(:class:`server.mail.sink.SmtpSink`, as the mail tests use), attachments bounded to 1 MB
and mass e-mails that end as soon as they are sent (no bounce wait)."""
from __future__ import annotations

import io
import zipfile
import pytest

from server.requests.settings import RequestSettings
from server.settings import FAST_TEST_SETTINGS
from server.testing import create_pg_database, drop_pg_database, run_server_in_thread, seed
from station.domain import Actor, Role
from tests.server.conftest import BACKENDS, PASSWORD, ServerEnv, pg_or_skip

MAX_BYTES = 1024 * 1024
REQUEST_SETTINGS = RequestSettings(max_attachment_bytes=MAX_BYTES, mass_mail_bounce_wait_s=0)
STATE = Actor("estatal", Role.STATE_OFFICE, frozenset(), "test")
CONTACT = "jefatura.escolares@plantel001.conalepmex.edu.mx"


@pytest.fixture(scope="session")
def smtp_sink():
    """The scripted SMTP sink shared by the request tests (every message kept)."""
    from server.mail.sink import SmtpSink, demo_script

    with SmtpSink(demo_script) as running:
        yield running


@pytest.fixture(scope="session", params=BACKENDS)
def req(request, tmp_path_factory, smtp_sink):
    """A running server (see module docstring) as a :class:`tests.server.conftest.ServerEnv`."""
    backend = request.param
    url = pg_or_skip() if backend == "postgres" else f"sqlite:///{tmp_path_factory.mktemp('req') / 'req.sqlite3'}"
    try:
        seed(url, PASSWORD, students=80, campuses=2)
        env = ServerEnv(backend, "", url)
        from server.db.engine import run_transaction
        from server.mail.senders import add_sender

        with env.db() as session, session.begin():
            add_sender(session, STATE, "avisos", "avisos@conalepmex.edu.mx", "127.0.0.1", smtp_sink.port,
                       security="none", auth="none", per_minute=0, per_day=0)
        settings = FAST_TEST_SETTINGS.model_copy(update={"requests": REQUEST_SETTINGS})
        base, stop = run_server_in_thread(url, settings=settings)
        env.base = base
        yield env
        stop()
        env._engine.dispose()
    finally:
        if backend == "postgres":
            drop_pg_database(url)


# --- documents -------------------------------------------------------------------------

def pdf_bytes(text: str = "Oficio") -> bytes:
    """A small real PDF (reportlab)."""
    from reportlab.pdfgen.canvas import Canvas

    out = io.BytesIO()
    canvas = Canvas(out)
    canvas.drawString(72, 720, text)
    canvas.save()
    return out.getvalue()


def xlsx_bytes(rows=(("Nombre", "Correo"), ("ANA", "ana@x.mx"))) -> bytes:
    """A plain workbook (openpyxl)."""
    from openpyxl import Workbook

    wb = Workbook()
    for row in rows:
        wb.active.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def macro_workbook(kind: str = "vba") -> bytes:
    """A workbook with macros: ``vba`` adds ``xl/vbaProject.bin`` to a plain XLSX; ``xlsm`` also
    declares the macro-enabled main content type (what Excel writes for ``.xlsm``)."""
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "[Content_Types].xml" and kind == "xlsm":
                data = data.replace(b"spreadsheetml.sheet.main+xml", b"ms-excel.sheet.macroEnabled.main+xml")
            target.writestr(info.filename, data)
        if kind == "vba":
            target.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0" + b"\0" * 512)
    return out.getvalue()


# --- forms ----------------------------------------------------------------------------

FORMS = {
    "student_accounts": {"contact_email": CONTACT, "campus": "001", "groups": ["101-A"]},
    "staff_accounts": {"contact_email": CONTACT, "campus": "001", "people_count": 3},
    "graduate_account": {"contact_email": CONTACT, "campus": "001", "full_name": "ANA PÉREZ LÓPEZ",
                         "matricula": "123456789012"},
    "password_reset": {"contact_email": CONTACT, "full_name": "ANA PÉREZ", "account": "ana.perez@conalepmex.edu.mx"},
    "mail_problem": {"contact_email": CONTACT, "full_name": "ANA PÉREZ", "account": "ana.perez@conalepmex.edu.mx",
                     "description": "No recibo correos desde el lunes."},
    "mass_mail": {"contact_email": CONTACT, "sender": "Dirección del plantel", "subject": "Aviso {{ importante }}",
                  "message": "Estimada comunidad: {{ no se evalúa }} mañana no hay clases.", "campus": "001"},
}


def documents_for(type_code: str) -> dict[str, tuple[str, bytes]]:
    """``{kind: (filename, bytes)}`` for every required document of ``type_code``."""
    from server.testing import sample_jpeg
    from station.domain.requests import REQUEST_TYPES

    out = {}
    for spec in REQUEST_TYPES[type_code].attachments:
        if not spec.required:
            continue
        if spec.kind == "data_file":
            out[spec.kind] = ("personal.xlsx", xlsx_bytes())
        elif spec.kind == "ine":
            out[spec.kind] = ("ine.jpg", sample_jpeg(20_000))
        else:
            out[spec.kind] = (f"{spec.kind}.pdf", pdf_bytes(spec.label))
    return out


def file_request(env: ServerEnv, user: str, type_code: str, **over) -> dict:
    """File a request of ``type_code`` as ``user`` with its form (``over`` replaces fields)."""
    fields = {**FORMS[type_code], **over}
    r = env.call(user, "POST", "/requests", json={"type": type_code, "fields": fields})
    assert r.status_code == 201, r.text
    return r.json()


def attach(env: ServerEnv, user: str, folio: str, kind: str, filename: str, data: bytes):
    return env.call(user, "POST", f"/requests/{folio}/attachments", params={"kind": kind, "filename": filename},
                    data=data, headers={"Content-Type": "application/octet-stream"})


def act(env: ServerEnv, user: str, folio: str, action: str, **texts):
    return env.call(user, "POST", f"/requests/{folio}/actions", json={"action": action, **texts})


def counts(env: ServerEnv, folio: str) -> dict[str, int]:
    """Rows that any step of ``folio`` writes: its state, bitácora entries, audit events, campaigns."""
    from sqlalchemy import func, select

    from server.db.models import AuditRow
    from server.mail.models import MailCampaign
    from server.requests.models import RequestAttachment, RequestLogEntry, ServiceRequest

    with env.db() as s:
        request = s.scalar(select(ServiceRequest).where(ServiceRequest.folio == folio))
        return {
            "state": request.state, "updated_at": request.updated_at.isoformat(),
            "log": s.scalar(select(func.count()).select_from(RequestLogEntry).where(RequestLogEntry.folio == folio)),
            "audit": s.scalar(select(func.count()).select_from(AuditRow).where(AuditRow.entity == "request",
                                                                               AuditRow.entity_id == folio)),
            "campaigns": s.scalar(select(func.count()).select_from(MailCampaign)),
            "audit_all": s.scalar(select(func.count()).select_from(AuditRow)),
            "attachments": s.scalar(select(func.count()).select_from(RequestAttachment)
                                    .where(RequestAttachment.request_id == request.id)),
        }
