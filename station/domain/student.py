"""The student record (manual §8, §13; DESIGN.md §3).

A :class:`Student` is an immutable value; the transition function returns a new
one. Dates are timezone-aware UTC ``datetime`` values, ``valid_until`` is a
``date``. Biometrics are referenced by the SHA-256 (hex) of their stored
bytes, never embedded, so the record can be logged and synced cheaply.
"""
from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from station.domain.statuses import Status


@dataclass(frozen=True)
class Student:
    """One student's credentialing record.

    Fields follow the screens of manual §8 (Datos del alumno) and §13
    (Consultar alumno):

    - identity: ``matricula`` (``180010051-1``), ``prematricula``, ``folio``,
      ``curp``, ``first_names`` (Nombre), ``first_surname``, ``second_surname``;
    - school: ``campus_code``/``campus_name`` (plantel), ``group_code``
      (grupo, ``102-ELIN18``), ``career`` (carrera), ``semester``;
    - ``institutional_email``, ``health_institution``, ``affiliation_number``;
    - process: ``status``, ``valid_until`` (vigencia), ``comment`` (last
      comment), ``print_order`` (número de orden de impresión),
      ``reprint_count`` (temporary credentials printed);
    - §13 dates: ``biometrics_at`` (toma de biométricos),
      ``status_updated_at``, ``delivered_at`` (entrega al alumno),
      ``sae_updated_at`` (actualización desde SAE);
    - biometrics by hash: ``photo_sha256``, ``signature_sha256``,
      ``delivery_signature_sha256``; ``temporary_returned`` records whether the
      temporary credential was handed back at delivery (§12).
    """

    matricula: str
    curp: str
    first_names: str
    first_surname: str
    second_surname: str = ""
    prematricula: str = ""
    folio: str = ""
    campus_code: str = ""
    campus_name: str = ""
    group_code: str = ""
    career: str = ""
    semester: int | None = None
    institutional_email: str = ""
    health_institution: str = ""
    affiliation_number: str = ""
    status: Status = Status.ENROLLED
    valid_until: date | None = None
    comment: str = ""
    print_order: int | None = None
    reprint_count: int = 0
    biometrics_at: datetime | None = None
    status_updated_at: datetime | None = None
    delivered_at: datetime | None = None
    sae_updated_at: datetime | None = None
    photo_sha256: str | None = None
    signature_sha256: str | None = None
    delivery_signature_sha256: str | None = None
    temporary_returned: bool | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def full_name(self) -> str:
        """Name as printed on the card: ``APELLIDOS NOMBRE`` (manual §8 step 9)."""
        parts = [self.first_surname, self.second_surname, self.first_names]
        return " ".join(p for p in parts if p)

    @property
    def has_biometrics(self) -> bool:
        """True when both photo and signature are stored (manual §8)."""
        return bool(self.photo_sha256 and self.signature_sha256)

    def replace(self, **changes: Any) -> "Student":
        """Return a copy with ``changes`` applied (fields by name)."""
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict: dates as ISO 8601 strings, status as its code."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            if f.name == "extra":
                continue
            value = getattr(self, f.name)
            if isinstance(value, Status):
                value = value.value
            elif isinstance(value, (datetime, date)):
                value = value.isoformat()
            out[f.name] = value
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Student":
        """Inverse of :meth:`to_dict`; unknown keys are ignored.

        Raises ``ValueError`` on a malformed date or unknown status code.
        """
        names = _field_names(cls)
        kwargs: dict[str, Any] = {}
        for key, value in data.items():
            if key not in names or key == "extra":
                continue
            if value is not None:
                if key == "status":
                    value = Status(value)
                elif key == "valid_until" and isinstance(value, str):
                    value = date.fromisoformat(value[:10])
                elif key.endswith("_at") and isinstance(value, str):
                    value = datetime.fromisoformat(value)
            kwargs[key] = value
        return cls(**kwargs)


@functools.cache
def _field_names(cls: type) -> frozenset[str]:
    """Field names of the dataclass ``cls`` (cached: :meth:`Student.from_dict` runs once per pulled record)."""
    return frozenset(f.name for f in dataclasses.fields(cls))
