"""The student fields a notice template may use, with their Spanish labels.

Names are the :class:`station.domain.Student` field names (the one field
table of DESIGN.md §2) plus ``full_name`` («APELLIDOS NOMBRE» as printed on
the card). Biometric hashes and internal counters are not offered.
"""
from __future__ import annotations

from dataclasses import fields as dc_fields
from datetime import date, datetime
from typing import Any

from station.domain import Student

LABELS: dict[str, str] = {
    "matricula": "Matrícula", "curp": "CURP", "first_names": "Nombre", "first_surname": "Primer apellido",
    "second_surname": "Segundo apellido", "full_name": "Nombre completo", "prematricula": "Prematrícula",
    "folio": "Folio", "campus_code": "Clave de plantel", "campus_name": "Plantel", "group_code": "Grupo",
    "career": "Carrera", "semester": "Semestre", "institutional_email": "Correo institucional",
    "health_institution": "Institución médica", "affiliation_number": "Número de afiliación",
    "status": "Estatus", "valid_until": "Vigencia", "print_order": "Orden de impresión",
    "delivered_at": "Fecha de entrega",
}
_STUDENT_NAMES = {f.name for f in dc_fields(Student)}
#: Template variable names, in menu order.
TEMPLATE_FIELDS: tuple[str, ...] = tuple(n for n in LABELS if n in _STUDENT_NAMES or n == "full_name")


def _text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if hasattr(value, "label") and hasattr(value, "value"):  # Status
        return str(value.label)
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def student_context(student: Student) -> dict[str, str]:
    """Template values of ``student``: every :data:`TEMPLATE_FIELDS` name with a
    value, as text (dates ``dd/mm/aaaa``, status by its Spanish label). Empty
    fields are *absent*, so a template using one is refused at preview."""
    out: dict[str, str] = {}
    for name in TEMPLATE_FIELDS:
        value = _text(student.full_name if name == "full_name" else getattr(student, name))
        if value is not None:
            out[name] = value
    return out
