"""Sign-in, bearer tokens, rate limiting and the request principal (issue 3 §3–4).

- Passwords: argon2id (``argon2-cffi``); parameters from :class:`ServerSettings`.
- Tokens: 256-bit random, sent as ``Authorization: Bearer <token>``; only the
  SHA-256 is stored; each has an expiry and can be revoked (logout, admin).
- Rate limiting (:func:`reserve_attempt`): every attempt is counted before
  the password is checked, atomically per (user, address), as pending until
  checked — a success releases it, a failure keeps counting
  (:func:`settle_attempt`); past a few failures a growing delay applies (429 ``too_many_attempts`` with
  ``Retry-After``), never a hard block, and a station that proved its key
  counts under its own id, so failures from other machines never delay it.
- :func:`principal_dependency` authenticates each request: 401
  ``unauthenticated`` (no token), ``invalid_token``, ``token_expired``,
  ``token_revoked``, ``user_disabled``.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from fastapi import Request
from sqlalchemy import bindparam, delete, func, or_, select, text, update
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
    if retry_after < 90:
        wait = f"{retry_after} segundo(s)"
    else:
        wait = f"{max(1, round(retry_after / 60))} minuto(s)"
    return ApiError("too_many_attempts",
                    f"Demasiados intentos fallidos de inicio de sesión. Espere {wait} e intente de nuevo.",
                    headers={"Retry-After": str(retry_after)})


def required_wait(failures: int, free: int, cap_s: int) -> int:
    """Seconds to wait after the last failure when ``failures`` happened: 0 for the
    first ``free`` ones, then 2, 4, 8 … seconds, at most ``cap_s`` (a delay, never a block)."""
    if failures < free:
        return 0
    return int(min(cap_s, 2 ** (failures - free + 1)))


def _lock_key(session: Session, key: str) -> None:
    """Serialize attempts of one counting key (PostgreSQL advisory lock until commit;
    SQLite's ``BEGIN IMMEDIATE`` already serializes every writer)."""
    if session.get_bind().dialect.name == "postgresql":
        digest = int.from_bytes(hashlib.sha256(key.encode("utf-8", "surrogatepass")).digest()[:8], "big", signed=True)
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": digest})


def _attempts(session: Session, since: datetime, stale: datetime, *where) -> tuple[int, datetime | None, int]:
    """``(failures, time of the last failure, attempts still being checked)`` matching ``where``
    since ``since``. An attempt still pending after ``stale`` (its request died mid-check)
    counts as a failure."""
    failed = or_(LoginFailure.pending.is_(False), LoginFailure.at <= stale)
    rows = session.execute(select(failed.label("failed"), func.count(), func.max(LoginFailure.at))
                           .where(LoginFailure.at > since, *where).group_by(failed)).all()
    failures, last, pending = 0, None, 0
    for is_failure, count, at in rows:
        if is_failure:
            failures, last = int(count), at
        else:
            pending = int(count)
    return failures, last, pending


def _in_flight_allowed(failures: int, free: int) -> int:
    """How many attempts may be checked at once after ``failures``: the free ones left, and
    past them one (the try the elapsed delay allows)."""
    return max(1, free - failures)


def reserve_attempt(session: Session, username: str, address: str, settings: ServerSettings, now: datetime,
                    per_address: bool = True) -> int | None:
    """Count this sign-in attempt *before* the password is checked (atomic per key).

    ``address`` is the client address, or ``station:<id>`` for a station that
    proved its key (so failures from elsewhere never delay it). Failures of the
    (user, address) pair and — unless ``per_address`` is False — of the
    address as a whole impose a growing delay (:func:`required_wait`); inside
    the delay 429 ``too_many_attempts`` with ``Retry-After``.

    Otherwise a *pending* attempt row is written and its id returned: the
    caller checks the password, then :func:`settle_attempt` (a failure keeps
    counting) or :func:`issue_token` (a success releases it). Attempts being
    checked count against the free ones, so at most that many guesses of one
    pair are ever checked at once; when they are used up by attempts still
    being checked the answer is ``None``: not refused, try again in a moment
    (forty correct sign-ins at once are then checked a few at a time, none
    refused, while forty wrong ones get ``login_limit_pair`` checks and 429s).
    """
    _lock_key(session, f"{username}\x00{address}")
    since = now - settings.login_window
    stale = now - timedelta(seconds=settings.login_pending_ttl_s)
    failures, last, pending = _attempts(session, since, stale, LoginFailure.username == username,
                                        LoginFailure.address == address)
    wait = required_wait(failures, settings.login_limit_pair, settings.login_delay_cap_s)
    busy = pending >= _in_flight_allowed(failures, settings.login_limit_pair)
    if per_address and wait == 0:
        afailures, alast, apending = _attempts(session, since, stale, LoginFailure.address == address)
        wait = required_wait(afailures, settings.login_limit_address, settings.login_delay_cap_s)
        last = alast if wait else last
        busy = busy or apending >= _in_flight_allowed(afailures, settings.login_limit_address)
    if wait and last is not None:
        if last.tzinfo is None:
            last = last.replace(tzinfo=now.tzinfo)
        remaining = (last + timedelta(seconds=wait) - now).total_seconds()
        if remaining > 0:
            raise _limit_error(max(1, int(remaining + 0.999)))
    if busy:
        return None
    row = LoginFailure(username=username[:80], address=address[:64], at=now, pending=True)
    session.add(row)
    session.flush()
    return row.id


def settle_attempt(session: Session, attempt_id: int, now: datetime) -> None:
    """The password check of attempt ``attempt_id`` failed: it counts as a failure from ``now`` on."""
    session.execute(update(LoginFailure).where(LoginFailure.id == attempt_id).values(pending=False, at=now))


def load_credentials(session: Session, username: str) -> tuple[int | None, str | None, bool]:
    """``(user_id, password_hash, active)`` of ``username`` (``None``s when unknown)."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        return None, None, False
    return user.id, user.password_hash, bool(user.active)


def check_password(stored_hash: str | None, password: str, settings: ServerSettings) -> bool:
    """Verify ``password`` (against a dummy hash of the same cost when the user is unknown,
    so timing does not reveal which usernames exist). Call outside any transaction."""
    if stored_hash is None:
        key = (settings.argon2_time_cost, settings.argon2_memory_kib, settings.argon2_parallelism)
        if key not in _DUMMY_HASHES:
            _DUMMY_HASHES[key] = hash_password("x", settings)
        verify_password(_DUMMY_HASHES[key], password)
        return False
    return verify_password(stored_hash, password)


def issue_token(session: Session, user_id: int, username: str, address: str, station_id: str,
                settings: ServerSettings, now: datetime, attempt_id: int | None = None) -> tuple[str, Token, User]:
    """Create a bearer token for an already verified user (optionally bound to a proven
    station), release its attempt ``attempt_id`` and clear that (user, address)'s failures
    (not other attempts still being checked). 401 ``invalid_credentials`` when the user was
    disabled meanwhile."""
    user = session.get(User, user_id)
    if user is None or not user.active:
        raise ApiError("invalid_credentials", "Usuario o contraseña incorrectos.")
    token = secrets.token_urlsafe(32)
    row = Token(token_hash=token_digest(token), user_id=user.id, station_id=station_id, address=address[:64],
                created_at=now, expires_at=now + settings.token_ttl)
    session.add(row)
    session.execute(delete(LoginFailure).where(LoginFailure.username == username, LoginFailure.address == address,
                                               or_(LoginFailure.pending.is_(False),
                                                   LoginFailure.id == (attempt_id or 0))))
    return token, row, user


def bearer_token(request: Request) -> str:
    """The bearer token of ``request``; 401 ``unauthenticated`` when absent or malformed."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise ApiError("unauthenticated", "Inicie sesión para continuar.",
                       headers={"WWW-Authenticate": "Bearer"})
    return value.strip()


