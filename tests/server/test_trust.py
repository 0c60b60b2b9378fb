"""``GET /trust`` (issue 14 §4–5): key history survives re-keying, revocations, user status, signed-in only."""
from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from station.documents.qr_payload import key_id_of
from station.domain.public_keys import public_key_b64


def test_trust_requires_sign_in(server):
    assert server.call(None, "GET", "/trust").status_code == 401
    assert server.call("operador", "GET", "/trust", params={"users": ",".join(f"u{i}" for i in range(51))}) \
        .status_code == 422


def test_rekeying_a_station_keeps_its_old_key_with_a_closed_window(server):
    first, second = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    for key in (first, second):
        r = server.call("admin", "POST", "/stations", json={"station_id": "EST-TRUST-1",
                                                            "public_key": public_key_b64(key)})
        assert r.status_code == 201, r.text
    keys = {k["key_id"]: k for k in server.call("operador", "GET", "/trust").json()["keys"]
            if k["station_id"] == "EST-TRUST-1"}
    old, new = keys[key_id_of(first)], keys[key_id_of(second)]
    assert old["valid_until"] is not None and new["valid_until"] is None
    assert old["public_key"] == public_key_b64(first)


def test_revocations_follow_captures_and_deliveries_and_users_report_active(server):
    answer = server.call("operador", "GET", "/trust", params={"since": 0, "users": "operador,nadie"}).json()
    assert answer["users"] == {"operador": True, "nadie": False}
    assert all(len(r) == 2 for r in answer["revocations"])
    later = server.call("operador", "GET", "/trust", params={"since": answer["next"]}).json()
    assert later["revocations"] == [] and later["next"] == answer["next"]
