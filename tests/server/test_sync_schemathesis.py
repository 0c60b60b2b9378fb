"""Schemathesis bodies against the typed sync command endpoints (issue 12 item 7), short and deterministic.

``POST /sync/commands`` declares one body variant per domain command (``oneOf`` on
``command``), so schemathesis generates well-formed commands of every kind with payloads that
fit their model. Each example draws 1–3 of them, sends the first alone and then all as one
``POST /sync/commands/batch`` (built from single commands: generating the batch schema
directly costs seconds per body). To reach past the matrícula and author checks each command
is pointed at a real student of the seeded database and authored by the signed-in supervisor
(generated payload, status and keys kept) and the ``Idempotency-Key`` header is the body's
``op_id``: commands without blobs are then applied or refused by the transition table itself.
Checks: never a 5xx (nor inside a batch's results), and every status documented.
``derandomize=True`` and a bounded number of examples keep the run the same every time and
short; ``SYNC_FUZZ_EXAMPLES`` raises it for a longer hunt. SQLite and PostgreSQL (which
enforces text lengths).
"""
from __future__ import annotations

import hashlib
import os

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.server.conftest import PASSWORD
# the seeded server (SQLite and PostgreSQL) of the whole-API run; its module fixture, one per module
from tests.server.test_schemathesis import _install_many_more_shim, fuzz_server  # noqa: F401

EXAMPLES = int(os.environ.get("SYNC_FUZZ_EXAMPLES", "20"))
_install_many_more_shim()


@pytest.fixture(scope="module")
def session(fuzz_server):
    """``(token, matrículas)``: the supervisor's token and the seeded students (every status)."""
    import requests

    r = requests.post(fuzz_server + "/auth/login", json={"username": "supervisor", "password": PASSWORD},
                      timeout=30)
    token = r.json()["token"]
    page = requests.get(fuzz_server + "/students", params={"page_size": 100},
                        headers={"Authorization": f"Bearer {token}"}, timeout=30).json()
    return token, sorted(s["matricula"] for s in page["items"])


def _any_of_commands(node):
    """The document with each command union's ``oneOf`` read as ``anyOf``: the same bodies (the
    variants are disjoint — each fixes ``command`` to another constant, asserted here), but
    hypothesis-jsonschema draws an ``anyOf`` branch directly instead of checking every candidate
    against the other 13 variants (seconds per body)."""
    if isinstance(node, dict):
        if "discriminator" in node and "oneOf" in node:
            assert len(set(node["discriminator"]["mapping"])) == len(node["oneOf"])
            node = {**{k: v for k, v in node.items() if k not in ("oneOf", "discriminator")}, "anyOf": node["oneOf"]}
        return {k: _any_of_commands(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_any_of_commands(v) for v in node]
    return node


@pytest.fixture(scope="module")
def command_bodies(fuzz_server):
    """``(strategy of POST /sync/commands bodies, documented statuses per path)`` from the live document."""
    import requests

    document = requests.get(fuzz_server + "/openapi.json", timeout=30).json()
    schema = schemathesis.from_dict(_any_of_commands(document), base_url=fuzz_server,
                                    force_schema_version="30")
    documented = {path: {int(code) for code in document["paths"][path]["post"]["responses"]}
                  for path in ("/sync/commands", "/sync/commands/batch")}
    return schema["/sync/commands"]["POST"].as_strategy().map(lambda case: case.body), documented


def _aim(command, matriculas: list[str]) -> None:
    """Point one generated command at a seeded student (picked by its ``op_id``) and the supervisor."""
    if not isinstance(command, dict):
        return
    key = str(command.get("op_id", ""))
    command["matricula"] = matriculas[int(hashlib.sha256(key.encode()).hexdigest(), 16) % len(matriculas)]
    command["username"] = "supervisor"


@settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
          phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_typed_sync_commands_never_answer_5xx(data, session, command_bodies, fuzz_server):
    """Each example: 1–3 generated commands, the first sent alone, then all of them as one batch."""
    import requests

    token, matriculas = session
    strategy, documented = command_bodies
    commands = data.draw(st.lists(strategy, min_size=1, max_size=3), label="commands")
    for command in commands:
        _aim(command, matriculas)
    headers = {"Authorization": f"Bearer {token}"}
    first = commands[0]
    alone = requests.post(fuzz_server + "/sync/commands", json=first, timeout=60,
                          headers={**headers, "Idempotency-Key": str(first.get("op_id", ""))})
    assert alone.status_code < 500 and alone.status_code in documented["/sync/commands"], alone.text
    batch = requests.post(fuzz_server + "/sync/commands/batch", json={"commands": commands}, timeout=60,
                          headers=headers)
    assert batch.status_code in documented["/sync/commands/batch"] and batch.status_code < 500, batch.text
    if batch.status_code == 200:
        results = batch.json()["results"]
        assert len(results) == len(commands) and all(r["status"] < 500 for r in results), results
