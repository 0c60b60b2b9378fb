"""Print orders: create from Validado + Rechazado, advance to Imprimiendo and Recibido, list; audited."""
from __future__ import annotations

from sqlalchemy import select

from server.db.models import AuditRow, StudentRow


def test_print_order_lifecycle_on_campus_003(server):
    with server.db() as s:
        eligible = sorted(s.scalars(select(StudentRow.matricula).where(
            StudentRow.campus_code == "003", StudentRow.status.in_(["VALIDATED", "REJECTED"]))))
    assert eligible
    r = server.call("estatal", "POST", "/print-orders", json={"campuses": ["003"]})
    assert r.status_code == 201, r.text
    order = r.json()
    n = order["number"]
    assert order["status"] == "REQUESTED" and sorted(order["matriculas"]) == eligible
    assert order["student_count"] == len(eligible) and n > 3  # demo orders are 1–3
    st = server.call("estatal", "GET", f"/students/{eligible[0]}").json()
    assert st["status"] == "REQUESTED" and st["print_order"] == n
    wrong = server.call("estatal", "POST", f"/print-orders/{n}/advance", json={"to_status": "RECEIVED"})
    assert wrong.status_code == 409 and wrong.json()["error"]["code"] == "print_order_status"
    r = server.call("estatal", "POST", f"/print-orders/{n}/advance", json={"to_status": "PRINTING"})
    assert r.status_code == 200 and r.json()["status"] == "PRINTING" and sorted(r.json()["matriculas"]) == eligible
    r = server.call("estatal", "POST", f"/print-orders/{n}/advance")
    assert r.status_code == 200 and r.json()["status"] == "RECEIVED"
    final = server.call("estatal", "POST", f"/print-orders/{n}/advance")
    assert final.status_code == 409 and final.json()["error"]["code"] == "print_order_final"
    assert all(server.call("operador", "GET", f"/students/{m}").json()["status"] == "RECEIVED" for m in eligible)
    listed = server.call("supervisor", "GET", "/print-orders", params={"status": "RECEIVED"}).json()
    assert n in [o["number"] for o in listed]
    empty = server.call("estatal", "POST", "/print-orders", json={"campuses": ["003"]})
    assert empty.status_code == 409 and empty.json()["error"]["code"] == "print_order_empty"
    with server.db() as s:
        per_student = s.scalars(select(AuditRow.command).where(AuditRow.entity == "student",
                                                                 AuditRow.entity_id == eligible[0])
                                .order_by(AuditRow.id)).all()
        per_order = s.scalars(select(AuditRow.to_status).where(AuditRow.entity == "print_order",
                                                                 AuditRow.entity_id == str(n))
                              .order_by(AuditRow.id)).all()
    assert per_student[-3:] == ["create_print_order", "start_printing", "receive"]
    assert per_order == ["REQUESTED", "PRINTING", "RECEIVED"]


def test_unknown_order_and_campus(server):
    r = server.call("estatal", "POST", "/print-orders/999999/advance")
    assert r.status_code == 404 and r.json()["error"]["code"] == "print_order_not_found"
    r = server.call("estatal", "POST", "/print-orders", json={"campuses": ["999"]})
    assert r.status_code == 422 and r.json()["error"]["code"] == "unknown_campus"
    assert server.call("estatal", "GET", "/print-orders/2147483648").status_code == 422
