"""Tunables of requests (one immutable object in :class:`server.settings.ServerSettings`
as ``requests``; the CLI builds one from its options).

- ``service_hours``: ``((type code, hours), …)`` overriding the types' default service
  time (:data:`station.domain.requests.REQUEST_TYPES`); hours are calendar hours.
- ``escalate_after_hours``: an overdue request not attended this long *after* its
  reminder is escalated to ``head_email`` (the head of the systems office).
- ``office_email``: where overdue reminders go (the systems office mailbox).
- ``max_attachment_bytes``: largest document accepted (default 10 MB; 413 beyond).
- ``max_attachments``: documents per request.
- ``retention_days``: validation documents and bitácora entries are kept this long
  (seed *procedimiento-cuentas-correo-institucional-itm* §7: «1 año»), then purged.
- ``mass_mail_bounce_wait_s``: how long after the last send a mass e-mail waits for
  bounces before the campaign ends and the request is answered.
"""
from __future__ import annotations

from dataclasses import dataclass

from station.domain.requests import REQUEST_TYPES


@dataclass(frozen=True)
class RequestSettings:
    """See module docstring."""

    service_hours: tuple[tuple[str, int], ...] = ()
    escalate_after_hours: int = 24
    office_email: str = ""
    head_email: str = ""
    max_attachment_bytes: int = 10 * 1024 * 1024
    max_attachments: int = 20
    retention_days: int = 365
    mass_mail_bounce_wait_s: int = 3600

    def hours_for(self, type_code: str) -> int:
        """Service hours of ``type_code`` (override, else the type's default)."""
        overrides = dict(self.service_hours)
        if type_code in overrides:
            return int(overrides[type_code])
        return REQUEST_TYPES[type_code].service_hours
