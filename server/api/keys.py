"""``GET /trust``: station keys, credential revocations and user status for stations (issue 14 §5).

Signed-in users only (401 otherwise); every role may read it, since every
desk verifies credentials. Nothing personal beyond matrículas and the
active flag of the usernames the caller names.
"""
from __future__ import annotations

from fastapi import APIRouter, Query, Request

from server.api.common import AUTH_ERRORS, PrincipalDep, errors, factory
from server.auth import Principal
from server.errors import ApiError
from server.services.keys import trust_page

router = APIRouter(tags=["stations"])


@router.get("/trust", responses=errors(*AUTH_ERRORS, 422))
def get_trust(request: Request, since: int = Query(0, ge=0, le=2 ** 62),
              users: str = Query("", max_length=2000, description="usuarios separados por comas (máx. 50)"),
              principal: Principal = PrincipalDep) -> dict:
    """Every station key with its window; revocations changed after ``since`` (page of 5,000,
    ``next``/``more``); ``users``: active flag of each username asked about."""
    names = [u.strip() for u in users.split(",") if u.strip()]
    if len(names) > 50 or any(len(u) > 80 for u in names):
        raise ApiError("too_many_users", "Se pueden consultar como máximo 50 usuarios.", "users")
    with factory(request)() as session:
        return trust_page(session, since, names)
