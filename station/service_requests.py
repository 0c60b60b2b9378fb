"""Requests (solicitudes) from the station (issue #19 item 7), through the server API
client — no Qt here; the «Solicitudes» and «Atender solicitudes» screens call this.

Requests live only on the central server (they are not synced to the desk): every call
needs the network. Without it, or when the server fails, the call raises
:class:`station.services.ServiceError` with a Spanish message that says so plainly
(code ``offline`` or the server's error code); nothing is half-filed silently.

Attachments are checked here *before* anything is sent — size against the server's
limit and the kind of file from its first bytes (PDF, JPEG, PNG, XLSX without macros,
CSV) against what the request type accepts — so the person filing gets a friendly
message at once. The server checks everything again and decides
(``server/requests/files.py``); this check only spares a round trip.
"""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from station.api import OFFLINE_CAUSES, ServerApiError
from station.domain.requests import CSV, JPEG, PDF, PNG, TYPE_NAMES, XLSX
from station.services.errors import ServiceError
from station.services.server_backed import ServerBackedService

#: The server's default largest document (``RequestSettings.max_attachment_bytes``: 10 MB); a type's
#: attachment may carry its own ``max_bytes``. The server's 413 stays the rule.
DEFAULT_MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
#: States in which a request still waits for the systems office.
OPEN_STATES = ("received", "in_review", "approved", "in_progress")


OFFLINE_MESSAGE = ("Sin conexión con el servidor central: las solicitudes se presentan y consultan en línea. "
                   "Revise la red del plantel e intente de nuevo.")


class PartialFiling(ServiceError):
    """The request was filed (``folio``) but a document could not be attached; the
    message says which and why. The person can attach it from the request's detail."""

    def __init__(self, message: str, folio: str, field: str | None = None, code: str = "attachment_failed"):
        super().__init__(message, field, code)
        self.folio = folio


@dataclass(frozen=True)
class CheckedFile:
    """A document read and checked on the desk: ``kind`` (the type's attachment key), ``filename``,
    ``data`` (bytes), ``content_type`` (what its bytes say it is)."""

    kind: str
    filename: str
    data: bytes
    content_type: str


def _error(exc: ServerApiError) -> ServiceError:
    """The server's refusal as a :class:`ServiceError`; network failures and 5xx said plainly."""
    if exc.cause in OFFLINE_CAUSES:
        return ServiceError(f"{OFFLINE_MESSAGE} ({exc.message})", None, "offline")
    if exc.cause == "server" and exc.code == "server":  # a 5xx without the API's own message
        return ServiceError(f"El servidor central tuvo un error interno (HTTP {exc.status}); no se guardó nada de "
                            "esta acción. Intente de nuevo en unos minutos.", None, "server")
    return ServiceError(exc.message, exc.field, exc.code or exc.cause)


def sniff_content_type(data: bytes, filename: str) -> str:
    """What ``data`` is, from its first bytes (never its name): one of :data:`TYPE_NAMES`'s
    keys. Raises :class:`ServiceError` (field ``file``) for an empty file, a program, a
    workbook with macros or anything else. ``filename`` only tells a CSV from other text."""
    name = Path(filename).name
    if not data:
        return _refuse(f"El archivo «{name}» está vacío.")
    if data.startswith((b"MZ", b"\x7fELF", b"#!")):
        return _refuse(f"«{name}» es un programa, no un documento; no se acepta aunque su nombre diga otra cosa.")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return _refuse(f"«{name}» es un documento de Office antiguo (XLS/DOC), que puede llevar macros; "
                       "guárdelo como PDF o como libro XLSX.")
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"PK\x03\x04"):
        try:
            names = {n.lower() for n in zipfile.ZipFile(io.BytesIO(data)).namelist()}
        except (zipfile.BadZipFile, OSError, ValueError):
            return _refuse(f"«{name}» es un archivo comprimido dañado.")
        if any(n.rsplit("/", 1)[-1] == "vbaproject.bin" for n in names):
            return _refuse(f"«{name}» es un libro de Excel con macros; guárdelo como libro sin macros (XLSX).")
        if "xl/workbook.xml" in names:
            return XLSX
        return _refuse(f"«{name}» es un archivo comprimido, no un libro de Excel (XLSX).")
    if name.lower().endswith(".csv") and b"\x00" not in data[:65536]:
        return CSV
    return _refuse(f"«{name}» no es PDF, JPEG, PNG, Excel (XLSX) ni CSV.")


def _refuse(message: str) -> str:
    raise ServiceError(message, "file", "invalid_attachment")


def read_attachment(spec: dict, path: Path | str, max_bytes: int | None = None) -> CheckedFile:
    """Read ``path`` for the attachment ``spec`` (``{kind, label, content_types, max_bytes?}``
    of ``GET /requests/types``) and check size and kind of file. Raises :class:`ServiceError`
    (field ``file``) naming the file and the reason; reads nothing beyond the limit."""
    path = Path(path)
    limit = int(spec.get("max_bytes") or max_bytes or DEFAULT_MAX_ATTACHMENT_BYTES)
    try:
        size = path.stat().st_size
        if size > limit:
            raise ServiceError(f"«{path.name}» pesa {size / 1048576:.1f} MB; el máximo es {limit / 1048576:.0f} MB. "
                               "Escanéelo a menor resolución o divídalo.", "file", "payload_too_large")
        data = path.read_bytes()
    except OSError as exc:
        raise ServiceError(f"No se pudo leer el archivo {path}: {exc.strerror or exc}", "file", "io") from None
    content_type = sniff_content_type(data, path.name)
    allowed = list(spec.get("content_types") or [])
    if allowed and content_type not in allowed:
        names = ", ".join(TYPE_NAMES.get(t, t) for t in allowed)
        raise ServiceError(f"«{spec.get('label', spec.get('kind', ''))}» debe ser {names}; «{path.name}» es "
                           f"{TYPE_NAMES[content_type]}.", "file", "invalid_attachment")
    return CheckedFile(str(spec.get("kind", "")), path.name, data, content_type)


