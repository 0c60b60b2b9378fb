"""``GET /access-log``: who read which students' personal data (issue 13 item 4; DESIGN.md §10).

State office and admins only (403 ``forbidden_role``). Filters: ``username``,
``matricula``, ``station``, ``since`` / ``until`` (ISO-8601; UTC when no offset),
``before_id`` to page on; newest first, at most ``limit`` (1–1000). The rows come
from :mod:`server.services.access` (append-only, hash-chained ``access_log``).
"""
from __future__ import annotations

from datetime import datetime, timezone

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel

from station.domain import Role

from server.api.common import AUTH_ERRORS, PrincipalDep, errors, factory
from server.auth import Principal, require_roles
from server.services.access import query_access_log

router = APIRouter(tags=["access-log"])


class AccessOut(BaseModel):
    """One logged read: ``students`` matrículas (``count`` of them) of ``resource``, ``fields`` exposed."""

    id: int
    at: datetime
    username: str
    role: str
    station_id: str
    address: str
    resource: str
    students: list[str]
    count: int
    fields: list[str]


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


@router.get("/access-log", response_model=list[AccessOut], responses=errors(*AUTH_ERRORS, 403))
def get_access_log(request: Request, principal: Principal = PrincipalDep,
                   username: str | None = Query(default=None, max_length=80),
                   matricula: str | None = Query(default=None, max_length=32),
                   station: str | None = Query(default=None, max_length=64),
                   since: datetime | None = Query(default=None), until: datetime | None = Query(default=None),
                   before_id: int | None = Query(default=None, ge=1, le=2**63 - 1),
                   limit: int = Query(default=200, ge=1, le=1000)) -> list[AccessOut]:
    """Logged reads of personal data, newest first (see module docstring)."""
    require_roles(principal, Role.STATE_OFFICE, Role.ADMIN)
    with factory(request)() as session:
        rows = query_access_log(session, username=username, matricula=matricula, station_id=station,
                                since=_utc(since), until=_utc(until), limit=limit, before_id=before_id)
    return [AccessOut(id=r.id, at=r.at, username=r.username, role=r.role, station_id=r.station_id, address=r.address,
                      resource=r.resource, students=r.matriculas.split(), count=r.students, fields=list(r.fields or []))
            for r in rows]
