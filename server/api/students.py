"""Students, commands, planteles and groups (manual §8–§13; DESIGN §3–§4).

Reads: any signed-in user may consult any student by matrícula (manual
§13); bulk lists are limited to the user's planteles for operators and
supervisors. Writes go through :func:`server.services.students.apply_student_command`.
"""
from __future__ import annotations

from fastapi import APIRouter, Path, Query, Request
from sqlalchemy import func, select

from station.domain import Command, FieldError, Refusal, Status, validate_matricula

from server.api.common import AUTH_ERRORS, PrincipalDep, errors, factory, logged_read, transaction
from server.auth import Principal, require_campus_read
from server.db.models import Campus, StudentRow
from server.errors import ApiError, api_error, refusal_error
from server.schemas import CampusOut, CommandRequest, GroupOut, StudentOut, StudentPage, payload_dict
from server.services.students import (AUDITED_REFUSALS, apply_student_command, audit_refusal, lock_student,
                                      precheck, student_from_row)
from server.services.biometrics import discard_refused_blobs
from server.sync.bindings import unbound_hashes

router = APIRouter(tags=["students"])

MatriculaPath = Path(min_length=1, max_length=32, description="Matrícula, p. ej. 180010051-1")

#: Commands that have their own endpoint (the server supplies data the client must not assert).
OTHER_ENDPOINT = {
    Command.IMPORT_SAE: "POST /sae/{matricula}/import",
    Command.UPDATE_SAE: "POST /sae/{matricula}/update",
    Command.CREATE_PRINT_ORDER: "POST /print-orders",
    Command.START_PRINTING: "POST /print-orders/{number}/advance",
    Command.RECEIVE: "POST /print-orders/{number}/advance",
    Command.SET_INSTITUTIONAL_EMAIL: "POST /accounts/campuses/{campus}/import",
    Command.DELETE_BIOMETRICS: "POST /students/{matricula}/biometrics/delete",
}

#: What a student record read exposes (access log ``fields``).
RECORD_FIELDS = ("curp", "nombre", "plantel", "grupo", "carrera", "semestre", "correo", "servicio_medico", "estatus",
                 "comentario")

def to_out(student) -> StudentOut:
    """API model of a domain student (``extra["change_seq"]`` required)."""
    return StudentOut(**student.to_dict(), change_seq=student.extra["change_seq"])


def checked_matricula(value: str) -> str:
    """Validated matrícula or 422 ``invalid_field`` (field ``matricula``) with the domain's message."""
    try:
        return validate_matricula(value)
    except FieldError as exc:
        raise api_error(exc) from None


@router.get("/students/{matricula}", response_model=StudentOut, responses=errors(401, 404, 422, 429))
def get_student(request: Request, matricula: str = MatriculaPath, principal: Principal = PrincipalDep):
    """One student's full record (manual §13: any signed-in user, any plantel, read-only).

    404 ``student_not_found``; 422 ``invalid_field`` for a malformed matrícula;
    429 ``too_many_reads``. Logged in the access log (:func:`logged_read`).
    """
    matricula = checked_matricula(matricula)

    def read(session):
        row = session.get(StudentRow, matricula)
        if row is None:
            raise ApiError("student_not_found",
                           f"El alumno {matricula} no existe en la base de datos de credencialización.", "matricula")
        out = to_out(student_from_row(row))
        if not principal.sees_all_campuses() and row.campus_code not in principal.campuses:
            # manual §13: any desk user may consult the data, but never another plantel's biometrics
            out = out.model_copy(update={"photo_sha256": None, "signature_sha256": None,
                                         "delivery_signature_sha256": None})
        return out, [matricula]

    return logged_read(request, principal, "student", RECORD_FIELDS, read)


@router.get("/students", response_model=StudentPage, responses=errors(401, 403, 422, 429))
def list_students(request: Request, principal: Principal = PrincipalDep,
                  campus: str | None = Query(default=None, max_length=16),
                  group: str | None = Query(default=None, max_length=40),
                  status: Status | None = Query(default=None),
                  page: int = Query(default=1, ge=1, le=1_000_000),
                  page_size: int = Query(default=100, ge=1, le=500)):
    """Students filtered by plantel, group and status, ordered by matrícula, paged.

    Operators and supervisors: only their planteles (403 ``forbidden_campus``;
    without ``campus`` their own planteles are listed).
    """
    query = select(StudentRow)
    if campus is not None:
        require_campus_read(principal, campus)
        query = query.where(StudentRow.campus_code == campus)
    elif not principal.sees_all_campuses():
        query = query.where(StudentRow.campus_code.in_(sorted(principal.campuses)))
    if group is not None:
        query = query.where(StudentRow.group_code == group)
    if status is not None:
        query = query.where(StudentRow.status == status.value)

    def read(session):
        total = session.scalar(select(func.count()).select_from(query.subquery()))
        rows = session.scalars(query.order_by(StudentRow.matricula).offset((page - 1) * page_size).limit(page_size))
        items = [to_out(student_from_row(r)) for r in rows]
        return StudentPage(items=items, page=page, page_size=page_size, total=total), [i.matricula for i in items]

    return logged_read(request, principal, "student_list", RECORD_FIELDS, read)


