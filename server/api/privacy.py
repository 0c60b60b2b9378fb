"""ARCO rights of a student (LGPDPPSO arts. 43–50, issue 14 §6): the access export and the
cancellation (deletion) of the biometrics.

``GET /students/{matrícula}/arco`` — state office and admins only (403
otherwise, 401 without a session, 404 unknown matrícula) — answers a ZIP:

- ``alumno.json``: the server record (every column of the field table and status);
- ``auditoria.json``: every audit event of the student (who, station, when, from→to, comment);
- ``accesos.json``: the reads of the student's data: audited ones (events
  whose command is a read: the export itself) and the access log's
  (:mod:`server.services.access`: who, role, station, address, what, fields);
- ``biometricos/<tipo>-<sha256>``: each biometric bound to the student, as
  the server serves it (``GET /blobs``), with ``biometricos.json`` listing
  kind, size, uploader, station and time.

The export itself is audited (``arco_export``) before the answer is sent.

``POST /students/{matrícula}/biometrics/delete`` ``{"reason": "…"}`` — the state office
only (403 for every other role, admins included, nothing written): deletes the student's
photo and signatures on the server (:mod:`server.services.biometrics`), audited with the
reason and what was deleted; 409 ``comment_required`` without a reason, ``invalid_status``
while the card is being printed; 404 unknown matrícula. Stations drop their copies on their
next pull.
"""
from __future__ import annotations

import io
import json
import zipfile
from datetime import date, datetime

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from station.domain import Refusal, Role

from server.api.common import AUTH_ERRORS, PrincipalDep, errors, transaction
from server.auth import Principal, require_roles
from server.db.models import AuditRow, StudentRow
from server.errors import ApiError, refusal_error
from server.services.access import query_access_log
from server.sync.models import BlobBinding, SyncBlob, open_blob

router = APIRouter(tags=["privacy"])

#: Audit commands that record a read of personal data.
READ_COMMANDS = ("arco_export", "read", "read_student", "read_blob", "get_blob")


def _plain(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def _event(e: AuditRow) -> dict:
    return {"at": _plain(e.at), "username": e.username, "role": e.role, "station_id": e.station_id,
            "sender": e.sender, "command": e.command, "from_status": e.from_status, "to_status": e.to_status,
            "comment": e.comment, "details": e.details}


def build_arco_zip(session, principal: Principal, matricula: str, keys=None) -> bytes:
    """The export (see module doc); audits it in ``session``. 404 ``student_not_found``."""
    row = session.get(StudentRow, matricula)
    if row is None:
        raise ApiError("student_not_found", f"No existe la matrícula {matricula}.", "matricula")
    from server.services.admin import audit

    export = audit(session, principal.actor, "student", matricula, "arco_export",
                   comment="Exportación ARCO (acceso)")
    record = {c.name: _plain(getattr(row, c.name)) for c in StudentRow.__table__.columns}
    events = list(session.scalars(select(AuditRow).where(AuditRow.entity == "student",
                                                           AuditRow.entity_id == matricula)
                                  .order_by(AuditRow.id)))
    events.append(export)  # audit rows are inserted at commit (server.db.chain): this one is not in the table yet
    reads = [{"at": _plain(r.at), "username": r.username, "role": r.role, "station_id": r.station_id,
              "address": r.address, "resource": r.resource, "fields": r.fields}
             for r in reversed(query_access_log(session, matricula=matricula, limit=10_000))]
    bindings = list(session.scalars(select(BlobBinding).where(BlobBinding.matricula == matricula)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("alumno.json", json.dumps(record, ensure_ascii=False, indent=2))
        z.writestr("auditoria.json", json.dumps([_event(e) for e in events], ensure_ascii=False, indent=2))
        z.writestr("accesos.json", json.dumps(reads + [_event(e) for e in events if e.command in READ_COMMANDS],
                                              ensure_ascii=False, indent=2))
        listed = []
        for b in bindings:
            blob = session.get(SyncBlob, b.sha256)
            if blob is None:
                continue
            name = f"biometricos/{b.kind}-{b.sha256}"
            z.writestr(name, open_blob(keys, blob))  # stored encrypted: the export carries the plaintext
            listed.append({"archivo": name, "tipo": b.kind, "bytes": blob.size, "subido_por": b.uploaded_by,
                           "estacion": b.station_id, "fecha": _plain(blob.created_at)})
        z.writestr("biometricos.json", json.dumps(listed, ensure_ascii=False, indent=2))
    return out.getvalue()


@router.get("/students/{matricula}/arco", responses=errors(*AUTH_ERRORS, 403, 404))
def get_arco_export(request: Request, matricula: str = Path(min_length=1, max_length=16),
                    principal: Principal = PrincipalDep) -> Response:
    """ZIP with everything held about one student (state office, admin); the export is audited."""
    require_roles(principal, Role.STATE_OFFICE, Role.ADMIN)
    data = transaction(request, lambda s: build_arco_zip(s, principal, matricula, request.app.state.keys))
    return Response(data, media_type="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="arco-{matricula}.zip"'})


class DeleteBiometricsRequest(BaseModel):
    """Body of ``POST /students/{matrícula}/biometrics/delete``: why (e.g. the folio of the
    ARCO cancellation request), kept in the audit."""

    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=2000)


@router.post("/students/{matricula}/biometrics/delete", responses=errors(*AUTH_ERRORS, 403, 404, 409))
def delete_biometrics(body: DeleteBiometricsRequest, request: Request,
                      matricula: str = Path(min_length=1, max_length=16),
                      principal: Principal = PrincipalDep) -> dict:
    """Delete the student's photo and signatures on the server (state office only; see module
    doc) → ``{"student": record, "deleted": [{"tipo", "sha256"}]}``."""
    from server.api.students import checked_matricula, to_out
    from server.services.biometrics import delete_student_biometrics

    require_roles(principal, Role.STATE_OFFICE)
    matricula = checked_matricula(matricula)

    def work(session):
        outcome = delete_student_biometrics(session, matricula, principal.actor, body.reason)
        if isinstance(outcome, Refusal):
            raise refusal_error(outcome)  # nothing written
        return outcome

    student, deleted = transaction(request, work)
    return {"student": to_out(student).model_dump(mode="json"),
            "deleted": [{"tipo": d["kind"], "sha256": d["sha256"]} for d in deleted]}
