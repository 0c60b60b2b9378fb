"""``/sae/*``: lookup with comparison, import, update (manual §7), SAE file upload."""
from __future__ import annotations

import os
import tempfile

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool

from station.domain import Command, Refusal, Role

from server.api.common import PrincipalDep, bounded_chunks, errors, factory, logged_read, settings, transaction
from server.api.students import MatriculaPath, checked_matricula, to_out
from server.auth import Principal, require_roles
from server.errors import ApiError, refusal_error
from server.schemas import SaeImportResult, SaeLookup, SaeRecordOut, StudentOut
from server.services import sae as svc
from server.services.students import apply_student_command, lock_student, utcnow

router = APIRouter(prefix="/sae", tags=["sae"])


#: What a SAE lookup exposes (access log ``fields``).
SAE_FIELDS = ("curp", "nombre", "plantel", "grupo", "carrera", "semestre", "correo", "servicio_medico", "inscrito")


@router.get("/{matricula}", response_model=SaeLookup, responses=errors(401, 404, 422, 429))
def get_sae(request: Request, matricula: str = MatriculaPath, principal: Principal = PrincipalDep):
    """Look a matrícula up in SAE: the SAE data, whether the student exists in the
    credentialing database, the field-by-field comparison, the allowed actions
    (``import``/``update``) or the ``reason`` (manual §7). 404 ``sae_not_found``;
    429 ``too_many_reads``. Logged in the access log."""
    matricula = checked_matricula(matricula)
    cfg = settings(request)

    def read(session):
        sae, row = svc.lookup(session, request.app.state.sae, matricula)
        return (sae, svc.student_of(row)), [matricula]

    sae, student = logged_read(request, principal, "sae", SAE_FIELDS, read)
    command, refusal = svc.evaluate(student, sae, principal.actor, cfg.allowed_semesters, utcnow())
    allowed = [] if refusal else (["import"] if command == Command.IMPORT_SAE else ["update"])
    return SaeLookup(
        matricula=matricula, sae=SaeRecordOut(**sae.__dict__), exists=student is not None,
        student=to_out(student) if student else None, comparison=svc.comparison(sae, student), allowed=allowed,
        reason={"code": refusal.code, "message": refusal.message} if refusal else None)


def _apply(request: Request, matricula: str, principal: Principal, wanted: Command) -> StudentOut:
    matricula = checked_matricula(matricula)
    cfg = settings(request)
    adapter = request.app.state.sae

    def work(session):
        sae = adapter.lookup(session, matricula)
        if sae is None:
            raise ApiError("sae_not_found", f"La matrícula {matricula} no se encuentra en el SAE.", "matricula")
        row = lock_student(session, matricula)
        student = svc.student_of(row)
        command, refusal = svc.evaluate(student, sae, principal.actor, cfg.allowed_semesters, utcnow())
        if refusal is None and command != wanted:
            refusal = (Refusal("already_exists", f"El alumno {matricula} ya existe en la base de datos; use «Actualizar».")
                       if wanted == Command.IMPORT_SAE else
                       Refusal("not_found", "El alumno no existe en la base de datos de credencialización; "
                                            "use «Importar»."))
        if refusal is not None:
            raise refusal_error(refusal)
        result = apply_student_command(session, matricula, wanted, principal.actor,
                                       svc.command_payload(sae, cfg.allowed_semesters))
        if isinstance(result, Refusal):
            raise refusal_error(result)
        return result

    return to_out(transaction(request, work, retry_integrity=True))


@router.post("/{matricula}/import", response_model=StudentOut, status_code=201,
             responses=errors(401, 403, 404, 409, 422))
def post_import(request: Request, matricula: str = MatriculaPath, principal: Principal = PrincipalDep):
    """Importar: create the student (ENROLLED) from SAE data. 403 ``forbidden_role``/``forbidden_campus``;
    409 ``sae_not_enrolled``, ``sae_other_campus``, ``sae_semester_not_allowed``, ``already_exists``…"""
    return _apply(request, matricula, principal, Command.IMPORT_SAE)


@router.post("/{matricula}/update", response_model=StudentOut, responses=errors(401, 403, 404, 409, 422))
def post_update(request: Request, matricula: str = MatriculaPath, principal: Principal = PrincipalDep):
    """Actualizar: overwrite the record's SAE fields (status unchanged; only Enrolado,
    Capturado, Aplazado). Same errors as import; 409 ``invalid_status`` once validated."""
    return _apply(request, matricula, principal, Command.UPDATE_SAE)


@router.post("/files", response_model=SaeImportResult, responses=errors(401, 403, 413, 422),
             openapi_extra={"requestBody": {"required": True, "content": {
                 "text/csv": {"schema": {"type": "string", "format": "binary"}},
                 "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                     "schema": {"type": "string", "format": "binary"}},
                 "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}})
async def post_sae_file(request: Request, principal: Principal = PrincipalDep,
                        filename: str = Query(default="sae.csv", max_length=255)):
    """Load an SAE export file (CSV or XLSX, raw request body) into the SAE data of the server.

    Dirección Estatal and admins only. Answers the row-level errors; good rows
    are imported; all in one transaction. 413 ``payload_too_large``; 422
    ``sae_missing_columns`` / ``sae_empty_file`` / ``sae_bad_file``.
    """
    require_roles(principal, Role.STATE_OFFICE, Role.ADMIN)
    limit = settings(request).max_upload_bytes
    fd, tmp = tempfile.mkstemp(prefix="sae-", suffix=os.path.splitext(filename)[1][:8])
    try:
        with os.fdopen(fd, "wb") as fh:
            async for chunk in bounded_chunks(request, limit):
                fh.write(chunk)
        actor = principal.actor

        def run():
            def work(session):
                result = svc.import_sae_file(session, tmp, source=filename)
                from server.services.admin import audit

                audit(session, actor, "sae_file", filename[:64], "import_sae_file",
                      details={"rows": result.rows, "imported": result.imported, "refused": result.refused})
                return result
            return transaction(request, work)

        result = await run_in_threadpool(run)
        return SaeImportResult(**result.to_dict())
    finally:
        os.unlink(tmp)
