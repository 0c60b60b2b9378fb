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
