"""Documents of a request: upload (checked by content, size-bounded, encrypted at rest the way
biometrics are — :meth:`server.keys.MasterKeys.seal`, per-file data key wrapped by the master
key outside the database) and read (only the requester and the systems role of the request's
plantel; anyone else gets 404 and the refused read is journalled). Issue #19 item 3.
"""
from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from station.domain import Actor, Role
from station.domain.requests import FINAL_STATES, REQUEST_TYPES, RequestState

from server.errors import ApiError, api_error
from server.keys import MasterKeys, Sealed
from server.requests import journal
from server.requests.files import AttachmentRefused, clean_filename, sniff, type_name
from server.requests.models import RequestAttachment, ServiceRequest
from server.requests.service import get_request, may_handle
from server.requests.settings import RequestSettings


def aad(request_id: int, sha256: str) -> bytes:
    """Associated data binding a sealed document to its request and content."""
    return f"request:{request_id}:{sha256}".encode("ascii")


def check_content(kind_code: str, type_code: str, filename: str, data: bytes, settings: RequestSettings) -> str:
    """The content type of ``data`` if it may be attached as ``kind_code`` to a request of
    ``type_code``; raises 413 ``payload_too_large`` or 422 ``invalid_attachment`` (Spanish)."""
    if len(data) > settings.max_attachment_bytes:
        raise ApiError("payload_too_large", f"El archivo supera el máximo de "
                                                 f"{settings.max_attachment_bytes // (1024 * 1024)} MB.", "file")
    spec = REQUEST_TYPES[type_code].attachment(kind_code)
    if spec is None:
        kinds = ", ".join(a.kind for a in REQUEST_TYPES[type_code].attachments)
        raise ApiError("invalid_attachment", f"El documento «{kind_code}» no corresponde a este tipo de solicitud "
                                                  f"(documentos: {kinds}).", "kind")
    try:
        content_type = sniff(data, filename)
    except AttachmentRefused as exc:
        raise api_error(exc, field="file") from None
    if content_type not in spec.content_types:
        allowed = ", ".join(type_name(t) for t in spec.content_types)
        raise ApiError("invalid_attachment", f"«{spec.label}» debe ser {allowed}; el archivo es "
                                                  f"{type_name(content_type)}.", "file")
    return content_type


def add(session: Session, actor: Actor, folio: str, kind_code: str, filename: str, data: bytes, keys: MasterKeys,
        settings: RequestSettings, now: datetime) -> RequestAttachment:
    """Attach ``data`` as ``kind_code`` to ``folio`` (the requester, or a handler, while the
    request is open). Refuses 404 (not visible), 409 ``request_closed``, 409
    ``too_many_attachments``, and as :func:`check_content`. Journalled (``attach``)."""
    request = get_request(session, actor, folio, lock=True)
    if request.requester != actor.username and not may_handle(actor, request):
        raise ApiError("forbidden_role", "Solo quien presentó la solicitud o el Centro de Cómputo pueden "
                                              "adjuntar documentos.")
    if RequestState(request.state) in FINAL_STATES:
        raise ApiError("request_closed", f"La solicitud {folio} ya está cerrada; no admite documentos.")
    count = session.scalar(select(func.count()).select_from(RequestAttachment)
                           .where(RequestAttachment.request_id == request.id)) or 0
    if count >= settings.max_attachments:
        raise ApiError("too_many_attachments", f"La solicitud ya tiene {count} documentos (máximo "
                                                    f"{settings.max_attachments}).")
    name = clean_filename(filename)
    content_type = check_content(kind_code, request.type_code, name, data, settings)
    sha = hashlib.sha256(data).hexdigest()
    sealed = keys.seal(data, aad(request.id, sha))
    row = RequestAttachment(request_id=request.id, kind=kind_code, filename=name, content_type=content_type,
                            size=len(data), sha256=sha, data=sealed.ciphertext, wrapped_key=sealed.wrapped_key,
                            key_id=sealed.key_id, uploaded_by=actor.username, uploaded_at=now)
    session.add(row)
    session.flush()
    request.updated_at = now
    journal.record(session, actor, request, "attach", now, note=f"{kind_code}: {name} ({len(data)} bytes)",
                   details={"attachment": row.id, "content_type": content_type, "sha256": sha})
    return row


def may_read(actor: Actor, request: ServiceRequest) -> bool:
    """Documents are read by the requester and the systems role handling the request — no one
    else (administrators included: validation documents hold INE scans)."""
    return request.requester == actor.username or (actor.role == Role.SYSTEMS and may_handle(actor, request))


def read(session: Session, actor: Actor, folio: str, attachment_id: int, keys: MasterKeys,
         now: datetime) -> tuple[RequestAttachment, bytes] | None:
    """The document and its plaintext, or None when ``actor`` may not read it (not
    :func:`may_read`) or it does not exist — the caller answers 404 (:func:`not_found`)
    *after committing*: the refusal is journalled (``read_denied``), a granted read as ``read``."""
    request = session.scalar(select(ServiceRequest).where(ServiceRequest.folio == folio))
    row = session.get(RequestAttachment, attachment_id) if request is not None else None
    if request is None or row is None or row.request_id != request.id or not may_read(actor, request):
        journal.record(session, actor, request, "read_denied", now, folio=folio[:20],
                       note=f"documento {attachment_id}", details={"attachment": attachment_id})
        return None
    data = keys.open(Sealed(row.data, row.wrapped_key, row.key_id), aad(request.id, row.sha256))
    journal.record(session, actor, request, "read", now, note=f"{row.kind}: {row.filename}",
                   details={"attachment": row.id})
    return row, data


def not_found() -> ApiError:
    """The 404 answered for a refused or missing document."""
    return ApiError("attachment_not_found", "El documento no existe o no tiene acceso a él.", "attachment")
