"""The student fields a notice template may use, with their Spanish labels.

Names and labels come from the student field table
(:mod:`station.domain.fields`, DESIGN.md §2) plus ``full_name`` («APELLIDOS
NOMBRE» as printed on the card). Biometric hashes and internal counters are
not offered.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from station.domain import Student
from station.domain.fields import FIELDS_BY_NAME

#: Student fields offered to templates (names of the field table, station.domain.fields), in menu
#: order; biometrics, counters and internal dates are left out.
_OFFERED = ("matricula", "curp", "first_names", "first_surname", "second_surname", "prematricula", "folio",
            "campus_code", "campus_name", "group_code", "career", "semester", "institutional_email",
            "health_institution", "affiliation_number", "status", "valid_until", "print_order", "delivered_at")
#: Template variable name → Spanish label (the field table's, plus ``full_name``).
LABELS: dict[str, str] = {"full_name": "Nombre completo",
                          **{name: FIELDS_BY_NAME[name].label for name in _OFFERED}}
TEMPLATE_FIELDS: tuple[str, ...] = tuple(LABELS)


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
