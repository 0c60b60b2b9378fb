"""What a user may do with an SAE record (manual §7): the comparison with the credentialing
record and the allowed action or the reason why not, using the shared transition table as a dry run."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from station.domain import (
    Actor,
    Command,
    Context,
    Refusal,
    Student,
    apply_command,
)

from server.db.models import StudentRow
from server.errors import ApiError
from server.services.students import precheck, student_from_row

from server.services.sae.records import SaeAdapter, SaeData


# --- lookup and evaluation --------------------------------------------------

COMPARED_FIELDS: tuple[tuple[str, str], ...] = (
    ("curp", "CURP"), ("folio", "Folio"), ("prematricula", "Prematrícula"), ("first_names", "Nombre"),
    ("first_surname", "Primer apellido"), ("second_surname", "Segundo apellido"), ("campus_code", "Plantel"),
    ("group_code", "Grupo"), ("career", "Carrera"), ("semester", "Semestre"),
    ("institutional_email", "Correo institucional"), ("health_institution", "Institución médica"),
    ("affiliation_number", "Número de afiliación"),
)


def comparison(sae: SaeData, student: Student | None) -> list[dict]:
    """Field-by-field comparison (manual §7, two columns): ``field``, ``label``, ``sae``, ``current``, ``differs``."""
    out = []
    for key, label in COMPARED_FIELDS:
        sae_value = getattr(sae, key)
        current = getattr(student, key) if student is not None else None
        out.append({"field": key, "label": label, "sae": sae_value, "current": current,
                    "differs": student is not None and (sae_value or "") != (current or "")})
    return out


def command_payload(sae: SaeData, allowed_semesters: tuple[int, ...]) -> dict:
    """Payload of ``import_sae``/``update_sae`` built on the server from SAE data (never from the client)."""
    return {"matricula": sae.matricula, "fields": sae.domain_fields(),
            "sae": {"enrolled": sae.enrolled, "allowed_semesters": list(allowed_semesters)}}


def evaluate(student: Student | None, sae: SaeData, actor: Actor, allowed_semesters: tuple[int, ...],
             now: datetime) -> tuple[Command, Refusal | None]:
    """Which command applies (import when there is no record, else update) and the reason it
    is not allowed, or ``None`` when it is. Order of reasons: role, not enrolled, another
    plantel (the SAE plantel is not the user's), then the transition table (semester not
    allowed, record already validated, …)."""
    command = Command.IMPORT_SAE if student is None else Command.UPDATE_SAE
    refusal = precheck(None, command, actor, "")
    if refusal is not None:
        return command, refusal
    if not sae.enrolled:
        return command, Refusal("sae_not_enrolled", "El alumno no está registrado como inscrito en el SAE (baja).")
    if not actor.may_write_campus(sae.campus_code):
        return command, Refusal("sae_other_campus",
                                f"El alumno está inscrito en el SAE en el plantel {sae.campus_name} "
                                f"({sae.campus_code}), que no está entre sus planteles asignados.")
    result = apply_command(student, command, actor, command_payload(sae, allowed_semesters),
                           Context(now=now, online=True))
    return command, result if isinstance(result, Refusal) else None


def lookup(session: Session, adapter: SaeAdapter, matricula: str) -> tuple[SaeData, StudentRow | None]:
    """SAE data and credentialing row of ``matricula``; 404 ``sae_not_found`` when SAE does not know it."""
    sae = adapter.lookup(session, matricula)
    if sae is None:
        raise ApiError("sae_not_found", f"La matrícula {matricula} no se encuentra en el SAE.", "matricula")
    return sae, session.get(StudentRow, matricula)


def student_of(row: StudentRow | None) -> Student | None:
    """Domain value of an optional row."""
    return student_from_row(row) if row is not None else None
