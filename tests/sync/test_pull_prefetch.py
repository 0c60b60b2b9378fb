"""Pull with the next page fetched while the current one is stored (issue 15 item 4).

The fetch of page k+1 runs on a helper thread while page k is merged; these tests pin
what must not change: the same ``since`` sequence as one page after another, the
cursor only after its page's commit, and a failure at any page losing nothing.
"""
from __future__ import annotations

import threading
import time

import pytest

from station.api import ServerApiError
from station.sync import SyncEngine, no_wait_backoff
from station.sync import engine as engine_module
from station.sync.engine import CURSOR_KEY, RoundAborted

from tests.sync.conftest import KEY, USERS, demo_students
from tests.sync.support import FakeServer, SimulatedCrash

PAGE = 7


class Scripted:
    """Wraps a transport: records each ``changes`` call (``since``, thread name) and raises
    ``failures[n]`` at the n-th call (1-based) instead of answering."""

    def __init__(self, inner, failures: dict[int, BaseException] | None = None, slow: int = 0):
        self.inner = inner
        self.failures = dict(failures or {})
        #: the ``slow``-th call signals ``slow_started``, then waits for ``slow_release`` and a
        #: moment more before answering (a request still on the wire when the caller gives up)
        self.slow = slow
        self.slow_started, self.slow_release = threading.Event(), threading.Event()
        self.calls: list[tuple[int, str]] = []
        self.active = 0
        self.overlapped = False
        self.lock = threading.Lock()

    def changes(self, since, limit, campuses):
        with self.lock:
            self.calls.append((since, threading.current_thread().name))
            self.active += 1
            self.overlapped |= self.active > 1
            n = len(self.calls)
        try:
            if n in self.failures:
                raise self.failures[n]
            if n == self.slow:
                self.slow_started.set()
                self.slow_release.wait(30)
                time.sleep(0.2)  # widens the window a caller that does not wait would fall into
            return self.inner.changes(since, limit, campuses)
        finally:
            with self.lock:
                self.active -= 1


def expected_sinces(server: FakeServer, campus: str = "001") -> list[int]:
    """The ``since`` of each page of a page-after-page pull of ``campus`` from zero."""
    sinces, since = [], 0
    while True:
        sinces.append(since)
        page = server.changes(since, PAGE, [campus])
        since = max(since, page["next"])
        if not page["more"] or not page["items"]:
            return sinces


def stored(store) -> list[str]:
    return sorted(s.matricula for s in store.find_students())


def mine(server: FakeServer, campus: str = "001") -> list[str]:
    return sorted(m for m, s in server.students.items() if s.campus_code == campus)


def first_pages(server: FakeServer, pages: int) -> tuple[list[str], int]:
    """Matrículas of the first ``pages`` pages of plantel 001 and the cursor after them."""
    got, since = [], 0
    for _ in range(pages):
        page = server.changes(since, PAGE, ["001"])
        got += [i["matricula"] for i in page["items"]]
        since = page["next"]
    return sorted(got), since


@pytest.fixture
def server():
    return FakeServer(demo_students(90, seed=151), USERS)


def open_store(tmp_path, name="estacion"):
    from station.store import LocalStore

    return LocalStore(tmp_path / f"{name}.sqlite3", KEY, "EST-PF-1")


def test_pages_are_asked_in_order_exactly_once_with_the_next_on_the_helper_thread(server, tmp_path):
    store = open_store(tmp_path)
    transport = Scripted(server)
    assert SyncEngine(store, transport, campuses=["001"], page_size=PAGE, backoff=no_wait_backoff()).pull() \
        == len(mine(server))
    assert [since for since, _t in transport.calls] == expected_sinces(server)
    assert len(transport.calls) > 3
    # the first page is asked by the caller, every later one ahead of time by the helper
    assert transport.calls[0][1] == threading.current_thread().name
    assert {t for _s, t in transport.calls[1:]} != {threading.current_thread().name}
    assert not transport.overlapped  # never two requests at once on one transport
    assert stored(store) == mine(server)
    assert store.get_setting(CURSOR_KEY)["seq"] == server.counter
    store.close()


