"""Credentialing domain shared by station and server (no Qt, no I/O).

See DESIGN.md §3. Import the public names from here.
"""
from station.domain.statuses import REPORT_ORDER, Role, Status
from station.domain.fields import REQUIRED_FOR_VALIDATION, SAE_FIELDS, STUDENT_FIELDS, StudentField
from station.domain.student import Student
from station.domain.transitions import (
    INCIDENCIA_RESOLVERS,
    TRANSITIONS,
    Actor,
    Command,
    Context,
    Refusal,
    Transition,
    TransitionRefused,
    allowed_commands,
    apply_command,
    apply_or_raise,
    record_refusal,
)
from station.domain.validators import (
    FieldError,
    matricula_check_digit,
    validate_affiliation_number,
    validate_curp,
    validate_email,
    validate_matricula,
    validate_name,
)

__all__ = [
    "REPORT_ORDER", "Role", "Status", "REQUIRED_FOR_VALIDATION", "SAE_FIELDS", "STUDENT_FIELDS", "StudentField", "Student", "TRANSITIONS",
    "Actor", "Command", "Context", "Refusal", "Transition", "TransitionRefused", "allowed_commands",
    "apply_command", "apply_or_raise", "INCIDENCIA_RESOLVERS", "record_refusal", "FieldError", "matricula_check_digit", "validate_affiliation_number",
    "validate_curp", "validate_email", "validate_matricula", "validate_name",
]
