"""Attacks of issue 13 "Why", each from the attacker's side (another plantel's operator,
a hostile station, an anonymous client); each refused with nothing written.

Runs on SQLite and PostgreSQL (the session ``server`` fixture). Campus 001 is the
victim plantel (``operador``, ``supervisor``); ``operador2``/``supervisor2`` belong
to 002.
"""
from __future__ import annotations

import base64
from datetime import datetime, timedelta, timezone

import pytest
import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from station.api import ServerApi
from station.domain.proofs import login_proof_message

from server.db.models import AuditRow, Token
from tests.server.attackers import TestStation, bearer, footprint, op_body, push
from tests.server.conftest import PASSWORD
from station.domain.demo import DEMO_CONSENT

_N = iter(range(1, 10_000))


def station(server, campuses=("001",)) -> TestStation:
    return TestStation(server, f"EST-ATK-{server.backend[:2]}-{next(_N):03d}", campuses)


def tokens_bound_to(server, station_id: str) -> int:
    with server.db() as s:
        return len(list(s.scalars(select(Token.token_hash).where(Token.station_id == station_id))))


# --- stations prove their key --------------------------------------------

def test_station_id_alone_binds_no_session(server):
    """An operator of 002 names a registered 001 station (ids are public) without its key."""
    victim = station(server)
    r = server.session.post(server.base + "/auth/login", json={"username": "operador2", "password": PASSWORD,
                                                               "station_id": victim.station_id})
    assert r.status_code == 401 and r.json()["error"]["code"] == "station_proof_required"
    assert tokens_bound_to(server, victim.station_id) == 0


def test_forged_and_replayed_station_proofs_refused(server):
    """A hostile client signs the challenge with its own key, then replays a real proof."""
    victim = station(server)
    challenge = server.session.post(server.base + "/auth/challenge",
                                    json={"station_id": victim.station_id}).json()["challenge"]
    forged = Ed25519PrivateKey.generate().sign(login_proof_message(victim.station_id, challenge, "operador2"))
    r = server.session.post(server.base + "/auth/login", json={
        "username": "operador2", "password": PASSWORD, "station_id": victim.station_id, "challenge": challenge,
        "signature": base64.b64encode(forged).decode()})
    assert r.status_code == 401 and r.json()["error"]["code"] == "station_proof_invalid"
    good = victim.key.sign(login_proof_message(victim.station_id, challenge, "operador"))
    body = {"username": "operador", "password": PASSWORD, "station_id": victim.station_id, "challenge": challenge,
            "signature": base64.b64encode(good).decode()}
    assert server.session.post(server.base + "/auth/login", json=body).status_code == 200
    replay = server.session.post(server.base + "/auth/login", json=body)
    assert replay.status_code == 401 and replay.json()["error"]["code"] == "station_proof_invalid"
    assert tokens_bound_to(server, victim.station_id) == 1


def test_revoked_station_sessions_end_at_once(server):
    st = station(server)
    token = st.sign_in("operador")
    assert server.session.get(server.base + "/auth/me", headers=bearer(token)).status_code == 200
    r = server.call("operador", "POST", f"/stations/{st.station_id}/revoke")
    assert r.status_code == 403
    assert server.call("admin", "POST", f"/stations/{st.station_id}/revoke").status_code == 200
    r = server.session.get(server.base + "/auth/me", headers=bearer(token))
    assert r.status_code == 401 and r.json()["error"]["code"] == "token_revoked"
    with pytest.raises(Exception):
        st.sign_in("operador")
    with server.db() as s:
        kinds = list(s.scalars(select(AuditRow.command).where(AuditRow.entity_id == st.station_id)))
    assert kinds[-1] == "revoke_station"


# --- the server decides who acted -----------------------------------------

