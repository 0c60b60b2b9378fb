"""Spanish (es-MX) date formatting for the screens, without any OS locale.

Manual §13 shows dates as «31 de enero de 2019, 20:11» and «1 de agosto de
2021». Aware datetimes are converted to the desk's local time zone first.
"""
from __future__ import annotations

from datetime import date, datetime

MONTHS = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
          "noviembre", "diciembre")


def format_date(value: date | datetime | None, empty: str = "Sin fecha.") -> str:
    """«1 de agosto de 2021»; ``empty`` for ``None``."""
    if value is None:
        return empty
    if isinstance(value, datetime):
        value = _local(value).date()
    return f"{value.day} de {MONTHS[value.month - 1]} de {value.year}"


def format_datetime(value: datetime | date | None, empty: str = "Sin fecha.") -> str:
    """«31 de enero de 2019, 20:11» (local time, 24 h); ``empty`` for ``None``."""
    if value is None:
        return empty
    if not isinstance(value, datetime):
        return format_date(value, empty)
    value = _local(value)
    return f"{format_date(value)}, {value.hour}:{value.minute:02d}"


def _local(value: datetime) -> datetime:
    return value.astimezone() if value.tzinfo is not None else value
