"""The round trip of issue 20 (Must show 3 and 4) over real sockets, SQLite and PostgreSQL:
export → import of created accounts → the student record and the station (after sync) show
the address → the credential prints it → the slip prints once, a second print is refused;
and no initial password in the database, the logs or any mail."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import inspect, select, text

from station.accounts import InstitutionalAccounts
from station.documents.credential import credentials_pdf, make_card
from station.documents.sample import sample_photo_jpeg, sample_signature_png
from station.services import ServiceError
from station.store import LocalStore
from station.sync import HttpTransport, SyncEngine

from tests.accounts.conftest import STUDENT_DOMAIN, call, csv_rows, pending, unzip
from tests.documents.conftest import page_text
from tests.sync.conftest import KEY


def _everything_in_db(srv) -> str:
    """Every cell of every table, as text (the database after the run)."""
    out = []
    with srv.db() as s:
        for table in inspect(s.get_bind()).get_table_names():
            for row in s.execute(text(f'SELECT * FROM "{table}"')):
                out.append(repr(tuple(row)))
    return "\n".join(out)


def test_export_import_sync_credential_slip_once(srv, tmp_path):
    assert call(srv, "sistemas", "PUT", "/accounts/rules/student", json={"domain": STUDENT_DOMAIN}).status_code == 200
    waiting = pending(srv)
    assert len(waiting) >= 5
    store = LocalStore(tmp_path / "estacion.sqlite3", KEY, "EST-001-01")
    desk_api = srv.api("supervisor", "EST-001-01")
    SyncEngine(store, HttpTransport(desk_api), campuses=["001"]).pull()
    assert store.get_student(waiting[0]).institutional_email == ""

    preview = call(srv, "sistemas", "GET", "/accounts/campuses/001/preview").json()
    assert sorted(p["key"] for p in preview) == waiting
    proposed = call(srv, "sistemas", "POST", "/accounts/campuses/001/proposals").json()
    assert [p["address"] for p in proposed] == [p["address"] for p in preview]  # the preview is what is reserved
    assert all(p["address"].endswith("@" + STUDENT_DOMAIN) for p in proposed)

    answer = call(srv, "sistemas", "GET", "/accounts/campuses/001/export", params={"format": "entra"})
    assert answer.status_code == 200 and answer.headers["cache-control"] == "no-store"
    (name, data), = unzip(answer.content).items()
    rows = csv_rows(data, skip=1)
    passwords = {r["User name [userPrincipalName] Required"]: r["Initial password [passwordProfile] Required"]
                 for r in rows}
    assert len(passwords) == len(waiting) and all(len(p) >= 12 for p in passwords.values())
    # a second format of the same proposals carries the same passwords (one sealed secret per account)
    google = csv_rows(next(iter(unzip(call(srv, "sistemas", "GET", "/accounts/campuses/001/export",
                                             params={"format": "google"}).content).values())))
    assert {r["Email Address [Required]"]: r["Password [Required]"] for r in google} == passwords

    # the administrator created the accounts; the tenant's export (Entra download) comes back,
    # plus a row of an account made elsewhere: reported, not guessed
    tenant = "User principal name,Display name\r\n" + "".join(f"{a},X\r\n" for a in passwords) + \
        f"desconocido@{STUDENT_DOMAIN},Y\r\n"
    report = call(srv, "sistemas", "POST", "/accounts/campuses/001/import", params={"filename": "entra.csv"},
                  data=tenant.encode(), headers={"Content-Type": "application/octet-stream"}).json()
    assert report["matched"] == len(waiting) and report["refused"] == []
    assert [u["address"] for u in report["unmatched"]] == [f"desconocido@{STUDENT_DOMAIN}"]
    assert pending(srv) == []

    # the record and its audit trail
    from server.db.models import AuditRow, StudentRow

    first = waiting[0]
    address = next(p["address"] for p in proposed if p["key"] == first)
    with srv.db() as s:
        assert s.get(StudentRow, first).institutional_email == address
        events = s.scalars(select(AuditRow).where(AuditRow.entity_id == first,
                                                    AuditRow.command == "set_institutional_email")).all()
        assert len(events) == 1 and events[0].username == "sistemas" and events[0].role == "systems"

    # the station after sync
    SyncEngine(store, HttpTransport(desk_api), campuses=["001"]).pull()
    student = store.get_student(first)
    assert student.institutional_email == address

    # the credential prints it
    card = make_card(student, sample_photo_jpeg(), sample_signature_png(), Ed25519PrivateKey.generate(),
                     "EST-001-01", datetime.now(timezone.utc))
    pdf = credentials_pdf([card])
    assert address in page_text(pdf).replace(" ", "")  # a long address wraps after a dot on the card

    # the slip: once at the desk, then refused with a Spanish message
    accounts = InstitutionalAccounts(lambda: desk_api)
    assert accounts.pending_slip(first) == address
    slip = accounts.print_slip(first)
    slip_text = page_text(slip)
    assert address in slip_text and passwords[address] in slip_text and "cambiar" in slip_text.lower()
    assert accounts.pending_slip(first) is None
    with pytest.raises(ServiceError) as refused:
        accounts.print_slip(first)
    assert refused.value.code == "slip_already_printed"
    assert "restablecimiento" in refused.value.message
    store.close()

    # no initial password anywhere: database (every table), logs, mail
    dump = _everything_in_db(srv)
    logs = "\n".join(srv.logs.lines)
    raw = b""
    if srv.url.startswith("sqlite:///"):
        from pathlib import Path

        path = Path(srv.url.removeprefix("sqlite:///"))
        raw = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
    station_raw = b"".join(p.read_bytes() for p in tmp_path.glob("estacion.sqlite3*"))
    assert address in dump  # the grep does see the data it looks through
    for password in passwords.values():
        assert password not in dump and password not in logs
        assert password.encode() not in raw and password.encode() not in station_raw
    assert "smtp" not in logs.lower()  # nothing was mailed


def test_m365_results_file_password_is_the_one_on_the_slip(srv):
    """The admin center makes its own passwords: importing its results file (not mailing them) seals
    those, so the slip carries the password the tenant really set."""
    call(srv, "sistemas2", "PUT", "/accounts/rules/student", json={"domain": STUDENT_DOMAIN, "campus": "002"})
    proposed = call(srv, "sistemas2", "POST", "/accounts/campuses/002/proposals").json()
    assert proposed
    files = unzip(call(srv, "sistemas2", "GET", "/accounts/campuses/002/export", params={"format": "m365"}).content)
    users = [row["User Name"] for data in files.values() for row in csv_rows(data)]
    assert sorted(users) == sorted(p["address"] for p in proposed)
    results = "User name,Display name,Password,Result\r\n" + "".join(
        f"{u},X,Tn{i:04d}#Kq9z,Success\r\n" for i, u in enumerate(users))
    report = call(srv, "sistemas2", "POST", "/accounts/campuses/002/import", data=results.encode()).json()
    assert report["matched"] == len(users)
    first = next(p for p in proposed if p["address"] == users[0])
    slip = call(srv, "operador2", "POST", f"/accounts/slips/{first['key']}")
    assert slip.status_code == 200 and slip.json()["password"] == "Tn0000#Kq9z"
    assert slip.headers["cache-control"] == "no-store"
    again = call(srv, "operador2", "POST", f"/accounts/slips/{first['key']}")
    assert again.status_code == 409 and again.json()["error"]["code"] == "slip_already_printed"
