"""What each command of the transition table carries in its payload, written once.

:data:`COMMAND_PAYLOADS` maps every :class:`~station.domain.transitions.Command` to the
:class:`PayloadField` rows its payload may hold: the keys its preconditions and effects
read (:mod:`station.domain.transitions`, :func:`station.domain.minors.consent_problem`)
plus the SHA-256 of the rendered signature images the station's store adds beside the
signature blobs. Every field is optional here: a *missing* photo, comment or order
number is a refusal of the transition table (409 ``missing_biometrics``,
``comment_required``…), decided there; this table only fixes each key's type, its
length and its Spanish description.

Built from it: the server's per-command pydantic payload models and the discriminated
unions of ``POST /students/{matricula}/commands``, ``POST /sync/commands`` and
``POST /sync/commands/batch`` (``server.schemas``), so ``/openapi.json`` documents each
command's payload. Checked against the table by ``tests/domain/test_payloads.py``: every
command has an entry, and every key a precondition or effect of a command reads is
declared for that command.
"""
from __future__ import annotations

from dataclasses import dataclass
from station.domain.fields import FIELDS_BY_NAME
from station.domain.minors import MAX_GUARDIAN_NAME, RELATIONSHIPS
from station.domain.transitions import Command

#: Longest free text (comments, the reason to accept a photo that failed a check).
MAX_COMMENT = 2000
#: Pattern of a SHA-256 in the payload: 64 lower-case hexadecimal digits.
SHA256_PATTERN = r"^[0-9a-f]{64}$"


@dataclass(frozen=True)
class PayloadField:
    """One key of a command's payload: ``name``, JSON ``type`` (``str``, ``bool``, ``int`` or
    ``dict`` for a nested object), Spanish ``label`` (the schema's description), ``max_length``
    of text (``None`` = not text) and a regular-expression ``pattern`` text must match."""

    name: str
    type: type
    label: str
    max_length: int | None = None
    pattern: str | None = None


def _sha(name: str, label: str) -> PayloadField:
    return PayloadField(name, str, f"SHA-256 de {label} (subido antes con PUT /blobs/{{sha256}})", 64, SHA256_PATTERN)


def _record(name: str) -> PayloadField:
    """A payload key that fills a field of the student record: its label and length from the field table."""
    f = FIELDS_BY_NAME[name]
    return PayloadField(name, str, f.label, f.max_length)


_COMMENT = PayloadField("comment", str, "Comentario (motivo)", MAX_COMMENT)
_COMPLETION = (_record("health_institution"), _record("affiliation_number"),
               PayloadField("valid_until", str, "Vigencia de la credencial (AAAA-MM-DD)", 32), _COMMENT)
_SAE = (PayloadField("fields", dict, "Campos del alumno según el SAE"),
        PayloadField("sae", dict, "Respuesta del SAE: inscrito (enrolled) y semestres permitidos"))

#: command → the keys its payload may carry (see the module docstring).
COMMAND_PAYLOADS: dict[Command, tuple[PayloadField, ...]] = {
    Command.IMPORT_SAE: _SAE,
    Command.UPDATE_SAE: _SAE,
    Command.CAPTURE: (
        _sha("photo_sha256", "la fotografía"), _sha("signature_sha256", "la firma (trazos)"),
        _sha("signature_png_sha256", "la imagen de la firma"),
        PayloadField("photo_checks_ok", bool, "La fotografía pasó las revisiones de calidad"),
        PayloadField("photo_override_reason", str, "Motivo para aceptar la fotografía sin pasar las revisiones",
                     MAX_COMMENT),
        PayloadField("guardian_name", str, "Nombre de quien otorga el consentimiento (alumno menor de edad)",
                     MAX_GUARDIAN_NAME),
        # the choices are the domain's to refuse (409 guardian_consent_required, audited), not the schema's
        PayloadField("guardian_relationship", str, "Parentesco de quien otorga el consentimiento: "
                     + ", ".join(RELATIONSHIPS), 20),
    ),
    Command.PRINT_TEMPORARY: (),
    Command.VALIDATE: _COMPLETION,
    Command.DEFER: _COMPLETION,
    Command.CREATE_PRINT_ORDER: (PayloadField("print_order", int, "Número de la orden de impresión"),),
    Command.START_PRINTING: (),
    Command.RECEIVE: (),
    Command.REJECT_REPRINT: (_COMMENT,),
    Command.REJECT_RETAKE: (_COMMENT,),
    Command.DELIVER: (
        _sha("delivery_signature_sha256", "la firma de entrega (trazos)"),
        _sha("delivery_signature_png_sha256", "la imagen de la firma de entrega"),
        PayloadField("temporary_returned", bool, "El alumno devolvió la credencial temporal"),
    ),
    Command.SET_INSTITUTIONAL_EMAIL: (_record("institutional_email"),),
    Command.DELETE_BIOMETRICS: (_COMMENT,),
}


def payload_keys(command: Command) -> frozenset[str]:
    """The payload keys of ``command`` (:data:`COMMAND_PAYLOADS`). ``KeyError`` for a command
    without an entry (a test makes sure there is none)."""
    return frozenset(f.name for f in COMMAND_PAYLOADS[command])

