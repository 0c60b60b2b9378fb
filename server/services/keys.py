"""Station key history and the credential trust list (issue 14 §5).

- :func:`record_station_key`: called when a station is registered or
  re-keyed; the station's previous open key is closed (``valid_until`` =
  now) so the credentials it signed keep verifying, and the new key opens.
- :func:`trust_page`: what stations download with each sync — every key
  with its window, the revocations (a student's temporary credentials
  issued before their latest capture or their delivery are revoked) after a
  change-number cursor, and whether the usernames asked about are active
  (so a disabled user loses offline sign-in at the next sync).
"""
from __future__ import annotations

import hashlib
import base64
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from server.db.models import StationKey, StudentRow, User

#: Revocations per page of ``GET /trust``.
PAGE = 5000


def key_id_of(public_key_b64: str) -> str:
    """16 hex digits of SHA-256 of the raw key (the QR's key id)."""
    return hashlib.sha256(base64.b64decode(public_key_b64)).hexdigest()[:16]


def record_station_key(session: Session, station_id: str, public_key_b64: str, now: datetime) -> None:
    """Open ``public_key_b64`` for ``station_id`` from ``now``; close the station's other open keys."""
    key_id = key_id_of(public_key_b64)
    session.execute(update(StationKey).where(StationKey.station_id == station_id, StationKey.key_id != key_id,
                                             StationKey.valid_until.is_(None)).values(valid_until=now))
    row = session.get(StationKey, key_id)
    if row is None:
        session.add(StationKey(key_id=key_id, station_id=station_id, public_key=public_key_b64, valid_from=now))
    elif row.station_id == station_id:
        row.valid_until = None


def close_station_keys(session: Session, station_id: str, now: datetime) -> None:
    """A revoked station: its open key stops at ``now`` (earlier cards stay valid)."""
    session.execute(update(StationKey).where(StationKey.station_id == station_id, StationKey.valid_until.is_(None))
                    .values(valid_until=now))


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def trust_page(session: Session, since: int, usernames: list[str]) -> dict:
    """``{"keys": [...], "revocations": [[matrícula, time], …], "next", "more", "users": {name: active}}``."""
    keys = [{"key_id": k.key_id, "station_id": k.station_id, "public_key": k.public_key,
             "valid_from": _iso(k.valid_from), "valid_until": _iso(k.valid_until), "revoked_at": _iso(k.revoked_at)}
            for k in session.scalars(select(StationKey).order_by(StationKey.station_id, StationKey.valid_from))]
    rows = session.execute(
        select(StudentRow.matricula, StudentRow.biometrics_at, StudentRow.delivered_at, StudentRow.change_seq)
        .where(StudentRow.change_seq > since,
               (StudentRow.biometrics_at.is_not(None)) | (StudentRow.delivered_at.is_not(None)))
        .order_by(StudentRow.change_seq).limit(PAGE + 1)).all()
    more = len(rows) > PAGE
    rows = rows[:PAGE]
    revocations = [[m, max(t for t in (bio, delivered) if t is not None).isoformat()] for m, bio, delivered, _ in rows]
    nxt = rows[-1][3] if rows else since
    users = {}
    if usernames:
        active = dict(session.execute(select(User.username, User.active).where(User.username.in_(usernames))).all())
        users = {u: bool(active.get(u, False)) for u in usernames}
    return {"keys": keys, "revocations": revocations, "next": int(nxt), "more": more, "users": users}