@pytest.mark.parametrize("failing_call", [2, 4])
def test_a_prefetch_refused_for_good_keeps_earlier_pages_and_a_retry_completes_exactly(server, tmp_path,
                                                                                      failing_call):
    """A 401 on page k (fetched ahead while page k-1 was stored): pages < k committed, the cursor
    after page k-1, the error raised as the plain sequence raises it; the next pull asks from that
    cursor and ends with every record exactly once."""
    store = open_store(tmp_path)
    expired = ServerApiError("unauthorized", "La sesión expiró (simulado).", 401)
    transport = Scripted(server, {failing_call: expired})
    engine = SyncEngine(store, transport, campuses=["001"], page_size=PAGE, backoff=no_wait_backoff())
    with pytest.raises(ServerApiError) as raised:
        engine.pull()
    assert raised.value is expired
    before, cursor = first_pages(server, failing_call - 1)
    assert stored(store) == before
    assert store.get_setting(CURSOR_KEY)["seq"] == cursor
    assert not transport.overlapped

    again = Scripted(server)
    pulled = SyncEngine(store, again, campuses=["001"], page_size=PAGE, backoff=no_wait_backoff()).pull()
    assert again.calls[0][0] == cursor
    assert len(before) + pulled == len(mine(server))  # nothing twice, nothing lost
    assert stored(store) == mine(server)
    assert store.get_setting(CURSOR_KEY)["seq"] == server.counter
    store.close()


def test_a_prefetch_that_keeps_failing_aborts_the_round_after_committing_the_page_before(server, tmp_path):
    store = open_store(tmp_path)
    down = {n: ServerApiError("refused", "El servidor rechazó la conexión (simulado).") for n in range(3, 10)}
    transport = Scripted(server, down)
    engine = SyncEngine(store, transport, campuses=["001"], page_size=PAGE, backoff=no_wait_backoff(attempts=3))
    with pytest.raises(RoundAborted):
        engine.pull()
    # page 3 asked once ahead and twice more by the retries, always from page 2's cursor
    before, cursor = first_pages(server, 2)
    assert [since for since, _t in transport.calls[2:]] == [cursor] * 3
    assert stored(store) == before
    assert store.get_setting(CURSOR_KEY)["seq"] == cursor
    assert len(engine.errors) == 3
    store.close()


def test_a_transient_prefetch_failure_is_retried_and_the_pull_completes_exactly(server, tmp_path):
    store = open_store(tmp_path)
    transport = Scripted(server, {3: ServerApiError("server", "Error interno (simulado).", 503)})
    engine = SyncEngine(store, transport, campuses=["001"], page_size=PAGE, backoff=no_wait_backoff())
    assert engine.pull() == len(mine(server))
    sinces = expected_sinces(server)
    assert [since for since, _t in transport.calls] == sinces[:3] + sinces[2:]  # page 3 asked twice
    assert stored(store) == mine(server)
    assert store.get_setting(CURSOR_KEY)["seq"] == server.counter
    store.close()


def test_a_crash_during_a_prefetch_surfaces_after_the_page_before_is_committed(server, tmp_path):
    store = open_store(tmp_path)
    transport = Scripted(server, {4: SimulatedCrash()})
    with pytest.raises(SimulatedCrash):
        SyncEngine(store, transport, campuses=["001"], page_size=PAGE, backoff=no_wait_backoff()).pull()
    before, cursor = first_pages(server, 3)
    assert stored(store) == before
    assert store.get_setting(CURSOR_KEY)["seq"] == cursor
    store.close()


def test_a_page_that_fails_to_store_is_not_committed_and_the_fetch_ahead_is_dropped(server, tmp_path,
                                                                                     monkeypatch):
    """Page 3 cannot be stored: its fetch-ahead of page 4 is waited for and dropped, pages 1–2 and
    their cursor stay, and the next pull starts again at page 3."""
    store = open_store(tmp_path)
    real_merge, merges = engine_module.merge_server_records, []
    transport = Scripted(server, slow=4)

    def failing_merge(session, items, rederive=()):
        merges.append(len(items))
        if len(merges) == 3:
            assert transport.slow_started.wait(30)  # page 4 is on the wire
            transport.slow_release.set()
            raise ValueError("Registro ilegible (simulado).")
        return real_merge(session, items, rederive)

    monkeypatch.setattr(engine_module, "merge_server_records", failing_merge)
    with pytest.raises(ValueError):
        SyncEngine(store, transport, campuses=["001"], page_size=PAGE, backoff=no_wait_backoff()).pull()
    assert len(transport.calls) == 4 and transport.active == 0  # pull() waited for the page fetched ahead
    before, cursor = first_pages(server, 2)
    assert stored(store) == before
    assert store.get_setting(CURSOR_KEY)["seq"] == cursor

    monkeypatch.setattr(engine_module, "merge_server_records", real_merge)
    again = Scripted(server)
    pulled = SyncEngine(store, again, campuses=["001"], page_size=PAGE, backoff=no_wait_backoff()).pull()
    assert again.calls[0][0] == cursor
    assert len(before) + pulled == len(mine(server))
    assert stored(store) == mine(server)
    store.close()
