"""Users, campuses and stations (issue 3 §3; DESIGN §5). Admin operations, audited."""
from __future__ import annotations

import re

from typing import Iterable

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from station.domain import Actor, Role
from station.domain.public_keys import load_public_key_b64
from station.domain.statuses import CAMPUS_SCOPED_ROLES

from server.auth import hash_password
from server.db.models import AuditRow, Campus, Station, Token, User
from server.errors import ApiError
from server.services.students import utcnow
from server.settings import ServerSettings


def audit(session: Session, actor: Actor, entity: str, entity_id: str, command: str, comment: str = "",
          from_status: str | None = None, to_status: str | None = None, details: dict | None = None) -> AuditRow:
    """Append an audit event that is not a student transition; return it (inserted, chained,
    when ``session`` commits: :mod:`server.db.chain`)."""
    row = AuditRow(at=utcnow(), username=actor.username, role=actor.role.value, station_id=actor.station_id,
                   sender=actor.username, entity=entity, entity_id=str(entity_id), command=command,
                   from_status=from_status, to_status=to_status, comment=comment, details=details or {})
    session.add(row)
    return row


def upsert_campuses(session: Session, campuses: Iterable[tuple[str, str]]) -> None:
    """Create or rename planteles ``(code, name)``."""
    for code, name in campuses:
        row = session.get(Campus, code)
        if row is None:
            session.add(Campus(code=code, name=name))
        else:
            row.name = name
    session.flush()


#: Longest username: the audit's ``entity_id`` holds it (``String(64)``), so PostgreSQL and SQLite
#: alike refuse more at the API instead of PostgreSQL failing on insert (#13 item 8).
USERNAME_MAX_LENGTH = 64
#: Usernames are plain ASCII: no control, bidirectional (U+202E…) or look-alike characters
#: that would make an audit row read as another user.
USERNAME_RE = re.compile(r"[A-Za-z0-9._@-]+")


def check_username(username: str) -> str:
    """Return ``username`` if it is 1–:data:`USERNAME_MAX_LENGTH` characters of
    :data:`USERNAME_RE`; else 422 ``invalid_field`` (field ``username``), Spanish message."""
    if not username or len(username) > USERNAME_MAX_LENGTH:
        raise ApiError("invalid_field",
                       f"El nombre de usuario debe tener de 1 a {USERNAME_MAX_LENGTH} caracteres.", "username")
    if not USERNAME_RE.fullmatch(username):
        raise ApiError("invalid_field", "El nombre de usuario solo admite letras sin acento, números y los "
                                             "signos . _ @ - (sin espacios ni caracteres de control).", "username")
    return username


def create_user(session: Session, actor: Actor, username: str, password: str, role: Role,
                campuses: Iterable[str], display_name: str, settings: ServerSettings) -> User:
    """Create a user. 422 ``invalid_field`` for a username refused by :func:`check_username`;
    409 ``user_exists``; 422 ``unknown_campus`` (field ``campuses``);
    422 ``campus_required`` when an operator/supervisor/systems user has no plantel."""
    check_username(username)
    campuses = sorted(set(campuses))
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise ApiError("user_exists", f"El usuario «{username}» ya existe.", "username")
    known = set(session.scalars(select(Campus.code).where(Campus.code.in_(campuses)))) if campuses else set()
    unknown = [c for c in campuses if c not in known]
    if unknown:
        raise ApiError("unknown_campus", f"Plantel desconocido: {', '.join(unknown)}.", "campuses")
    if role in CAMPUS_SCOPED_ROLES and not campuses:
        raise ApiError("campus_required", f"Un usuario con perfil {role.label} necesita al menos un plantel "
                                               "asignado.", "campuses")
    user = User(username=username, password_hash=hash_password(password, settings), role=role.value,
                display_name=display_name or username, campuses=campuses, active=True, created_at=utcnow())
    session.add(user)
    audit(session, actor, "user", username, "create_user", details={"role": role.value, "campuses": campuses})
    session.flush()
    return user


def disable_user(session: Session, actor: Actor, username: str) -> None:
    """Deactivate a user and revoke all their tokens. 404 ``user_not_found``."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise ApiError("user_not_found", f"El usuario «{username}» no existe.", "username")
    user.active = False
    session.execute(update(Token).where(Token.user_id == user.id, Token.revoked_at.is_(None))
                    .values(revoked_at=utcnow()))
    audit(session, actor, "user", username, "disable_user")


def register_station(session: Session, actor: Actor, station_id: str, public_key: str, description: str,
                     campuses: Iterable[str] = ()) -> Station:
    """Register (or re-key) a station serving ``campuses`` (empty: any). 422
    ``invalid_public_key`` unless ``public_key`` is a base64 raw Ed25519 key
    (32 bytes); 422 ``unknown_campus``. Re-keying ends the station's sessions."""
    try:
        load_public_key_b64(public_key)
    except ValueError:
        raise ApiError("invalid_public_key",
                       "La clave pública debe ser una clave Ed25519 de 32 bytes en base64.", "public_key") from None
    campuses = sorted(set(campuses))
    known = set(session.scalars(select(Campus.code).where(Campus.code.in_(campuses)))) if campuses else set()
    unknown = [c for c in campuses if c not in known]
    if unknown:
        raise ApiError("unknown_campus", f"Plantel desconocido: {', '.join(unknown)}.", "campuses")
    row = session.get(Station, station_id)
    if row is None:
        row = Station(station_id=station_id)
        session.add(row)
    elif row.public_key != public_key:
        end_station_sessions(session, station_id)
    row.campuses = campuses
    from server.services.keys import record_station_key

    row.public_key = public_key
    row.description = description
    row.registered_by = actor.username
    row.registered_at = utcnow()
    row.revoked_at = None
    record_station_key(session, station_id, public_key, row.registered_at)
    audit(session, actor, "station", station_id, "register_station",
          details={"public_key": public_key, "campuses": campuses})
    session.flush()
    return row


def end_station_sessions(session: Session, station_id: str) -> int:
    """Revoke every live token bound to ``station_id``; returns how many."""
    result = session.execute(update(Token).where(Token.station_id == station_id, Token.revoked_at.is_(None))
                             .values(revoked_at=utcnow()))
    return int(result.rowcount or 0)


def revoke_station(session: Session, actor: Actor, station_id: str) -> int:
    """Revoke a station: it can no longer prove its key and its sessions end at once.
    Returns the number of sessions ended. 404 ``station_not_found``."""
    row = session.get(Station, station_id)
    if row is None:
        raise ApiError("station_not_found", f"La estación «{station_id}» no está registrada.", "station_id")
    from server.services.keys import close_station_keys

    row.revoked_at = row.revoked_at or utcnow()
    close_station_keys(session, station_id, row.revoked_at)  # cards printed before stay verifiable
    ended = end_station_sessions(session, station_id)
    audit(session, actor, "station", station_id, "revoke_station", details={"sessions_ended": ended})
    return ended
