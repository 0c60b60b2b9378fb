"""A pooled keep-alive connection that the server closed while it sat idle: the station's next
request must not fail with «Sin conexión» when sending it again is safe.

Over a real socket: a small HTTP/1.1 server on 127.0.0.1 keeps each connection alive after
answering, and on request lets the next request that arrives on an already-used connection go
unanswered — it reads the request, then closes the connection (or resets it), as a server whose
keep-alive timer ran out at that moment does. Which request meets the stale connection is decided
by the test, not by a clock: no sleeps, no timing.
"""
from __future__ import annotations

import itertools
import json
import socket
import struct
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: the client pools the connection

    def log_message(self, *_args) -> None:  # quiet
        pass

    def setup(self) -> None:
        super().setup()
        self.served_here = 0
        self.number = next(self.server.owner.numbers)  # type: ignore[attr-defined]  # id() of a freed socket is reused

    def _any(self) -> None:
        srv: StaleServer = self.server.owner  # type: ignore[attr-defined]
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        entry = {"method": self.command, "path": self.path.split("?")[0], "key": self.headers.get("Idempotency-Key"),
                 "connection": self.number, "answered": False}
        with srv.lock:
            srv.log.append(entry)
            drop = srv.drops > 0 and (self.served_here > 0 or not srv.reused_only)
            if drop:
                srv.drops -= 1
        if drop:  # the keep-alive ran out as this request arrived: no answer, the connection goes
            if srv.mode == "reset":
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            return
        self.served_here += 1
        entry["answered"] = True
        answer: dict = {"ok": True, "path": entry["path"]}
        if entry["path"] == "/auth/login":
            answer.update(token="t2", user={"username": "operador"})
        if entry["path"].endswith("/batch"):
            answer["results"] = [{"op_id": c["op_id"], "status": 200, "outcome": "accepted"}
                                 for c in json.loads(body)["commands"]]
        data = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = _any


class StaleServer:
    """The server above on an ephemeral 127.0.0.1 port; ``drop(n)`` makes the next ``n`` requests
    that arrive on an already-used connection (any connection with ``reused_only=False``) go
    unanswered, the connection closed (``mode="close"``) or reset (``mode="reset"``)."""

    def __init__(self, mode: str):
        self.mode, self.drops, self.reused_only = mode, 0, True
        self.log: list[dict] = []
        self.lock = threading.Lock()
        self.numbers = itertools.count(1)  # each accepted connection's number, in accept order
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.owner = self  # type: ignore[attr-defined]
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)

    def drop(self, n: int = 1, reused_only: bool = True) -> None:
        with self.lock:
            self.drops, self.reused_only = n, reused_only

    def attempts(self, path: str) -> list[dict]:
        with self.lock:
            return [e for e in self.log if e["path"] == path]

    def __enter__(self) -> "StaleServer":
        self.thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(params=["close", "reset"])
def stale(request):
    with StaleServer(request.param) as srv:
        yield srv


def _api(srv: StaleServer):
    from station.api import ServerApi

    api = ServerApi(srv.base_url, token="t")
    api.request("GET", "/health")  # opens the connection the pool then keeps
    assert srv.attempts("/health")[0]["answered"]
    return api


def _op(op_id: str) -> dict:
    return {"op_id": op_id, "station_id": "EST-01", "seq": 1, "command": "capture", "matricula": "M1",
            "expected_status": "ENROLLED", "payload": {}, "username": "operador", "created_at": "2026-01-01T00:00:00Z"}


def test_idempotent_request_on_a_stale_connection_is_sent_again(stale):
    api = _api(stale)
    stale.drop(1)
    assert api.request("GET", "/reports/status") == {"ok": True, "path": "/reports/status"}
    first, second = stale.attempts("/reports/status")
    assert not first["answered"] and second["answered"]
    assert first["connection"] == stale.attempts("/health")[0]["connection"]  # it was the pooled one
    assert second["connection"] != first["connection"]


def test_command_with_idempotency_key_is_sent_again_with_the_same_key(stale):
    api = _api(stale)
    stale.drop(1)
    assert api.sync_command(_op("01JSTALE0000000000000001")) == {"ok": True, "path": "/sync/commands"}
    attempts = stale.attempts("/sync/commands")
    assert [a["answered"] for a in attempts] == [False, True]
    assert {a["key"] for a in attempts} == {"01JSTALE0000000000000001"}  # the server dedupes on it


