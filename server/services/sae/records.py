"""SAE data and where it comes from (manual §7): :class:`SaeData`, the :class:`SaeAdapter`
interface and the reference :class:`DatabaseSaeAdapter` over ``sae_records``."""
from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Protocol

from sqlalchemy.orm import Session

from station.domain import SAE_FIELDS

from server.db.models import SaeRecord


@dataclass(frozen=True)
class SaeData:
    """A student as the SAE reports it. ``enrolled`` = Estatus "inscrito"."""

    matricula: str
    curp: str
    first_names: str
    first_surname: str
    second_surname: str
    campus_code: str
    campus_name: str
    group_code: str
    career: str
    enrolled: bool
    semester: int | None
    folio: str = ""
    prematricula: str = ""
    institutional_email: str = ""
    health_institution: str = ""
    affiliation_number: str = ""

    def domain_fields(self) -> dict:
        """The ``payload["fields"]`` of the SAE import/update commands (empty optional values left out,
        so an SAE blank never erases data captured at the desk)."""
        out = {k: getattr(self, k) for k in SAE_FIELDS}
        for key in ("institutional_email", "health_institution", "affiliation_number", "folio"):
            if not out[key]:
                del out[key]
        return out


class SaeAdapter(Protocol):
    """Source of SAE data. ``lookup`` returns ``None`` when the matrícula is not in SAE."""

    def lookup(self, session: Session, matricula: str) -> SaeData | None:
        """The SAE record of ``matricula`` or ``None``."""


_SAE_DATA_FIELDS = tuple(f.name for f in fields(SaeData))


class DatabaseSaeAdapter:
    """Reference adapter: the latest SAE export files loaded with :func:`import_sae_file`."""

    def lookup(self, session: Session, matricula: str) -> SaeData | None:
        row = session.get(SaeRecord, matricula)
        if row is None:
            return None
        return SaeData(**{k: getattr(row, k) for k in _SAE_DATA_FIELDS})
