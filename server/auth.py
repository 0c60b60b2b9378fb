"""Sign-in, bearer tokens, rate limiting and the request principal (issue 3 §3–4).

- Passwords: argon2id (``argon2-cffi``); parameters from :class:`ServerSettings`.
- Tokens: 256-bit random, sent as ``Authorization: Bearer <token>``; only the
  SHA-256 is stored; each has an expiry and can be revoked (logout, admin).
- Rate limiting: failed sign-ins are stored (so every worker sees them) and
  counted per (user, address), per user and per address within
  ``login_window``; over a limit → 429 ``too_many_attempts``.
- :func:`principal_dependency` authenticates each request: 401
  ``unauthenticated`` (no token), ``invalid_token``, ``token_expired``,
  ``token_revoked``, ``user_disabled``.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from fastapi import Request
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from station.domain import Actor, Role

from server.db.models import LoginFailure, Station, Token, User
from server.errors import ApiError
from server.services.students import utcnow
from server.settings import ServerSettings

# A valid hash to verify against when the user does not exist (same cost, no user enumeration by timing).
_DUMMY_HASHES: dict[tuple, str] = {}


def password_hasher(settings: ServerSettings) -> PasswordHasher:
    """argon2id hasher with the settings' parameters."""
    return PasswordHasher(time_cost=settings.argon2_time_cost, memory_cost=settings.argon2_memory_kib,
                          parallelism=settings.argon2_parallelism)


def hash_password(password: str, settings: ServerSettings) -> str:
    """argon2id hash of ``password`` (PHC string)."""
    return password_hasher(settings).hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    """True when ``password`` matches ``stored_hash``; never raises for a bad hash."""
    try:
        return PasswordHasher().verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def token_digest(token: str) -> str:
    """SHA-256 hex of a bearer token (what the ``tokens`` table stores)."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class Principal:
    """The signed-in user of a request: ``user`` fields and the domain ``actor``."""

    user_id: int
    username: str
    role: Role
    campuses: frozenset[str]
    display_name: str
    station_id: str
    token_hash: str

    @property
    def actor(self) -> Actor:
        """The :class:`station.domain.Actor` used with the transition table."""
        return Actor(self.username, self.role, self.campuses, self.station_id)

    def sees_all_campuses(self) -> bool:
        """State office and admins see every plantel (reports, lists)."""
        return self.role in (Role.STATE_OFFICE, Role.ADMIN)


def _limit_error(retry_after: int) -> ApiError:
    minutes = max(1, round(retry_after / 60))
    return ApiError(429, "too_many_attempts",
                    f"Demasiados intentos fallidos de inicio de sesión. Espere {minutes} minuto(s) e intente de nuevo.",
                    headers={"Retry-After": str(retry_after)})


def check_rate_limit(session: Session, username: str, address: str, settings: ServerSettings, now: datetime) -> None:
    """Raise 429 ``too_many_attempts`` when a limit of failed sign-ins is reached."""
    since = now - settings.login_window
    base = select(func.count()).select_from(LoginFailure).where(LoginFailure.at > since)
    pair = session.scalar(base.where(LoginFailure.username == username, LoginFailure.address == address))
    user = session.scalar(base.where(LoginFailure.username == username))
    addr = session.scalar(base.where(LoginFailure.address == address))
    if (pair >= settings.login_limit_pair or user >= settings.login_limit_user
            or addr >= settings.login_limit_address):
        oldest = session.scalar(select(func.min(LoginFailure.at)).where(
            LoginFailure.at > since, (LoginFailure.username == username) | (LoginFailure.address == address)))
        retry = int(((oldest or now) + settings.login_window - now).total_seconds()) + 1
        raise _limit_error(max(1, retry))


def record_failure(session: Session, username: str, address: str, now: datetime) -> None:
    """Store one failed sign-in."""
    session.add(LoginFailure(username=username[:80], address=address[:64], at=now))


def login(session: Session, username: str, password: str, address: str, station_id: str,
          settings: ServerSettings) -> tuple[str, Token, User]:
    """Check the credentials and issue a token.

    Returns ``(token, token_row, user)``. Raises 429 ``too_many_attempts``
    (rate limit), 401 ``invalid_credentials`` (unknown user, wrong password
    or disabled account — one message, no user enumeration), 400
    ``unknown_station`` when ``station_id`` is given but not registered.
    The caller commits; failures are recorded by :func:`record_failure`.
    """
    now = utcnow()
    check_rate_limit(session, username, address, settings, now)
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        key = (settings.argon2_time_cost, settings.argon2_memory_kib, settings.argon2_parallelism)
        if key not in _DUMMY_HASHES:
            _DUMMY_HASHES[key] = hash_password("x", settings)
        verify_password(_DUMMY_HASHES[key], password)
        ok = False
    else:
        ok = verify_password(user.password_hash, password) and user.active
    if not ok:
        raise ApiError(401, "invalid_credentials", "Usuario o contraseña incorrectos.")
    if station_id:
        station = session.get(Station, station_id)
        if station is None or station.revoked_at is not None:
            raise ApiError(400, "unknown_station",
                           f"La estación «{station_id}» no está registrada en el servidor.", "station_id")
    token = secrets.token_urlsafe(32)
    row = Token(token_hash=token_digest(token), user_id=user.id, station_id=station_id, address=address[:64],
                created_at=now, expires_at=now + settings.token_ttl)
    session.add(row)
    session.execute(delete(LoginFailure).where(LoginFailure.username == username,
                                               LoginFailure.address == address))
    return token, row, user


def bearer_token(request: Request) -> str:
    """The bearer token of ``request``; 401 ``unauthenticated`` when absent or malformed."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise ApiError(401, "unauthenticated", "Inicie sesión para continuar.",
                       headers={"WWW-Authenticate": "Bearer"})
    return value.strip()


