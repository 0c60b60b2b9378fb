"""Retention (issue #19 item 6; seed *procedimiento-cuentas-correo-institucional-itm* §7: validation
files and the request log kept one year): with the clock moved 13 months, the purge removes the
old documents and bitácora entries of closed requests, keeps recent ones and open requests whole,
and its report says exactly what went."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from server.db.models import AuditRow
from server.requests.models import RequestAttachment, RequestLogEntry, ServiceRequest
from server.services.students import utcnow
from server.testing import seed
from tests.server.conftest import PASSWORD
from tests.server.requests.offline import Db, cli, cli_json


@pytest.fixture
def db(fresh_url):
    seed(fresh_url, PASSWORD, students=0, campuses=2)
    database = Db(fresh_url)
    yield database
    database.close()


def _held(db: Db, folio: str) -> dict:
    with db.factory() as s:
        request = s.scalar(select(ServiceRequest).where(ServiceRequest.folio == folio))
        return {"request": request is not None,
                "documents": s.scalar(select(func.count()).select_from(RequestAttachment)
                                      .where(RequestAttachment.request_id == request.id)) if request else 0,
                "log": s.scalar(select(func.count()).select_from(RequestLogEntry).where(RequestLogEntry.folio == folio)),
                "audit": s.scalar(select(func.count()).select_from(AuditRow).where(AuditRow.entity == "request",
                                                                                   AuditRow.entity_id == folio))}


def test_purge_with_the_clock_moved_thirteen_months(db):
    t0 = utcnow()
    old_attended = db.make("password_reset", "attended", t0)
    old_cancelled = db.make("graduate_account", "cancelled", t0)
    old_open = db.make("mail_problem", "received", t0)
    recent = db.make("password_reset", "attended", t0 + timedelta(days=365))
    before = {f: _held(db, f) for f in (old_attended, old_cancelled, old_open, recent)}
    assert before[old_attended]["documents"] == 2 and before[old_cancelled]["documents"] == 2

    # today nothing is old enough
    report = cli_json(db.url, "purge", "--json")
    assert (report["attachments"], report["log_entries"], report["requests"]) == (0, 0, 0)

    moved = (t0 + timedelta(days=396)).isoformat()  # 13 months later
    report = cli_json(db.url, "purge", "--now", moved, "--json")
    after = {f: _held(db, f) for f in before}
    for gone in (old_attended, old_cancelled):
        assert after[gone] == {"request": False, "documents": 0, "log": 0, "audit": before[gone]["audit"]}
    assert after[old_open] == before[old_open]  # still being worked on: kept whole
    assert after[recent] == before[recent]
    assert report["retention_days"] == 365 and report["cutoff"].startswith((t0 + timedelta(days=31)).date().isoformat())
    assert report["attachments"] == 4
    assert report["attachment_bytes"] > 0
    assert report["log_entries"] == before[old_attended]["log"] + before[old_cancelled]["log"]
    assert report["requests"] == 2 and report["folios"] == sorted([old_attended, old_cancelled])
    assert report["kept_open"] == 1
    # a second run finds nothing more; the Spanish report says so
    done = cli(db.url, "purge", "--now", moved)
    assert done.returncode == 0 and "0 documento(s)" in done.stdout and "Folios: ninguno" in done.stdout


def test_purge_refuses_bad_input_in_spanish(db):
    for args in (("--now", "hace un año"), ("--retention-days", "0"), ("--retention-days", "un año")):
        done = cli(db.url, "purge", *args)
        assert done.returncode == 2 and "Error:" in done.stderr and "Traceback" not in done.stderr, args
