"""The response letter (oficio de respuesta) of an attended request, as PDF (reportlab):
folio, date, the request, what was done (the response) and — for account requests — the
table of accounts made under the folio (:class:`server.accounts.models.AccountBatch`
``request_ref``), never their passwords. Seeds: *procedimiento-cuentas-correo-institucional-itm*
§5 step 4.2 («anexa respuesta al Oficio recibido»), *creacion-cuentas-correo-sedu-coahuila*
§6 step 10 («documento de respuesta con la cuenta solicitada»).
"""
from __future__ import annotations

import io
from datetime import datetime
from xml.sax.saxutils import escape

from sqlalchemy import select
from sqlalchemy.orm import Session

from station.domain.requests import REQUEST_TYPES, RequestState

from server.errors import ApiError
from server.requests.models import ServiceRequest

_MONTHS = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
           "noviembre", "diciembre")


def spanish_date(moment: datetime) -> str:
    """``29 de noviembre de 2026``."""
    return f"{moment.day} de {_MONTHS[moment.month - 1]} de {moment.year}"


def account_rows(session: Session, folio: str) -> list[tuple[str, str, str]]:
    """``(name, address, status)`` of every account proposed under ``folio`` (no passwords)."""
    from server.accounts.models import AccountBatch, AccountProposal

    rows = session.execute(select(AccountProposal).join(AccountBatch, AccountBatch.id == AccountProposal.batch_id)
                           .where(AccountBatch.request_ref == folio).order_by(AccountProposal.id)).scalars()
    out = []
    for p in rows:
        name = " ".join(x for x in (p.given_names, p.first_surname, p.second_surname) if x)
        out.append((name, p.address, "Creada" if p.status == "created" else "Propuesta"))
    return out


def letter_pdf(session: Session, request: ServiceRequest) -> bytes:
    """The letter's PDF bytes. 409 ``request_not_attended`` before the request is attended."""
    if request.state != RequestState.ATTENDED.value:
        raise ApiError("request_not_attended", f"La solicitud {request.folio} aún no está atendida; la carta "
                                                    "de respuesta se emite al atenderla.")
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    kind = REQUEST_TYPES[request.type_code]
    when = request.closed_at or request.updated_at
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=letter, title=f"Respuesta {request.folio}",
                            leftMargin=2.2 * cm, rightMargin=2.2 * cm, topMargin=2 * cm, bottomMargin=2 * cm)
    para = lambda text, style="BodyText": Paragraph(escape(text).replace("\n", "<br/>"), styles[style])  # noqa: E731
    story = [para("Centro de Cómputo — Oficio de respuesta", "Title"),
             para(f"Folio: {request.folio}", "Heading3"),
             para(f"Fecha: {spanish_date(when)}"),
             para(f"Solicitante: {request.requester_name or request.requester}"
                  + (f" — plantel {request.campus_code}" if request.campus_code else "")),
             para(f"Solicitud: {kind.label}, recibida el {spanish_date(request.created_at)}."),
             Spacer(1, 0.4 * cm), para("Atención", "Heading3"), para(request.response or "—")]
    accounts = account_rows(session, request.folio) if kind.accounts_kind else []
    if accounts:
        table = Table([["Nombre", "Cuenta", "Estado"], *accounts], repeatRows=1, colWidths=[7 * cm, 7 * cm, 2.5 * cm])
        table.setStyle(TableStyle([("FONT", (0, 0), (-1, 0), "Helvetica-Bold"), ("FONTSIZE", (0, 0), (-1, -1), 8),
                                   ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                                   ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDE8E0"))]))
        story += [Spacer(1, 0.4 * cm), para("Cuentas", "Heading3"), table,
                  para("Las contraseñas iniciales se entregan en persona, una sola vez; nunca por correo ni en este "
                       "documento.", "Italic")]
    doc.build(story)
    return buffer.getvalue()
