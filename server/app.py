"""Application factory of the central server (DESIGN.md §5).

``create_app(db_url)`` migrates nothing by itself unless ``migrate=True``:
production runs ``credencializacion-server migrate`` first; tests and the
embedded SQLite default pass ``migrate=True``. The OpenAPI document is at
``/openapi.json`` (with the ``bearer`` security scheme on every signed-in route); ``/docs`` and
``/redoc`` are off, as their pages would load scripts from a CDN. ``GET /health`` answers without
authentication.
"""
from __future__ import annotations

import json
import os
import re

from fastapi import FastAPI, Request
from sqlalchemy import text

from server.api.common import errors
from server.db.engine import make_engine, make_session_factory
from server.errors import error_json, install_error_handlers
from server.schemas import Health
from server.settings import ServerSettings, load_server_settings

_NUL_MESSAGE = "La solicitud contiene un carácter nulo (\\u0000), que no se admite."


_TOO_LARGE_MESSAGE = "El contenido enviado es demasiado grande."
_SURROGATE_MESSAGE = ("La solicitud contiene texto no válido (un carácter sustituto UTF-16 sin pareja); "
                      "revise el texto enviado.")
#: ``\\uD800``–``\\uDFFF`` escapes: only a JSON body holding one can carry a lone surrogate.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")

#: Routes anyone may call without a token, and the most their bodies may weigh (bytes): a sign-in
#: is a username, a password of ≤ 1024 characters and a signature — 8 KB is generous (#13 item 8).
ANONYMOUS_BODY_LIMITS: dict[str, int] = {"/auth/login": 8 * 1024, "/auth/challenge": 8 * 1024}


#: Routes that stream a raw (non-JSON) body and bound it themselves while reading, after the
#: caller's token was checked: ``(method, path pattern, the route's own limit)``. Every other
#: body is bounded here by ``max_json_bytes`` whatever its Content-Type: FastAPI reads a route's
#: whole body (before authentication) when the route declares a body parameter, so an anonymous
#: ``text/plain`` gigabyte must be refused before it is read (#13 item 8).
STREAMED_UPLOADS: tuple[tuple[str, re.Pattern, str], ...] = (
    ("PUT", re.compile(r"^/blobs/[^/]+$"), "server.sync.routes.MAX_BLOB_BYTES (5 MB)"),
    ("POST", re.compile(r"^/blobs/batch$"), "server.sync.routes.MAX_BLOB_BATCH_BYTES (16 MB)"),
    ("POST", re.compile(r"^/sae/files$"), "ServerSettings.max_upload_bytes (200 MB)"),
    ("POST", re.compile(r"^/accounts/directory$"), "server.accounts.routes.MAX_FILE_BYTES"),
    ("POST", re.compile(r"^/accounts/campuses/[^/]+/(lists|import)$"), "server.accounts.routes.MAX_FILE_BYTES"),
    ("POST", re.compile(r"^/requests/[^/]+/attachments$"), "RequestSettings.max_attachment_bytes"),
)


def is_streamed_upload(method: str, path: str) -> bool:
    """True when ``method path`` is one of :data:`STREAMED_UPLOADS` (its route bounds the body)."""
    return any(method == m and pattern.match(path) for m, pattern, _ in STREAMED_UPLOADS)


