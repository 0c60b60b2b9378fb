"""HTTP client of the central server, with failures named by their real cause.

DESIGN.md §4: the users of comparable systems complain of misleading "no
internet" errors; here every failure becomes an :class:`ServerApiError` whose
``cause`` is one of ``dns``, ``tls``, ``refused``, ``timeout``,
``network``, ``unauthorized`` (401), ``forbidden`` (403), ``not_found``
(404), ``conflict`` (409), ``busy`` (429 or 503: try later, honour
``Retry-After``), ``invalid`` (other 4xx), ``server`` (other 5xx) or
``bad_response`` (not the JSON we expect), and whose ``message`` is Spanish.
No Qt; safe to call from worker threads (one ``requests.Session`` per client).

Transport (DESIGN.md §10, #13 item 6): a client refuses an ``http://`` address unless its host is
loopback (:func:`check_server_url`, cause ``insecure``, before any connection), always verifies
the server's certificate, and with ``ca_bundle`` (the station's ``ca_bundle`` setting: a PEM file)
trusts only that CA bundle (``requests`` ``verify=path``) instead of the system's.

Stale keep-alive connections: a request that goes out on a pooled connection the server closed
while it sat idle (its keep-alive ran out just as the request left) fails before any answer
(:func:`is_stale_connection`). Such a request is sent once more, on a new connection, when sending
it twice is safe — an idempotent method (:data:`IDEMPOTENT_METHODS`), a command carrying an
``Idempotency-Key`` (the server replays its stored answer) or a call that says it is replayable
(the sync batches, whose every item the server deduplicates). Any other request is never re-sent:
its failure is reported as it happened — and so that such a request (a sign-in, starting a mass
mail) does not meet a stale connection at all, it goes out on a new connection whenever the pooled
ones have sat idle :data:`FRESH_CONNECTION_AFTER_S` or longer.
"""
from __future__ import annotations

import ipaddress
import json as jsonlib
import socket
import ssl
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlparse

import requests

from station.domain.errors import UserError

DEFAULT_TIMEOUT = (3.05, 20.0)  # (connect, read) seconds


#: Methods that RFC 9110 §9.2.2 calls idempotent: sending one twice has the effect of sending it once.
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})

#: Seconds of idleness after which a request that may not be sent twice opens a new connection
#: instead of reusing a pooled one: well under uvicorn's 5 s keep-alive (and any proxy's), so the
#: connection it would reuse cannot be one the server is closing. The first sign-in after an idle
#: spell used to meet such a connection and show «Sin conexión» (or sign in offline) once.
FRESH_CONNECTION_AFTER_S = 2.0


#: Causes that mean "no usable connection to the server": the station shows «Sin conexión»,
#: sign-in falls back to offline, a sync round stops and is retried later.
OFFLINE_CAUSES = frozenset({"dns", "tls", "refused", "timeout", "network"})
#: Causes that mean "the server answered, but cannot serve now" (5xx, busy, unreadable body): worth retrying.
SERVER_FAULT_CAUSES = frozenset({"server", "busy", "bad_response"})


@dataclass
class ServerApiError(UserError):
    """A failed call. ``cause`` (see module doc), ``message`` (Spanish),
    ``status`` (HTTP status or ``None``), ``code`` (the server's stable error
    code when it sent one, else the cause), ``field`` (offending field, if named).
    A :class:`~station.domain.errors.UserError`: the message is shown as is."""

    cause: str
    message: str
    status: int | None = None
    code: str | None = None
    field: str | None = None
    body: Any = None

    def __post_init__(self) -> None:
        # UserError's stable code: the server's when it sent one, else the cause.
        if self.code is None:
            self.code = self.cause

    def __str__(self) -> str:
        return self.message

    @property
    def is_transient(self) -> bool:
        """True for failures worth retrying later (network, timeouts, 5xx; not TLS, which needs a person)."""
        return self.cause in (OFFLINE_CAUSES - {"tls"}) | SERVER_FAULT_CAUSES

    @property
    def server_unusable(self) -> bool:
        """True when the server cannot serve this desk right now (offline, 5xx, unreadable answers)."""
        return self.cause in OFFLINE_CAUSES | SERVER_FAULT_CAUSES


def is_loopback_host(host: str | None) -> bool:
    """True for ``localhost`` (and ``*.localhost``) and loopback IPs (127.0.0.0/8, ``::1``)."""
    if not host:
        return False
    host = host.strip("[]").lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


INSECURE_URL_MESSAGE = ("La dirección del servidor usa http:// (sin cifrar) hacia «{host}»: solo se admite con "
                        "este mismo equipo (127.0.0.1 o localhost). Use https:// para el servidor central.")


