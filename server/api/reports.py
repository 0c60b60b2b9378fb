"""``/reports/*``: status report (manual §6) and per-plantel student list as XLSX."""
from __future__ import annotations

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from sqlalchemy import func, select

from station.domain import Role, Status
from station.domain.report import build_status_report

from server.api.common import PrincipalDep, errors, factory, logged_read
from server.api.students import RECORD_FIELDS
from server.auth import Principal, require_campus_read, require_roles
from server.db.models import Campus, StudentRow
from server.errors import ApiError
from server.schemas import StatusReportOut
from server.services.students import student_from_row

router = APIRouter(prefix="/reports", tags=["reports"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def status_report(session, campuses: list[str] | None):
    """:class:`StatusReport` from one GROUP BY; ``campuses`` None = every plantel.
    Planteles without students appear with zeros."""
    query = (select(StudentRow.campus_code, StudentRow.status, func.count())
             .group_by(StudentRow.campus_code, StudentRow.status))
    camp_query = select(Campus.code, Campus.name)
    if campuses is not None:
        query = query.where(StudentRow.campus_code.in_(campuses))
        camp_query = camp_query.where(Campus.code.in_(campuses))
    names = dict(session.execute(camp_query).all())
    counts = [(code, names.get(code, code), status, n) for code, status, n in session.execute(query)]
    present = {c[0] for c in counts}
    counts += [(code, name, Status.ENROLLED, 0) for code, name in names.items() if code not in present]
    return build_status_report(counts)


@router.get("/status", response_model=StatusReportOut, responses=errors(401, 403, 422))
def get_status_report(request: Request, principal: Principal = PrincipalDep,
                      campus: list[str] | None = Query(default=None, max_length=100)):
    """Students per status per plantel with totals (manual §6).

    Operators and supervisors get their planteles (403 ``forbidden_campus``
    when asking for another); Dirección Estatal and admins every plantel.
    """
    if campus:
        for code in campus:
            if len(code) > 16:
                raise ApiError("invalid_request", "Código de plantel demasiado largo.", "campus")
            require_campus_read(principal, code)
        scope = sorted(set(campus))
    else:
        scope = None if principal.sees_all_campuses() else sorted(principal.campuses)
    with factory(request)() as session:
        return status_report(session, scope).to_dict()


@router.get("/campus/{code}/students.xlsx", responses={
    200: {"content": {XLSX: {"schema": {"type": "string", "format": "binary"}}},
          "description": "Libro XLSX con la lista de alumnos del plantel"}, **errors(401, 403, 404, 422, 429, 503)},
    response_class=Response)
def get_students_xlsx(request: Request, code: str = Path(min_length=1, max_length=16),
                      principal: Principal = PrincipalDep):
    """The student list of one plantel as XLSX (manual §6: click on the plantel name).

    Personal data: operators/supervisors of the plantel and Dirección Estatal
    only (403 ``forbidden_role`` for admins, ``forbidden_campus`` for other
    planteles); 404 ``campus_not_found``.
    """
    require_roles(principal, Role.OPERATOR, Role.SUPERVISOR, Role.STATE_OFFICE)

    def read(session):
        campus = session.get(Campus, code)
        if campus is None:
            raise ApiError("campus_not_found", f"El plantel {code} no existe.", "code")
        require_campus_read(principal, code)
        students = [student_from_row(r) for r in session.scalars(
            select(StudentRow).where(StudentRow.campus_code == code)
            .order_by(StudentRow.group_code, StudentRow.first_surname, StudentRow.matricula))]
        return (campus, students), [s.matricula for s in students]

    campus, students = logged_read(request, principal, "campus_xlsx", RECORD_FIELDS, read)
    try:
        from station.domain.xlsx import student_list_xlsx
    except ImportError:
        raise ApiError("xlsx_unavailable", "La exportación a Excel no está disponible en esta instalación.")
    data = student_list_xlsx(students, campus.name)
    filename = f"alumnos-{code}.xlsx"
    return Response(data, media_type=XLSX, headers={"Content-Disposition": f'attachment; filename="{filename}"'})
