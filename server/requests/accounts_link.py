"""Account requests → institutional account proposals (issue #19 ↔ issue 20; DESIGN.md §13).

While an account request is «En proceso», the systems office proposes its accounts with
:func:`server.accounts.service.propose` and ``request_ref`` = the folio, so the response
letter (:mod:`server.requests.letter`) lists them — never their passwords, which reach each
person on paper at the desk (DESIGN.md §13). Sources of the people:

- ``student_accounts``: the plantel's students without an address (only the request's groups
  when it names some) — seed *procedimiento-cuentas-correo-institucional-itm* §5 step 1.2;
- ``staff_accounts``: the attached data file (:func:`server.accounts.files.read_people`,
  kind ``staff``) — seed *creacion-cuentas-correo-sedu-coahuila* §6 steps 5–8.

``graduate_account`` (one person) is answered with the letter alone; its account is made with
``accounts list --kind graduate`` when wanted.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from station.domain import Actor
from station.domain.requests import REQUEST_TYPES, RequestState

from server.errors import ApiError, api_error
from server.keys import MasterKeys, Sealed
from server.requests import journal
from server.requests.attachments import aad
from server.requests.models import RequestAttachment
from server.requests.service import get_request, may_handle


def _people(session: Session, request, keys: MasterKeys) -> list:
    from server.accounts.files import FileProblem, read_people
    from server.accounts.service import pending_students, student_person

    fields = request.fields or {}
    if request.type_code == "student_accounts":
        groups = set(fields.get("groups") or [])
        rows = [r for r in pending_students(session, request.campus_code) if not groups or r.group_code in groups]
        return [student_person(r) for r in rows]
    if request.type_code == "staff_accounts":
        doc = session.scalars(select(RequestAttachment).where(RequestAttachment.request_id == request.id,
                                                              RequestAttachment.kind == "data_file")
                              .order_by(RequestAttachment.id.desc())).first()
        if doc is None:
            raise ApiError("attachments_missing", "La solicitud no tiene el archivo con los datos del personal.")
        data = keys.open(Sealed(doc.data, doc.wrapped_key, doc.key_id), aad(request.id, doc.sha256))
        try:
            return read_people(data, doc.filename, "staff", request.campus_code)
        except FileProblem as exc:
            raise api_error(exc, message=f"{doc.filename}: {exc.message}") from None
    raise ApiError("no_accounts_to_propose", f"«{REQUEST_TYPES[request.type_code].label}» no propone cuentas "
                                                  "en lote; atiéndala y responda con la carta.")


def propose_for_request(session: Session, actor: Actor, folio: str, keys: MasterKeys, sealer,
                        now: datetime) -> dict[str, Any]:
    """Propose the accounts of the in-progress request ``folio`` (systems role of its plantel;
    :func:`server.accounts.service.propose` checks role, plantel, naming rules, repeats).
    Returns ``{batch, count, accounts: [{name, address, status}]}``; journalled (``accounts``).
    Refuses 409 ``request_state`` unless «En proceso», 409 ``no_accounts_to_propose`` for other
    types or when nobody is pending."""
    from server.accounts.service import propose
    from server.requests.letter import account_rows

    request = get_request(session, actor, folio, lock=True)
    if not may_handle(actor, request):
        raise ApiError("forbidden_role", "Solo el Centro de Cómputo propone las cuentas de una solicitud.")
    if request.state != RequestState.IN_PROGRESS.value:
        raise ApiError("request_state", "Las cuentas se proponen con la solicitud «En proceso».", "folio")
    if not REQUEST_TYPES[request.type_code].accounts_kind:
        raise ApiError("no_accounts_to_propose", "Este tipo de solicitud no crea cuentas.")
    people = _people(session, request, keys)
    if not people:
        raise ApiError("no_accounts_to_propose", "No hay personas pendientes de cuenta para esta solicitud.")
    batch = propose(session, actor, people, request.campus_code, sealer, source=f"solicitud:{folio}",
                    request_ref=folio)
    request.updated_at = now
    journal.record(session, actor, request, "accounts", now, note=f"{len(people)} cuenta(s) propuesta(s), lote "
                                                                  f"{batch.id}.", details={"batch": batch.id})
    rows = account_rows(session, folio)
    return {"batch": batch.id, "count": len(people),
            "accounts": [{"name": n, "address": a, "status": s} for n, a, s in rows]}
