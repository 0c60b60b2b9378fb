"""The user-facing error vocabulary shared by station, server and drivers.

Every error a person may read derives from :class:`UserError`: a stable
``code`` (snake_case, English, never translated — logs, tests and the HTTP
envelope ``{"error": {"code", "message", "field"}}`` use it), a ``message``
in Spanish (es-MX) ready to show as is, and the ``field`` it is about when
there is one. A screen, the CLI (exit 2) and the API (4xx JSON) show the same
words for the same failure; anything that is not a :class:`UserError` is a
bug and is reported as such, never as a traceback.

Refusals of the transition table are values (:class:`station.domain.Refusal`)
with the same ``code``/``message``/``field`` triple; the HTTP status of each
refusal code is decided once, in ``server.errors.ERROR_STATUS``.
"""
from __future__ import annotations


class UserError(Exception):
    """An error for a person: stable ``code``, Spanish ``message``, optional ``field``.

    ``str(error)`` is the message. Subclasses set a default :attr:`code`.
    """

    code: str = "error"

    def __init__(self, message: str, code: str | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.field = field

    def __str__(self) -> str:
        return self.message