def _token_lookup():
    t, u, s = Token.__table__, User.__table__, Station.__table__
    return (select(t.c.revoked_at, t.c.expires_at, t.c.station_id, u.c.id, u.c.username, u.c.role, u.c.campuses,
                   u.c.display_name, u.c.active, s.c.station_id, s.c.revoked_at)
            .select_from(t.outerjoin(u, u.c.id == t.c.user_id).outerjoin(s, s.c.station_id == t.c.station_id))
            .where(t.c.token_hash == bindparam("digest")))


#: The token lookup of :func:`authenticate`, built once: a Core statement on the tables (no ORM
#: layer) whose compiled form SQLAlchemy caches — building and keying a new statement object per
#: request was a tenth of a server worker's CPU per pushed command (py-spy, issue 15).
_TOKEN_LOOKUP = _token_lookup()


def authenticate(session: Session, token: str) -> Principal:
    """Resolve ``token`` to a :class:`Principal` or raise 401 (see module docstring).

    ONE statement per request (issue 15): the token's columns with its user's and
    (for a station-bound token) its station's, outer-joined. Plain columns, not ORM
    entities, so nothing lands in the session's identity map. (An earlier joined
    version was reverted in 3250a64 because the 40-client test hung; the hang was
    that test's own sign-in storm — 40 simultaneous sign-ins of one user tripped the
    abuse counter's 429 and a client died before the barrier — fixed in e16db86.)
    """
    digest = token_digest(token)
    found = session.connection().execute(_TOKEN_LOOKUP, {"digest": digest}).first()
    if found is None:
        raise ApiError("invalid_token", "La sesión no es válida. Inicie sesión de nuevo.",
                       headers={"WWW-Authenticate": "Bearer"})
    (revoked_at, expires_at, station_id, user_id, username, role, campuses, display_name, active,
     station_found, station_revoked_at) = found
    if revoked_at is not None:
        raise ApiError("token_revoked", "La sesión fue cerrada o revocada. Inicie sesión de nuevo.",
                       headers={"WWW-Authenticate": "Bearer"})
    if expires_at <= utcnow():
        raise ApiError("token_expired", "La sesión expiró. Inicie sesión de nuevo.",
                       headers={"WWW-Authenticate": "Bearer"})
    if station_id and (station_found is None or station_revoked_at is not None):
        raise ApiError("token_revoked", "La estación de esta sesión fue revocada. Inicie sesión de nuevo.",
                       headers={"WWW-Authenticate": "Bearer"})
    if user_id is None or not active:
        raise ApiError("user_disabled", "La cuenta de usuario está desactivada.",
                       headers={"WWW-Authenticate": "Bearer"})
    return Principal(user_id, username, Role(role), frozenset(campuses or ()), display_name, station_id, digest)


def require_roles(principal: Principal, *roles: Role) -> None:
    """Raise 403 ``forbidden_role`` unless the principal has one of ``roles``."""
    if principal.role not in roles:
        who = ", ".join(r.label for r in roles)
        raise ApiError("forbidden_role",
                       f"Su perfil ({principal.role.label}) no tiene acceso a esta función; corresponde a: {who}.")


def require_campus_read(principal: Principal, campus_code: str) -> None:
    """Bulk reads of a plantel (lists, XLSX): scoped roles only their planteles.

    Raises 403 ``forbidden_campus``.
    """
    if principal.sees_all_campuses():
        return
    if campus_code not in principal.campuses:
        raise ApiError("forbidden_campus",
                       f"El plantel {campus_code} no está entre sus planteles asignados.", "campus")