def check_server_url(url: str) -> str:
    """Return ``url`` when the station may talk to it: ``https://`` anywhere, ``http://`` only to
    a loopback host. Raises :class:`ServerApiError` (cause ``insecure``, Spanish) otherwise —
    before any connection is attempted, so no password or personal data leaves in clear."""
    from urllib.parse import urlsplit

    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    try:
        host = parts.hostname
    except ValueError:
        host = None
    if scheme == "https" and host:
        return url
    if scheme == "http" and is_loopback_host(host):
        return url
    if scheme == "http":
        raise ServerApiError("insecure", INSECURE_URL_MESSAGE.format(host=host or url))
    raise ServerApiError("invalid", f"La dirección del servidor debe empezar con https:// y llevar el nombre o la IP "
                                    f"del servidor: «{url}».")


def is_offline(exc: BaseException) -> bool:
    """The one answer to "is the central server unreachable?" for an exception of a server call.

    True for a :class:`ServerApiError` whose ``cause`` is in :data:`OFFLINE_CAUSES` (DNS, TLS,
    refused, timeout, network) and for a raw ``requests`` connection error or timeout; False
    for anything the server answered (4xx, 5xx) and for every other exception.
    """
    if isinstance(exc, ServerApiError):
        return exc.cause in OFFLINE_CAUSES
    return isinstance(exc, (requests.exceptions.ConnectionError, requests.exceptions.Timeout))


def is_stale_connection(exc: BaseException) -> bool:
    """True when ``exc`` (from ``requests``) says the connection was closed or reset under a
    request that had been handed to it — what a pooled keep-alive connection that the server
    closed while idle gives (``RemoteDisconnected``, ``ConnectionResetError``, ``BrokenPipeError``
    inside urllib3's "Connection aborted"). False for a connection that could not be opened
    (refused, DNS, TLS), for a timeout and for anything the server answered."""
    import http.client

    from urllib3.exceptions import NewConnectionError, ProtocolError

    if not isinstance(exc, requests.exceptions.ConnectionError) or isinstance(
            exc, (requests.exceptions.Timeout, requests.exceptions.SSLError)):
        return False
    causes = list(_chain(exc))
    if any(isinstance(c, (NewConnectionError, socket.gaierror, ConnectionRefusedError, ssl.SSLError))
           for c in causes):
        return False
    return any(isinstance(c, (ProtocolError, http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError,
                              ConnectionAbortedError)) for c in causes)


def _never_sent(exc: BaseException) -> bool:
    """True when ``exc`` came from a connection pool that another thread had just closed (the
    idle-spell reset in :meth:`ServerApi.request`): the request never left, so sending it is safe
    whatever it is."""
    from urllib3.exceptions import ClosedPoolError

    return any(isinstance(c, ClosedPoolError) for c in _chain(exc))


def _chain(exc: BaseException):
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__
        if exc is None:
            break
        for arg in getattr(exc, "args", ()):
            if isinstance(arg, BaseException):
                yield arg
                yield from _chain(arg)


def classify_network_error(exc: BaseException, url: str) -> ServerApiError:
    """Turn a ``requests`` exception into an :class:`ServerApiError` naming DNS, TLS,
    refused connection or timeout (in that order of evidence)."""
    host = urlparse(url).hostname or url
    causes = list(_chain(exc))
    if isinstance(exc, requests.exceptions.SSLError) or any(isinstance(c, ssl.SSLError) for c in causes):
        verify = next((c for c in causes if isinstance(c, ssl.SSLCertVerificationError)), None)
        reason = _TLS_REASONS.get(getattr(verify, "verify_code", None), "") if verify is not None else ""
        if verify is not None and not reason:
            reason = "el certificado no es válido o no es de confianza"
        if not reason:
            reason = "no se pudo negociar el cifrado (¿el servidor habla https en ese puerto?)"
        return ServerApiError("tls", f"Falló la conexión segura (TLS) con {host}: {reason}. Revise la dirección, la "
                                     "fecha y hora de este equipo o el certificado de CA configurado (ca_bundle).")
    if isinstance(exc, OSError) and "TLS CA certificate bundle" in str(exc):
        return ServerApiError("tls", f"No se pudo leer el certificado de CA configurado (ca_bundle) para {host}.")
    if isinstance(exc, (requests.exceptions.ConnectTimeout, requests.exceptions.ReadTimeout,
                        requests.exceptions.Timeout)):
        return ServerApiError("timeout", f"El servidor {host} no respondió a tiempo.")
    if any(isinstance(c, socket.gaierror) for c in causes) or "NameResolution" in repr(exc) \
            or "Name or service not known" in str(exc):
        return ServerApiError("dns", f"No se encontró el servidor «{host}» (falla de DNS). Revise la dirección del "
                               "servidor o la red del plantel.")
    if any(isinstance(c, ConnectionRefusedError) for c in causes) or "Connection refused" in str(exc):
        return ServerApiError("refused", f"El servidor {host} rechazó la conexión: el servicio no está en ejecución "
                                   "o un cortafuegos lo bloquea.")
    return ServerApiError("network", f"Se perdió la conexión con {host}: {type(exc).__name__}.")


