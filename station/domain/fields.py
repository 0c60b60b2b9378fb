"""The student field table: every field of the student record, written once.

One row per field of :class:`station.domain.Student`, in its order: code
``name``, Python ``type`` (and whether it may be ``None``), ``max_length`` in
characters (``None`` = unbounded text or not text), whether the supervisor
needs it filled before Validado (manual §10), the es-MX ``label`` users see
(manual §8 «Datos del alumno», §13 «Consultar alumno»), the ``sae_column``
header of the SAE export (manual §7; ``None`` = not in SAE) and whether the
value is ``personal`` data (LGPDPPSO: identifies the student, or is health or
biometric data).

Built from this table: :data:`REQUIRED_FOR_VALIDATION`, :data:`SAE_FIELDS`,
the student columns of both ORMs (:func:`orm_columns`: station cache
``students``, server ``students`` and ``sae_records``), the SAE parser's limits
and labels (``server.services.sae``), the XLSX student list
(:mod:`station.domain.xlsx`), the API's ``StudentOut``/``SaeRecordOut``
(``server.schemas``) and the domain's length checks of desk-typed fields.
Checked against it by ``tests/test_field_table.py``: the ORMs and the databases
the migrations build (also ``tests/test_schema_matches_migrations.py``), the
:class:`Student` dataclass and the screens' label lists. Adding a field = one
row here, then the Alembic migration on each side that those tests ask for.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from station.domain.statuses import Status


@dataclass(frozen=True)
class StudentField:
    """One field of the student record (see the module docstring for each attribute)."""

    name: str
    type: type
    label: str
    max_length: int | None = None
    nullable: bool = False
    required_for_validation: bool = False
    sae_column: str | None = None
    personal: bool = False
    #: The field's name inside a Spanish sentence when it is not the lower-cased label
    #: ("falta vigencia", not "falta vigencia credencial").
    phrase: str | None = None

    @property
    def annotation(self) -> Any:
        """The Python annotation of the field (``str``, ``int | None``…), as pydantic wants it."""
        return self.type | None if self.nullable else self.type

    @property
    def label_lower(self) -> str:
        """The name inside a sentence: :attr:`phrase`, else the label with its first letter
        lower-cased unless the word is an acronym (CURP)."""
        if self.phrase:
            return self.phrase
        first = self.label.split(" ", 1)[0]
        return self.label if first.isupper() else self.label[0].lower() + self.label[1:]


_F = StudentField

#: The student field table, in the order of :class:`station.domain.Student`.
STUDENT_FIELDS: tuple[StudentField, ...] = (
    _F("matricula", str, "Matrícula", 16, sae_column="Matricula", personal=True),
    _F("curp", str, "CURP", 18, required_for_validation=True, sae_column="CURP", personal=True),
    _F("first_names", str, "Nombre", 120, required_for_validation=True, sae_column="Nombre", personal=True),
    _F("first_surname", str, "Primer apellido", 120, required_for_validation=True, sae_column="Primer apellido",
       personal=True),
    _F("second_surname", str, "Segundo apellido", 120, sae_column="Segundo apellido", personal=True),
    _F("prematricula", str, "Prematrícula", 16, sae_column="Prematricula", personal=True),
    _F("folio", str, "Folio", 32, sae_column="Folio", personal=True),
    _F("campus_code", str, "Clave plantel", 16, required_for_validation=True, sae_column="Plantel", phrase="plantel"),
    _F("campus_name", str, "Plantel", 200),
    _F("group_code", str, "Grupo", 40, required_for_validation=True, sae_column="Grupo"),
    _F("career", str, "Carrera", 200, required_for_validation=True, sae_column="Carrera"),
    _F("semester", int, "Semestre", nullable=True, sae_column="Semestre"),
    _F("institutional_email", str, "Correo institucional", 200, required_for_validation=True,
       sae_column="Correo institucional", personal=True),
    _F("health_institution", str, "Institución médica", 200, required_for_validation=True,
       sae_column="Institución médica", personal=True),
    _F("affiliation_number", str, "Número de afiliación", 32, required_for_validation=True,
       sae_column="Número de afiliación", personal=True),
    _F("status", Status, "Estatus", 16),
    _F("valid_until", date, "Vigencia credencial", nullable=True, required_for_validation=True, phrase="vigencia"),
    _F("comment", str, "Comentario"),
    _F("print_order", int, "Orden de impresión", nullable=True),
    _F("reprint_count", int, "Credenciales temporales impresas"),
    _F("biometrics_at", datetime, "Fecha toma de biométricos", nullable=True),
    _F("status_updated_at", datetime, "Fecha actualización estatus", nullable=True),
    _F("delivered_at", datetime, "Fecha entrega alumno", nullable=True),
    _F("sae_updated_at", datetime, "Fecha actualización desde SAE", nullable=True),
    _F("photo_sha256", str, "Fotografía", 64, nullable=True, required_for_validation=True, personal=True),
    _F("signature_sha256", str, "Firma", 64, nullable=True, required_for_validation=True, personal=True),
    _F("delivery_signature_sha256", str, "Firma de entrega", 64, nullable=True, personal=True),
    _F("temporary_returned", bool, "Devolvió la credencial temporal", nullable=True),
)

#: name → :class:`StudentField`.
FIELDS_BY_NAME: dict[str, StudentField] = {f.name: f for f in STUDENT_FIELDS}

#: ``(name, lower-case label)`` of the fields that must be filled before a supervisor can mark the
#: record Validado (manual §10 "Todos los alumnos deben contar con TODA la información").
REQUIRED_FOR_VALIDATION: tuple[tuple[str, str], ...] = tuple(
    (f.name, f.label_lower) for f in STUDENT_FIELDS if f.required_for_validation)

#: Fields a SAE import/update may set (manual §7 "Datos del alumno en SAE"): the SAE columns but the
#: matrícula (the key), plus the plantel's name that the Plantel column resolves to.
SAE_FIELDS: tuple[str, ...] = tuple(
    f.name for f in STUDENT_FIELDS if (f.sae_column and f.name != "matricula") or f.name == "campus_name")


def label(name: str) -> str:
    """The es-MX label of field ``name``. Raises ``KeyError`` for an unknown field."""
    return FIELDS_BY_NAME[name].label


def too_long(name: str, value: str) -> str | None:
    """The Spanish reason why ``value`` does not fit field ``name`` (its ``max_length``), else ``None``."""
    limit = FIELDS_BY_NAME[name].max_length
    if limit is not None and len(value) > limit:
        return f"El campo {FIELDS_BY_NAME[name].label_lower} admite como máximo {limit} caracteres."
    return None


#: Storage kind of each Python type of the table (what an ORM maps to its SQL type).
_STORAGE = {str: "text", int: "integer", bool: "boolean", date: "date", datetime: "datetime", Status: "string"}
#: Value of the ``default`` option meaning "no default: every insert must give the value".
NO_DEFAULT = object()
#: Fields every stored record is created with: their columns have no empty default, so an
#: insert that forgets one fails instead of storing a nameless or status-less student.
CREATION_FIELDS: tuple[str, ...] = ("matricula", "curp", "first_names", "first_surname", "status")


def storage_kind(f: StudentField) -> str:
    """How field ``f`` is stored: ``"string"`` (text with :attr:`~StudentField.max_length`),
    ``"text"`` (unbounded), ``"integer"``, ``"boolean"``, ``"date"`` or ``"datetime"``
    (aware UTC)."""
    kind = _STORAGE[f.type]
    return "string" if f.max_length is not None and kind in ("text", "string") else kind


def orm_columns(column: Any, sql_types: dict[str, Any], names: tuple[str, ...] | None = None,
                options: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """The ORM columns of the student fields ``names`` (default: every field), in table order,
    for an ORM the domain does not import: ``{name: column(sql_type, nullable=…, default=…,
    **options[name])}``.

    ``column``: the column factory (SQLAlchemy's ``mapped_column``). ``sql_types``: storage kind
    (:func:`storage_kind`) → SQL type; for ``"string"`` it is called with the field's
    ``max_length``. ``nullable`` is the field's; a non-nullable text field defaults to ``""`` and
    a non-nullable integer to ``0``, except the :data:`CREATION_FIELDS`; ``options`` adds
    per-column keywords (``primary_key``, ``index``…) and ``default=NO_DEFAULT`` removes the
    default. Raises ``KeyError`` for an unknown field name or a kind missing from ``sql_types``.
    """
    options = options or {}
    columns: dict[str, Any] = {}
    for name in names or tuple(f.name for f in STUDENT_FIELDS):
        f = FIELDS_BY_NAME[name]
        kind = storage_kind(f)
        sql_type = sql_types[kind](f.max_length) if kind == "string" else sql_types[kind]
        extra = dict(options.get(name, {}))
        if not f.nullable and "default" not in extra and name not in CREATION_FIELDS:
            empty = {"text": "", "string": "", "integer": 0}.get(kind)
            if empty is not None:
                extra["default"] = empty
        if extra.get("default", None) is NO_DEFAULT:
            del extra["default"]
        columns[name] = column(sql_type, nullable=f.nullable, **extra)
    return columns
