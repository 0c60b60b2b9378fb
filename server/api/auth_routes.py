"""``/auth/*``: station challenge, sign in, sign out, who am I (issue 3 §3; DESIGN.md §10).

Sign-in runs in three short steps so the expensive argon2 check never holds
a database transaction or connection: (1) count the attempt as pending and
read the user's hash (:func:`server.auth.reserve_attempt`; while the pair's
free attempts are all being checked, wait for them), (2) verify the password
outside any transaction, at most ``hash_concurrency`` at once per process
(503 ``server_busy`` beyond ``hash_wait_s``), (3) issue the token, releasing
the attempt — or, on a wrong password, settle it as a failure.
"""
from __future__ import annotations

import asyncio
import random

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import delete, update
from starlette.concurrency import run_in_threadpool

from server.api.common import AUTH_ERRORS, PrincipalDep, client_address, errors, settings, transaction
from server.auth import Principal, check_password, issue_token, load_credentials, reserve_attempt, settle_attempt
from server.db.models import LoginFailure, Token
from server.errors import ApiError
from server.schemas import LoginRequest, LoginResponse, MeResponse, OkResponse, UserOut
from server.services.students import utcnow
from server.station_proof import CHALLENGE_TTL_S, issue_challenge, prove_station

router = APIRouter(prefix="/auth", tags=["auth"])


class ChallengeRequest(BaseModel):
    """``POST /auth/challenge``: the station asking for a sign-in challenge."""

    model_config = ConfigDict(extra="forbid")
    station_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")


class ChallengeResponse(BaseModel):
    """A challenge to sign with :func:`station.domain.proofs.login_proof_message`, valid ``ttl_s`` seconds."""

    challenge: str
    ttl_s: int


def _hash_gate(request: Request) -> asyncio.Semaphore:
    """The per-process limit on concurrent password checks (waiting costs no thread)."""
    gate = getattr(request.app.state, "hash_gate", None)
    if gate is None:
        gate = request.app.state.hash_gate = asyncio.Semaphore(max(1, settings(request).hash_concurrency))
    return gate


def _busy() -> ApiError:
    return ApiError("server_busy", "El servidor está atendiendo muchos inicios de sesión; intente de nuevo "
                                        "en unos segundos.", headers={"Retry-After": "5"})


def challenge_secret(request: Request) -> bytes:
    """HMAC key of sign-in challenges (derived from the master key)."""
    return request.app.state.keys.derive("login-challenge")


@router.post("/challenge", response_model=ChallengeResponse, responses=errors(413, 422))
def post_challenge(body: ChallengeRequest, request: Request) -> ChallengeResponse:
    """A one-use challenge for ``station_id`` (nothing is stored; any id gets one, so ids
    cannot be probed). The station signs it and sends the signature to ``/auth/login``."""
    return ChallengeResponse(challenge=issue_challenge(challenge_secret(request), body.station_id),
                             ttl_s=CHALLENGE_TTL_S)


@router.post("/login", response_model=LoginResponse, responses=errors(401, 413, 422, 429, 503))
async def post_login(body: LoginRequest, request: Request) -> LoginResponse:
    """Sign in with username and password → bearer token.

    With ``station_id`` the station must also send ``challenge`` and
    ``signature`` (401 ``station_proof_required`` / ``station_proof_invalid``);
    the token is then bound to that station. 401 ``invalid_credentials``;
    429 ``too_many_attempts`` (growing delay, ``Retry-After``); 503
    ``server_busy`` (too many sign-ins at once, ``Retry-After``).
    """
    cfg = settings(request)
    address = client_address(request)
    now = utcnow()
    counted_as = address
    if body.station_id:
        await run_in_threadpool(transaction, request, lambda s: prove_station(
            s, challenge_secret(request), body.station_id, body.username, body.challenge, body.signature, now), True)
        counted_as = f"station:{body.station_id}"

    def reserve(session):
        attempt = reserve_attempt(session, body.username, counted_as, cfg, utcnow(), per_address=not body.station_id)
        return attempt, (load_credentials(session, body.username) if attempt is not None else None)

    # Attempts of this (user, address) still being checked hold the free ones: wait for them to settle
    # (a correct password is never refused for arriving together with others; waiting holds no thread).
    # Past login_pending_ttl_s an unsettled attempt counts as a failure, so waiting longer is pointless.
    deadline = asyncio.get_running_loop().time() + cfg.login_pending_ttl_s
    while True:
        failure_id, credentials = await run_in_threadpool(transaction, request, reserve)
        if failure_id is not None:
            break
        if asyncio.get_running_loop().time() > deadline:
            raise _busy()
        await asyncio.sleep(random.uniform(0.01, 0.05))
    user_id, stored_hash, active = credentials
    gate = _hash_gate(request)
    try:
        await asyncio.wait_for(gate.acquire(), timeout=cfg.hash_wait_s)
    except asyncio.TimeoutError:
        await run_in_threadpool(transaction, request,
                                lambda s: s.execute(delete(LoginFailure).where(LoginFailure.id == failure_id)))
        raise _busy() from None
    try:
        ok = await run_in_threadpool(check_password, stored_hash, body.password, cfg)
    except BaseException:
        await run_in_threadpool(transaction, request, lambda s: settle_attempt(s, failure_id, utcnow()))
        raise
    finally:
        gate.release()
    if not ok or not active or user_id is None:
        await run_in_threadpool(transaction, request, lambda s: settle_attempt(s, failure_id, utcnow()))
        raise ApiError("invalid_credentials", "Usuario o contraseña incorrectos.")

    def work(session):
        token, row, user = issue_token(session, user_id, body.username, counted_as, body.station_id, cfg, utcnow(),
                                       attempt_id=failure_id)
        return LoginResponse(token=token, expires_at=row.expires_at,
                             user=UserOut(username=user.username, role=user.role, campuses=list(user.campuses or []),
                                          display_name=user.display_name))

    return await run_in_threadpool(transaction, request, work)


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
