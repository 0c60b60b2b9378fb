"""Property-based run of the OpenAPI document against the live server (schemathesis 3).

Each operation of ``/openapi.json`` gets up to ``SCHEMATHESIS_EXAMPLES``
generated requests (default 12), sent over a real socket to a server with
its own seeded database, once with a supervisor token and once with a
Dirección Estatal token, on SQLite and on PostgreSQL. Checks: no 5xx, every
status code and content type is documented, and bodies match their schema.

Run only this: ``/work/venv/bin/python -m pytest tests/server/test_schemathesis.py -q``;
raise ``SCHEMATHESIS_EXAMPLES`` for a longer hunt.
"""
from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance, not_a_server_error, response_schema_conformance, status_code_conformance,
)

from server.testing import drop_pg_database, run_server_in_thread, seed
from tests.server.conftest import BACKENDS, PASSWORD, pg_or_skip

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "12"))


def _install_many_more_shim() -> None:
    """hypothesis-jsonschema 0.23.1 (the latest) calls ``many.more()``, which recent
    Hypothesis releases replaced by iteration; restore the old loop-step API on top of
    the new internals (same spans and choices) so object bodies can be generated."""
    from hypothesis.internal.conjecture.utils import many

    if hasattr(many, "more"):
        return

    def more(self) -> bool:
        if self._depth is None:
            self._depth = self.data.depth
        self._finish_element()
        if not self._decide():
            return False
        self.count += 1
        self._in_element = True
        self._rejected = False
        return True

    many.more = more


_install_many_more_shim()


@pytest.fixture(scope="module", params=BACKENDS)
def fuzz_server(request, tmp_path_factory):
    if request.param == "postgres":
        url = pg_or_skip()
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'fuzz.sqlite3'}"
    seed(url, PASSWORD, students=60, campuses=2)
    base, stop = run_server_in_thread(url)
    yield base
    stop()
    if request.param == "postgres":
        drop_pg_database(url)


@pytest.fixture(scope="module")
def tokens(fuzz_server):
    import requests

    out = {}
    for user in ("supervisor", "estatal"):
        r = requests.post(fuzz_server + "/auth/login", json={"username": user, "password": PASSWORD}, timeout=30)
        out[user] = r.json()["token"]
    return out


@pytest.fixture(scope="module")
def api_schema(fuzz_server):
    return schemathesis.from_uri(fuzz_server + "/openapi.json", base_url=fuzz_server, force_schema_version="30")


schema = schemathesis.from_pytest_fixture("api_schema")


# ``@settings`` goes above ``parametrize``: a lazily loaded schema (``from_pytest_fixture``) reads
# them from the wrapper ``parametrize`` returns; below it they were silently ignored (100 examples).
#: Every operation but sign-out (it would end the run's session) and the sync batch: generating a
#: batch body from its 14-variant ``oneOf`` costs hypothesis-jsonschema seconds per example, and
#: tests/server/test_sync_schemathesis.py generates and sends batches from single-command draws.
ENDPOINTS = "^(?!/auth/logout|/sync/commands/batch)"
CHECKS = (not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance)


def _run(case, token):
    response = case.call(headers={"Authorization": f"Bearer {token}"}, timeout=60)
    case.validate_response(response, checks=CHECKS)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@schema.parametrize(endpoint=ENDPOINTS)
def test_api_as_supervisor_never_answers_5xx(case, tokens):
    _run(case, tokens["supervisor"])


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@schema.parametrize(endpoint=ENDPOINTS)
def test_api_as_state_office_never_answers_5xx(case, tokens):
    _run(case, tokens["estatal"])
