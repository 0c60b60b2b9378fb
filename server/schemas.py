"""Pydantic request/response models of the HTTP API (they make ``/openapi.json`` precise).

Student records travel as :meth:`station.domain.Student.to_dict` plus
``change_seq``. Status and role codes are the domain enums' values.
"""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, create_model

from station.domain import SAE_FIELDS, STUDENT_FIELDS, Command, Role, Status
from station.domain.payloads import COMMAND_PAYLOADS, PayloadField

Username = Field(min_length=1, max_length=80)


class Health(BaseModel):
    """``GET /health``: ``status`` "ok" and the database back-end name."""

    status: Literal["ok"]
    database: str


class LoginRequest(BaseModel):
    """``POST /auth/login``. ``station_id`` (optional) ties the session to a registered
    station that proves its key: ``challenge`` from ``POST /auth/challenge`` and
    ``signature`` (base64 Ed25519 over :func:`station.domain.proofs.login_proof_message`)."""

    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=1, max_length=80)
    password: str = Field(min_length=1, max_length=1024)
    station_id: str = Field(default="", max_length=64)
    challenge: str = Field(default="", max_length=64)
    signature: str = Field(default="", max_length=128)


class UserOut(BaseModel):
    """A user as seen by clients."""

    username: str
    role: Role
    campuses: list[str]
    display_name: str


class LoginResponse(BaseModel):
    """Bearer ``token``, its ``expires_at`` (UTC) and the signed-in ``user``."""

    token: str
    expires_at: datetime
    user: UserOut


class MeResponse(UserOut):
    """``GET /auth/me``: the user plus the session's station and expiry."""

    station_id: str


class OkResponse(BaseModel):
    """Plain acknowledgement."""

    ok: bool = True


def _record_fields(names) -> dict[str, Any]:
    """Pydantic fields of the student field table's ``names``: type, Spanish label as description and
    the column length as ``maxLength`` in the schema (documented, not enforced on output: a response is
    never refused for data the database already holds)."""
    out = {}
    for f in STUDENT_FIELDS:
        if f.name in names:
            extra = {"maxLength": f.max_length} if f.max_length and f.type is str else None
            out[f.name] = (f.annotation, Field(description=f.label, json_schema_extra=extra))
    return out


StudentOut = create_model(
    "StudentOut",
    __doc__="A student record (:meth:`station.domain.Student.to_dict`, fields of "
            ":data:`station.domain.STUDENT_FIELDS`) with its server ``change_seq``.",
    **_record_fields({f.name for f in STUDENT_FIELDS}),
    change_seq=(int, Field(description="Número de cambio del servidor")),
)


class StudentPage(BaseModel):
    """One page of ``GET /students``: ``items``, 1-based ``page``, ``page_size``, ``total``."""

    items: list[StudentOut]
    page: int
    page_size: int
    total: int


def _camel(command: Command) -> str:
    return "".join(part.capitalize() for part in command.value.split("_"))


def _payload_field(f: PayloadField) -> tuple[Any, Any]:
    """The pydantic field of one :class:`~station.domain.payloads.PayloadField`: optional (the
    transition table refuses a missing value with its own code), strict (``"true"`` is not a
    boolean, ``1`` is not text: what the station sent is what is hashed and applied)."""
    kind = dict[str, Any] if f.type is dict else f.type
    return kind | None, Field(default=None, strict=True, description=f.label, max_length=f.max_length,
                              pattern=f.pattern)


#: command → pydantic model of its payload, generated from :data:`station.domain.payloads.COMMAND_PAYLOADS`
#: (unknown keys refused: 422 naming ``payload.<key>``).
PAYLOAD_MODELS: dict[Command, type[BaseModel]] = {
    command: create_model(
        f"{_camel(command)}Payload",
        __config__=ConfigDict(extra="forbid"),
        __doc__=f"Datos de «{command.label}» (``{command.value}``).",
        **{f.name: _payload_field(f) for f in COMMAND_PAYLOADS[command]},
    )
    for command in Command
}


def payload_dict(payload: BaseModel) -> dict[str, Any]:
    """The payload as the client sent it (keys it set, values unchanged by the strict models): what
    the transition table reads and the idempotency digest hashes."""
    return payload.model_dump(exclude_unset=True)


def command_union(base: type[BaseModel], suffix: str) -> Any:
    """A discriminated union over ``command``: one subclass of ``base`` per domain
    :class:`~station.domain.Command` with ``command`` fixed to it and ``payload`` typed by
    :data:`PAYLOAD_MODELS` (``/openapi.json``: a ``oneOf`` with a ``discriminator``).
    ``suffix`` names the variants (``CaptureCommandRequest``…). The validated ``command`` is the
    :class:`~station.domain.Command` member."""
    variants = tuple(
        create_model(
            f"{_camel(command)}{suffix}",
            __base__=base,
            __doc__=f"{base.__doc__.splitlines()[0]} — «{command.label}».",
            command=(Literal[command], Field(description=command.label)),
            payload=(PAYLOAD_MODELS[command], Field(default_factory=PAYLOAD_MODELS[command])),
        )
        for command in Command
    )
    return Annotated[Union[variants], Field(discriminator="command")]