def test_command_batch_is_sent_again(stale):
    """Every command of a batch carries its op_id as idempotency key: the batch may go twice."""
    api = _api(stale)
    stale.drop(1)
    results = api.sync_commands([_op("01JSTALE0000000000000002"), _op("01JSTALE0000000000000003")])
    assert [r["outcome"] for r in results] == ["accepted", "accepted"]
    assert [a["answered"] for a in stale.attempts("/sync/commands/batch")] == [False, True]


def test_non_idempotent_request_is_never_sent_twice(stale):
    from station.api import ServerApiError, is_offline

    api = _api(stale)
    stale.drop(1)
    with pytest.raises(ServerApiError) as caught:
        api.mail_start(7)  # POST without Idempotency-Key: it may have been acted on
    assert is_offline(caught.value) and "conexión" in caught.value.message
    assert len(stale.attempts("/mail/campaigns/7/start")) == 1
    # The pool dropped the dead connection: the operator's next try goes through.
    assert api.mail_start(7) == {"ok": True, "path": "/mail/campaigns/7/start"}


def test_request_that_may_not_go_twice_opens_a_new_connection_after_an_idle_spell(stale):
    """The first sign-in (or mass-mail start) after the desk sat idle does not meet the stale
    connection at all: it is not retried, it simply is not sent on the old connection."""
    from station.api import FRESH_CONNECTION_AFTER_S

    api = _api(stale)
    api._last_used -= FRESH_CONNECTION_AFTER_S  # the desk sat idle (no clock is waited on)
    stale.drop(1)  # the pooled connection is gone on the server's side
    assert api.mail_start(7) == {"ok": True, "path": "/mail/campaigns/7/start"}
    [attempt] = stale.attempts("/mail/campaigns/7/start")
    assert attempt["answered"] and attempt["connection"] != stale.attempts("/health")[0]["connection"]


def test_sign_in_after_an_idle_spell_is_not_taken_for_an_outage(stale):
    api = _api(stale)
    api._last_used -= 60
    stale.drop(1)
    assert api.login("operador", "x")["token"] == "t2"
    assert [a["answered"] for a in stale.attempts("/auth/login")] == [True]


def test_request_caught_by_a_pool_another_thread_closed_is_sent():
    """One thread's idle-spell reset closes the pool another thread had just taken: urllib3 says
    ClosedPoolError before sending anything, so even a request that may not go twice is sent."""
    import requests
    from urllib3.exceptions import ClosedPoolError

    from station.api import ServerApi

    class Session(requests.Session):
        calls = 0

        def request(self, *args, **kwargs):
            Session.calls += 1
            if Session.calls == 1:  # as requests' HTTPAdapter.send raises it
                try:
                    raise ClosedPoolError(None, "Pool is closed.")
                except ClosedPoolError as exc:
                    raise requests.exceptions.ConnectionError(exc)
            answer = requests.Response()
            answer.status_code, answer._content = 200, b'{"ok": true}'
            return answer

    assert ServerApi("http://127.0.0.1:9", session=Session()).mail_start(7) == {"ok": True}
    assert Session.calls == 2


def test_busy_desk_keeps_its_connection(stale):
    """Requests in quick succession reuse the pooled connection (no handshake per request)."""
    api = _api(stale)
    api.mail_start(7)
    api.mail_start(8)
    numbers = {a["connection"] for a in stale.log}
    assert len(numbers) == 1


def test_sent_again_once_only(stale):
    """A second failure on the new connection is a real outage: reported, not retried again."""
    from station.api import ServerApiError

    api = _api(stale)
    stale.drop(2, reused_only=False)
    with pytest.raises(ServerApiError) as caught:
        api.request("GET", "/reports/status")
    assert caught.value.cause == "network"
    assert [a["answered"] for a in stale.attempts("/reports/status")] == [False, False]


def test_refused_connection_is_not_taken_for_a_stale_one():
    """Nothing listening: no retry hides it, the cause says «refused»."""
    from station.api import ServerApi, ServerApiError, is_stale_connection

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    api = ServerApi(f"http://127.0.0.1:{port}", token="t")
    with pytest.raises(ServerApiError) as caught:
        api.request("GET", "/health")
    assert caught.value.cause == "refused"
    import requests

    try:
        requests.get(f"http://127.0.0.1:{port}/health", timeout=2)
    except requests.exceptions.ConnectionError as exc:
        assert not is_stale_connection(exc)
