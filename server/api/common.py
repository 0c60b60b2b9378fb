"""Shared pieces of the routers: app state access, the principal dependency,
documented error responses."""
from __future__ import annotations

from typing import Any, Callable, TypeVar

from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session, sessionmaker

from server.auth import Principal, authenticate, bearer_token
from server.db.engine import run_transaction
from server.errors import ErrorResponse
from server.settings import ServerSettings

T = TypeVar("T")


def factory(request: Request) -> sessionmaker[Session]:
    """The app's session factory."""
    return request.app.state.session_factory


def settings(request: Request) -> ServerSettings:
    """The app's :class:`ServerSettings`."""
    return request.app.state.settings


def transaction(request: Request, work: Callable[[Session], T], retry_integrity: bool = False) -> T:
    """Run ``work`` in one retried transaction (see :func:`server.db.engine.run_transaction`)."""
    return run_transaction(factory(request), work, retry_integrity=retry_integrity)


#: The OpenAPI security scheme of every signed-in route: ``Authorization: Bearer <token>`` (the
#: token of ``POST /auth/login``). ``auto_error=False``: the 401 and its Spanish envelope stay ours.
BEARER = HTTPBearer(scheme_name="bearer", bearerFormat="token opaco de POST /auth/login",
                    description="Token de sesión de `POST /auth/login`, en `Authorization: Bearer …`.",
                    auto_error=False)


def current_principal(request: Request,
                      _declared: HTTPAuthorizationCredentials | None = Security(BEARER)) -> Principal:
    """Dependency: the authenticated :class:`Principal` (401 otherwise). ``_declared`` only
    makes the OpenAPI document declare the bearer scheme on each route; the token is read by
    :func:`server.auth.bearer_token`."""
    token = bearer_token(request)
    with factory(request)() as session:
        return authenticate(session, token)


PrincipalDep = Depends(current_principal)


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries for error statuses (all share :class:`ErrorResponse`)."""
    text = {400: "Solicitud inválida", 401: "Sin sesión o sesión inválida", 403: "Sin permiso",
            404: "No encontrado", 409: "Conflicto con el estado actual", 413: "Demasiado grande",
            422: "Datos inválidos", 429: "Demasiados intentos"}
    return {s: {"model": ErrorResponse, "description": text.get(s, "Error")} for s in statuses}


AUTH_ERRORS = (401, 422)