def test_other_plantel_operator_cannot_validate_as_supervisor(server):
    """Why #1: operador2 (002) at its own proven station sends «validate» on a 001 student as «supervisor»."""
    own = station(server, ("002",))
    token = own.sign_in("operador2")
    target = server.find("CAPTURED")
    before = footprint(server, target)
    body = op_body(own.station_id, target, "validate", "supervisor", expected="CAPTURED",
                   payload={"health_institution": "IMSS", "affiliation_number": "26180366723",
                            "valid_until": "2030-08-01"})
    r = push(server, token, body)
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden_delegation"
    assert "supervisor" in r.json()["error"]["message"]
    # the same from a session without a station
    r = push(server, server.token("operador2"), dict(body, station_id="EST-001-01"))
    assert r.status_code == 403
    assert footprint(server, target) == before


def test_hostile_station_cannot_claim_a_user_seen_at_another_station(server):
    """The supervisor signed in at station A; hostile station B (its own valid key) claims them."""
    a, b = station(server), station(server)
    a.sign_in("supervisor")
    token_b = b.sign_in("operador")
    target = server.find("CAPTURED")
    before = footprint(server, target)
    r = push(server, token_b, op_body(b.station_id, target, "defer", "supervisor", payload={"comment": "x"}))
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden_delegation"
    assert footprint(server, target) == before


def test_forged_offline_attestation_refused_and_real_one_accepted(server):
    st = station(server)
    api = ServerApi(server.base)
    api.login("supervisor", PASSWORD, st.station_id, st.key)
    api.logout()  # the supervisor's online session at this station is over
    sender = st.sign_in("operador")
    target = server.find("CAPTURED")
    before = footprint(server, target)
    later = datetime.now(timezone.utc) + timedelta(minutes=6)  # beyond the 5-minute clock tolerance
    body = op_body(st.station_id, target, "defer", "supervisor", payload={"comment": "Foto borrosa"}, created_at=later)
    assert push(server, sender, body).status_code == 403  # no attestation: not signed in at that time
    forged = dict(body, attestation=st.attest("supervisor", later, key=Ed25519PrivateKey.generate()))
    r = push(server, sender, forged)
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden_delegation"
    assert footprint(server, target) == before
    good = dict(body, attestation=st.attest("supervisor", later - timedelta(seconds=1)))
    r = push(server, sender, good)
    assert r.status_code == 200, r.text
    with server.db() as s:
        event = s.scalars(select(AuditRow).where(AuditRow.entity_id == target).order_by(AuditRow.id.desc())).first()
    assert (event.username, event.sender, event.station_id) == ("supervisor", "operador", st.station_id)


def test_audit_names_author_sender_and_session_station(server):
    """A delegated command is audited with author, sender and the session's station."""
    st = station(server)
    st.sign_in("supervisor")
    token = st.sign_in("operador")
    target = server.find("CAPTURED")
    r = push(server, token, op_body(st.station_id, target, "defer", "supervisor", payload={"comment": "Sin firma"}))
    assert r.status_code == 200, r.text
    with server.db() as s:
        event = s.scalars(select(AuditRow).where(AuditRow.entity_id == target).order_by(AuditRow.id.desc())).first()
    assert (event.username, event.role, event.sender, event.station_id) == \
        ("supervisor", "supervisor", "operador", st.station_id)


def test_token_without_station_cannot_choose_the_audited_station(server):
    """Why #1: a token without a station sent any ``station_id`` and the audit stored it."""
    target = server.find("CAPTURED")
    r = push(server, server.token("supervisor"),
             op_body("EST-INVENTADA", target, "defer", "supervisor", payload={"comment": "Datos incompletos"}))
    assert r.status_code == 200, r.text
    with server.db() as s:
        event = s.scalars(select(AuditRow).where(AuditRow.entity_id == target).order_by(AuditRow.id.desc())).first()
    assert event.station_id == "" and event.sender == "supervisor"


def test_station_serves_only_its_planteles(server):
    """supervisor2 (002) signs in at a 001-only station and acts on a 002 student there."""
    st = station(server, ("001",))
    token = st.sign_in("supervisor2")
    target = server.find("CAPTURED", campus="002")
    before = footprint(server, target)
    r = push(server, token, op_body(st.station_id, target, "defer", "supervisor2", payload={"comment": "x"}))
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden_station_campus"
    assert footprint(server, target) == before


