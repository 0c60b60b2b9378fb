"""Issue 14 §4: offline sign-in is tamper-evident, clock-safe and capped."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from station.auth import AuthError, OfflineAuth, _key, drop_disabled_users, offline_usernames
from station.config import ConfigError, load_config
from station.store import LocalStore

from tests.store.conftest import raw_connect
from tests.sync.conftest import KEY
from tests.sync.test_auth import FAST, FakeApi


def _auth(store, days=7):
    now = {"t": datetime(2026, 11, 1, 8, 0, tzinfo=timezone.utc)}
    config = type("Cfg", (), {"server_url": "http://x", "station_id": "EST-001-01", "offline_login_days": days})()
    a = OfflineAuth(store, config, api_factory=FakeApi, hasher=FAST, clock=lambda: now["t"], remember_session=False)
    a.now = now
    return a


@pytest.fixture
def store(tmp_path):
    FakeApi.mode, FakeApi.role, FakeApi.campuses = "ok", "operator", ["001"]
    s = LocalStore(tmp_path / "e.sqlite3", KEY, "EST-001-01")
    yield s
    s.close()


def _edit_setting(store, key, change):
    db = raw_connect(store.path, KEY)
    value = json.loads(db.execute("select value from settings where key=?", (key,)).fetchone()[0])
    change(value)
    db.execute("update settings set value=? where key=?", (json.dumps(value), key))
    db.commit()
    db.close()


def test_edited_offline_record_is_refused(store):
    auth = _auth(store)
    auth.sign_in("operador", "buena-1234")
    FakeApi.mode = "refused"
    assert auth.sign_in("operador", "buena-1234").campuses == frozenset({"001"})

    def promote(record):
        record["role"], record["campuses"] = "supervisor", ["001", "002"]
    _edit_setting(store, _key("operador"), promote)
    with pytest.raises(AuthError) as err:
        auth.sign_in("operador", "buena-1234")
    assert err.value.code == "offline_tampered" and "alterados" in err.value.message


def test_record_copied_to_another_user_is_refused(store):
    auth = _auth(store)
    auth.sign_in("operador", "buena-1234")
    record = store.get_setting(_key("operador"))
    store.set_setting(_key("intruso"), {**record, "username": "intruso"})
    FakeApi.mode = "timeout"
    with pytest.raises(AuthError) as err:
        auth.sign_in("intruso", "buena-1234")
    assert err.value.code == "offline_tampered"


def test_record_without_mac_is_refused(store):
    auth = _auth(store)
    auth.sign_in("operador", "buena-1234")
    _edit_setting(store, _key("operador"), lambda r: r.pop("mac"))
    FakeApi.mode = "timeout"
    with pytest.raises(AuthError) as err:
        auth.sign_in("operador", "buena-1234")
    assert err.value.code == "offline_tampered"


def test_clock_turned_back_is_refused(store):
    auth = _auth(store)
    auth.sign_in("operador", "buena-1234")
    FakeApi.mode = "refused"
    auth.now["t"] += timedelta(days=6)
    assert not auth.sign_in("operador", "buena-1234").online     # day 6: fine, high-water mark = day 6
    auth.now["t"] += timedelta(days=2)
    with pytest.raises(AuthError) as err:                        # day 8: expired
        auth.sign_in("operador", "buena-1234")
    assert err.value.code == "offline_expired"
    auth.now["t"] -= timedelta(days=3)                           # clock turned back to day 5
    with pytest.raises(AuthError) as err:
        auth.sign_in("operador", "buena-1234")
    assert err.value.code == "offline_clock" and "reloj" in err.value.message
    auth.now["t"] = datetime(2026, 10, 1, tzinfo=timezone.utc)   # before the online sign-in itself
    with pytest.raises(AuthError) as err:
        auth.sign_in("operador", "buena-1234")
    assert err.value.code == "offline_clock"


def test_offline_window_is_capped_at_14_days_whatever_the_config_object_says(store):
    auth = _auth(store, days=365)
    assert auth.sign_in("operador", "buena-1234").offline_until == auth.now["t"] + timedelta(days=14)
    FakeApi.mode = "dns"
    auth.now["t"] += timedelta(days=14, minutes=1)
    with pytest.raises(AuthError) as err:
        auth.sign_in("operador", "buena-1234")
    assert err.value.code == "offline_expired"


def test_disabled_users_lose_their_verifier(store):
    auth = _auth(store)
    auth.sign_in("operador", "buena-1234")
    auth.sign_in("supervisora", "buena-1234")
    assert offline_usernames(store) == ["operador", "supervisora"]
    assert drop_disabled_users(store, {"operador": False, "supervisora": True}) == ["operador"]
    FakeApi.mode = "timeout"
    with pytest.raises(AuthError) as err:
        auth.sign_in("operador", "buena-1234")
    assert err.value.code == "offline_unknown_user"
    assert not auth.sign_in("supervisora", "buena-1234").online


@pytest.mark.parametrize("text", ["inf", "nan", "15", "-1", "7.5", "true", '"siete"', "[7]", "1e400"])
def test_offline_login_days_bad_values_refused_naming_the_key(tmp_path, text):
    path = tmp_path / "config.toml"
    path.write_text(f"offline_login_days = {text}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(path, environ={})
    assert "offline_login_days" in str(err.value)


@pytest.mark.parametrize("text", ["inf", "nan", "15", "abc", ""])
def test_offline_login_days_bad_environment_refused(tmp_path, text):
    with pytest.raises(ConfigError) as err:
        load_config(tmp_path / "no.toml", environ={"CREDENCIALIZACION_OFFLINE_LOGIN_DAYS": text})
    assert "offline_login_days" in str(err.value) and "CREDENCIALIZACION_OFFLINE_LOGIN_DAYS" in str(err.value)


def test_offline_login_days_limits_accepted(tmp_path):
    for days in (0, 14):
        assert load_config(tmp_path / "no.toml", environ={"CREDENCIALIZACION_OFFLINE_LOGIN_DAYS": str(days)}) \
            .offline_login_days == days