#: OpenSSL ``X509_V_ERR_*`` codes (``SSLCertVerificationError.verify_code``) → Spanish reason.
_TLS_REASONS = {
    2: "no se encontró el certificado de la autoridad que lo emitió (¿falta el certificado de CA en ca_bundle?)",
    9: "el certificado del servidor aún no es válido (¿la fecha de este equipo es correcta?)",
    10: "el certificado del servidor está vencido",
    18: "el certificado del servidor es autofirmado y no es de confianza",
    19: "la cadena del certificado tiene una autoridad autofirmada que no es de confianza",
    20: "el certificado del servidor lo emitió una autoridad que no es de confianza (configure ca_bundle)",
    21: "no se pudo verificar el certificado del servidor (cadena incompleta)",
    23: "el certificado del servidor fue revocado",
    62: "el certificado no corresponde al nombre del servidor",
    64: "el certificado no corresponde a la dirección IP del servidor",
}

_STATUS_CAUSE = {401: "unauthorized", 403: "forbidden", 404: "not_found", 409: "conflict", 429: "busy", 503: "busy"}


def error_from_result(result: dict) -> ServerApiError:
    """The :class:`ServerApiError` of one failed item of a batch answer (``{status, error: {code,
    message, field}}``, see :meth:`ServerApi.sync_commands` / :meth:`ServerApi.put_blobs`): the
    same error a single request for that item would have raised."""
    status = int(result.get("status") or 0)
    cause = _STATUS_CAUSE.get(status, "server" if status >= 500 else "invalid")
    error = result.get("error") if isinstance(result.get("error"), dict) else {}
    message = error.get("message") if isinstance(error.get("message"), str) else \
        f"El servidor rechazó un elemento del lote (HTTP {status})."
    return ServerApiError(cause, message, status or None, error.get("code"), error.get("field"), result)


def error_from_response(response: requests.Response) -> ServerApiError:
    """An :class:`ServerApiError` for a non-2xx response, using the server's
    ``{"error": {"code", "message", "field"}}`` body when present."""
    status = response.status_code
    cause = _STATUS_CAUSE.get(status, "server" if status >= 500 else "invalid")
    try:
        body = response.json()
        error = body.get("error") if isinstance(body, dict) else None
    except ValueError:
        error = None
    if isinstance(error, dict) and isinstance(error.get("message"), str):
        return ServerApiError(cause, error["message"], status, error.get("code"), error.get("field"), body)
    if status < 500:  # not our API's error shape: a proxy, a captive portal or a wrong address (issue 14 §7)
        return ServerApiError("bad_response", f"La dirección configurada respondió HTTP {status} sin el formato del "
                                        "servidor central (¿un proxy o una dirección equivocada?); nada se "
                                        "marcó como rechazado y se reintentará.", status)
    defaults = {
        "unauthorized": "La sesión expiró o las credenciales no son válidas; inicie sesión de nuevo.",
        "forbidden": "Su usuario no tiene permiso para esta acción.",
        "not_found": "El servidor no encontró lo solicitado.",
        "conflict": "El servidor rechazó el cambio porque el registro cambió mientras tanto.",
        "busy": "El servidor está ocupado; intente de nuevo en unos momentos.",
        "server": f"El servidor central tuvo un error interno (HTTP {status}); se reintentará más tarde.",
        "invalid": f"El servidor rechazó la solicitud (HTTP {status}).",
    }
    return ServerApiError(cause, defaults[cause], status)


