"""The desk's user-facing error and the two ways others become it (a domain refusal, a server error)."""
from __future__ import annotations

from station.domain import Refusal, Student
from station.domain.errors import UserError


class ServiceError(UserError):
    """A user action that did not happen. ``message`` is Spanish, ``field``
    names the offending input when there is one (``"matricula"``,
    ``"comment"``, ``"valid_until"``…), ``code`` is a stable identifier
    (the domain refusal code, an :class:`station.api.ServerApiError` cause, or
    ``"not_found"``, ``"offline"``, ``"io"``)."""

    def __init__(self, message: str, field: str | None = None, code: str = "error"):
        super().__init__(message, code, field)




def _refused(result: Student | Refusal) -> Student:
    if isinstance(result, Refusal):
        raise ServiceError(result.message, result.field, result.code)
    return result


def _api_error(exc: Exception) -> ServiceError:
    code = next((c for c in (getattr(exc, "code", None), getattr(exc, "cause", None)) if isinstance(c, str)), "error")
    return ServiceError(getattr(exc, "message", str(exc)), getattr(exc, "field", None), code)