class CommandRequestBase(BaseModel):
    """``POST /students/{matricula}/commands``: a domain ``command`` code and its ``payload``.

    ``expected_status`` (optional) refuses with 409 ``status_changed`` when the
    stored status differs (lets a station detect a concurrent change).
    """

    model_config = ConfigDict(extra="forbid")
    expected_status: Status | None = None


#: The body of ``POST /students/{matricula}/commands``: one variant per command (:func:`command_union`).
CommandRequest = command_union(CommandRequestBase, "CommandRequest")


class CampusOut(BaseModel):
    """A plantel."""

    code: str
    name: str


class GroupOut(BaseModel):
    """A group of a plantel with its number of students."""

    group_code: str
    students: int


class StationIn(BaseModel):
    """``POST /stations``: ``station_id`` and the raw Ed25519 public key in base64 (44 chars)."""

    model_config = ConfigDict(extra="forbid")
    station_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")
    public_key: str = Field(min_length=1, max_length=64)
    description: str = Field(default="", max_length=200)
    campuses: list[str] = Field(default_factory=list, max_length=50)


class StationOut(BaseModel):
    """A registered station."""

    station_id: str
    public_key: str
    description: str
    registered_by: str
    registered_at: datetime
    campuses: list[str] = Field(default_factory=list)


class StationKeys(BaseModel):
    """``GET /stations/keys``: station id → base64 Ed25519 public key (active stations)."""

    keys: dict[str, str]


class UserIn(BaseModel):
    """``POST /users`` (admin)."""

    model_config = ConfigDict(extra="forbid")
    username: str = Field(min_length=1, max_length=80)  # rules: server.services.admin.check_username
    password: str = Field(min_length=8, max_length=1024)
    role: Role
    campuses: list[str] = Field(default_factory=list, max_length=100)
    display_name: str = Field(default="", max_length=160)


class SaeFieldComparison(BaseModel):
    """One line of the side-by-side comparison (manual §7): Spanish ``label``,
    SAE value, credentialing value, whether they differ."""

    field: str
    label: str
    sae: str | int | None
    current: str | int | None
    differs: bool


class Reason(BaseModel):
    """Why an action is not allowed: stable ``code`` and Spanish ``message``."""

    code: str
    message: str


SaeRecordOut = create_model(
    "SaeRecordOut",
    __doc__="A student as the SAE reports it (manual §7 \"Datos del alumno en SAE\"): the SAE fields of "
            ":data:`station.domain.STUDENT_FIELDS` and whether SAE says the student is ``enrolled``.",
    **_record_fields({"matricula", *SAE_FIELDS}),
    enrolled=(bool, Field(description="Inscrito según SAE")),
)


class SaeLookup(BaseModel):
    """``GET /sae/{matricula}``: SAE data, whether the student exists in the
    credentialing database, the comparison, ``allowed`` actions
    (``import``/``update``) and the ``reason`` when none is allowed."""

    matricula: str
    sae: SaeRecordOut
    exists: bool
    student: StudentOut | None
    comparison: list[SaeFieldComparison]
    allowed: list[Literal["import", "update"]]
    reason: Reason | None


class RowError(BaseModel):
    """A refused row of an SAE file: 1-based ``row`` (header = 1), ``field``, Spanish ``message``."""

    row: int
    field: str | None
    message: str
    matricula: str | None = None


class SaeImportResult(BaseModel):
    """Outcome of an SAE file import: rows read, imported, refused, and the row errors."""

    rows: int
    imported: int
    refused: int
    errors: list[RowError]
    errors_truncated: bool
    encoding: str


class PrintOrderCreate(BaseModel):
    """``POST /print-orders``: the planteles whose Validado and Rechazado students go in the order."""

    model_config = ConfigDict(extra="forbid")
    campuses: list[str] = Field(min_length=1, max_length=100)


class PrintOrderAdvance(BaseModel):
    """``POST /print-orders/{number}/advance``: the next status (``PRINTING`` or ``RECEIVED``).

    Omit ``to_status`` to take the next step."""

    model_config = ConfigDict(extra="forbid")
    to_status: Literal["PRINTING", "RECEIVED"] | None = None


class PrintOrderOut(BaseModel):
    """A print order: ``number``, ``status`` (REQUESTED/PRINTING/RECEIVED), planteles, counts."""

    number: int
    status: Literal["REQUESTED", "PRINTING", "RECEIVED"]
    campuses: list[str]
    student_count: int
    created_by: str
    created_at: datetime
    updated_at: datetime
    matriculas: list[str] | None = None
    skipped: list[str] | None = None


class ReportRow(BaseModel):
    """One plantel of the status report (manual §6)."""

    campus_code: str
    campus_name: str
    total: int
    counts: dict[str, int]


class StatusReportOut(BaseModel):
    """``GET /reports/status``: :meth:`station.domain.report.StatusReport.to_dict`."""

    rows: list[ReportRow]
    totals: ReportRow
