"""Shared pieces of the routers: app state access, the principal dependency,
documented error responses."""
from __future__ import annotations

import ipaddress
from typing import Any, AsyncIterator, Callable, Iterable, TypeVar

from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session, sessionmaker

from server.auth import Principal, authenticate, bearer_token
from server.db.engine import run_transaction
from server.errors import ApiError, ErrorResponse
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


def client_address(request: Request) -> str:
    """Peer address; the last ``X-Forwarded-For`` hop only when the peer is one of
    ``ServerSettings.trusted_proxies`` (a client cannot choose its own address)."""
    peer = request.client.host if request.client else ""
    if peer and peer in settings(request).trusted_proxies:
        forwarded = request.headers.get("x-forwarded-for", "")
        hop = forwarded.split(",")[-1].strip() if forwarded else ""
        try:
            return str(ipaddress.ip_address(hop))
        except ValueError:
            return peer
    return peer


def logged_read(request: Request, principal: Principal, resource: str, fields: Iterable[str],
                read: Callable[[Session], tuple[T, Iterable[str]]], limited: bool = True) -> T:
    """A read of personal data (issue 13 item 4): in one transaction check the user's read
    limit (429 ``too_many_reads``, unless ``limited`` is False), run ``read(session)`` →
    ``(answer, matrículas read)``, log who/station/address/``resource``/students/``fields``
    (:mod:`server.services.access`) and return the answer. Nothing is logged when ``read``
    raises (404, 403…) or reads no student."""
    from server.services.access import check_read_limit, record_read
    from server.services.students import utcnow

    cfg = settings(request)
    address = client_address(request)

    def work(session: Session) -> T:
        now = utcnow()
        if limited:
            check_read_limit(session, principal.username, cfg, now)
        answer, matriculas = read(session)
        matriculas = list(matriculas)
        if matriculas:
            record_read(session, username=principal.username, role=principal.role.value,
                        station_id=principal.station_id, address=address, resource=resource,
                        matriculas=matriculas, fields=fields, now=now)
        return answer

    return transaction(request, work)


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
            422: "Datos inválidos", 424: "Falta una fotografía o firma por subir",
            429: "Demasiados intentos", 503: "Servidor ocupado"}
    return {s: {"model": ErrorResponse, "description": text.get(s, "Error")} for s in statuses}


AUTH_ERRORS = (401, 422)


async def bounded_chunks(request: Request, limit: int, field: str = "file") -> AsyncIterator[bytes]:
    """The body of an uploaded file as it streams in, at most ``limit`` bytes. Refused with 413
    ``payload_too_large`` («El archivo supera el máximo de N MB.», ``field``) from the declared
    ``Content-Length`` before reading, or as soon as the streamed bytes pass the limit (a body
    without a length, or one that lies about it)."""
    too_large = ApiError("payload_too_large", f"El archivo supera el máximo de {limit // (1024 * 1024)} MB.",
                         field)
    declared = request.headers.get("content-length", "")
    if declared.strip().isdigit() and int(declared) > limit:
        raise too_large
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large
        yield chunk


async def read_bounded_body(request: Request, limit: int, field: str = "file") -> bytes:
    """The whole body of an uploaded file in memory, bounded as :func:`bounded_chunks` says."""
    return b"".join([chunk async for chunk in bounded_chunks(request, limit, field)])
