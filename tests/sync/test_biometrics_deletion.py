"""Issue 14 §6: the state office deletes a student's biometrics on the server (ARCO cancelación),
audited with its reason; every station drops its copies on its next pull — from the encrypted
store, the WAL and the pre-migration copies — and the record goes back to ENROLLED as the
transition table says. Any other role gets 403 and nothing is written.

End to end over a real server (uvicorn thread; SQLite and PostgreSQL) and real station stores."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from server.db.models import AuditRow, StudentRow
from server.sync.models import BlobBinding, SyncBlob, SyncOperation
from station.domain import Command, Status
from station.domain.demo import DEMO_CONSENT
from station.store import sha256_hex
from station.store.db import backup_file, connect_raw, migration_backups
from station.store.retention import SCRUB_KEY
from station.store.schema import BlobRow
from station.sync import HttpTransport

from tests.sync.conftest import OPERATOR, Station, capture_blobs
from tests.sync.server_env import pg_or_skip, start_server

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
REASON = "Solicitud de cancelación ARCO folio DE-2026-014 (madre del alumno)"


@pytest.fixture(scope="module", params=BACKENDS)
def srv(request, tmp_path_factory):
    from server.testing import drop_pg_database

    url = pg_or_skip() if request.param == "postgres" else \
        f"sqlite:///{tmp_path_factory.mktemp('srv') / 'server.sqlite3'}"
    server = start_server(url)
    for station_id in ("EST-001-01", "EST-001-02"):
        server.register_station(station_id)
    yield server
    server.close()
    if request.param == "postgres":
        drop_pg_database(url)


def _enrolled(srv, n: int, _used=set()) -> list[str]:
    out = [m for m, st in sorted(srv.records("001").items()) if st.status == Status.ENROLLED
           and (srv.url, m) not in _used][:n]
    _used.update((srv.url, m) for m in out)
    return out


def server_footprint(srv, matricula: str) -> tuple:
    """Everything a deletion would change on the server: the record, its audit, its blobs."""
    with srv.db() as s:
        row = s.get(StudentRow, matricula)
        bound = sorted(s.scalars(select(BlobBinding.sha256).where(BlobBinding.matricula == matricula)))
        blobs = s.scalar(select(func.count()).select_from(SyncBlob).where(SyncBlob.sha256.in_(bound))) if bound else 0
        audits = s.scalar(select(func.count()).select_from(AuditRow).where(AuditRow.entity_id == matricula))
        ops = s.scalar(select(func.count()).select_from(SyncOperation).where(SyncOperation.matricula == matricula))
        return (row.status, row.photo_sha256, row.signature_sha256, row.change_seq, tuple(bound), blobs, audits, ops)


def local_blobs(store, matricula: str) -> dict[str, str]:
    with store.session() as s:
        return {r.sha256: r.kind for r in s.scalars(select(BlobRow).where(BlobRow.matricula == matricula))}


def copy_blobs(path, key, matricula: str) -> int:
    conn = connect_raw(path, key)
    try:
        return conn.execute("SELECT count(*) FROM blobs WHERE matricula = ?", (matricula,)).fetchone()[0]
    finally:
        conn.close()


def test_state_office_deletion_reaches_every_station(srv, tmp_path):
    [m] = _enrolled(srv, 1)
    a = Station(tmp_path / "a", "EST-001-01", HttpTransport(srv.api("operador", "EST-001-01")))
    b = Station(tmp_path / "b", "EST-001-02", HttpTransport(srv.api("supervisor", "EST-001-02")))
    try:
        # a minor captured at station A (with the guardian's consent) and pushed
        blobs = capture_blobs()
        a.service.run_round()
        captured = a.store.execute(Command.CAPTURE, m, OPERATOR, dict(DEMO_CONSENT), blobs=blobs)
        assert captured.status == Status.CAPTURED
        assert a.service.run_round().pushed == 1
        hashes = {kind: sha256_hex(data) for kind, data in blobs.items()}
        # station B pulls the record and caches the photo from the server (as «Imprimir temporal» does)
        b.service.run_round()
        assert b.store.get_student(m).photo_sha256 == hashes["photo"]
        assert b.service.fetch_blob(hashes["photo"], "photo", m) == blobs["photo"]
        # station A keeps a pre-migration copy holding the biometrics (as an upgrade leaves one)
        copy = backup_file(a.store.path, "revprueba", a.store.page_key)
        assert copy_blobs(copy, a.store.page_key, m) == 3
        assert set(local_blobs(a.store, m).values()) == {"photo", "signature", "signature_png"}

        r = srv.api("estatal").delete_biometrics(m, REASON)
        assert r["student"]["status"] == "ENROLLED" and r["student"]["photo_sha256"] is None
        assert {(d["tipo"], d["sha256"]) for d in r["deleted"]} == {(k, h) for k, h in hashes.items()}
        with srv.db() as s:  # gone from the server: bindings and encrypted bytes
            assert not list(s.scalars(select(BlobBinding).where(BlobBinding.matricula == m)))
            assert not list(s.scalars(select(SyncBlob).where(SyncBlob.sha256.in_(list(hashes.values())))))
            row = s.get(StudentRow, m)
            assert (row.status, row.photo_sha256, row.signature_sha256, row.biometrics_at) == ("ENROLLED", None,
                                                                                               None, None)
            event = s.scalars(select(AuditRow).where(AuditRow.entity_id == m).order_by(AuditRow.id.desc())).first()
            assert (event.command, event.username, event.role, event.comment) == ("delete_biometrics", "estatal",
                                                                                   "state_office", REASON)
            assert (event.from_status, event.to_status) == ("CAPTURED", "ENROLLED")
            assert {d["sha256"] for d in event.details["deleted"]} == set(hashes.values())

        for st in (a, b):  # the next pull of every station
            result = st.service.run_round()
            assert result.completed, result.errors
            local = st.store.get_student(m)
            assert (local.status, local.photo_sha256, local.signature_sha256) == (Status.ENROLLED, None, None)
            assert local_blobs(st.store, m) == {}
            assert all(st.store.get_blob(h) is None for h in hashes.values())
            assert st.store.get_setting(SCRUB_KEY) == {"matriculas": []}  # WAL checkpointed, copies cleaned
            wal = st.store.path.with_name(st.store.path.name + "-wal")
            assert not wal.exists() or wal.stat().st_size == 0
        assert migration_backups(a.store.path) == [copy] and copy_blobs(copy, a.store.page_key, m) == 0
        # nothing printable until a new capture (which then needs the consent again)
        from station.domain import allowed_commands, Role

        assert Command.PRINT_TEMPORARY not in allowed_commands(a.store.get_student(m), Role.OPERATOR)
    finally:
        a.close()
        b.close()


def test_a_capture_pending_at_a_station_is_kept_for_the_server_to_judge(srv, tmp_path):
    """A capture taken at a desk before the deletion reached it stays queued (its blobs too);
    the server refuses it as a status change, so nothing of it comes back."""
    [m] = _enrolled(srv, 1)
    a = Station(tmp_path / "a", "EST-001-01", HttpTransport(srv.api("operador", "EST-001-01")))
    try:
        a.service.run_round()
        a.store.execute(Command.CAPTURE, m, OPERATOR, dict(DEMO_CONSENT), blobs=capture_blobs())
        assert a.service.run_round().pushed == 1
        retake = capture_blobs()
        a.store.execute(Command.CAPTURE, m, OPERATOR, dict(DEMO_CONSENT), blobs=retake)  # queued, not sent
        srv.api("estatal").delete_biometrics(m, REASON)
        with a.store.session() as s:  # the pull alone (the push of the retake comes first in a round)
            from station.sync.engine import merge_server_records

            merge_server_records(s, [srv.api("estatal").get_student(m)])
            s.commit()
        assert set(local_blobs(a.store, m)) == {sha256_hex(d) for d in retake.values()}
        result = a.service.run_round()
        assert (result.pushed, result.rejected) == (0, 1)  # expected CAPTURED, the server says ENROLLED
        with srv.db() as s:
            assert s.get(StudentRow, m).photo_sha256 is None
    finally:
        a.close()


@pytest.mark.parametrize("user", ["operador", "supervisor", "admin", "sistemas", "operador2", "supervisor2"])
def test_other_roles_are_refused_and_nothing_is_written(srv, user):
    [m] = _enrolled(srv, 1)
    api = srv.api("operador", "EST-001-01")
    from tests.sync.test_server_sync import upload

    photo, sig = upload(api, m)
    api.student_command(m, "capture", {"photo_sha256": photo, "signature_sha256": sig, **DEMO_CONSENT})
    before = server_footprint(srv, m)
    assert before[0] == "CAPTURED" and len(before[4]) == 2 and before[5] == 2
    import requests

    token = srv.api(user).token
    r = requests.post(f"{srv.base}/students/{m}/biometrics/delete", json={"reason": REASON},
                      headers={"Authorization": f"Bearer {token}"}, timeout=60)
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden_role"
    assert "Dirección Estatal" in r.json()["error"]["message"]
    assert server_footprint(srv, m) == before  # record, blobs, bindings, audit, operations unchanged
    # nor through the generic command endpoint or a station's sync
    r = requests.post(f"{srv.base}/students/{m}/commands", json={"command": "delete_biometrics",
                                                                 "payload": {"comment": REASON}},
                      headers={"Authorization": f"Bearer {token}"}, timeout=60)
    assert r.status_code == 422 and r.json()["error"]["code"] == "command_not_allowed_here"
    assert server_footprint(srv, m) == before


def test_state_office_needs_a_reason_and_a_known_student(srv):
    [m] = _enrolled(srv, 1)
    import requests

    token = srv.api("estatal").token
    headers = {"Authorization": f"Bearer {token}"}
    before = server_footprint(srv, m)
    r = requests.post(f"{srv.base}/students/{m}/biometrics/delete", json={"reason": "   "}, headers=headers, timeout=60)
    assert r.status_code == 409 and r.json()["error"]["code"] == "comment_required"
    r = requests.post(f"{srv.base}/students/{m}/biometrics/delete", json={}, headers=headers, timeout=60)
    assert r.status_code == 422 and r.json()["error"]["field"] == "reason"
    assert server_footprint(srv, m) == before
    r = requests.post(f"{srv.base}/students/999999999-9/biometrics/delete", json={"reason": REASON},
                      headers=headers, timeout=60)
    assert r.status_code in (404, 422)
