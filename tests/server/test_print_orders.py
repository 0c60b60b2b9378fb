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


def _campus_with(server, students: list[tuple[str, bool]]) -> tuple[str, list[str]]:
    """A plantel of this test only (no other test's order takes its students) with one student per
    ``(status, has photo and signature)``, copied from a demo record; returns its code and matrículas."""
    import secrets

    from server.db.models import Campus
    from server.services.students import allocate
    from tests.server.helpers import matricula

    code = "T" + secrets.token_hex(4)
    year, campus = 90 + secrets.randbelow(9), secrets.randbelow(1000)
    first = secrets.randbelow(9000 - len(students))
    made = [matricula(campus, first + i, year) for i in range(len(students))]
    assert len(set(made)) == len(made)
    with server.db() as s, s.begin():
        s.add(Campus(code=code, name=f"Plantel de prueba {code}"))
        model = s.scalars(select(StudentRow).where(StudentRow.status == "VALIDATED").limit(1)).first()
        columns = {c.key: getattr(model, c.key) for c in StudentRow.__table__.columns}
        for m, (status, biometrics) in zip(made, students):
            s.add(StudentRow(**{**columns, "matricula": m, "campus_code": code, "status": status,
                                "print_order": None, "change_seq": allocate(s, "change_seq"),
                                "photo_sha256": "0" * 64 if biometrics else None,
                                "signature_sha256": "1" * 64 if biometrics else None,
                                "biometrics_at": model.biometrics_at if biometrics else None}))
    return code, made


def test_order_leaves_out_students_without_photo_and_signature(server):
    """Issue 14: a card is printed from the stored photo and signature; a student whose biometrics
    the state office deleted (or never had them) is refused by the transition table's
    ``has_biometrics`` precondition — the order takes the others and lists who stayed out."""
    code, (ok1, ok2, bare_validated, bare_rejected) = _campus_with(
        server, [("VALIDATED", True), ("REJECTED", True), ("VALIDATED", False), ("REJECTED", False)])
    r = server.call("estatal", "POST", "/print-orders", json={"campuses": [code]})
    assert r.status_code == 201, r.text
    order = r.json()
    assert sorted(order["matriculas"]) == sorted([ok1, ok2]) and order["student_count"] == 2
    assert sorted(order["skipped"]) == sorted([bare_validated, bare_rejected])
    with server.db() as s:
        assert {m: s.get(StudentRow, m).status for m in (ok1, ok2, bare_validated, bare_rejected)} == {
            ok1: "REQUESTED", ok2: "REQUESTED", bare_validated: "VALIDATED", bare_rejected: "REJECTED"}
        assert s.get(StudentRow, bare_validated).print_order is None
        event = s.scalars(select(AuditRow).where(AuditRow.entity == "print_order",
                                                 AuditRow.entity_id == str(order["number"]))).one()
        assert event.details["left_out_count"] == 2
        assert {d["matricula"]: d["code"] for d in event.details["left_out"]} == {
            bare_validated: "missing_biometrics", bare_rejected: "missing_biometrics"}


def test_order_of_only_students_without_biometrics_is_refused_in_spanish(server):
    code, (bare,) = _campus_with(server, [("VALIDATED", False)])
    r = server.call("estatal", "POST", "/print-orders", json={"campuses": [code]})
    assert r.status_code == 409, r.text
    error = r.json()["error"]
    assert error["code"] == "print_order_empty" and error["field"] == "campuses"
    assert bare in error["message"] and "fotografía y firma" in error["message"]
    with server.db() as s:
        assert s.get(StudentRow, bare).status == "VALIDATED"
