"""Request figures (issue #19), medians of several runs, in-process on SQLite:

- ``requests_attach_10mb_ms``: content check (:func:`server.requests.files.sniff`) and sealing
  (:meth:`server.keys.MasterKeys.seal`) of a 10 MB PDF — the work of one maximum-size upload
  besides the network and the insert.
- ``requests_list_5000_ms``: one page (50) of ``GET /requests`` for the systems role over 5,000
  requests (:func:`server.requests.service.list_requests`, with the total count).
- ``requests_purge_5000_ms``: :func:`server.requests.bitacora.purge` removing 5,000 closed
  requests, their 20,000 bitácora entries and 5,000 documents of 4 KB.
"""
from __future__ import annotations

import os
import statistics
import tempfile
import time
from datetime import timedelta

from benchmarks._util import median_of, timed_ms

RUNS = 5


def _pdf(megabytes: int) -> bytes:
    body = b"%PDF-1.4\n" + os.urandom(megabytes * 1024 * 1024 - 64)
    return body + b"\n%%EOF\n"


def _fill(url: str, n: int, keys, now) -> None:
    from server.db.engine import make_engine, make_session_factory
    from server.requests.models import RequestAttachment, RequestLogEntry, ServiceRequest

    engine = make_engine(url)
    factory = make_session_factory(engine)
    sealed = keys.seal(b"x" * 4096, b"bench")
    with factory() as s, s.begin():
        for i in range(n):
            r = ServiceRequest(folio=f"SOL-2000-{i:06d}", type_code="password_reset", state="attended",
                               requester="supervisor", campus_code="001", contact_email="a@b.mx", fields={},
                               created_at=now, updated_at=now, due_at=now, closed_at=now)
            s.add(r)
            s.flush()
            s.add(RequestAttachment(request_id=r.id, kind="ine", filename="ine.pdf", content_type="application/pdf",
                                    size=4096, sha256="0" * 64, data=sealed.ciphertext, wrapped_key=sealed.wrapped_key,
                                    key_id=sealed.key_id, uploaded_by="supervisor", uploaded_at=now))
            s.add_all([RequestLogEntry(request_id=r.id, folio=r.folio, at=now, actor="sistemas", role="systems",
                                       action="review") for _ in range(4)])
    engine.dispose()


def run() -> dict[str, float]:
    from server.db.engine import make_engine, make_session_factory
    from server.db.migrate import upgrade
    from server.keys import MasterKeys
    from server.requests import bitacora, service
    from server.requests.files import sniff
    from server.services.students import utcnow
    from station.domain import Actor, Role

    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        keys = MasterKeys.load_file(os.path.join(folder, "keys.json"))
        data = _pdf(10)
        out["requests_attach_10mb_ms"] = round(median_of(lambda: timed_ms(
            lambda: (sniff(data, "oficio.pdf"), keys.seal(data, b"bench"))), RUNS), 1)

        url = f"sqlite:///{folder}/bench.sqlite3"
        upgrade(url)
        old = utcnow() - timedelta(days=400)
        _fill(url, 5000, keys, old)
        engine = make_engine(url)
        factory = make_session_factory(engine)
        actor = Actor("sistemas", Role.SYSTEMS, frozenset({"001"}))

        def page() -> float:
            with factory() as s:
                return timed_ms(lambda: service.list_requests(s, actor, limit=50))

        out["requests_list_5000_ms"] = round(median_of(page, RUNS), 1)
        purges = []
        for _ in range(3):
            with factory() as s, s.begin():
                started = time.perf_counter()
                report = bitacora.purge(s, utcnow(), 365)
            purges.append((time.perf_counter() - started) * 1000.0)
            assert report["requests"] == 5000, report
            _fill(url, 5000, keys, old)
        out["requests_purge_5000_ms"] = round(statistics.median(purges), 1)
        engine.dispose()
    return out