class ServiceRequests(ServerBackedService):
    """Client-side actions on requests; ``api_getter()`` returns the signed-in
    :class:`station.api.ServerApi` or ``None`` (no server / signed in offline).
    Every method may block on the network: call it off the GUI thread."""

    offline_message = OFFLINE_MESSAGE

    def __init__(self, api_getter: Callable):
        super().__init__(api_getter)
        self._types: list[dict] | None = None

    def _error(self, exc: ServerApiError) -> ServiceError:
        return _error(exc)

    # --- reading ---------------------------------------------------------
    def types(self) -> list[dict]:
        """The request types with their form fields and documents (cached after the first answer)."""
        if self._types is None:
            self._types = self._call("requests_types")
        return self._types

    def type_of(self, code: str) -> dict | None:
        """The type ``code`` from :meth:`types` (``None`` when unknown)."""
        return next((t for t in self.types() if t.get("code") == code), None)

    def list(self, state: str | None = None, type_code: str | None = None, mine: bool = False,
             q: str = "", limit: int = 200) -> dict:
        """``{items: [RequestSummary], total}``, newest first (only one's own unless systems role)."""
        return self._call("requests_list", state, type_code, mine, q, limit)

    def queue(self, state: str | None = None, type_code: str | None = None) -> list[dict]:
        """The systems office's queue: requests still open (or in ``state``), soonest due first."""
        states = [state] if state else list(OPEN_STATES)
        items: list[dict] = []
        for one in states:
            items += self._call("requests_list", one, type_code, False, "", 500)["items"]
        return sorted(items, key=lambda r: (str(r.get("due_at") or ""), str(r.get("folio"))))

    def detail(self, folio: str) -> dict:
        """``RequestDetail`` with ``allowed_actions`` for this user."""
        return self._call("requests_detail", folio)

    def attachment(self, folio: str, attachment_id: int) -> bytes:
        """A document's bytes (kept in memory; the screen shows or saves them)."""
        return self._call("requests_attachment", folio, attachment_id)

    def letter(self, folio: str) -> bytes:
        """The response letter PDF of an attended request."""
        return self._call("requests_letter", folio)

    # --- writing ---------------------------------------------------------
    def check_files(self, type_code: str, files: list[tuple[str, Path | str]]) -> list[CheckedFile]:
        """Read and check ``files`` (``[(attachment kind, path)]``) for the type; every required
        document must be there. Raises :class:`ServiceError` for the first problem."""
        kind = self.type_of(type_code)
        if kind is None:
            raise ServiceError(f"El tipo de solicitud «{type_code}» no existe.", "type", "invalid_field")
        specs = {a["kind"]: a for a in kind.get("attachments", [])}
        present = {k for k, _p in files}
        for spec in specs.values():
            if spec.get("required") and spec["kind"] not in present:
                raise ServiceError(f"Falta adjuntar «{spec['label']}».", spec["kind"], "attachments_missing")
        checked = []
        for kind_code, path in files:
            if kind_code not in specs:
                raise ServiceError(f"El documento «{kind_code}» no corresponde a «{kind['label']}».", "file",
                                   "invalid_attachment")
            checked.append(read_attachment(specs[kind_code], path))
        return checked

    def file(self, type_code: str, fields: dict, files: list[tuple[str, Path | str]]) -> dict:
        """File a request of ``type_code`` with the form ``fields`` and the documents ``files``
        (``[(attachment kind, path)]``); returns its ``RequestDetail`` after the uploads.

        Documents are checked first (nothing is sent when one fails). When the server
        refuses a document after the request exists, raises :class:`PartialFiling` naming
        the folio, so the person attaches it again from the detail."""
        checked = self.check_files(type_code, files)
        created = self._call("requests_file", type_code, fields)
        folio = created["folio"]
        for item in checked:
            try:
                self._call("requests_attach", folio, item.kind, item.filename, item.data)
            except ServiceError as exc:
                raise PartialFiling(f"La solicitud {folio} quedó registrada, pero el documento «{item.filename}» no "
                                    f"se adjuntó: {exc.message} Adjúntelo desde el detalle de la solicitud.",
                                    folio, exc.field, exc.code) from None
        return self.detail(folio) if checked else created

    def attach(self, folio: str, type_code: str, kind_code: str, path: Path | str) -> dict:
        """Attach one more document to an open request; returns the refreshed ``RequestDetail``."""
        kind = self.type_of(type_code) or {}
        spec = next((a for a in kind.get("attachments", []) if a.get("kind") == kind_code), None)
        if spec is None:
            raise ServiceError(f"El documento «{kind_code}» no corresponde a este tipo de solicitud.", "file",
                               "invalid_attachment")
        item = read_attachment(spec, path)
        self._call("requests_attach", folio, item.kind, item.filename, item.data)
        return self.detail(folio)

    def propose_accounts(self, folio: str) -> dict:
        """Propose the institutional accounts an accounts request asks for (systems office, request
        «En proceso»); ``{batch, count, accounts}``. The accounts are then created from «Cuentas
        institucionales» and the response letter lists them."""
        return self._call("requests_propose_accounts", folio)

    def act(self, folio: str, action: str, reason: str = "", response: str = "") -> dict:
        """Take ``action`` (review, approve, cancel + reason, start, complete + response);
        returns the ``RequestDetail`` after it. The server decides who may."""
        return self._call("requests_act", folio, action, reason.strip(), response.strip())
