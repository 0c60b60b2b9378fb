"""Issue 14 §4–5: the sync saves keys and revocations and drops disabled users' offline records."""
from __future__ import annotations

from datetime import datetime, timezone

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from station.auth import offline_usernames, write_sealed, _key
from station.documents.keys import known_keys_path, load_trust
from station.documents.qr_payload import key_id_of
from station.domain.public_keys import public_key_b64
from station.sync.trust import refresh_trust


class TrustOnly:
    def __init__(self, key):
        self.key = key
        self.calls = []

    def trust(self, since, users):
        self.calls.append((since, list(users)))
        revocations = [["180010051-1", "2026-11-20T10:00:00+00:00"]] if since == 0 else []
        return {"keys": [{"key_id": key_id_of(self.key), "station_id": "EST-9", "public_key": public_key_b64(self.key),
                          "valid_from": "2026-01-01T00:00:00+00:00", "valid_until": None, "revoked_at": None}],
                "revocations": revocations, "next": 40 if since == 0 else since, "more": since == 0,
                "users": {"operador": False, "supervisora": True}}


def test_refresh_saves_keys_and_revocations_and_drops_disabled_users(make_station, fake_server, tmp_path):
    st = make_station(fake_server)
    for name in ("operador", "supervisora"):
        write_sealed(st.store, _key(name), {"username": name, "verifier": "x", "role": "operator", "campuses": [],
                                            "display_name": "", "online_at": datetime.now(timezone.utc).isoformat()})
    transport = TrustOnly(Ed25519PrivateKey.generate())
    result = refresh_trust(st.store, transport, tmp_path)
    assert result["users_removed"] == ["operador"] and offline_usernames(st.store) == ["supervisora"]
    trust = load_trust(known_keys_path(tmp_path))
    assert list(trust.keys) == [key_id_of(transport.key)] and trust.cursor == 40
    assert trust.revocations["180010051-1"] == datetime(2026, 11, 20, 10, tzinfo=timezone.utc)
    assert transport.calls == [(0, ["operador", "supervisora"]), (40, [])]
    refresh_trust(st.store, transport, tmp_path)  # resumes from the saved cursor
    assert transport.calls[-1][0] == 40