class ServerApi:
    """Client of the central server at ``base_url`` (e.g. ``http://127.0.0.1:8000``).

    ``token`` is the bearer token from :meth:`login`. Every method returns the
    decoded JSON (dict/list) or bytes, or raises :class:`ServerApiError`.
    """

    def __init__(self, base_url: str, token: str | None = None, timeout=DEFAULT_TIMEOUT,
                 session: requests.Session | None = None, ca_bundle: str | None = None):
        """``ca_bundle``: path of a PEM file with the CA certificates to trust instead of the
        system's (the station's ``ca_bundle`` setting); ``None``/empty = the system store.
        Raises :class:`ServerApiError` ``insecure`` for ``http://`` to a non-loopback host,
        ``invalid`` for an empty or non-http(s) address."""
        if not base_url:
            raise ServerApiError("invalid", "No se ha configurado la dirección del servidor central.")
        self.base_url = check_server_url(base_url).rstrip("/")
        self.token = token
        self.timeout = timeout
        self.verify: str | bool = str(ca_bundle) if ca_bundle else True
        self.http = session or requests.Session()
        self._last_used = 0.0  # time.monotonic() when the last request ended

    # --- plumbing -------------------------------------------------------

    def request(self, method: str, path: str, *, json: Any = None, data: bytes | None = None,
                params: dict | None = None, headers: dict | None = None, raw: bool = False,
                timeout=None, replayable: bool | None = None) -> Any:
        """Send one request; return JSON (or bytes with ``raw``). Raises :class:`ServerApiError`.

        ``replayable``: whether sending the request twice is safe; ``None`` (default) decides from
        the request — an idempotent method or an ``Idempotency-Key`` header. A replayable request
        whose pooled connection turns out stale (:func:`is_stale_connection`) is sent once more on a
        new connection; a second failure, and any failure of a request that is not replayable, is
        raised. A request that is not replayable after :data:`FRESH_CONNECTION_AFTER_S` seconds
        without traffic first drops the idle pooled connections, so it goes out on a new one."""
        url = self.base_url + path
        all_headers = {"Accept": "application/json"}
        if self.token:
            all_headers["Authorization"] = f"Bearer {self.token}"
        all_headers.update(headers or {})
        if replayable is None:
            replayable = method.upper() in IDEMPOTENT_METHODS or any(
                name.lower() == "idempotency-key" for name in all_headers)
        replayable = replayable and not hasattr(data, "read")  # a stream cannot be sent twice
        if not replayable and time.monotonic() - self._last_used >= FRESH_CONNECTION_AFTER_S:
            self.http.close()  # idle pooled connections go; one in use by another thread ends as it was
        for attempt in (1, 2):
            try:
                response = self.http.request(method, url, json=json, data=data, params=params, headers=all_headers,
                                             timeout=timeout or self.timeout, verify=self.verify,
                                             allow_redirects=False)
                break
            except requests.exceptions.RequestException as exc:
                if attempt == 1 and (replayable and is_stale_connection(exc) or _never_sent(exc)):
                    continue  # the pool dropped that connection: the retry opens a new one
                raise classify_network_error(exc, url) from None
            finally:
                self._last_used = time.monotonic()
        if not 200 <= response.status_code < 300:
            raise error_from_response(response)
        if raw:
            return response.content
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise ServerApiError("bad_response", "El servidor envió una respuesta que no se pudo leer (no es JSON).",
                           response.status_code) from None

    # --- endpoints ------------------------------------------------------

    def health(self) -> dict:
        """``GET /health``."""
        return self.request("GET", "/health", timeout=(3.05, 5.0))

    def login(self, username: str, password: str, station_id: str = "", signing_key=None) -> dict:
        """``POST /auth/login`` → ``{token, expires_at, user: {username, role, campuses, display_name}}``;
        keeps the token for later calls.

        With ``station_id`` and the station's Ed25519 ``signing_key`` the
        session is bound to the station: the client first asks ``POST
        /auth/challenge`` and sends the signature of
        :func:`station.domain.proofs.login_proof_message` (DESIGN.md §10), which
        lets it upload commands other users queued at this station.
        ``station_id`` without a key raises ``ValueError``.
        """
        body = {"username": username, "password": password}
        if station_id:
            if signing_key is None:
                raise ValueError("Se necesita la llave de la estación para ligar la sesión a la estación.")
            import base64

            from station.domain.proofs import login_proof_message

            answer = self.request("POST", "/auth/challenge", json={"station_id": station_id})
            challenge = answer.get("challenge") if isinstance(answer, dict) else None
            if not isinstance(challenge, str):
                raise ServerApiError("bad_response", "El servidor respondió al reto de la estación sin los datos esperados.")
            signature = signing_key.sign(login_proof_message(station_id, challenge, username))
            body.update(station_id=station_id, challenge=challenge,
                        signature=base64.b64encode(signature).decode("ascii"))
        answer = self.request("POST", "/auth/login", json=body)
        if not isinstance(answer, dict) or "token" not in answer or "user" not in answer:
            raise ServerApiError("bad_response", "El servidor respondió al inicio de sesión sin los datos esperados.")
        self.token = answer["token"]
        return answer

    def logout(self) -> None:
        """``POST /auth/logout`` (revokes the token)."""
        self.request("POST", "/auth/logout")
        self.token = None

    def get_student(self, matricula: str) -> dict:
        """``GET /students/{matricula}`` → the record as ``Student.to_dict()``."""
        return self.request("GET", f"/students/{quote(matricula)}")

    def student_command(self, matricula: str, command: str, payload: dict,
                        idempotency_key: str | None = None) -> dict:
        """``POST /students/{matricula}/commands`` → the new record."""
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else None
        return self.request("POST", f"/students/{quote(matricula)}/commands",
                            json={"command": command, "payload": payload}, headers=headers)

    def delete_biometrics(self, matricula: str, reason: str) -> dict:
        """``POST /students/{matricula}/biometrics/delete`` (state office; issue 14 §6) →
        ``{"student": record, "deleted": [{"tipo", "sha256"}]}``."""
        return self.request("POST", f"/students/{quote(matricula)}/biometrics/delete", json={"reason": reason})

    def sae_lookup(self, matricula: str) -> dict:
        """``GET /sae/{matricula}``: SAE data, comparison, allowed actions or the reason."""
        return self.request("GET", f"/sae/{quote(matricula)}")

    def sae_apply(self, matricula: str, action: str) -> dict:
        """``POST /sae/{matricula}/import`` or ``/update`` (``action``) → the new record."""
        if action not in ("import", "update"):
            raise ValueError(action)
        return self.request("POST", f"/sae/{quote(matricula)}/{action}")

    def status_report(self) -> dict:
        """``GET /reports/status`` → ``StatusReport.to_dict()``."""
        return self.request("GET", "/reports/status")

    def trust(self, since: int, usernames: list[str] | None = None) -> dict:
        """``GET /trust?since=&users=`` → ``{keys, revocations, next, more, users}``
        (see :mod:`server.services.keys`). Raises ``bad_response`` on another shape."""
        answer = self.request("GET", "/trust", params={"since": int(since), "users": ",".join(usernames or [])})
        if not isinstance(answer, dict) or not isinstance(answer.get("keys"), list) \
                or not isinstance(answer.get("revocations"), list) or not isinstance(answer.get("users", {}), dict):
            raise ServerApiError("bad_response", "El servidor respondió a la consulta de claves sin los datos esperados.")
        return answer

    def station_keys(self) -> dict:
        """``GET /stations/keys`` → ``{station_id: public_key_b64}``."""
        return self.request("GET", "/stations/keys")

    # --- sync (issue 4; wire protocol in station/sync/__init__.py) -------

    def blobs_missing(self, sha256s: list[str], matriculas: list[str] | None = None) -> list[str]:
        """``POST /blobs/missing`` ``{"sha256s": [...], "matriculas": [...]}`` → the subset the
        server does not hold for that student (complete). At most 1,000 hashes per call;
        ``matriculas`` (same order) names each blob's student."""
        body: dict = {"sha256s": list(sha256s)}
        if matriculas is not None:
            body["matriculas"] = list(matriculas)
        answer = self.request("POST", "/blobs/missing", json=body, replayable=True)  # a question, changes nothing
        if not isinstance(answer, dict) or not isinstance(answer.get("missing"), list):
            raise ServerApiError("bad_response", "El servidor respondió sin la lista de archivos faltantes.")
        return [str(x) for x in answer["missing"]]

    def put_blob(self, sha256: str, data: bytes, kind: str, matricula: str = "") -> dict:
        """``PUT /blobs/{sha256}?kind=&matricula=`` with the raw bytes (``application/octet-stream``).

        The blob is bound to the student ``matricula``. The server re-hashes (422
        ``blob_hash_mismatch``), checks the content (422 ``invalid_blob``: not a JPEG
        photo / PNG or JSON signature) and the uploader's plantel (403); storing an
        existing blob again is a no-op (200).
        """
        return self.request("PUT", f"/blobs/{sha256}", data=data, params={"kind": kind, "matricula": matricula},
                            headers={"Content-Type": "application/octet-stream"})

    def get_blob(self, sha256: str) -> bytes:
        """``GET /blobs/{sha256}`` → the bytes (404 ``not_found`` when absent)."""
        return self.request("GET", f"/blobs/{sha256}", raw=True, headers={"Accept": "application/octet-stream"})

    def sync_command(self, op: dict) -> dict:
        """``POST /sync/commands`` with ``Idempotency-Key: op["op_id"]``.

        ``op``: ``{op_id, station_id, seq, command, matricula, expected_status,
        payload, username, created_at}``. Returns ``{op_id, outcome: "accepted",
        student}``; a refusal raises :class:`ServerApiError` (403/404/409/422) whose
        ``body`` holds ``{error, op_id, outcome: "refused", student}``.
        """
        return self.request("POST", "/sync/commands", json=op, headers={"Idempotency-Key": op["op_id"]})

    def _batch_timeout(self, count: int):
        """The read timeout of a batch of ``count`` items: the single-request one per 10 items
        (a server works through a batch one transaction at a time)."""
        connect, read = self.timeout if isinstance(self.timeout, tuple) else (self.timeout, self.timeout)
        return connect, read * max(1.0, count / 10)

    def sync_commands(self, ops: list[dict]) -> list[dict]:
        """``POST /sync/commands/batch`` with ``{"commands": ops}`` (each ``op`` as in
        :meth:`sync_command`; its ``op_id`` is its idempotency key).

        Returns one result per op, in order: ``{op_id, status, outcome, student, error}``
        with ``outcome`` ``accepted``, ``refused`` (final; ``status`` 403/404/409/422 and
        the server's Spanish ``error``), ``retry`` (424 ``blob_missing``) or ``skipped``.
        Raises :class:`ServerApiError` when the batch itself fails (401, 413, 5xx, network).
        """
        # Replayable: every command carries its op_id as idempotency key and the server dedupes each.
        answer = self.request("POST", "/sync/commands/batch", json={"commands": ops},
                              timeout=self._batch_timeout(len(ops)), replayable=True)
        results = answer.get("results") if isinstance(answer, dict) else None
        if not isinstance(results, list) or len(results) != len(ops):
            raise ServerApiError("bad_response", "El servidor respondió al lote de acciones sin un resultado por acción.")
        return results

    def put_blobs(self, items: list[tuple[str, bytes, str, str]]) -> list[dict]:
        """``POST /blobs/batch``: several ``(sha256, data, kind, matricula)`` in one multipart request.

        Returns one ``{sha256, status, size, error}`` per item, in order (201 stored, 200
        held, else the status and Spanish ``error`` ``PUT /blobs/{sha256}`` would give).
        The server takes at most 16 MB and 64 blobs per request (413/422 beyond).
        """
        from urllib3 import encode_multipart_formdata

        manifest = [{"sha256": sha, "kind": kind, "matricula": m} for sha, _data, kind, m in items]
        fields: list = [("manifest", jsonlib.dumps(manifest))]
        fields += [("blob", (sha, data, "application/octet-stream")) for sha, data, _kind, _m in items]
        body, content_type = encode_multipart_formdata(fields)
        # Replayable: blobs are content-addressed; one already held is answered 200.
        answer = self.request("POST", "/blobs/batch", data=body, headers={"Content-Type": content_type},
                              timeout=self._batch_timeout(len(items)), replayable=True)
        results = answer.get("results") if isinstance(answer, dict) else None
        if not isinstance(results, list) or len(results) != len(items):
            raise ServerApiError("bad_response", "El servidor respondió al lote de archivos sin un resultado por archivo.")
        return results

    def changes(self, since: int, limit: int = 500, campuses: list[str] | None = None) -> dict:
        """``GET /sync/changes?since=&limit=&campus=…`` → ``{items: [student + change_seq],
        next: int, more: bool, remaining: int}`` ordered by ``change_seq``."""
        params: dict = {"since": int(since), "limit": int(limit)}
        if campuses:
            params["campus"] = list(campuses)
        answer = self.request("GET", "/sync/changes", params=params)
        if not isinstance(answer, dict) or not isinstance(answer.get("items"), list) or "next" not in answer:
            raise ServerApiError("bad_response", "El servidor respondió a la consulta de cambios sin los datos esperados.")
        return answer

    def revoke_station(self, station_id: str) -> dict:
        """``POST /stations/{station_id}/revoke`` (admin token): the station's sessions end at once."""
        return self.request("POST", f"/stations/{quote(station_id, safe='')}/revoke")

    def register_station(self, station_id: str, public_key_b64: str, description: str = "") -> dict:
        """``POST /stations`` (admin token) → ``{station_id, public_key, description, registered_by,
        registered_at}``. Registers or re-keys ``station_id`` with its raw Ed25519 public key in
        base64 (:func:`station.secrets.public_key_b64`). 403 for non-admins (``forbidden``), 422 for a
        malformed id or key (``invalid``, the server's Spanish message)."""
        return self.request("POST", "/stations", json={"station_id": station_id, "public_key": public_key_b64,
                                                       "description": description})

    # --- institutional accounts (issue 20; server/accounts/routes.py) ------

    def account_slip_status(self, matricula: str) -> dict:
        """``GET /accounts/slips/{matricula}`` → ``{pending, address, printed_at}``."""
        return self.request("GET", f"/accounts/slips/{quote(matricula)}")

    def claim_account_slip(self, matricula: str) -> dict:
        """``POST /accounts/slips/{matricula}`` → ``{matricula, full_name, address, password,
        sign_in_url}`` — once; afterwards 409 ``slip_already_printed`` (:class:`ServerApiError` ``conflict``)."""
        return self.request("POST", f"/accounts/slips/{quote(matricula)}")

    def accounts_preview(self, campus: str) -> list:
        """``GET /accounts/campuses/{campus}/preview`` → proposals that would be made (nothing saved)."""
        return self.request("GET", f"/accounts/campuses/{quote(campus)}/preview")

    def accounts_proposals(self, campus: str) -> list:
        """``GET /accounts/campuses/{campus}/proposals`` → open proposals (every kind)."""
        return self.request("GET", f"/accounts/campuses/{quote(campus)}/proposals")

    def accounts_propose(self, campus: str) -> list:
        """``POST /accounts/campuses/{campus}/proposals`` → reserve addresses for students lacking one."""
        return self.request("POST", f"/accounts/campuses/{quote(campus)}/proposals")

    def accounts_list(self, campus: str, kind: str, data: bytes, filename: str) -> list:
        """``POST /accounts/campuses/{campus}/lists?kind=`` with a staff/graduate list (CSV/XLSX)."""
        return self.request("POST", f"/accounts/campuses/{quote(campus)}/lists", data=data,
                            params={"kind": kind, "filename": filename},
                            headers={"Content-Type": "application/octet-stream"})

    def accounts_export(self, campus: str, fmt: str, kind: str | None = None) -> bytes:
        """``GET /accounts/campuses/{campus}/export?format=`` → ZIP bytes of the checked files."""
        params = {"format": fmt}
        if kind:
            params["kind"] = kind
        return self.request("GET", f"/accounts/campuses/{quote(campus)}/export", params=params, raw=True,
                            headers={"Accept": "application/zip"}, timeout=(3.05, 120.0))

    def accounts_import(self, campus: str, data: bytes, filename: str) -> dict:
        """``POST /accounts/campuses/{campus}/import`` with the tenant's file → the import report."""
        return self.request("POST", f"/accounts/campuses/{quote(campus)}/import", data=data,
                            params={"filename": filename}, headers={"Content-Type": "application/octet-stream"},
                            timeout=(3.05, 120.0))

    def accounts_directory(self, data: bytes, filename: str) -> dict:
        """``POST /accounts/directory`` with the tenant's directory export → ``{new}``."""
        return self.request("POST", "/accounts/directory", data=data, params={"filename": filename},
                            headers={"Content-Type": "application/octet-stream"}, timeout=(3.05, 120.0))
    # --- avisos por correo (issue 18; server/mail/routes.py) ---------------

    def mail_senders(self) -> list:
        """``GET /mail/senders`` → ``[{id, name, from_address, from_name, per_minute, per_day, active}]``."""
        return self.request("GET", "/mail/senders")

    def mail_fields(self) -> list:
        """``GET /mail/fields`` → ``[{name, label}]``: the fields a notice template may use."""
        return self.request("GET", "/mail/fields")

    def mail_create(self, campaign: dict) -> dict:
        """``POST /mail/campaigns`` with ``{name, subject, text, html?, audience, senders?,
        requester_email?, bounce_wait_s?}`` → the draft's summary. 422 ``template_refused`` names the field."""
        return self.request("POST", "/mail/campaigns", json=campaign)

    def mail_preview(self, campaign_id: int, samples: int = 3) -> dict:
        """``POST /mail/campaigns/{id}/preview`` → ``{total, samples, invalid, suppressed}``; a row that
        cannot render raises :class:`ApiError` (422 ``template_render_failed``) naming row and field."""
        return self.request("POST", f"/mail/campaigns/{int(campaign_id)}/preview", params={"samples": samples})

    def mail_start(self, campaign_id: int) -> dict:
        """``POST /mail/campaigns/{id}/start`` → summary (the server's worker sends it)."""
        return self.request("POST", f"/mail/campaigns/{int(campaign_id)}/start")

    def mail_cancel(self, campaign_id: int) -> dict:
        """``POST /mail/campaigns/{id}/cancel`` → summary."""
        return self.request("POST", f"/mail/campaigns/{int(campaign_id)}/cancel")

    def mail_campaigns(self) -> list:
        """``GET /mail/campaigns`` → summaries ``{id, name, status_label, counts, bounced, eta_seconds…}``."""
        return self.request("GET", "/mail/campaigns")

    def mail_recipients(self, campaign_id: int, state: str | None = None, limit: int = 500) -> dict:
        """``GET /mail/campaigns/{id}/recipients`` → ``{items, total}`` (optionally one ``state``)."""
        params: dict = {"limit": int(limit)}
        if state:
            params["state"] = state
        return self.request("GET", f"/mail/campaigns/{int(campaign_id)}/recipients", params=params)

    def mail_templates(self) -> list:
        """``GET /mail/templates`` → saved templates ``[{id, name, scope, subject, text, html, updated_by,
        updated_at}]`` the user may use (their planteles' and the state-wide ones)."""
        return self.request("GET", "/mail/templates")

    def mail_save_template(self, template: dict) -> dict:
        """``PUT /mail/templates`` with ``{name, subject, text, html?, scope?}`` → the saved template
        and ``created``; 422 ``template_refused`` names the field, 403 a plantel not assigned."""
        return self.request("PUT", "/mail/templates", json=template)

    def mail_delete_template(self, template_id: int) -> None:
        """``DELETE /mail/templates/{id}``."""
        self.request("DELETE", f"/mail/templates/{int(template_id)}")

    def mail_report_xlsx(self, campaign_id: int) -> bytes:
        """``GET /mail/campaigns/{id}/report.xlsx`` → the outcome workbook."""
        return self.request("GET", f"/mail/campaigns/{int(campaign_id)}/report.xlsx", raw=True,
                            headers={"Accept": "application/octet-stream"})

    # --- solicitudes (issue 19; server/requests/routes.py, contract /work/notes/19-contract.md) ---

    def requests_types(self) -> list:
        """``GET /requests/types`` → ``[{code, label, fields: [{name, label, kind, required, max_length}],
        attachments: [{kind, label, required, content_types}], service_hours}]``."""
        answer = self.request("GET", "/requests/types")
        if not isinstance(answer, list):
            raise ServerApiError("bad_response", "El servidor respondió sin la lista de tipos de solicitud.")
        return answer

    def requests_file(self, type_code: str, fields: dict) -> dict:
        """``POST /requests`` ``{type, fields}`` → the new ``RequestDetail`` (with its folio).
        422 ``invalid_field`` names the field; 403 ``forbidden_campus`` for a plantel not assigned."""
        return self.request("POST", "/requests", json={"type": type_code, "fields": fields})

    def requests_list(self, state: str | None = None, type_code: str | None = None, mine: bool = False,
                      q: str = "", limit: int = 200, offset: int = 0) -> dict:
        """``GET /requests?state=&type=&mine=&q=&limit=&offset=`` → ``{items: [RequestSummary], total}``
        (users who do not handle requests get only their own)."""
        params: dict = {"limit": int(limit), "offset": int(offset)}
        if state:
            params["state"] = state
        if type_code:
            params["type"] = type_code
        if mine:
            params["mine"] = "true"
        if q:
            params["q"] = q
        answer = self.request("GET", "/requests", params=params)
        if not isinstance(answer, dict) or not isinstance(answer.get("items"), list):
            raise ServerApiError("bad_response", "El servidor respondió sin la lista de solicitudes.")
        return answer

    def requests_detail(self, folio: str) -> dict:
        """``GET /requests/{folio}`` → ``RequestDetail`` (summary + fields, attachments, timeline,
        allowed_actions for this user); 404 ``request_not_found`` when not visible."""
        return self.request("GET", f"/requests/{quote(folio, safe='')}")

    def requests_attach(self, folio: str, kind: str, filename: str, data: bytes) -> dict:
        """``POST /requests/{folio}/attachments?kind=&filename=`` with the raw bytes → the attachment's
        metadata ``{id, kind, filename, size, content_type, uploaded_at}``. 413 ``payload_too_large``,
        422 ``invalid_attachment`` (checked by content), 409 ``request_closed``."""
        return self.request("POST", f"/requests/{quote(folio, safe='')}/attachments", data=data,
                            params={"kind": kind, "filename": filename},
                            headers={"Content-Type": "application/octet-stream"}, timeout=(3.05, 120.0))

    def requests_attachment(self, folio: str, attachment_id: int) -> bytes:
        """``GET /requests/{folio}/attachments/{id}`` → the document's bytes (requester and systems role)."""
        return self.request("GET", f"/requests/{quote(folio, safe='')}/attachments/{int(attachment_id)}", raw=True,
                            headers={"Accept": "application/octet-stream"}, timeout=(3.05, 120.0))

    def requests_act(self, folio: str, action: str, reason: str = "", response: str = "") -> dict:
        """``POST /requests/{folio}/actions`` ``{action, reason?, response?}`` → the ``RequestDetail`` after it.
        403 ``own_request_approval`` / ``forbidden_role``, 409 ``request_state``, 422 ``reason_required`` /
        ``response_required``."""
        body: dict = {"action": action}
        if reason:
            body["reason"] = reason
        if response:
            body["response"] = response
        return self.request("POST", f"/requests/{quote(folio, safe='')}/actions", json=body)

    def requests_propose_accounts(self, folio: str) -> dict:
        """``POST /requests/{folio}/accounts`` (systems role, an accounts request «En proceso») →
        ``{batch, count, accounts: [{name, address, status}]}`` — never passwords. 409 ``request_state`` /
        ``no_accounts_to_propose``."""
        return self.request("POST", f"/requests/{quote(folio, safe='')}/accounts", timeout=(3.05, 120.0))

    def requests_letter(self, folio: str) -> bytes:
        """``GET /requests/{folio}/letter.pdf`` → the response letter (once attended; 409 before)."""
        return self.request("GET", f"/requests/{quote(folio, safe='')}/letter.pdf", raw=True,
                            headers={"Accept": "application/pdf"}, timeout=(3.05, 60.0))
