"""Offline sign-in with a stored argon2 verifier (issue 4 §5)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from argon2 import PasswordHasher

from station.api import ServerApiError
from station.auth import AuthError, OfflineAuth
from station.domain import Role
from station.store import LocalStore

from tests.sync.conftest import KEY

FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


class FakeApi:
    """Stands for the server's /auth/login: ``mode`` is ``ok``, ``wrong`` or a network cause."""

    mode = "ok"
    role = "supervisor"
    campuses = ["001", "002"]

    def __init__(self, url):
        self.url = url

    def login(self, username, password, station_id="", signing_key=None):
        if FakeApi.mode == "ok":
            if password != "buena-1234":
                raise ServerApiError("unauthorized", "Usuario o contraseña incorrectos.", 401, "invalid_credentials")
            return {"token": "t", "expires_at": "2099-01-01T00:00:00+00:00",
                    "user": {"username": username, "role": FakeApi.role, "campuses": FakeApi.campuses,
                             "display_name": "Supervisora"}}
        if FakeApi.mode == "wrong":
            raise ServerApiError("unauthorized", "Usuario o contraseña incorrectos.", 401, "invalid_credentials")
        raise ServerApiError(FakeApi.mode, f"falla {FakeApi.mode}", 503 if FakeApi.mode == "server" else None)


@pytest.fixture
def auth(tmp_path):
    FakeApi.mode, FakeApi.role, FakeApi.campuses = "ok", "supervisor", ["001", "002"]
    store = LocalStore(tmp_path / "e.sqlite3", KEY, "EST-001-01")
    now = {"t": datetime(2026, 11, 1, 8, 0, tzinfo=timezone.utc)}
    config = type("Cfg", (), {"server_url": "http://x", "station_id": "EST-001-01", "offline_login_days": 7})()
    a = OfflineAuth(store, config, api_factory=FakeApi, hasher=FAST, clock=lambda: now["t"],
                    remember_session=False)
    a.now = now
    yield a
    store.close()


def test_never_online_cannot_sign_in_offline(auth):
    FakeApi.mode = "refused"
    with pytest.raises(AuthError) as err:
        auth.sign_in("supervisor", "buena-1234")
    assert err.value.code == "offline_unknown_user" and "primera vez" in err.value.message


@pytest.mark.parametrize("cause", ["dns", "tls", "refused", "timeout", "server"])
def test_offline_after_online_with_last_role_and_planteles(auth, cause):
    online = auth.sign_in("supervisor", "buena-1234")
    assert online.online and online.role == Role.SUPERVISOR
    FakeApi.mode, FakeApi.role, FakeApi.campuses = cause, "operator", ["009"]
    auth.now["t"] += timedelta(days=6, hours=23)
    offline = auth.sign_in("supervisor", "buena-1234")
    assert not offline.online and offline.fallback_cause.cause == cause
    assert offline.role == Role.SUPERVISOR and offline.campuses == frozenset({"001", "002"})
    assert offline.actor.station_id == "EST-001-01"
    with pytest.raises(AuthError) as err:
        auth.sign_in("supervisor", "mala")
    assert err.value.code == "invalid_credentials"


def test_offline_expires_after_configured_days(auth):
    auth.sign_in("supervisor", "buena-1234")
    FakeApi.mode = "timeout"
    auth.now["t"] += timedelta(days=7, minutes=1)
    with pytest.raises(AuthError) as err:
        auth.sign_in("supervisor", "buena-1234")
    assert err.value.code == "offline_expired" and "7 días" in err.value.message
    auth.config.offline_login_days = 0
    with pytest.raises(AuthError) as err:
        auth.sign_in("supervisor", "buena-1234")
    assert err.value.code == "offline_disabled"


def test_server_rejection_is_final_and_revokes_offline(auth):
    auth.sign_in("supervisor", "buena-1234")
    FakeApi.mode = "wrong"  # password changed or account disabled on the server
    with pytest.raises(AuthError) as err:
        auth.sign_in("supervisor", "buena-1234")
    assert err.value.code == "invalid_credentials"
    FakeApi.mode = "refused"
    with pytest.raises(AuthError) as err:
        auth.sign_in("supervisor", "buena-1234")
    assert err.value.code == "offline_unknown_user"


def test_offline_lockout_after_five_failures(auth):
    auth.sign_in("supervisor", "buena-1234")
    FakeApi.mode = "refused"
    for _ in range(5):
        with pytest.raises(AuthError):
            auth.sign_in("supervisor", "x")
    with pytest.raises(AuthError) as err:
        auth.sign_in("supervisor", "buena-1234")
    assert err.value.code == "offline_locked"
    auth.now["t"] += timedelta(minutes=6)
    assert auth.sign_in("supervisor", "buena-1234").online is False


def test_verifier_is_argon2_not_the_password(auth):
    auth.sign_in("supervisor", "buena-1234")
    with auth.store.session() as s:
        from station.store.schema import SettingRow

        values = [r.value for r in s.query(SettingRow).all()]
    text = repr(values)
    assert "buena-1234" not in text and "$argon2id$" in text