def authenticate(session: Session, token: str) -> Principal:
    """Resolve ``token`` to a :class:`Principal` or raise 401 (see module docstring)."""
    digest = token_digest(token)
    row = session.get(Token, digest)
    if row is None:
        raise ApiError(401, "invalid_token", "La sesión no es válida. Inicie sesión de nuevo.",
                       headers={"WWW-Authenticate": "Bearer"})
    if row.revoked_at is not None:
        raise ApiError(401, "token_revoked", "La sesión fue cerrada o revocada. Inicie sesión de nuevo.",
                       headers={"WWW-Authenticate": "Bearer"})
    if row.expires_at <= utcnow():
        raise ApiError(401, "token_expired", "La sesión expiró. Inicie sesión de nuevo.",
                       headers={"WWW-Authenticate": "Bearer"})
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        raise ApiError(401, "user_disabled", "La cuenta de usuario está desactivada.",
                       headers={"WWW-Authenticate": "Bearer"})
    return Principal(user.id, user.username, Role(user.role), frozenset(user.campuses or ()),
                     user.display_name, row.station_id, digest)


def require_roles(principal: Principal, *roles: Role) -> None:
    """Raise 403 ``forbidden_role`` unless the principal has one of ``roles``."""
    if principal.role not in roles:
        who = ", ".join(r.label for r in roles)
        raise ApiError(403, "forbidden_role",
                       f"Su perfil ({principal.role.label}) no tiene acceso a esta función; corresponde a: {who}.")


def require_campus_read(principal: Principal, campus_code: str) -> None:
    """Bulk reads of a plantel (lists, XLSX): scoped roles only their planteles.

    Raises 403 ``forbidden_campus``.
    """
    if principal.sees_all_campuses():
        return
    if campus_code not in principal.campuses:
        raise ApiError(403, "forbidden_campus",
                       f"El plantel {campus_code} no está entre sus planteles asignados.", "campus")