def test_cli_revokes_a_station(server, capsys):
    from server.cli import main

    st = station(server)
    token = st.sign_in("operador")
    assert main(["station", "--db", server.url, "revoke", st.station_id]) == 0
    assert "revocada" in capsys.readouterr().out
    assert server.session.get(server.base + "/auth/me", headers=bearer(token)).status_code == 401
    assert main(["station", "--db", server.url, "revoke", "EST-NO-EXISTE"]) == 1
    assert "no está registrada" in capsys.readouterr().err


# --- biometrics stay in their plantel --------------------------------------

def _capture(server, token, station_id, matricula, seed):
    """Upload a real photo + signature for ``matricula`` and capture it over sync."""
    from tests.server.attackers import photo_jpeg, put_blob, sha, signature_json

    photo, strokes = photo_jpeg(seed), signature_json(seed)
    assert put_blob(server, token, photo, "photo", matricula).status_code == 201
    assert put_blob(server, token, strokes, "signature", matricula).status_code == 201
    body = op_body(station_id, matricula, "capture", _user_of(server, token), expected="ENROLLED",
                   payload={"photo_sha256": sha(photo), "signature_sha256": sha(strokes), **DEMO_CONSENT},
                   blobs=[sha(photo), sha(strokes)])
    r = push(server, token, body)
    assert r.status_code == 200, r.text
    return sha(photo), photo


def _user_of(server, token):
    return server.session.get(server.base + "/auth/me", headers=bearer(token)).json()["username"]


@pytest.mark.parametrize("junk", [b"\x7fELF" + b"\x00" * 16, b"GIF89a" + b"\x00" * 14, b"\xff\xd8\xff" + b"x" * 17],
                         ids=["elf", "gif", "fake-jpeg"])
def test_photo_cannot_be_replaced_by_a_non_image(server, junk):
    """Why #1: a 20-byte non-image became a 001 student's photo."""
    from tests.server.attackers import put_blob, sha

    target = server.find("ENROLLED")
    r = put_blob(server, server.token("operador"), junk, "photo", target)
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_blob"
    before = footprint(server, target)
    body = op_body("EST-X", target, "capture", "operador", expected="ENROLLED",
                   payload={"photo_sha256": sha(junk), "signature_sha256": sha(junk)})
    assert push(server, server.token("operador"), body).status_code == 424
    assert footprint(server, target) == before


def test_other_plantel_cannot_upload_for_a_student(server):
    from tests.server.attackers import photo_jpeg, put_blob

    target = server.find("ENROLLED")
    r = put_blob(server, server.token("operador2"), photo_jpeg(77), "photo", target)
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden_campus"


def test_photo_hash_of_another_plantel_is_neither_referenced_nor_read(server):
    """Why #2: operador2 points its own 002 student at a 001 student's photo hash, then downloads it."""
    st = station(server)
    token = st.sign_in("operador")
    victim = server.find("ENROLLED")
    photo_sha, _ = _capture(server, token, st.station_id, victim, seed=11)
    leaked = server.call("operador2", "GET", f"/students/{victim}").json()
    assert leaked["photo_sha256"] is None and leaked["signature_sha256"] is None  # no hashes of another plantel
    own = server.find("ENROLLED", campus="002")
    before = footprint(server, own)
    body = op_body("EST-Y", own, "capture", "operador2", expected="ENROLLED",
                   payload={"photo_sha256": photo_sha, "signature_sha256": photo_sha})
    r = push(server, server.token("operador2"), body)
    assert r.status_code == 424 and r.json()["error"]["code"] == "blob_missing"
    r = server.call("operador2", "POST", f"/students/{own}/commands",
                    json={"command": "capture", "payload": {"photo_sha256": photo_sha, "signature_sha256": photo_sha}})
    assert r.status_code == 424 and r.json()["error"]["code"] == "blob_missing"
    assert footprint(server, own) == before
    r = server.call("operador2", "GET", f"/blobs/{photo_sha}")
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden_campus"
    assert server.call("supervisor", "GET", f"/blobs/{photo_sha}").status_code == 200


