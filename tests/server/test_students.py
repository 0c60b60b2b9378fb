"""Students, commands, audit and change numbers over HTTP (manual §8–§13; DESIGN §3–§4)."""
from __future__ import annotations

from sqlalchemy import func, select

from server.db.models import AuditRow, StudentRow
from tests.server.helpers import upload_for
from station.domain.demo import DEMO_CONSENT

H1, H2 = "a" * 64, "b" * 64


def test_health_and_openapi(server):
    assert server.session.get(server.base + "/health").json()["status"] == "ok"
    doc = server.session.get(server.base + "/openapi.json").json()
    assert "/students/{matricula}/commands" in doc["paths"]


def test_any_user_reads_any_student_but_lists_only_own_campus(server):
    other = server.find("ENROLLED", campus="002")
    r = server.call("operador", "GET", f"/students/{other}")
    assert r.status_code == 200 and r.json()["campus_code"] == "002"
    r = server.call("operador", "GET", "/students", params={"page_size": 500})
    assert r.status_code == 200 and {s["campus_code"] for s in r.json()["items"]} == {"001"}
    assert server.call("operador", "GET", "/students", params={"campus": "002"}).status_code == 403
    assert server.call("estatal", "GET", "/students", params={"campus": "002"}).json()["total"] > 0


def test_listing_filters_and_pages(server):
    r = server.call("supervisor", "GET", "/students", params={"campus": "001", "status": "CAPTURED", "page_size": 2})
    body = r.json()
    assert r.status_code == 200 and body["page_size"] == 2 and len(body["items"]) <= 2
    assert all(s["status"] == "CAPTURED" for s in body["items"])
    with server.db() as s:
        n = s.scalar(select(func.count()).select_from(StudentRow).where(StudentRow.campus_code == "001",
                                                                        StudentRow.status == "CAPTURED"))
    assert body["total"] == n
    groups = server.call("supervisor", "GET", "/campuses/001/groups").json()
    assert groups and all(g["students"] > 0 for g in groups)
    codes = [c["code"] for c in server.call("operador", "GET", "/campuses").json()]
    assert codes[:3] == ["001", "002", "003"] and codes == sorted(codes)  # other tests add planteles "T…"


def test_capture_validate_flow_is_audited_with_increasing_change_seq(server):
    m = server.find("ENROLLED")
    photo, sig = upload_for(server, "operador", m)
    r1 = server.call("operador", "POST", f"/students/{m}/commands",
                     json={"command": "capture",
                           "payload": {"photo_sha256": photo, "signature_sha256": sig, **DEMO_CONSENT}})
    assert r1.status_code == 200, r1.text
    assert r1.json()["status"] == "CAPTURED" and r1.json()["photo_sha256"] == photo
    r2 = server.call("supervisor", "POST", f"/students/{m}/commands", json={
        "command": "validate", "payload": {"health_institution": "IMSS", "affiliation_number": "26180366723",
                                           "valid_until": "2030-08-01"}})
    assert r2.status_code == 200, r2.text
    assert r2.json()["status"] == "VALIDATED" and r2.json()["valid_until"] == "2030-08-01"
    assert r2.json()["change_seq"] > r1.json()["change_seq"]
    with server.db() as s:
        events = s.scalars(select(AuditRow).where(AuditRow.entity == "student", AuditRow.entity_id == m)
                           .order_by(AuditRow.id)).all()
    assert [(e.command, e.from_status, e.to_status, e.username) for e in events] == [
        ("capture", "ENROLLED", "CAPTURED", "operador"), ("validate", "CAPTURED", "VALIDATED", "supervisor")]
    assert events[1].change_seq == r2.json()["change_seq"]


def test_refusals_map_to_409_and_403_with_spanish_messages(server):
    m = server.find("CAPTURED")
    r = server.call("supervisor", "POST", f"/students/{m}/commands", json={"command": "defer", "payload": {}})
    assert r.status_code == 409 and r.json()["error"]["code"] == "comment_required"
    assert r.json()["error"]["field"] == "comment" and "comentario" in r.json()["error"]["message"]
    # operator may not validate, whatever the status
    r = server.call("operador", "POST", f"/students/{m}/commands", json={"command": "validate", "payload": {}})
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden_role"
    other = server.find("CAPTURED", campus="002")
    r = server.call("supervisor", "POST", f"/students/{other}/commands",
                    json={"command": "defer", "payload": {"comment": "x"}})
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden_campus"
    delivered = server.find("DELIVERED")
    photo, sig = upload_for(server, "operador", delivered)
    r = server.call("operador", "POST", f"/students/{delivered}/commands",
                    json={"command": "capture",
                          "payload": {"photo_sha256": photo, "signature_sha256": sig, **DEMO_CONSENT}})
    assert r.status_code == 409 and r.json()["error"]["code"] == "invalid_status"
    with server.db() as s:
        assert s.get(StudentRow, other).status == "CAPTURED"


def test_expected_status_detects_concurrent_change(server):
    m = server.find("CAPTURED")
    r = server.call("supervisor", "POST", f"/students/{m}/commands",
                    json={"command": "defer", "payload": {"comment": "sombra"}, "expected_status": "ENROLLED"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "status_changed"


def test_bad_input_is_422_never_500(server):
    m = server.find("ENROLLED")
    cases = [
        {"command": "capture", "payload": {"photo_sha256": "xyz", "signature_sha256": H2}},
        {"command": "capture", "payload": {"photo_sha256": H1, "signature_sha256": H2, "evil": 1}},
        {"command": "defer", "payload": {"comment": {"a": 1}}},
        {"command": "nope"},
        {"command": "import_sae", "payload": {}},
        {"command": "create_print_order", "payload": {"print_order": 5}},
        {"payload": {}},
    ]
    for body in cases:
        r = server.call("supervisor", "POST", f"/students/{m}/commands", json=body)
        assert r.status_code == 422, (body, r.text)
        assert r.json()["error"]["code"] in ("invalid_field", "invalid_request", "command_not_allowed_here")
    r = server.call("supervisor", "POST", f"/students/{m}/commands", data=b"{not json",
                    headers={"Content-Type": "application/json"})
    assert r.status_code == 422 and r.json()["error"]["message"]
    r = server.call("supervisor", "POST", f"/students/{m}/commands",
                    json={"command": "defer", "payload": {"comment": "a\u0000b"}})
    assert r.status_code == 422
    assert server.call("supervisor", "GET", "/students", params={"group": "a\x00"}).status_code == 422
    assert server.call("supervisor", "GET", "/students/180010051-2").json()["error"]["code"] == "invalid_field"
    assert server.call("supervisor", "GET", "/students/180010051-1").status_code == 404
    r = server.call("supervisor", "DELETE", "/students/180010051-1")
    assert r.status_code == 405 and r.json()["error"]["code"] == "method_not_allowed"


def test_print_temporary_counts_and_deliver(server):
    m = server.find("RECEIVED")
    r = server.call("operador", "POST", f"/students/{m}/commands", json={"command": "print_temporary"})
    assert r.status_code == 200 and r.json()["reprint_count"] == 1
    [strokes] = upload_for(server, "operador", m, ("delivery_signature",))
    r = server.call("operador", "POST", f"/students/{m}/commands", json={
        "command": "deliver", "payload": {"delivery_signature_sha256": strokes, "temporary_returned": False}})
    assert r.status_code == 200 and r.json()["status"] == "DELIVERED" and r.json()["temporary_returned"] is False
