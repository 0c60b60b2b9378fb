"""The outcome of a campaign for the person who asked for it (the seed's step 10,
done by the system): counts and the list of recipients that did not get the
notice (bounced, failed, suppressed) with the reason, in the mail body and
as an XLSX attachment (``openpyxl``).
"""
from __future__ import annotations

import io

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.mail import states as st
from server.mail.models import MailCampaign, MailRecipient

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COLUMNS = ("Fila o matrícula", "Matrícula", "Plantel", "Correo", "Estado", "Tipo de rebote", "Código", "Motivo")


def problem_rows(session: Session, campaign_id: int) -> list[tuple]:
    """``(row, matrícula, plantel, correo, estado, rebote, código, motivo)`` of every recipient
    that did not get the notice, ordered by state then row."""
    rows = session.scalars(select(MailRecipient).where(
        MailRecipient.campaign_id == campaign_id,
        MailRecipient.state.in_((st.BOUNCED, st.FAILED, st.SUPPRESSED, st.QUEUED, st.DEFERRED)))
        .order_by(MailRecipient.state, MailRecipient.id))
    out = []
    for r in rows:
        code = r.dsn_status or (str(r.smtp_code) if r.smtp_code else "")
        reason = r.dsn_diagnostic or r.reason or r.smtp_text
        if r.state in (st.QUEUED, st.DEFERRED):
            reason = reason or "No se envió (aviso cancelado)."
        out.append((r.row_label, r.matricula, r.campus_code, r.address, st.LABELS.get(r.state, r.state),
                    st.BOUNCE_LABELS.get(r.bounce_class, "") if r.bounce_class else "", code, reason[:500]))
    return out


def report_xlsx(campaign: MailCampaign, summary: dict, rows: list[tuple]) -> bytes:
    """XLSX with a «Resumen» sheet (counts) and a «No entregados» sheet (``rows``)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Resumen"
    sheet.append(["Aviso", campaign.name])
    sheet.append(["Número", campaign.id])
    sheet.append([])
    for state in st.STATES:
        if state in (st.SENDING,):
            continue
        sheet.append([st.LABELS[state], summary["counts"].get(state, 0)])
    for cls in (st.HARD, st.SOFT, st.COMPLAINT):
        sheet.append([st.BOUNCE_LABELS[cls], summary["bounced"].get(cls, 0)])
    sheet.append(["Total", summary["total"]])
    sheet.column_dimensions["A"].width = 30
    problems = book.create_sheet("No entregados")
    problems.append(list(COLUMNS))
    for cell in problems[1]:
        cell.font = Font(bold=True)
    for row in rows:
        problems.append(list(row))
    for col, width in zip("ABCDEFGH", (16, 14, 8, 36, 16, 22, 10, 80)):
        problems.column_dimensions[col].width = width
    from station.domain.xlsx import text_only

    for ws in (sheet, problems):  # campaign names, addresses and remote servers' diagnostics: text, never formulas
        text_only(ws)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def report_text(campaign: MailCampaign, summary: dict, rows: list[tuple]) -> tuple[str, str, str]:
    """``(subject, text, html)`` of the report mail."""
    c = summary["counts"]
    b = summary["bounced"]
    subject = f"Resultado del aviso «{campaign.name}»: {c[st.SENT]} enviados, {c[st.BOUNCED]} rebotados"
    lines = [
        f"El envío del aviso «{campaign.name}» (número {campaign.id}) terminó.",
        "",
        f"Enviados sin rebote: {c[st.SENT]}",
        f"Rebotados: {c[st.BOUNCED]} (permanentes {b[st.HARD]}, temporales {b[st.SOFT]}, quejas {b[st.COMPLAINT]})",
        f"Fallidos: {c[st.FAILED]}",
        f"Suprimidos: {c[st.SUPPRESSED]}",
        f"Total de destinatarios: {summary['total']}",
    ]
    if c[st.QUEUED] + c[st.DEFERRED]:
        lines.append(f"No enviados (aviso cancelado): {c[st.QUEUED] + c[st.DEFERRED]}")
    if rows:
        lines += ["", "Destinatarios que no recibieron el aviso:", ""]
        for row in rows[:500]:
            label, matricula, campus, address, state, bounce, code, reason = row
            who = matricula or label
            lines.append(f"- {who} <{address}>: {state}{' ' + bounce.lower() if bounce else ''}"
                         f"{' ' + code if code else ''} — {reason}")
        if len(rows) > 500:
            lines.append(f"… y {len(rows) - 500} más (vea el archivo adjunto).")
    lines += ["", "La lista completa está en el archivo adjunto (Excel).",
              "Este mensaje lo generó el sistema de credencialización."]
    text = "\n".join(lines) + "\n"
    from html import escape

    items = "".join(f"<tr><td>{escape(r[1] or r[0])}</td><td>{escape(r[3])}</td><td>{escape(r[4])}</td>"
                    f"<td>{escape(r[5])}</td><td>{escape(r[6])}</td><td>{escape(r[7])}</td></tr>" for r in rows[:500])
    html = (f"<p>El envío del aviso «{escape(campaign.name)}» (número {campaign.id}) terminó.</p>"
            f"<ul><li>Enviados sin rebote: {c[st.SENT]}</li><li>Rebotados: {c[st.BOUNCED]}</li>"
            f"<li>Fallidos: {c[st.FAILED]}</li><li>Suprimidos: {c[st.SUPPRESSED]}</li>"
            f"<li>Total: {summary['total']}</li></ul>"
            + (f"<table border='1' cellpadding='3'><tr><th>Matrícula / fila</th><th>Correo</th><th>Estado</th>"
               f"<th>Rebote</th><th>Código</th><th>Motivo</th></tr>{items}</table>" if rows else "")
            + "<p>La lista completa está en el archivo adjunto.</p>")
    return subject, text, html
