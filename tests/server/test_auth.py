"""Sign-in, tokens, rate limiting, users and stations (issue 3 §3)."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from server.db.models import AuditRow, User
from server.settings import ServerSettings
from server.testing import run_server_in_thread, seed
from tests.server.conftest import PASSWORD


def test_login_me_logout(server):
    r = server.session.post(server.base + "/auth/login", json={"username": "supervisor", "password": PASSWORD})
    assert r.status_code == 200
    body = r.json()
    assert body["user"] == {"username": "supervisor", "role": "supervisor", "campuses": ["001"],
                            "display_name": "Supervisor Ciudad Azteca"}
    headers = {"Authorization": "Bearer " + body["token"]}
    assert server.session.get(server.base + "/auth/me", headers=headers).json()["username"] == "supervisor"
    assert server.session.post(server.base + "/auth/logout", headers=headers).status_code == 200
    r = server.session.get(server.base + "/auth/me", headers=headers)
    assert r.status_code == 401 and r.json()["error"]["code"] == "token_revoked"


def test_password_is_argon2_and_wrong_password_is_generic(server):
    with server.db() as s:
        assert s.scalar(select(User.password_hash).where(User.username == "operador")).startswith("$argon2id$")
    a = server.session.post(server.base + "/auth/login", json={"username": "operador", "password": "mala"})
    b = server.session.post(server.base + "/auth/login", json={"username": "no-existe", "password": "mala"})
    assert a.status_code == b.status_code == 401
    assert a.json() == b.json() and a.json()["error"]["code"] == "invalid_credentials"


def test_expired_and_revoked_tokens(server):
    expired = server.make_token("supervisor", timedelta(seconds=-1))
    revoked = server.make_token("supervisor", timedelta(hours=1), revoked=True)
    for token, code in ((expired, "token_expired"), (revoked, "token_revoked"), ("garbage", "invalid_token")):
        r = server.session.get(server.base + "/students", headers={"Authorization": "Bearer " + token})
        assert r.status_code == 401 and r.json()["error"]["code"] == code
    r = server.session.get(server.base + "/students")
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthenticated"


def test_admin_creates_user_and_disables_it(server):
    r = server.call("admin", "POST", "/users", json={"username": "cap-003", "password": "segura-123",
                                                     "role": "operator", "campuses": ["003"]})
    assert r.status_code == 201 and r.json()["campuses"] == ["003"]
    assert server.call("admin", "POST", "/users", json={"username": "cap-003", "password": "segura-123",
                                                        "role": "operator", "campuses": ["003"]}).status_code == 409
    r = server.call("admin", "POST", "/users", json={"username": "x1", "password": "segura-123",
                                                     "role": "operator", "campuses": ["999"]})
    assert r.status_code == 422 and r.json()["error"]["code"] == "unknown_campus"
    login = server.session.post(server.base + "/auth/login", json={"username": "cap-003", "password": "segura-123"})
    token = login.json()["token"]
    assert server.call("admin", "POST", "/users/cap-003/disable").status_code == 200
    r = server.session.get(server.base + "/auth/me", headers={"Authorization": "Bearer " + token})
    assert r.status_code == 401
    with server.db() as s:
        assert s.scalar(select(AuditRow).where(AuditRow.entity == "user", AuditRow.entity_id == "cap-003",
                                                 AuditRow.command == "create_user")) is not None


def test_station_registration_and_keys(server):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from station.api import ServerApi, ServerApiError
    from station.domain.public_keys import public_key_b64

    private = Ed25519PrivateKey.generate()
    key = public_key_b64(private)
    r = server.call("admin", "POST", "/stations", json={"station_id": "EST-001-01", "public_key": key})
    assert r.status_code == 201
    bad = server.call("admin", "POST", "/stations", json={"station_id": "EST-X", "public_key": "bm9wZQ=="})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_public_key"
    assert server.call("operador", "GET", "/stations/keys").json()["keys"]["EST-001-01"] == key
    api = ServerApi(server.base)
    api.login("operador", PASSWORD, "EST-001-01", private)
    me = server.session.get(server.base + "/auth/me", headers={"Authorization": "Bearer " + api.token})
    assert me.json()["station_id"] == "EST-001-01"
    with pytest.raises(ServerApiError) as err:
        ServerApi(server.base).login("operador", PASSWORD, "NO-EXISTE", private)
    assert err.value.status == 401 and err.value.code == "station_proof_invalid"


@pytest.fixture
def limited_server(fresh_url):
    seed(fresh_url, PASSWORD, students=0, campuses=2)
    settings = ServerSettings(argon2_time_cost=1, argon2_memory_kib=1024, argon2_parallelism=1,
                              login_limit_pair=3, login_limit_address=8)
    base, stop = run_server_in_thread(fresh_url, settings=settings)
    yield base
    stop()


def test_login_failures_bring_a_growing_delay_not_a_block(limited_server):
    import time

    import requests

    base = limited_server
    login = lambda u, p: requests.post(base + "/auth/login", json={"username": u, "password": p}, timeout=30)
    for _ in range(3):
        assert login("operador", "mala").status_code == 401
    r = login("operador", PASSWORD)  # right after the free failures: wait first
    assert r.status_code == 429 and r.json()["error"]["code"] == "too_many_attempts"
    assert 1 <= int(r.headers["Retry-After"]) <= 2 and "segundo" in r.json()["error"]["message"]
    assert login("supervisor", PASSWORD).status_code == 200  # other users are unaffected
    time.sleep(int(r.headers["Retry-After"]) + 0.1)
    assert login("operador", "mala").status_code == 401  # after the delay one more try is checked…
    r = login("operador", PASSWORD)
    assert r.status_code == 429 and 2 < int(r.headers["Retry-After"]) <= 4  # …and the next delay doubles
    time.sleep(int(r.headers["Retry-After"]) + 0.1)
    assert login("operador", PASSWORD).status_code == 200  # never a block of the right password
    assert login("operador", "mala").status_code == 401  # success cleared the pair's count