def test_online_capture_needs_uploaded_blobs(server):
    """Why #2: an online capture referenced hashes never uploaded; the record reached VALIDATED without a photo."""
    target = server.find("ENROLLED")
    before = footprint(server, target)
    ghost = "ab" * 32
    r = server.call("operador", "POST", f"/students/{target}/commands",
                    json={"command": "capture", "payload": {"photo_sha256": ghost, "signature_sha256": ghost}})
    assert r.status_code == 424 and r.json()["error"]["code"] == "blob_missing"
    assert "subido" in r.json()["error"]["message"]
    assert footprint(server, target) == before


def test_personal_data_answers_are_not_cached_nor_sniffed(server):
    st = station(server)
    token = st.sign_in("operador")
    target = server.find("ENROLLED")
    photo_sha, photo = _capture(server, token, st.station_id, target, seed=21)
    for r in (server.session.get(f"{server.base}/blobs/{photo_sha}", headers=bearer(token)),
              server.call("operador", "GET", f"/students/{target}")):
        assert r.headers["X-Content-Type-Options"] == "nosniff" and r.headers["Cache-Control"] == "no-store"
    assert server.session.get(f"{server.base}/blobs/{photo_sha}", headers=bearer(token)).content == photo


def test_no_image_bytes_in_the_database_after_a_push(server):
    """Why #3: biometrics were stored in clear; now only ciphertext (no JPEG/PNG magic, no plaintext)."""
    from sqlalchemy import text

    from tests.server.attackers import put_blob, sha, signature_png

    st = station(server)
    token = st.sign_in("operador")
    target = server.find("ENROLLED")
    _, photo = _capture(server, token, st.station_id, target, seed=31)
    png = signature_png(31)
    assert put_blob(server, token, png, "signature_png", target).status_code == 201
    with server.db() as s:
        rows = s.execute(text("SELECT data, wrapped_key, key_id FROM sync_blobs")).all()
    assert rows and all(key_id for _d, _w, key_id in rows)
    # Ciphertext is random bytes: a 3- or 4-byte magic turns up in it by chance (the shared server's
    # blobs hold megabytes: it did, once in a CI run). A clear file starts with its magic and holds
    # its own 32-byte runs; ciphertext does neither.
    clear_runs = [photo[:32], photo[100:132], photo[-32:], png[:32], png[8:40]]
    assert sha(png) and png[12:16] == b"IHDR"  # png[8:40] holds the IHDR chunk
    for data, wrapped, _k in rows:
        data = bytes(data)
        assert not data.startswith((b"\xff\xd8\xff", b"\x89PNG"))
        assert not any(run in data for run in clear_runs)


def test_key_rotation_rewraps_and_old_key_can_be_dropped(server, capsys, tmp_path):
    """``keys rotate`` re-wraps every data key; blobs stay readable through the running server."""
    import json as _json

    from server.cli import main
    from server.keys import default_key_file

    st = station(server)
    token = st.sign_in("operador")
    target = server.find("ENROLLED")
    photo_sha, photo = _capture(server, token, st.station_id, target, seed=41)
    key_file = default_key_file()
    old = _json.loads(key_file.read_text())["current"]
    assert main(["keys", "--db", server.url, "--key-file", str(key_file), "rotate", "--drop-old"]) == 0
    out = capsys.readouterr().out
    doc = _json.loads(key_file.read_text())
    assert doc["current"] != old and list(doc["keys"]) == [doc["current"]] and "envuelta" in out
    with server.db() as s:
        from sqlalchemy import text

        ids = {k for (k,) in s.execute(text("SELECT key_id FROM sync_blobs"))}
    assert ids == {doc["current"]}
    assert server.session.get(f"{server.base}/blobs/{photo_sha}", headers=bearer(token)).content == photo
