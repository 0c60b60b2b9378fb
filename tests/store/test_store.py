"""Local store: one transaction per desk action, biometrics encrypted at rest."""

import pytest

from station.domain import Refusal, Status
from station.store import BlobDecryptError, LocalStore, StoreKeyError

from .conftest import KEY, raw_connect, fake_jpeg, fake_png
from station.domain.demo import DEMO_CONSENT


def capture(store, actor, matricula, **payload):
    return store.execute("capture", matricula, actor, {**DEMO_CONSENT, **payload},
                         blobs={"photo": fake_jpeg(), "signature": b'{"strokes": [], "id": "' + matricula.encode() + b'"}',
                                                                  "signature_png": fake_png()})


def test_capture_commits_record_blobs_audit_and_outbox_together(store, operator):
    matricula = store.find_students(limit=1)[0].matricula
    result = capture(store, operator, matricula)
    assert result.status == Status.CAPTURED
    saved = store.get_student(matricula)
    assert saved == result
    photo = store.get_blob(saved.photo_sha256)
    assert photo.startswith(b"\xff\xd8")
    assert store.latest_blob(matricula, "signature_png").startswith(b"\x89PNG")
    [command] = store.outbox()
    assert command.command == "capture" and command.expected_status == Status.ENROLLED
    assert command.payload["photo_sha256"] == saved.photo_sha256
    assert len(command.blob_sha256s) == 3 and command.station_id == "EST-001-01"
    [event] = store.audit_for(matricula)
    assert (event.from_status, event.to_status, event.username) == (Status.ENROLLED, Status.CAPTURED, "capturista")


def test_refusal_writes_nothing(store, operator, supervisor):
    matricula = store.find_students(limit=1)[0].matricula
    result = store.execute("validate", matricula, operator, {"valid_until": "2027-08-01"})
    assert isinstance(result, Refusal) and result.code == "forbidden_role"
    result = store.execute("validate", matricula, supervisor, {"valid_until": "2027-08-01"})
    assert isinstance(result, Refusal) and result.code == "invalid_status"
    result = store.execute("capture", matricula, operator, {}, blobs={"photo": fake_jpeg()})
    assert isinstance(result, Refusal) and result.code == "missing_biometrics"
    assert store.pending_count() == 0 and store.audit_for(matricula) == []
    assert store.get_student(matricula).status == Status.ENROLLED
    with store.session() as s:
        assert s.execute(__import__("sqlalchemy").text("select count(*) from blobs")).scalar() == 0


def test_file_holds_no_plain_biometrics(store, operator, tmp_path):
    for student in store.find_students(limit=5):
        capture(store, operator, student.matricula)
    store.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("estacion.sqlite3*"))
    assert b"\xff\xd8\xff\xe0" not in raw          # JPEG magic
    assert b"\x89PNG\r\n\x1a\n" not in raw         # PNG magic
    assert b'{"strokes"' not in raw                # signature strokes JSON
    db = raw_connect(tmp_path / "estacion.sqlite3")
    sealed = [row[0] for row in db.execute("select sealed from blobs")]
    db.close()
    assert len(sealed) == 15 and all(blob[:4] == b"CRE1" for blob in sealed)  # 5 captures x 3 blobs


def test_wrong_key_fails_loudly(store, operator, tmp_path):
    matricula = store.find_students(limit=1)[0].matricula
    capture(store, operator, matricula)
    store.close()
    before = (tmp_path / "estacion.sqlite3").read_bytes()
    with pytest.raises(StoreKeyError) as info:
        LocalStore(tmp_path / "estacion.sqlite3", bytes(32), "EST-001-01")
    assert "clave" in str(info.value) and "credencializacion store-key import" in str(info.value)
    assert (tmp_path / "estacion.sqlite3").read_bytes() == before


def test_blob_sealed_under_another_key_is_refused(store, operator, tmp_path):
    from station.store.crypto import BlobCipher

    matricula = store.find_students(limit=1)[0].matricula
    photo_sha = capture(store, operator, matricula).photo_sha256
    db = raw_connect(tmp_path / "estacion.sqlite3")
    db.execute("update blobs set sealed=? where sha256=?",
               (BlobCipher(bytes(32)).seal(b"x", f"photo:{photo_sha}".encode()), photo_sha))
    db.commit()
    db.close()
    with pytest.raises(BlobDecryptError) as info:
        store.get_blob(photo_sha)
    assert "clave" in str(info.value)


def test_swapped_ciphertext_is_refused(store, operator, tmp_path):
    first, second = (s.matricula for s in store.find_students(limit=2))
    a, b = capture(store, operator, first), capture(store, operator, second)
    db = raw_connect(tmp_path / "estacion.sqlite3")
    sealed_b = db.execute("select sealed from blobs where sha256=?", (b.photo_sha256,)).fetchone()[0]
    db.execute("update blobs set sealed=? where sha256=?", (sealed_b, a.photo_sha256))
    db.commit()
    db.close()
    with pytest.raises(BlobDecryptError):
        store.get_blob(a.photo_sha256)


def test_flow_to_validated_then_immutable(store, operator, supervisor):
    student = store.find_students(limit=1)[0]
    capture(store, operator, student.matricula)
    validated = store.execute("validate", student.matricula, supervisor,
                              {"valid_until": "2027-08-01", "health_institution": "IMSS",
                               "affiliation_number": "26180366723"})
    assert validated.status == Status.VALIDATED
    again = capture(store, operator, student.matricula)
    assert isinstance(again, Refusal) and again.code == "invalid_status"
    assert [c.command for c in store.outbox()] == ["capture", "validate"]
    assert [c.seq for c in store.outbox()] == sorted(c.seq for c in store.outbox())


def test_queries_report_groups_and_paging(store):
    report = store.status_report()
    assert report.totals.total == 50 and report.rows[0].campus_code == "001"
    groups = store.groups("001")
    assert groups and all("-" in g for g in groups)
    page1 = store.find_students(campus="001", order_by="first_surname", limit=10)
    page2 = store.find_students(campus="001", order_by="first_surname", limit=10, offset=10)
    assert len(page1) == 10 and not {s.matricula for s in page1} & {s.matricula for s in page2}
    assert [s.first_surname for s in page1] == sorted(s.first_surname for s in page1)
    assert store.count_students(campus="001", statuses=[Status.ENROLLED]) == 50
    with pytest.raises(ValueError):
        store.find_students(order_by="drop table")


def test_settings_round_trip(store):
    store.set_setting("cursor", 42)
    store.set_setting("cursor", 43)
    assert store.get_setting("cursor") == 43 and store.get_setting("nada", "x") == "x"


def test_unknown_blob_kind_rejected(store, operator):
    matricula = store.find_students(limit=1)[0].matricula
    with pytest.raises(ValueError):
        store.execute("capture", matricula, operator, {}, blobs={"huella": b"x"})


def test_wal_and_full_sync(store):
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
