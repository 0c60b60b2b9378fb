"""Error envelope of the HTTP API (DESIGN.md §9: Spanish messages, never a traceback).

Every error answer, including 404/405/422 produced by the framework, has the
shape ``{"error": {"code": "stable_code", "message": "texto en español",
"field": "optional"}}``. Services raise :class:`ApiError`; the handlers
installed by :func:`install_error_handlers` turn everything else into that
envelope (an unexpected exception becomes 500 ``internal_error`` and is
logged without request bodies, which may hold personal data).
"""
from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from station.domain import Command, Refusal
from station.domain.errors import UserError

log = logging.getLogger("server")


#: Every error code the server answers with → its HTTP status: the one table for every route (REST
#: commands, SAE, print orders, sync, mail, requests, accounts), the codes of the transition tables'
#: refusals (``station.domain``) and of the :class:`UserError` classes services raise (their class
#: ``code``). 401: who you are is not proven; 403: you may not; 404: no such thing; 413/429/503: size,
#: rate, capacity; 422: the data are wrong; 424: something this depends on is missing; 409: the
#: record's state does not allow it now. ``tests/test_error_vocabulary.py`` fails when a code the
#: server can raise is missing here.
ERROR_STATUS: dict[str, int] = {
    # 401 — authentication (RFC 9110 §15.5.2)
    "unauthenticated": 401, "invalid_credentials": 401, "invalid_token": 401, "token_expired": 401,
    "token_revoked": 401, "user_disabled": 401, "station_proof_invalid": 401, "station_proof_required": 401,
    # 403 — authorisation
    "forbidden_role": 403, "forbidden_campus": 403, "forbidden_delegation": 403, "forbidden_scope": 403,
    "forbidden_station": 403, "forbidden_station_campus": 403, "sae_other_campus": 403,
    "own_request_approval": 403,
    # 404 — a record named in the path (or a body's reference to one) does not exist
    "not_found": 404, "student_not_found": 404, "campus_not_found": 404, "station_not_found": 404,
    "user_not_found": 404, "blob_not_found": 404, "sae_not_found": 404, "print_order_not_found": 404,
    "request_not_found": 404, "attachment_not_found": 404, "campaign_not_found": 404,
    "template_not_found": 404, "bounce_not_found": 404, "suppression_not_found": 404,
    "mapping_not_found": 404, "no_account": 404,
    # 413 / 429 / 503 — size, rate, capacity (Retry-After where it helps)
    "payload_too_large": 413, "too_many_attempts": 429, "too_many_reads": 429,
    "server_busy": 503, "xlsx_unavailable": 503,
    # 422 — the request's data are wrong (fix the input, then send again)
    "invalid_request": 422, "invalid_field": 422, "command_not_allowed_here": 422, "unknown_command": 422,
    "unknown_campus": 422, "campus_required": 422, "idempotency_key_reused": 422,
    "invalid_blob": 422, "blob_hash_mismatch": 422, "invalid_public_key": 422, "invalid_scope": 422,
    "too_many_users": 422, "unknown_format": 422, "invalid_mapping": 422, "nothing_to_propose": 422,
    "sae_missing_columns": 422, "sae_empty_file": 422, "sae_bad_file": 422, "sae_file_too_large": 422,
    "invalid_file": 422, "xlsx_refused": 422, "invalid_list_file": 422, "invalid_rule": 422,
    "invalid_address": 422, "invalid_audience": 422, "invalid_sender": 422, "unknown_sender": 422,
    "invalid_requester_email": 422, "invalid_attachment": 422, "reason_required": 422,
    "response_required": 422, "template_refused": 422, "template_render_failed": 422,
    # 424 — a photo or signature the command refers to has not been uploaded yet (upload, then retry)
    "blob_missing": 424,
    # 409 — the record's state does not allow it now
    "invalid_status": 409, "incomplete_fields": 409, "photo_check_failed": 409, "sae_semester_not_allowed": 409,
    "already_exists": 409, "email_already_set": 409, "comment_required": 409,
    "guardian_consent_required": 409, "missing_biometrics": 409, "missing_delivery_signature": 409,
    "missing_order_number": 409, "missing_temporary_returned": 409, "sae_not_enrolled": 409,
    "offline": 409, "status_changed": 409, "user_exists": 409, "slip_already_printed": 409,
    "print_order_empty": 409, "print_order_final": 409, "print_order_status": 409,
    "request_state": 409, "request_closed": 409, "request_not_attended": 409, "attachments_missing": 409,
    "too_many_attachments": 409, "audience_empty": 409, "campaign_final": 409, "campaign_not_draft": 409,
    "no_rule": 409, "no_sender": 409, "already_proposed": 409, "no_accounts_to_propose": 409,
    "nothing_to_export": 409, "password_gone": 409, "sealed_password_unreadable": 409,
    "sequence_exhausted": 409, "export_invalid": 409,
}


def error_status(code: str) -> int:
    """The HTTP status of the error ``code`` (:data:`ERROR_STATUS`; 409 for a refusal code of a
    data-driven table not listed there, e.g. a request type's own rule)."""
    return ERROR_STATUS.get(code, 409)


class ApiError(UserError):
    """An error answer: stable ``code`` (its HTTP ``status`` comes from :data:`ERROR_STATUS`, so one
    code always has one status), Spanish ``message``, optional ``field`` and extra ``headers``
    (e.g. ``Retry-After``) or body members ``extra``."""

    def __init__(self, code: str, message: str, field: str | None = None, *,
                 headers: dict[str, str] | None = None, extra: dict[str, Any] | None = None):
        super().__init__(message, code, field)
        self.status = error_status(code)
        self.headers = headers
        self.extra = extra or {}


