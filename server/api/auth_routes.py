"""``/auth/*``: sign in, sign out, who am I (issue 3 §3)."""
from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy import update

from server.api.common import AUTH_ERRORS, PrincipalDep, errors, settings, transaction
from server.auth import Principal, login, record_failure
from server.db.models import Token
from server.errors import ApiError
from server.schemas import LoginRequest, LoginResponse, MeResponse, OkResponse, UserOut
from server.services.students import utcnow

router = APIRouter(prefix="/auth", tags=["auth"])


def client_address(request: Request) -> str:
    """Peer address of the request (behind a proxy, run uvicorn with ``--proxy-headers``)."""
    return request.client.host if request.client else ""


@router.post("/login", response_model=LoginResponse, responses=errors(400, 401, 422, 429))
def post_login(body: LoginRequest, request: Request) -> LoginResponse:
    """Sign in with username and password → bearer token.

    401 ``invalid_credentials``; 429 ``too_many_attempts`` (per user and
    address, with ``Retry-After``); 400 ``unknown_station``.
    """
    address = client_address(request)
    cfg = settings(request)

    def work(session):
        token, row, user = login(session, body.username, body.password, address, body.station_id, cfg)
        return LoginResponse(token=token, expires_at=row.expires_at,
                             user=UserOut(username=user.username, role=user.role, campuses=list(user.campuses or []),
                                          display_name=user.display_name))

    try:
        return transaction(request, work)
    except ApiError as exc:
        if exc.code == "invalid_credentials":
            transaction(request, lambda s: record_failure(s, body.username, address, utcnow()))
        raise


@router.post("/logout", response_model=OkResponse, responses=errors(*AUTH_ERRORS))
def post_logout(request: Request, principal: Principal = PrincipalDep) -> OkResponse:
    """Revoke the token of this request."""
    transaction(request, lambda s: s.execute(
        update(Token).where(Token.token_hash == principal.token_hash).values(revoked_at=utcnow())))
    return OkResponse()


@router.get("/me", response_model=MeResponse, responses=errors(*AUTH_ERRORS))
def get_me(principal: Principal = PrincipalDep) -> MeResponse:
    """The signed-in user, role, planteles and station."""
    return MeResponse(username=principal.username, role=principal.role, campuses=sorted(principal.campuses),
                      display_name=principal.display_name, station_id=principal.station_id)
