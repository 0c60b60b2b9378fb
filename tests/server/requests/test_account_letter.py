"""Account requests end with a letter that lists the accounts made under the folio and none of
their passwords (issue #19 item 4; seeds *creacion-cuentas-correo-sedu-coahuila* §6 step 10,
*procedimiento-cuentas-correo-institucional-itm* §5 step 4.2; DESIGN.md §13)."""
from __future__ import annotations

from sqlalchemy import select

from station.domain import Actor, Role
from tests.server.requests.conftest import act, attach, file_request, pdf_bytes, xlsx_bytes
from tests.server.requests.test_lifecycle import _pdf_text

ADMIN = Actor("admin", Role.ADMIN, frozenset(), "test")


def test_staff_request_proposes_accounts_and_the_letter_lists_them_without_passwords(req):
    from server.accounts.models import AccountBatch, AccountProposal
    from server.accounts.passwords import Sealer, load_key
    from server.accounts.service import set_rule

    with req.db() as s, s.begin():
        set_rule(s, ADMIN, "staff", "docentes.conalepmex.edu.mx")
    staff = (("Clave", "Nombre", "Primer apellido", "Segundo apellido"),
             (f"E{req.backend}1", "MARÍA JOSÉ", "NÚÑEZ", "PEÑA"), (f"E{req.backend}2", "JUAN", "LÓPEZ", "RUIZ"))
    folio = file_request(req, "supervisor", "staff_accounts", people_count=2)["folio"]
    assert attach(req, "supervisor", folio, "oficio", "oficio.pdf", pdf_bytes("Oficio")).status_code == 201
    assert attach(req, "supervisor", folio, "data_file", "personal.xlsx", xlsx_bytes(staff)).status_code == 201
    for action in ("review", "approve"):
        assert act(req, "sistemas", folio, action).status_code == 200
    early = req.call("sistemas", "POST", f"/requests/{folio}/accounts")
    assert early.status_code == 409 and early.json()["error"]["code"] == "request_state"
    act(req, "sistemas", folio, "start")
    assert req.call("supervisor", "POST", f"/requests/{folio}/accounts").status_code == 403
    r = req.call("sistemas", "POST", f"/requests/{folio}/accounts")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["count"] == 2 and all(a["address"].endswith("@docentes.conalepmex.edu.mx") for a in body["accounts"])
    assert "password" not in r.text.lower()
    done = act(req, "sistemas", folio, "complete", response="Se crearon las cuentas del personal.")
    assert done.json()["state"] == "attended"

    text = _pdf_text(req.call("supervisor", "GET", f"/requests/{folio}/letter.pdf").content)
    assert folio in text and "Se crearon las cuentas" in text
    sealer = Sealer(load_key(None))
    with req.db() as s:
        proposals = list(s.scalars(select(AccountProposal).join(AccountBatch, AccountBatch.id == AccountProposal.batch_id)
                                   .where(AccountBatch.request_ref == folio)))
        passwords = [sealer.open(p.password_sealed, p.address) for p in proposals]
    assert len(proposals) == 2
    for proposal, password in zip(proposals, passwords):
        assert proposal.address in text.replace("\n", "")
        assert password not in text
