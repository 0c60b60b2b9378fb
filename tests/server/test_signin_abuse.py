"""Sign-in abuse (issue 13 "Why" #4), on SQLite and PostgreSQL: failures must not lock the
victim or a plantel out, concurrent guesses are counted atomically, ``X-Forwarded-For``
is believed only from the configured proxy, and a storm of failed sign-ins neither
exhausts the database pool nor stalls ``/health``."""
from __future__ import annotations

import threading

import pytest
import requests
from sqlalchemy import func, select

from server.db.models import LoginFailure
from server.settings import ServerSettings
from server.testing import run_server_in_thread, seed, signin_storm
from tests.server.conftest import PASSWORD

PROXY_SETTINGS = ServerSettings(argon2_time_cost=1, argon2_memory_kib=1024, argon2_parallelism=1,
                                trusted_proxies=("127.0.0.1",))


@pytest.fixture
def proxied(fresh_url):
    """A server behind a (simulated) reverse proxy at 127.0.0.1: ``X-Forwarded-For`` names the client."""
    seed(fresh_url, PASSWORD, students=0, campuses=2, settings=PROXY_SETTINGS)
    base, stop = run_server_in_thread(fresh_url, settings=PROXY_SETTINGS)
    yield base, fresh_url
    stop()


def login(base, user, password, address=None, **extra):
    headers = {"X-Forwarded-For": address} if address else {}
    return requests.post(base + "/auth/login", json={"username": user, "password": password, **extra},
                         headers=headers, timeout=60)


def proven_station(base, station_id="EST-001-01"):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from station.api import ServerApi
    from station.domain.public_keys import public_key_b64

    key = Ed25519PrivateKey.generate()
    admin = ServerApi(base)
    admin.login("admin", PASSWORD)
    admin.register_station(station_id, public_key_b64(key))
    return lambda user, password=PASSWORD: ServerApi(base).login(user, password, station_id, key)


def test_victim_still_signs_in_from_a_proven_station(proxied):
    """20 wrong passwords for «operador» from four addresses used to lock the victim out for 15 minutes."""
    base, _url = proxied
    station = proven_station(base)
    for i in range(20):
        assert login(base, "operador", "mala", f"10.0.0.{i % 4 + 1}").status_code in (401, 429)
    assert station("operador")["user"]["username"] == "operador"
    assert login(base, "operador", PASSWORD, "10.9.9.9").status_code == 200  # and from a fresh address


def test_made_up_usernames_do_not_lock_out_a_plantel(proxied):
    """50 failures with made-up usernames from the plantel's NAT address used to lock out everyone behind it."""
    base, _url = proxied
    station = proven_station(base)
    for i in range(50):
        assert login(base, f"inventado{i}", "mala", "200.1.1.1").status_code in (401, 429)
    assert station("supervisor")["user"]["username"] == "supervisor"


def test_concurrent_guesses_are_counted_before_checking(proxied):
    """30 concurrent guesses for one (user, address) used to be all checked (count read before written)."""
    base, url = proxied
    results = []
    barrier = threading.Barrier(30)

    def guess():
        barrier.wait()
        results.append(login(base, "operador", "mala", "10.1.1.1").status_code)

    threads = [threading.Thread(target=guess) for _ in range(30)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert all(s in (401, 429) for s in results)
    checked = results.count(401)
    assert checked <= PROXY_SETTINGS.login_limit_pair + 1, results  # the rest waited (429) unchecked


def test_forwarded_for_is_believed_only_from_configured_proxies(fresh_url):
    """With no proxy configured a client cannot choose its own address (it was trusted from 127.0.0.1)."""
    settings = ServerSettings(argon2_time_cost=1, argon2_memory_kib=1024, argon2_parallelism=1)
    seed(fresh_url, PASSWORD, students=0, campuses=1, settings=settings)
    base, stop = run_server_in_thread(fresh_url, settings=settings)
    try:
        assert login(base, "operador", "mala", "6.6.6.6").status_code == 401
    finally:
        stop()
    from server.db.engine import make_engine, make_session_factory

    engine = make_engine(fresh_url)
    with make_session_factory(engine)() as s:
        addresses = set(s.scalars(select(LoginFailure.address)))
    engine.dispose()
    assert addresses == {"127.0.0.1"}


def test_forty_concurrent_failed_sign_ins_no_5xx_and_health_answers(fresh_url):
    """40 failed sign-ins at once used to exhaust the SQLite pool (500) and stall /health for 35 s."""
    settings = ServerSettings(argon2_time_cost=2, argon2_memory_kib=16384, argon2_parallelism=1)
    seed(fresh_url, PASSWORD, students=0, campuses=1, settings=settings)
    base, stop = run_server_in_thread(fresh_url, settings=settings)
    try:
        statuses, health = signin_storm(base)
    finally:
        stop()
    assert statuses and all(s < 500 for s in statuses), statuses
    assert set(statuses) <= {401, 429, 503}
    # /health kept answering during the storm (a stalled one answers once, after it); how fast is the
    # benchmark's signin_storm_health_max_ms, not a timed assertion here.
    assert len(health) >= 2, health



def _forty_at_once(base: str, password: str, clients: int = 40) -> list[int]:
    """``clients`` sign-ins of «operador» from one address, released together by one barrier."""
    barrier = threading.Barrier(clients)
    results: list[int] = []

    def sign_in():
        try:
            barrier.wait(timeout=60)
        finally:  # a client that failed before the barrier must not hang the others
            results.append(requests.post(base + "/auth/login", json={"username": "operador", "password": password},
                                         timeout=120).status_code)

    threads = [threading.Thread(target=sign_in) for _ in range(clients)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    return results


#: A password check that costs about as much as a sign-in request itself, so the forty are checked
#: while the later ones are still arriving (with the 1 KiB test hash all forty could finish one by one).
REAL_COST = ServerSettings(argon2_time_cost=2, argon2_memory_kib=32768, argon2_parallelism=1)


@pytest.fixture
def pg_server(pg_url):
    """A real uvicorn server on a throw-away PostgreSQL database (argon2 of :data:`REAL_COST`)."""
    seed(pg_url, PASSWORD, students=0, campuses=1, settings=REAL_COST)
    base, stop = run_server_in_thread(pg_url, settings=REAL_COST)
    yield base, pg_url
    stop()


def test_forty_simultaneous_correct_sign_ins_all_succeed(pg_server):
    """Forty correct sign-ins of one user from one address at once used to get ~6 × 429
    ``too_many_attempts``: attempts not yet checked counted as failures."""
    base, _url = pg_server
    results = _forty_at_once(base, PASSWORD)
    assert results == [200] * 40, sorted(results)


def test_forty_simultaneous_wrong_passwords_are_still_delayed(pg_server):
    """The same forty with a wrong password: only the free attempts are checked, the rest wait (429)."""
    base, url = pg_server
    results = _forty_at_once(base, "mala")
    assert set(results) <= {401, 429}, results
    assert results.count(401) <= ServerSettings().login_limit_pair, sorted(results)
    assert results.count(429) >= 40 - ServerSettings().login_limit_pair
    from server.db.engine import make_engine, make_session_factory

    engine = make_engine(url)
    with make_session_factory(engine)() as s:
        counted = s.scalar(select(func.count()).select_from(LoginFailure))
    engine.dispose()
    assert counted == results.count(401)  # every checked failure keeps counting
