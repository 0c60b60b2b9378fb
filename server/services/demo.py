"""Demo data on the server: planteles, users, students and the SAE mirror
from :mod:`station.domain.demo` (issue 3 §2 ``demo-data``)."""
from __future__ import annotations

from datetime import timezone

from sqlalchemy import insert, select

from station.domain.demo import DEMO_STATUS_MIX, generate_students, make_campuses
from station.domain import Actor, Role, Status

from server.db.engine import make_engine, make_session_factory
from server.db.models import Counter, PrintOrder, PrintOrderItem, SaeRecord, StudentRow, User
from server.services.admin import audit, create_user, upsert_campuses
from server.services.students import STUDENT_FIELDS, allocate, utcnow
from server.settings import ServerSettings

#: username → (role, campus indexes, display name). Campus 0 is "Ciudad Azteca" (001).
DEMO_USERS = {
    "admin": (Role.ADMIN, (), "Administración UITI"),
    "estatal": (Role.STATE_OFFICE, (), "Dirección Estatal"),
    "supervisor": (Role.SUPERVISOR, (0,), "Supervisor Ciudad Azteca"),
    "operador": (Role.OPERATOR, (0,), "Capturista Ciudad Azteca"),
    "supervisor2": (Role.SUPERVISOR, (1,), "Supervisor Tlalnepantla II"),
    "operador2": (Role.OPERATOR, (1,), "Capturista Tlalnepantla II"),
    "sistemas": (Role.SYSTEMS, (0,), "Centro de Cómputo Ciudad Azteca"),
}

#: Demo print orders: status of the order for the students' status.
_ORDER_FOR = {Status.REQUESTED: (3, "REQUESTED"), Status.PRINTING: (2, "PRINTING"),
              Status.RECEIVED: (1, "RECEIVED"), Status.REJECTED: (1, "RECEIVED"),
              Status.RETAKE: (1, "RECEIVED"), Status.DELIVERED: (1, "RECEIVED")}


def load_demo(db_url: str, password: str, students: int = 500, campuses: int = 3, seed: int = 2019,
              settings: ServerSettings | None = None, sae_extra: int = 20) -> dict:
    """Load demo data into a migrated database; idempotent for users and planteles.

    Creates ``campuses`` planteles (001 "Ciudad Azteca", 002 "Tlalnepantla II"…),
    the users of :data:`DEMO_USERS` with ``password``, ``students`` students
    with every status of manual §6 (existing matrículas are skipped), their
    SAE rows plus ``sae_extra`` SAE-only students per plantel (to demo
    "Importar"), and print orders 1–3. Returns counts.
    """
    settings = settings or ServerSettings()
    engine = make_engine(db_url)
    factory = make_session_factory(engine)
    system = Actor("demo-data", Role.ADMIN)
    camp = make_campuses(max(campuses, 1))
    out = {"users": 0, "students": 0, "sae": 0}
    try:
        with factory() as session, session.begin():
            upsert_campuses(session, [(c.code, c.name) for c in camp])
            for username, (role, idx, name) in DEMO_USERS.items():
                if any(i >= len(camp) for i in idx):
                    continue
                if session.scalar(select(User).where(User.username == username)) is None:
                    create_user(session, system, username, password, role, [camp[i].code for i in idx], name, settings)
                    out["users"] += 1
            _demo_account_rule(session, system, camp[0].email_domain)
            now = utcnow()
            generated = list(generate_students(students + sae_extra * len(camp), camp, seed=seed,
                                               statuses=DEMO_STATUS_MIX))
            existing = set(session.scalars(select(StudentRow.matricula)))
            existing_sae = set(session.scalars(select(SaeRecord.matricula)))
            to_insert, sae_rows = [], []
            for i, st in enumerate(generated):
                if st.matricula not in existing_sae:
                    sae_rows.append(dict(
                        matricula=st.matricula, curp=st.curp, folio=st.folio, prematricula=st.prematricula,
                        first_names=st.first_names, first_surname=st.first_surname, second_surname=st.second_surname,
                        campus_code=st.campus_code, campus_name=st.campus_name, group_code=st.group_code,
                        career=st.career, institutional_email=st.institutional_email,
                        health_institution=st.health_institution, affiliation_number=st.affiliation_number,
                        enrolled=True, semester=st.semester, source="demo-data", imported_at=now))
                if i >= students or st.matricula in existing:
                    continue
                order = _ORDER_FOR.get(st.status)
                if order:
                    st = st.replace(print_order=order[0])
                values = {name: getattr(st, name) for name in STUDENT_FIELDS}
                values["status"] = st.status.value
                for key in ("biometrics_at", "status_updated_at", "delivered_at", "sae_updated_at"):
                    if values[key] is not None:
                        values[key] = values[key].astimezone(timezone.utc)
                values.update(created_at=now, updated_at=now)
                to_insert.append(values)
            if sae_rows:
                session.execute(insert(SaeRecord), sae_rows)
            if to_insert:
                first = allocate(session, "change_seq", len(to_insert))
                for offset, values in enumerate(to_insert):
                    values["change_seq"] = first + offset
                session.execute(insert(StudentRow), to_insert)
                orders: dict[int, str] = {}
                items = []
                for values in to_insert:
                    order = _ORDER_FOR.get(Status(values["status"]))
                    if order:
                        orders[order[0]] = order[1]
                        items.append({"order_number": order[0], "matricula": values["matricula"]})
                for number, status in orders.items():
                    if session.get(PrintOrder, number) is None:
                        session.add(PrintOrder(number=number, status=status, campuses=[c.code for c in camp],
                                               student_count=0, created_by="demo-data", created_at=now,
                                               updated_at=now))
                session.flush()
                if items:
                    session.execute(insert(PrintOrderItem), items)
                for number in orders:
                    po = session.get(PrintOrder, number)
                    po.student_count = (po.student_count or 0) + sum(1 for it in items if it["order_number"] == number)
                counter = session.get(Counter, "print_order")
                counter.value = max(counter.value, max(orders, default=0))
            audit(session, system, "demo", "demo-data", "demo_data",
                  details={"students": len(to_insert), "sae": len(sae_rows)})
            out["students"], out["sae"] = len(to_insert), len(sae_rows)
    finally:
        engine.dispose()
    return out


def _demo_account_rule(session, actor: Actor, domain: str) -> None:
    """The demo institution's naming rule for students (DESIGN §13), unless one exists."""
    from server.accounts.models import AccountRule
    from server.accounts.service import set_rule

    if session.scalar(select(AccountRule).where(AccountRule.kind == "student")) is None:
        set_rule(session, actor, "student", domain)
