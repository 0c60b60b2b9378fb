"""Access log of personal-data reads and the per-user read limit (issue 13 item 4; DESIGN.md §10).

Manual §13 lets any desk user consult any student's data; every such read is
recorded in ``access_log`` (:class:`server.db.models.AccessLogRow`: who, role,
station, address, when, which resource, which students, which fields), an
append-only hash-chained table the state office queries
(``GET /access-log``, ``credencializacion-server access-log``).

Reads are limited per user: at most ``ServerSettings.read_limit`` logged reads
in ``read_window``; beyond that 429 ``too_many_reads`` (Spanish, with
``Retry-After``: when the oldest read of the window leaves it). The count comes
from the log itself, so it holds across server workers. Station replication
(``GET /sync/changes``) is logged but not limited.
"""
from __future__ import annotations

from datetime import datetime
from typing import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.db.models import AccessLogRow
from server.errors import ApiError
from server.settings import ServerSettings


def _wait_text(seconds: int) -> str:
    return f"{seconds} segundo(s)" if seconds < 90 else f"{max(1, round(seconds / 60))} minuto(s)"


def check_read_limit(session: Session, username: str, settings: ServerSettings, now: datetime) -> None:
    """429 ``too_many_reads`` with ``Retry-After`` (seconds) when ``username`` made
    ``settings.read_limit`` logged reads within ``settings.read_window`` before ``now``."""
    since = now - settings.read_window
    count, oldest = session.execute(select(func.count(), func.min(AccessLogRow.at)).where(
        AccessLogRow.username == username, AccessLogRow.at > since)).one()
    if int(count or 0) < settings.read_limit:
        return
    retry = 1
    if oldest is not None:
        retry = max(1, int((oldest + settings.read_window - now).total_seconds() + 0.999))
    minutes = max(1, round(settings.read_window.total_seconds() / 60))
    raise ApiError("too_many_reads",
                   f"Demasiadas consultas de datos de alumnos: {settings.read_limit} en {minutes} minuto(s) es el "
                   f"máximo por usuario. Espere {_wait_text(retry)} e intente de nuevo.",
                   headers={"Retry-After": str(retry)})


def record_read(session: Session, *, username: str, role: str, station_id: str, address: str, resource: str,
                matriculas: Iterable[str], fields: Iterable[str], now: datetime) -> AccessLogRow:
    """Add the access-log row of one read (inserted, chained, when ``session`` commits)."""
    listed = sorted(set(matriculas))
    row = AccessLogRow(at=now, username=username[:80], role=role, station_id=station_id[:64], address=address[:64],
                       resource=resource, matriculas=(" " + " ".join(listed) + " ") if listed else "",
                       students=len(listed), fields=list(fields))
    session.add(row)
    return row


def query_access_log(session: Session, *, username: str | None = None, matricula: str | None = None,
                     station_id: str | None = None, since: datetime | None = None, until: datetime | None = None,
                     limit: int = 200, before_id: int | None = None) -> list[AccessLogRow]:
    """Logged reads matching every given filter, newest first, at most ``limit``;
    ``before_id`` pages on (rows with a smaller id)."""
    query = select(AccessLogRow)
    if username:
        query = query.where(AccessLogRow.username == username)
    if matricula:
        query = query.where(AccessLogRow.matriculas.contains(f" {matricula} ", autoescape=True))
    if station_id:
        query = query.where(AccessLogRow.station_id == station_id)
    if since is not None:
        query = query.where(AccessLogRow.at >= since)
    if until is not None:
        query = query.where(AccessLogRow.at < until)
    if before_id is not None:
        query = query.where(AccessLogRow.id < before_id)
    return list(session.scalars(query.order_by(AccessLogRow.id.desc()).limit(limit)))