def refusal_error(refusal: Refusal) -> ApiError:
    """The :class:`ApiError` of a domain :class:`~station.domain.Refusal`."""
    return ApiError(refusal.code, refusal.message, refusal.field)


def api_error(error: UserError, message: str | None = None, field: str | None = None) -> ApiError:
    """The :class:`ApiError` answering a service's :class:`UserError`: its ``code`` (and so its
    status), its ``message`` and ``field`` unless given here (a route may prefix the file name or
    name the form field)."""
    return ApiError(error.code, error.message if message is None else message,
                    error.field if field is None else field)


class ErrorBody(BaseModel):
    """Body of an error: ``code`` (stable), ``message`` (es-MX), ``field`` (optional)."""

    code: str
    message: str
    field: str | None = None


class ErrorResponse(BaseModel):
    """The envelope ``{"error": ErrorBody}`` of every non-2xx answer."""

    error: ErrorBody


def error_json(status: int, code: str, message: str, field: str | None = None,
               headers: dict[str, str] | None = None, extra: dict[str, Any] | None = None) -> JSONResponse:
    """Build the JSON error response."""
    body: dict[str, Any] = {"code": code, "message": message}
    if field is not None:
        body["field"] = field
    body.update(extra or {})
    return JSONResponse({"error": body}, status_code=status, headers=headers)


_HTTP_CODES = {
    400: ("bad_request", "La solicitud no es válida."),
    401: ("unauthenticated", "Inicie sesión para continuar."),
    403: ("forbidden", "No tiene permiso para esta acción."),
    404: ("not_found", "La dirección solicitada no existe."),
    405: ("method_not_allowed", "Método HTTP no permitido para esta dirección."),
    406: ("not_acceptable", "Formato de respuesta no disponible."),
    413: ("payload_too_large", "El contenido enviado es demasiado grande."),
    415: ("unsupported_media_type", "Tipo de contenido no admitido."),
}


#: Location parts that are not field names: where the value came from, and the tags of the
#: discriminated command unions (``server.schemas.command_union``: ``capture``, ``deliver``…).
_NOT_FIELDS = frozenset({"body", "query", "path", "header"} | {c.value for c in Command})


def _field_of(loc: tuple | list) -> str | None:
    parts = [str(p) for p in loc if p not in _NOT_FIELDS]
    return ".".join(parts) or None


def validation_error(errors: list[dict]) -> tuple[str, str | None]:
    """The Spanish message and the field (dotted path, e.g. ``payload.comment``; ``None`` for the
    body as a whole) of the first of pydantic's ``errors`` — what every 422 ``invalid_request``
    says, for a whole request or for one command of a batch."""
    first = errors[0] if errors else {}
    if first.get("type") in ("union_tag_invalid", "union_tag_not_found"):
        ctx = first.get("ctx") or {}
        field = ".".join(filter(None, (_field_of(first.get("loc", ())),
                                       str(ctx.get("discriminator", "")).strip("'\""))))
        if first["type"] == "union_tag_not_found":
            return f"Falta el campo «{field}».", field
        return f"El valor del campo «{field}» no es una de las opciones permitidas.", field
    return _validation_message(first), _field_of(first.get("loc", ()))


def _validation_message(err: dict) -> str:
    kind = err.get("type", "")
    field = _field_of(err.get("loc", ())) or "la solicitud"
    if kind == "missing":
        return f"Falta el campo «{field}»."
    if kind in ("json_invalid", "json_type"):
        return "El cuerpo de la solicitud no es JSON válido."
    if kind.startswith("string_too_long"):
        return f"El campo «{field}» es demasiado largo."
    if kind.startswith("string_too_short"):
        return f"El campo «{field}» es demasiado corto."
    if kind in ("enum", "literal_error"):
        return f"El valor del campo «{field}» no es una de las opciones permitidas."
    if kind.startswith("int") or kind.startswith("greater") or kind.startswith("less"):
        return f"El campo «{field}» debe ser un número entero dentro del rango permitido."
    if kind == "string_pattern_mismatch":
        return f"El campo «{field}» no tiene el formato esperado."
    if kind.startswith("string"):
        return f"El campo «{field}» debe ser texto válido."
    if kind.startswith("bool"):
        return f"El campo «{field}» debe ser verdadero o falso."
    if kind.startswith("dict") or kind.startswith("model"):
        return f"El campo «{field}» debe ser un objeto JSON."
    if kind.startswith("list"):
        return f"El campo «{field}» debe ser una lista."
    if kind == "extra_forbidden":
        return f"El campo «{field}» no se reconoce."
    return f"El valor del campo «{field}» no es válido."


def install_error_handlers(app: FastAPI) -> None:
    """Install the handlers that give every error the JSON envelope."""

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError):
        return error_json(exc.status, exc.code, exc.message, exc.field, exc.headers, exc.extra)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError):
        message, field = validation_error(exc.errors())
        return error_json(422, "invalid_request", message, field)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        code, message = _HTTP_CODES.get(exc.status_code, ("http_error", "Error en la solicitud."))
        return error_json(exc.status_code, code, message, headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):
        log.error("Error inesperado en %s %s: %s", request.method, request.url.path, type(exc).__name__,
                  exc_info=exc)
        return error_json(500, "internal_error",
                          "Ocurrió un error interno en el servidor. Intente de nuevo; si persiste, avise al "
                          "administrador.")
