"""Separation of duties (issue #19 item 2): the requester can never approve their own request —
the server refuses (403 ``own_request_approval``) and writes nothing, over HTTP and the CLI.

Broken on purpose once (``server.requests.service.transition`` treating every caller as not the
requester): both tests failed — 200 «Aprobada» over HTTP, exit 0 from the CLI. See
/work/notes/19-req-core.md."""
from __future__ import annotations

import subprocess
import sys

from tests.server.requests.conftest import act, attach, counts, documents_for, file_request


def _ready_for_approval(env, requester: str) -> str:
    folio = file_request(env, requester, "password_reset")["folio"]
    for kind, (name, data) in documents_for("password_reset").items():
        assert attach(env, requester, folio, kind, name, data).status_code == 201
    r = act(env, requester, folio, "review")  # a systems requester may take it into review…
    assert r.status_code == 200 and r.json()["state"] == "in_review", r.text
    assert "approve" not in r.json()["allowed_actions"]  # …but is never offered the approval
    return folio


def test_requester_cannot_approve_own_request_over_http(req):
    folio = _ready_for_approval(req, "sistemas")
    before = counts(req, folio)
    r = act(req, "sistemas", folio, "approve")
    assert r.status_code == 403, r.text
    assert r.json()["error"]["code"] == "own_request_approval"
    assert "propia solicitud" in r.json()["error"]["message"]
    assert counts(req, folio) == before  # nothing written: state, times, log, audit, mails
    r = act(req, "admin", folio, "approve")  # someone else may
    assert r.status_code == 200 and r.json()["state"] == "approved", r.text


def test_requester_cannot_approve_own_request_from_the_cli(req):
    folio = _ready_for_approval(req, "sistemas")
    before = counts(req, folio)
    done = subprocess.run([sys.executable, "-m", "server.cli", "requests", "--db", req.url, "--as", "sistemas",
                           "act", folio, "approve"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "No puede aprobar su propia solicitud" in done.stderr and "Traceback" not in done.stderr
    assert counts(req, folio) == before