def _has_lone_surrogate(body: bytes) -> bool:
    """True if the JSON ``body`` decodes to text with an unpaired UTF-16 surrogate (which no
    database or UTF-8 encoder accepts). Invalid JSON answers False: the framework refuses it."""
    if not _SURROGATE_ESCAPE.search(body):
        return False
    try:
        json.dumps(json.loads(body), ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    except ValueError:
        return False
    return False


class RejectNulMiddleware:
    """ASGI middleware guarding request input before any route reads it (#13 item 8):

    - 422 ``invalid_request`` for a NUL character in the path, the query string or a JSON body
      (PostgreSQL cannot store it; it is never legitimate input), and for a JSON string holding a
      lone UTF-16 surrogate (``"\\ud800"``: no UTF-8 encoder accepts it);
    - 413 ``payload_too_large`` for a body over its bound, decided from ``Content-Length`` before
      a byte is read, else while reading: :data:`ANONYMOUS_BODY_LIMITS` for the routes callable
      without a token (any content type), ``max_json_bytes`` for every other body whatever its
      content type, except the raw uploads of :data:`STREAMED_UPLOADS` (SAE files, blobs,
      accounts files, request attachments), streamed and bounded by their routes after sign-in.
    """

    def __init__(self, app, max_json_bytes: int = 2 * 1024 * 1024):
        self.app = app
        self.max_json_bytes = max_json_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        raw_path = scope.get("raw_path") or scope.get("path", "").encode()
        query = scope.get("query_string", b"")
        if b"%00" in raw_path.lower() or b"\x00" in raw_path or b"%00" in query.lower() or "\x00" in scope.get("path", ""):
            return await error_json(422, "invalid_request", _NUL_MESSAGE)(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        ctype = headers.get(b"content-type", b"").lower()
        if scope.get("method") not in ("POST", "PUT", "PATCH"):
            return await self.app(scope, receive, send)
        is_json = b"json" in ctype
        path = scope.get("path", "").rstrip("/") or "/"
        limit = ANONYMOUS_BODY_LIMITS.get(path)
        if limit is None:
            if is_streamed_upload(scope.get("method", ""), path):
                return await self.app(scope, receive, send)  # bounded by its route, after sign-in
            limit = self.max_json_bytes  # any other body, whatever its declared type (the framework reads it whole)
        too_large = error_json(413, "payload_too_large", _TOO_LARGE_MESSAGE, headers={"Connection": "close"})
        declared = headers.get(b"content-length", b"")
        if declared.strip().isdigit() and int(declared) > limit:
            return await too_large(scope, receive, send)  # refused unread
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                return await too_large(scope, receive, send)
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        if is_json and (b"\\u0000" in body or b"\x00" in body):
            return await error_json(422, "invalid_request", _NUL_MESSAGE)(scope, receive, send)
        if is_json and _has_lone_surrogate(body):
            return await error_json(422, "invalid_request", _SURROGATE_MESSAGE)(scope, receive, send)
        sent = False

        async def replay():
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        return await self.app(scope, replay, send)


SERVE_DB_ENV = "CREDENCIALIZACION_SERVE_DB"
SERVE_SEMESTERS_ENV = "CREDENCIALIZACION_SERVE_SEMESTERS"


def serve_settings(semesters: str, trusted_proxies: str = "") -> ServerSettings:
    """Settings of ``serve``: the environment's (``CREDENCIALIZACION_SERVER_*``), with ``semesters``
    ("1,3,5"; empty = the environment's or default) allowed and ``trusted_proxies`` ("127.0.0.1";
    empty = the environment's or none: the reverse proxy of ``packaging/Caddyfile``, whose
    ``X-Forwarded-For`` is believed). Raises :class:`SettingsError` (Spanish)."""
    values = {}
    if semesters.strip():
        values["allowed_semesters"] = semesters
    if trusted_proxies.strip():
        values["trusted_proxies"] = trusted_proxies
    return load_server_settings(**values)


def app_from_environment() -> FastAPI:
    """App factory of each ``serve --workers N`` process: database URL and semesters from
    ``$CREDENCIALIZACION_SERVE_DB`` / ``$CREDENCIALIZACION_SERVE_SEMESTERS`` (set by the CLI)."""
    return create_app(os.environ[SERVE_DB_ENV], settings=serve_settings(os.environ.get(SERVE_SEMESTERS_ENV, "")))


#: ``Strict-Transport-Security`` sent on answers over HTTPS (``serve --ssl-certfile``): one year,
#: subdomains included. Behind a reverse proxy the proxy sends it (``packaging/Caddyfile``).
HSTS_VALUE = b"max-age=31536000; includeSubDomains"


class SecurityHeadersMiddleware:
    """ASGI middleware: every answer carries ``X-Content-Type-Options: nosniff`` and
    ``Cache-Control: no-store`` (answers hold minors' personal data and biometrics; no
    browser or proxy may keep or re-interpret them), and ``Strict-Transport-Security``
    when the request came over HTTPS."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def with_headers(message):
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", [])
                           if k.lower() not in (b"cache-control", b"x-content-type-options")]
                headers += [(b"cache-control", b"no-store"), (b"x-content-type-options", b"nosniff")]
                if scope.get("scheme") == "https":
                    headers.append((b"strict-transport-security", HSTS_VALUE))
                message = {**message, "headers": headers}
            await send(message)

        return await self.app(scope, receive, with_headers)


def create_app(db_url: str, settings: ServerSettings | None = None, migrate: bool = False,
               sae_adapter=None) -> FastAPI:
    """Build the FastAPI app for the database at ``db_url``.

    ``settings`` defaults to :class:`ServerSettings`; ``migrate=True`` runs
    Alembic to head first; ``sae_adapter`` defaults to
    :class:`server.services.sae.DatabaseSaeAdapter` (SAE export files loaded
    with ``import-sae``).
    """
    if migrate:
        from server.db.migrate import upgrade

        upgrade(db_url)
    from server.api import admin, auth_routes, print_orders, reports, sae, students
    from server.services.sae import DatabaseSaeAdapter

    engine = make_engine(db_url)
    # /docs and /redoc are off: FastAPI's pages load Swagger UI / ReDoc scripts from a CDN, and a
    # browser app on the origin that serves minors' data is surface nobody needs here (clients are the
    # stations and scripts). The document itself stays at /openapi.json for any offline viewer.
    app = FastAPI(
        title="Credencialización — servidor central",
        version="0.1.0",
        docs_url=None,
        redoc_url=None,
        description="API del servidor central de credencialización (alumnos, SAE, órdenes de impresión, "
                    "reportes). Errores: {\"error\": {\"code\", \"message\", \"field\"}}.",
    )
    app.state.engine = engine
    app.state.session_factory = make_session_factory(engine)
    app.state.settings = settings or load_server_settings()
    from server.keys import load_master_keys

    app.state.keys = load_master_keys(app.state.settings.master_key_file)
    app.state.sae = sae_adapter or DatabaseSaeAdapter()
    install_error_handlers(app)
    app.add_middleware(RejectNulMiddleware)
    app.add_middleware(SecurityHeadersMiddleware)

    @app.get("/health", response_model=Health, tags=["health"], responses=errors(503))
    def health(request: Request) -> Health:
        """Liveness and database reachability (no authentication)."""
        with request.app.state.session_factory() as session:
            session.execute(text("SELECT 1"))
        return Health(status="ok", database=engine.dialect.name)

    from server.api import access_log as access_routes
    from server.api import keys as trust_routes
    from server.api import privacy as privacy_routes

    for module in (auth_routes, students, sae, print_orders, reports, admin, trust_routes, privacy_routes,
                   access_routes):
        app.include_router(module.router)
    from server.sync.routes import router as sync_router

    app.include_router(sync_router)
    from server.accounts.routes import router as accounts_router

    app.include_router(accounts_router)
    from server.mail.routes import router as mail_router

    app.include_router(mail_router)
    from server.requests.campaigns import install as install_request_listener
    from server.requests.routes import router as requests_router

    app.include_router(requests_router)
    install_request_listener()
    from server.api.links import install_links

    install_links(app)
    return app
