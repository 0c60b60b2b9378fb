"""Requests (solicitudes) to the systems office: states, actions, the one transition
table with its roles, and the request types as data (DESIGN.md §12, issue #19).

Sources: seed *procedimiento-cuentas-correo-institucional-itm* §5 (request types by
kind of requester, the documents each one attaches, review → cancel with notice |
carry out → answer, bitácora), seed *solicitud-envio-correos-masivos-unicauca*
(mass e-mail: sender, subject, message; confirmation to the requester) and seed
*creacion-cuentas-correo-sedu-coahuila* §6 (oficio → analysis → accounts → answer letter).

Shared by the server (which enforces it), the station client and the screens, so the
rules live once. The table is data like :mod:`station.domain.transitions`: each
:class:`RequestTransition` names an action, the states it starts from, where it
leads, the roles that may take it, whether the requester may take it on their own
request (``requester``: ``"may"``, ``"never"`` or ``"any"``) and which text it requires.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Any, Mapping

from station.domain.statuses import Role
from station.domain.transitions import Refusal
from station.domain.validators import FieldError


class RequestState(str, Enum):
    """State of a request; the value is the stable wire/database code."""

    RECEIVED = "received"
    IN_REVIEW = "in_review"
    CANCELLED = "cancelled"
    APPROVED = "approved"
    IN_PROGRESS = "in_progress"
    ATTENDED = "attended"

    @property
    def label(self) -> str:
        """Spanish (es-MX) label shown to users."""
        return STATE_LABELS[self]


STATE_LABELS: dict[RequestState, str] = {
    RequestState.RECEIVED: "Recibida",
    RequestState.IN_REVIEW: "En revisión",
    RequestState.CANCELLED: "Cancelada",
    RequestState.APPROVED: "Aprobada",
    RequestState.IN_PROGRESS: "En proceso",
    RequestState.ATTENDED: "Atendida",
}

#: States after which nothing more happens to a request.
FINAL_STATES = frozenset({RequestState.CANCELLED, RequestState.ATTENDED})
#: States whose service clock runs (deadline reminders apply).
OPEN_STATES = frozenset(RequestState) - FINAL_STATES


class RequestAction(str, Enum):
    """An action on a request; the value is the stable wire code."""

    REVIEW = "review"
    CANCEL = "cancel"
    APPROVE = "approve"
    START = "start"
    COMPLETE = "complete"

    @property
    def label(self) -> str:
        """Spanish (es-MX) label of the action button."""
        return ACTION_LABELS[self]


ACTION_LABELS: dict[RequestAction, str] = {
    RequestAction.REVIEW: "Revisar",
    RequestAction.CANCEL: "Cancelar",
    RequestAction.APPROVE: "Aprobar",
    RequestAction.START: "Iniciar atención",
    RequestAction.COMPLETE: "Marcar como atendida",
}

#: Who reviews and carries out requests: the systems office (Centro de Cómputo / DGTI) and admins.
HANDLERS = frozenset({Role.SYSTEMS, Role.ADMIN})
ANYONE = frozenset(Role)


@dataclass(frozen=True)
class RequestTransition:
    """One row of the table.

    ``roles``: roles that may take the action on *any* request they can see.
    ``requester``: ``"may"`` — the requester may also take it on their own request
    whatever their role; ``"never"`` — the requester may not, even holding a role in
    ``roles`` (server-enforced separation of duties); ``"any"`` — no special rule.
    ``requires``: names of the texts the action needs (``reason``, ``response``).
    """

    action: RequestAction
    from_states: frozenset[RequestState]
    to_state: RequestState
    roles: frozenset[Role]
    requester: str = "any"
    requires: tuple[str, ...] = ()


R = RequestState
REQUEST_TRANSITIONS: tuple[RequestTransition, ...] = (
    RequestTransition(RequestAction.REVIEW, frozenset({R.RECEIVED}), R.IN_REVIEW, HANDLERS),
    RequestTransition(RequestAction.CANCEL, frozenset({R.RECEIVED, R.IN_REVIEW}), R.CANCELLED, HANDLERS,
                      requester="may", requires=("reason",)),
    RequestTransition(RequestAction.CANCEL, frozenset({R.APPROVED}), R.CANCELLED, HANDLERS, requires=("reason",)),
    RequestTransition(RequestAction.APPROVE, frozenset({R.IN_REVIEW}), R.APPROVED, HANDLERS, requester="never"),
    RequestTransition(RequestAction.START, frozenset({R.APPROVED}), R.IN_PROGRESS, HANDLERS),
    RequestTransition(RequestAction.COMPLETE, frozenset({R.IN_PROGRESS}), R.ATTENDED, HANDLERS,
                      requires=("response",)),
)

#: Longest reason / response text (characters).
TEXT_MAX = 4000

_REQUIRES_MESSAGES = {
    "reason": "Escriba el motivo de la cancelación.",
    "response": "Escriba la respuesta: qué se hizo para atender la solicitud.",
}


def _rows(action: RequestAction, state: RequestState) -> list[RequestTransition]:
    return [t for t in REQUEST_TRANSITIONS if t.action == action and state in t.from_states]


def _permitted(row: RequestTransition, role: Role, is_requester: bool) -> bool:
    if is_requester and row.requester == "never":
        return False
    if is_requester and row.requester == "may":
        return True
    return role in row.roles


def check_action(state: RequestState, action: RequestAction, role: Role, is_requester: bool,
                 texts: Mapping[str, str] | None = None) -> Refusal | RequestTransition:
    """The transition ``action`` takes from ``state`` for a caller of ``role`` (``is_requester``:
    the caller filed the request), or a :class:`Refusal`:

    - ``own_request_approval`` (403): the requester may never approve their own request;
    - ``forbidden_role`` (403): the role may not take the action;
    - ``request_state`` (409): the action does not apply in ``state``;
    - ``reason_required`` / ``response_required`` (422): a required text is missing or too long
      (``texts`` maps ``reason``/``response`` to the given text).
    """
    rows = _rows(action, state)
    if not rows:
        return Refusal("request_state", f"No se puede «{action.label}» una solicitud {state.label.lower()}.",
                       "action")
    allowed = [r for r in rows if _permitted(r, role, is_requester)]
    if not allowed:
        if is_requester and any(r.requester == "never" for r in rows):
            return Refusal("own_request_approval",
                           "No puede aprobar su propia solicitud; debe aprobarla otra persona del Centro de Cómputo.",
                           "action")
        return Refusal("forbidden_role", f"Su perfil ({role.label}) no puede «{action.label}» esta solicitud.",
                       "action")
    row = allowed[0]
    for name in row.requires:
        text = ((texts or {}).get(name) or "").strip()
        if not text:
            return Refusal(f"{name}_required", _REQUIRES_MESSAGES[name], name)
        if len(text) > TEXT_MAX:
            return Refusal(f"{name}_required", f"El texto es demasiado largo (máximo {TEXT_MAX} caracteres).", name)
    return row


def allowed_actions(state: RequestState, role: Role, is_requester: bool) -> list[RequestAction]:
    """Actions the caller may take now (texts aside), in table order, without repeats."""
    out: list[RequestAction] = []
    for row in REQUEST_TRANSITIONS:
        if state in row.from_states and _permitted(row, role, is_requester) and row.action not in out:
            out.append(row.action)
    return out


# --- request types -----------------------------------------------------------------

class FieldKind(str, Enum):
    """Kind of a form field: decides the widget and the check."""

    TEXT = "text"
    EMAIL = "email"
    DATE = "date"
    CAMPUS = "campus"
    GROUPS = "groups"
    HTML = "html"
    INT = "int"


@dataclass(frozen=True)
class FormField:
    """A field of a request form: ``name`` (wire key), es-MX ``label``, ``kind``,
    ``required``, ``max_length`` (characters; for ``groups`` the whole list)."""

    name: str
    label: str
    kind: FieldKind
    required: bool = True
    max_length: int = 200

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "label": self.label, "kind": self.kind.value, "required": self.required,
                "max_length": self.max_length}


#: Content types of attachments (checked by content on the server, never by name).
PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv"
DOCUMENT_TYPES = (PDF, JPEG, PNG)
DATA_TYPES = (XLSX, CSV, PDF)
ALL_TYPES = (PDF, JPEG, PNG, XLSX, CSV)
#: Short Spanish name of each accepted content type (the desk's pre-check and the server's refusals).
TYPE_NAMES = {PDF: "PDF", JPEG: "JPEG", PNG: "PNG", XLSX: "Excel (XLSX)", CSV: "CSV"}


@dataclass(frozen=True)
class AttachmentSpec:
    """A document a request carries: ``kind`` (wire key), es-MX ``label``, ``required``,
    ``content_types`` accepted."""

    kind: str
    label: str
    required: bool
    content_types: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "label": self.label, "required": self.required,
                "content_types": list(self.content_types)}


@dataclass(frozen=True)
class RequestType:
    """A kind of request: ``code``, es-MX ``label``, form ``fields``, ``attachments`` and the
    default ``service_hours`` (working time the systems office has to attend it; overridable
    by server settings). ``accounts_kind`` names the institutional-account kind it creates
    (:mod:`server.accounts`), ``""`` when none; ``mass_mail`` marks the campaign type."""

    code: str
    label: str
    fields: tuple[FormField, ...]
    attachments: tuple[AttachmentSpec, ...]
    service_hours: int
    accounts_kind: str = ""
    mass_mail: bool = False

    def to_dict(self, service_hours: int | None = None) -> dict[str, Any]:
        return {"code": self.code, "label": self.label, "fields": [f.to_dict() for f in self.fields],
                "attachments": [a.to_dict() for a in self.attachments],
                "service_hours": self.service_hours if service_hours is None else service_hours}

    def attachment(self, kind: str) -> AttachmentSpec | None:
        return next((a for a in self.attachments if a.kind == kind), None)


F = FieldKind
#: Every request names where the answer goes (users carry no address of their own).
CONTACT = FormField("contact_email", "Correo para la respuesta", F.EMAIL, True, 254)
OFICIO = AttachmentSpec("oficio", "Oficio de solicitud firmado por el jefe de área", True, DOCUMENT_TYPES)
DATA_FILE = AttachmentSpec("data_file", "Archivo con los datos de las cuentas (XLSX o CSV)", False, DATA_TYPES)
INE = AttachmentSpec("ine", "INE u otra identificación oficial con fotografía", True, DOCUMENT_TYPES)
SCHEDULE = AttachmentSpec("schedule", "Carga académica u horario del semestre en curso", True, DOCUMENT_TYPES)
TITULACION = AttachmentSpec("titulacion", "Documento de Titulación que valida el trámite", True, DOCUMENT_TYPES)
PERSON = (
    FormField("full_name", "Nombre completo", F.TEXT, True, 200),
    FormField("account", "Cuenta de correo institucional", F.EMAIL, True, 254),
)

REQUEST_TYPES: dict[str, RequestType] = {t.code: t for t in (
    RequestType("student_accounts", "Cuentas para alumnos de nuevo ingreso", (
        CONTACT,
        FormField("campus", "Plantel", F.CAMPUS, True, 16),
        FormField("groups", "Grupos (vacío: se adjunta la lista)", F.GROUPS, False, 2000),
        FormField("notes", "Observaciones", F.TEXT, False, 2000),
    ), (OFICIO, DATA_FILE), 72, accounts_kind="student"),
    RequestType("staff_accounts", "Cuentas para docentes o personal administrativo", (
        CONTACT,
        FormField("campus", "Plantel", F.CAMPUS, True, 16),
        FormField("people_count", "Número de personas", F.INT, True, 6),
        FormField("notes", "Observaciones", F.TEXT, False, 2000),
    ), (OFICIO, AttachmentSpec("data_file", "Archivo con los datos del personal (XLSX o CSV)", True, DATA_TYPES)),
        72, accounts_kind="staff"),
    RequestType("graduate_account", "Cuenta para egresado en proceso de titulación", (
        CONTACT,
        FormField("campus", "Plantel", F.CAMPUS, True, 16),
        FormField("full_name", "Nombre completo", F.TEXT, True, 200),
        FormField("matricula", "Matrícula", F.TEXT, True, 16),
        FormField("personal_email", "Correo personal", F.EMAIL, False, 254),
    ), (INE, TITULACION), 48, accounts_kind="graduate"),
    RequestType("password_reset", "Reinicio de contraseña de cuenta de correo", (CONTACT, *PERSON), (INE, SCHEDULE), 24),
    RequestType("mail_problem", "Bloqueo de cuenta o problema de envío/recepción de correo", (
        CONTACT, *PERSON,
        FormField("description", "Descripción del problema", F.TEXT, True, 4000),
    ), (INE, SCHEDULE), 48),
    RequestType("mass_mail", "Envío de correo masivo", (
        CONTACT,
        FormField("sender", "Remitente (dependencia que firma)", F.TEXT, True, 160),
        FormField("subject", "Asunto", F.TEXT, True, 200),
        FormField("message", "Mensaje (texto o HTML)", F.HTML, True, 100_000),
        FormField("campus", "Plantel destinatario (vacío: todos)", F.CAMPUS, False, 16),
        FormField("groups", "Grupos destinatarios (vacío: todo el plantel)", F.GROUPS, False, 2000),
        FormField("wished_date", "Fecha deseada de envío", F.DATE, False, 10),
    ), (AttachmentSpec("oficio", "Oficio de solicitud (opcional)", False, DOCUMENT_TYPES),), 24, mass_mail=True),
)}

_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CAMPUS_RE = re.compile(r"^[0-9A-Za-z-]{1,16}$")
_GROUP_RE = re.compile(r"^[0-9A-Za-z._/-]{1,40}$")


class RequestFieldError(FieldError):
    """A form value that does not pass: ``field`` and Spanish ``message`` (code ``invalid_field``)."""


def request_type(code: str) -> RequestType:
    """The type ``code``; raises :class:`RequestFieldError` (field ``type``) when unknown."""
    found = REQUEST_TYPES.get(code)
    if found is None:
        raise RequestFieldError("type", f"El tipo de solicitud «{code}» no existe.")
    return found


def _check_value(field: FormField, value: Any) -> Any:
    if field.kind == F.GROUPS:
        items = value if isinstance(value, list) else [v for v in re.split(r"[,\s]+", str(value)) if v]
        if not all(isinstance(v, str) and _GROUP_RE.match(v) for v in items):
            raise RequestFieldError(field.name, f"«{field.label}»: cada grupo es una clave de letras y números.")
        if len(",".join(items)) > field.max_length:
            raise RequestFieldError(field.name, f"«{field.label}» es demasiado largo.")
        return sorted(set(items))
    if field.kind == F.INT:
        if isinstance(value, bool) or not (isinstance(value, int) or (isinstance(value, str) and value.strip().isdigit()
                                                                       and value.strip().isascii())):
            raise RequestFieldError(field.name, f"«{field.label}» debe ser un número entero.")
        number = int(value)
        if not 1 <= number <= 10 ** (field.max_length) - 1:
            raise RequestFieldError(field.name, f"«{field.label}» está fuera del rango permitido.")
        return number
    if not isinstance(value, str):
        raise RequestFieldError(field.name, f"«{field.label}» debe ser texto.")
    text = value.strip()
    if len(text) > field.max_length:
        raise RequestFieldError(field.name, f"«{field.label}» es demasiado largo (máximo {field.max_length}).")
    if any(ord(c) < 32 and c not in "\n\r\t" for c in text):
        raise RequestFieldError(field.name, f"«{field.label}» contiene caracteres de control.")
    if field.kind == F.EMAIL and not (_EMAIL_RE.match(text) and text.isascii() and ".." not in text):
        raise RequestFieldError(field.name, f"«{field.label}»: «{text}» no es una dirección de correo válida.")
    if field.kind == F.CAMPUS and not _CAMPUS_RE.match(text):
        raise RequestFieldError(field.name, f"«{field.label}»: «{text}» no es una clave de plantel.")
    if field.kind == F.DATE:
        try:
            date.fromisoformat(text)
        except ValueError:
            raise RequestFieldError(field.name, f"«{field.label}» debe ser una fecha AAAA-MM-DD.") from None
    return text


def validate_fields(kind: RequestType, values: Mapping[str, Any]) -> dict[str, Any]:
    """The form ``values`` checked against ``kind``'s fields, normalised (texts stripped,
    groups a sorted list, ints ints, empty optionals dropped). Raises
    :class:`RequestFieldError` for an unknown key, a missing required field or a bad value."""
    names = {f.name for f in kind.fields}
    unknown = sorted(set(values) - names)
    if unknown:
        raise RequestFieldError(unknown[0], f"El campo «{unknown[0]}» no corresponde a «{kind.label}».")
    out: dict[str, Any] = {}
    for field in kind.fields:
        value = values.get(field.name)
        empty = value is None or (isinstance(value, (str, list)) and not (value.strip() if isinstance(value, str)
                                                                          else value))
        if empty:
            if field.required:
                raise RequestFieldError(field.name, f"Falta «{field.label}».")
            continue
        out[field.name] = _check_value(field, value)
    return out


def missing_attachments(kind: RequestType, present: set[str] | frozenset[str]) -> list[AttachmentSpec]:
    """Required attachments of ``kind`` whose ``kind`` key is not in ``present``."""
    return [a for a in kind.attachments if a.required and a.kind not in present]


def folio_text(year: int, number: int) -> str:
    """The folio of the ``number``-th request of ``year``: ``SOL-2026-000123``."""
    return f"SOL-{year:04d}-{number:06d}"