@router.post("/students/{matricula}/commands", response_model=StudentOut, responses=errors(401, 403, 404, 409, 422, 424))
def post_command(body: CommandRequest, request: Request, matricula: str = MatriculaPath,
                 principal: Principal = PrincipalDep):
    """Apply a domain command (``station.domain.Command`` code) to a student.

    Returns the new record. Refusals of the shared transition table: 403
    ``forbidden_role`` / ``forbidden_campus``, 404 ``not_found``, 409 with
    the refusal's code and Spanish message otherwise (e.g.
    ``invalid_status``, ``comment_required``, ``status_changed``). 422
    ``invalid_request`` naming ``payload.<key>`` for a payload that does not fit the
    command's model (:data:`server.schemas.PAYLOAD_MODELS`), ``command_not_allowed_here``
    for SAE and print-order commands (they have their own endpoints); 424 ``blob_missing`` when
    the photo or signature it names has not been uploaded for this student (as in the sync batch).
    """
    matricula = checked_matricula(matricula)
    if body.command in OTHER_ENDPOINT:
        raise ApiError("command_not_allowed_here",
                       f"«{body.command.label}» se realiza con {OTHER_ENDPOINT[body.command]}.", "command")
    payload = payload_dict(body.payload)
    actor = principal.actor

    hashes = {v for k, v in payload.items() if k.endswith("_sha256") and isinstance(v, str)}

    def work(session):
        row = lock_student(session, matricula)  # locked before reading (a plain read would go stale)
        refusal = precheck(None, body.command, actor, row.campus_code) if row is not None else None
        if refusal is not None:  # role and plantel answer first (403), then the blobs
            raise refusal_error(refusal)
        if unbound_hashes(session, matricula, hashes):
            raise ApiError("blob_missing", "La fotografía o firma indicada no se ha subido al servidor para "
                                                "este alumno; súbala primero (PUT /blobs/{sha256}).", "payload")
        result = apply_student_command(session, matricula, body.command, actor, payload,
                                       expected_status=body.expected_status, sender=principal.username)
        if isinstance(result, Refusal):
            if result.code not in AUDITED_REFUSALS or row is None:
                raise refusal_error(result)  # nothing written
            dropped = discard_refused_blobs(session, row, hashes)  # a minor's photo offered without consent
            audit_refusal(session, row, body.command, actor, result, principal.username, {"discarded": dropped})
        return result  # a student, or an audited refusal committed with its audit event alone

    result = transaction(request, work)
    if isinstance(result, Refusal):
        raise refusal_error(result)
    return to_out(result)


@router.get("/campuses", response_model=list[CampusOut], responses=errors(*AUTH_ERRORS))
def list_campuses(request: Request, principal: Principal = PrincipalDep):
    """Every plantel (code, name), ordered by code."""
    with factory(request)() as session:
        return [CampusOut(code=c.code, name=c.name) for c in session.scalars(select(Campus).order_by(Campus.code))]


@router.get("/campuses/{code}/groups", response_model=list[GroupOut], responses=errors(401, 403, 404, 422))
def list_groups(request: Request, code: str = Path(min_length=1, max_length=16), principal: Principal = PrincipalDep):
    """Groups of a plantel with their student counts (manual §10 filter "grupo").

    404 ``campus_not_found``; 403 ``forbidden_campus`` for other planteles of scoped roles.
    """
    with factory(request)() as session:
        if session.get(Campus, code) is None:
            raise ApiError("campus_not_found", f"El plantel {code} no existe.", "code")
        require_campus_read(principal, code)
        rows = session.execute(select(StudentRow.group_code, func.count()).where(StudentRow.campus_code == code)
                               .group_by(StudentRow.group_code).order_by(StudentRow.group_code))
        return [GroupOut(group_code=g, students=n) for g, n in rows]
