"""Users and stations (admin), station keys (any signed-in user). Issue 3 §3–4."""
from __future__ import annotations

from fastapi import APIRouter, Path, Request
from sqlalchemy import select

from station.domain import Role

from server.api.common import AUTH_ERRORS, PrincipalDep, errors, factory, settings, transaction
from server.auth import Principal, require_roles
from server.db.models import Station, User
from server.schemas import OkResponse, StationIn, StationKeys, StationOut, UserIn, UserOut
from server.services import admin as svc

router = APIRouter(tags=["admin"])


@router.post("/users", response_model=UserOut, status_code=201, responses=errors(401, 403, 409, 422))
def post_user(body: UserIn, request: Request, principal: Principal = PrincipalDep):
    """Create a user (admin only; 403 ``forbidden_role``). 409 ``user_exists``; 422 ``unknown_campus``."""
    require_roles(principal, Role.ADMIN)
    cfg = settings(request)

    def work(session):
        user = svc.create_user(session, principal.actor, body.username, body.password, body.role, body.campuses,
                               body.display_name, cfg)
        return UserOut(username=user.username, role=user.role, campuses=user.campuses, display_name=user.display_name)

    return transaction(request, work)


@router.get("/users", response_model=list[UserOut], responses=errors(*AUTH_ERRORS, 403))
def get_users(request: Request, principal: Principal = PrincipalDep):
    """Every active user (admin only)."""
    require_roles(principal, Role.ADMIN)
    with factory(request)() as session:
        return [UserOut(username=u.username, role=u.role, campuses=u.campuses or [], display_name=u.display_name)
                for u in session.scalars(select(User).where(User.active.is_(True)).order_by(User.username))]


@router.post("/users/{username}/disable", response_model=OkResponse, responses=errors(401, 403, 404, 422))
def post_disable_user(request: Request, username: str = Path(min_length=1, max_length=80),
                      principal: Principal = PrincipalDep):
    """Deactivate a user and revoke their tokens (admin only). 404 ``user_not_found``."""
    require_roles(principal, Role.ADMIN)
    transaction(request, lambda s: svc.disable_user(s, principal.actor, username))
    return OkResponse()


@router.post("/stations", response_model=StationOut, status_code=201, responses=errors(401, 403, 422))
def post_station(body: StationIn, request: Request, principal: Principal = PrincipalDep):
    """Register a station id with its Ed25519 public key (admin only). 422 ``invalid_public_key``."""
    require_roles(principal, Role.ADMIN)

    def work(session):
        row = svc.register_station(session, principal.actor, body.station_id, body.public_key, body.description,
                                   body.campuses)
        return StationOut(station_id=row.station_id, public_key=row.public_key, description=row.description,
                          registered_by=row.registered_by, registered_at=row.registered_at,
                          campuses=list(row.campuses or []))

    return transaction(request, work)


@router.post("/stations/{station_id}/revoke", response_model=OkResponse, responses=errors(401, 403, 404, 422))
def post_revoke_station(request: Request, station_id: str = Path(min_length=1, max_length=64),
                        principal: Principal = PrincipalDep):
    """Revoke a station (admin only): its sessions end at once and it can no longer sign in
    bound to the station until re-registered. 404 ``station_not_found``."""
    require_roles(principal, Role.ADMIN)
    transaction(request, lambda s: svc.revoke_station(s, principal.actor, station_id))
    return OkResponse()


@router.get("/stations/keys", response_model=StationKeys, responses=errors(*AUTH_ERRORS))
def get_station_keys(request: Request, principal: Principal = PrincipalDep):
    """Public keys of active stations, for offline verification of signed credential QR codes."""
    with factory(request)() as session:
        rows = session.scalars(select(Station).where(Station.revoked_at.is_(None)))
        return StationKeys(keys={r.station_id: r.public_key for r in rows})
