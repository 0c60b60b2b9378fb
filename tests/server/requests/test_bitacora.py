"""The bitácora over HTTP (issue #19 item 6): searchable by text and time, scoped to the systems
office's planteles, exportable as XLSX; other roles are refused."""
from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone

from openpyxl import load_workbook

from tests.server.requests.conftest import act, file_request


def test_search_scope_and_export(req):
    ours = file_request(req, "supervisor", "password_reset")["folio"]
    act(req, "sistemas", ours, "review")
    theirs = file_request(req, "supervisor2", "password_reset")["folio"]  # plantel 002

    entries = req.call("sistemas", "GET", "/requests/log", params={"q": ours}).json()
    assert {e["folio"] for e in entries} == {ours}
    assert {"file", "review"} <= {e["action"] for e in entries}
    assert next(e for e in entries if e["action"] == "review")["action_label"] == "Revisar"
    assert req.call("sistemas", "GET", "/requests/log", params={"q": theirs}).json() == []  # not its plantel
    assert {e["folio"] for e in req.call("admin", "GET", "/requests/log", params={"q": theirs}).json()} == {theirs}

    future = (datetime.now(timezone.utc) + timedelta(days=1)).isoformat()
    assert req.call("sistemas", "GET", "/requests/log", params={"q": ours, "from": future}).json() == []
    assert len(req.call("sistemas", "GET", "/requests/log", params={"q": ours, "to": future}).json()) == len(entries)
    assert req.call("sistemas", "GET", "/requests/log", params={"from": "ayer"}).status_code == 422

    xlsx = req.call("sistemas", "GET", "/requests/log.xlsx", params={"q": ours})
    assert xlsx.status_code == 200
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.values)
    assert rows[0][1] == "Folio" and {r[1] for r in rows[1:]} == {ours} and len(rows) == len(entries) + 1
    for role_user in ("supervisor", "operador"):
        assert req.call(role_user, "GET", "/requests/log.xlsx").status_code == 403
