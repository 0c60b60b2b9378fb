"""The service API of institutional accounts (DESIGN.md §13; issue 20).

Every function runs inside the caller's transaction (``session``), checks
who may call it, audits what it did (never a password) and raises
:class:`server.errors.ApiError` with a Spanish message when refused.
Issue 19 (requests) calls :func:`propose` with the people of an approved
request and its folio as ``request_ref``; the screens, the HTTP API and the
CLI call the same functions.

Who: the systems role (Centro de Cómputo / DGTI) for the planteles it is
assigned; naming rules and the tenant directory are institution-wide and
may also be set by an admin. Desk roles (operator, supervisor) of the
student's plantel may only ask for and print the account slip.

Flow: :func:`preview_campus` (nothing saved) → :func:`propose_campus` /
:func:`propose` (addresses reserved, one-time passwords sealed) →
:func:`export` (files checked against their format) → the administrator
creates the accounts in the tenant → :func:`import_created` (the address is
written to each student through the transition table) → the desk prints the
slip once (:func:`claim_slip`), which destroys the sealed password.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from station.domain import Actor, Command, Refusal, Role

from server.accounts.collisions import Proposal, SequenceExhausted, assign
from server.accounts.exports import FORMATS, Account, ExportFile, ExportInvalid
from server.accounts.files import FileProblem, addresses_in
from server.accounts.models import CREATED, PROPOSED, AccountBatch, AccountProposal, AccountRule, DirectoryAddress
from server.accounts.naming import KIND_LABELS, KINDS, NamingRule, Person, RuleError, birth_date_from_curp
from server.accounts.passwords import Sealer, generate_password
from server.db.models import Campus, StudentRow
from server.errors import ApiError, api_error
from server.services.admin import audit
from server.services.students import apply_student_command, utcnow

SYSTEMS_ROLES = (Role.SYSTEMS,)
RULE_ROLES = (Role.SYSTEMS, Role.ADMIN)
SLIP_ROLES = (Role.OPERATOR, Role.SUPERVISOR)


# --- who may call ------------------------------------------------------------

def require(actor: Actor, roles: Iterable[Role], campus_code: str | None = None) -> None:
    """403 ``forbidden_role`` unless ``actor`` has one of ``roles``; 403
    ``forbidden_campus`` when ``campus_code`` is outside a scoped actor's planteles."""
    roles = tuple(roles)
    if actor.role not in roles:
        who = ", ".join(r.label for r in roles)
        raise ApiError("forbidden_role", f"Su perfil ({actor.role.label}) no tiene acceso a las cuentas "
                                              f"institucionales; corresponde a: {who}.")
    if campus_code is not None and actor.role != Role.ADMIN and campus_code not in actor.campuses:
        raise ApiError("forbidden_campus", f"El plantel {campus_code} no está entre sus planteles asignados.",
                       "campus")


def _campus(session: Session, code: str) -> Campus:
    campus = session.get(Campus, code)
    if campus is None:
        raise ApiError("unknown_campus", f"El plantel «{code}» no existe.", "campus")
    return campus


# --- naming rules --------------------------------------------------------------

def set_rule(session: Session, actor: Actor, kind: str, domain: str, template: str | None = None,
             campus_code: str = "", org_unit: str | None = None, sign_in_url: str | None = None) -> NamingRule:
    """Create or replace the naming rule of ``kind`` (for ``campus_code``, or
    the institution's default when empty). 422 ``invalid_rule`` for a rule
    that cannot give valid addresses. Audited."""
    require(actor, RULE_ROLES, campus_code or None)
    if campus_code:
        _campus(session, campus_code)
    try:
        rule = NamingRule.checked(kind, domain, template or "{first_initial}{first_surname}{birth_dd}{birth_mm}",
                                  org_unit or "/{campus}", sign_in_url or "https://portal.office.com")
    except RuleError as exc:
        raise api_error(exc) from None
    row = session.scalar(select(AccountRule).where(AccountRule.kind == kind, AccountRule.campus_code == campus_code))
    if row is None:
        row = AccountRule(kind=kind, campus_code=campus_code)
        session.add(row)
    row.domain, row.template, row.org_unit, row.sign_in_url = rule.domain, rule.template, rule.org_unit, \
        rule.sign_in_url
    row.updated_by, row.updated_at = actor.username, utcnow()
    audit(session, actor, "account_rule", f"{kind}:{campus_code or '*'}", "set_account_rule",
          details={"domain": rule.domain, "template": rule.template, "org_unit": rule.org_unit})
    session.flush()
    return rule


def rules_for(session: Session, campus_code: str) -> dict[str, NamingRule]:
    """The rule of each kind for ``campus_code`` (its own, else the default)."""
    rows = session.scalars(select(AccountRule).where(AccountRule.campus_code.in_(("", campus_code)))).all()
    out: dict[str, NamingRule] = {}
    for row in sorted(rows, key=lambda r: r.campus_code != ""):  # default first, the plantel's overrides
        out[row.kind] = NamingRule(row.kind, row.domain, row.template, row.org_unit, row.sign_in_url)
    return out


def _rules_or_refuse(session: Session, campus_code: str, kinds: Iterable[str]) -> dict[str, NamingRule]:
    rules = rules_for(session, campus_code)
    for kind in kinds:
        if kind not in rules:
            raise ApiError("no_rule", f"No hay regla de nombres para cuentas de {KIND_LABELS[kind]} "
                                           f"(plantel {campus_code}); configúrela primero.", "kind")
    return rules


# --- what is known ------------------------------------------------------------

def known_addresses(session: Session) -> set[str]:
    """Every address already taken: students', proposals' (any state) and the tenant directory's (lower case)."""
    known = {a.lower() for a in session.scalars(select(StudentRow.institutional_email)
                                                 .where(StudentRow.institutional_email != "")) if a}
    known |= {a.lower() for a in session.scalars(select(AccountProposal.address))}
    known |= {a.lower() for a in session.scalars(select(DirectoryAddress.address))}
    return known


def load_directory(session: Session, actor: Actor, data: bytes, filename: str) -> int:
    """Load the tenant's directory export (any file :func:`addresses_in`
    reads); returns how many addresses are new. 422 ``invalid_file``. Audited."""
    require(actor, RULE_ROLES)
    try:
        rows = addresses_in(data, filename)
    except FileProblem as exc:
        raise api_error(exc, field="file") from None
    have = set(session.scalars(select(DirectoryAddress.address)))
    now, new = utcnow(), 0
    for row in rows:
        address = row.address.lower()
        if "@" not in address or len(address) > 254:
            continue
        if address not in have:
            session.add(DirectoryAddress(address=address, source=filename[:255], loaded_at=now))
            have.add(address)
            new += 1
    audit(session, actor, "account_directory", filename[:64], "load_directory",
          details={"rows": len(rows), "new": new})
    session.flush()
    return new


# --- proposals ----------------------------------------------------------------

def student_person(row: StudentRow) -> Person:
    """The :class:`Person` of a student row (birth date from the CURP)."""
    return Person("student", row.matricula, row.first_names, row.first_surname, row.second_surname or "",
                  row.campus_code, birth_date_from_curp(row.curp))


def pending_students(session: Session, campus_code: str) -> list[StudentRow]:
    """Students of ``campus_code`` without an institutional address and without
    a proposal yet, in matrícula order."""
    proposed = select(AccountProposal.person_key).where(AccountProposal.kind == "student")
    return list(session.scalars(
        select(StudentRow).where(StudentRow.campus_code == campus_code,
                                 or_(StudentRow.institutional_email == "", StudentRow.institutional_email.is_(None)),
                                 StudentRow.matricula.not_in(proposed))
        .order_by(StudentRow.matricula)))


def _assign(session: Session, people: list[Person], rules: dict[str, NamingRule]) -> list[Proposal]:
    try:
        return assign(people, rules, known_addresses(session))
    except SequenceExhausted as exc:
        raise api_error(exc) from None


def preview_campus(session: Session, actor: Actor, campus_code: str) -> list[Proposal]:
    """Addresses that :func:`propose_campus` would reserve now (nothing saved)."""
    require(actor, SYSTEMS_ROLES, campus_code)
    _campus(session, campus_code)
    rules = _rules_or_refuse(session, campus_code, ("student",))
    proposals = _assign(session, [student_person(r) for r in pending_students(session, campus_code)], rules)
    audit(session, actor, "account_batch", f"preview:{campus_code}", "preview_accounts",
          details={"campus": campus_code, "count": len(proposals)})  # a read of personal data is logged too
    return proposals


def propose(session: Session, actor: Actor, people: list[Person], campus_code: str, sealer: Sealer,
            source: str = "", request_ref: str = "") -> AccountBatch:
    """Reserve one unique address per person and seal a one-time password for each.

    ``people`` may mix kinds; all belong to ``campus_code`` (the plantel or
    centro de trabajo in the actor's scope). People who already have a
    proposal are refused with 409 ``already_proposed``. This is the entry
    point for issue 19: an approved request passes its people and folio
    (``request_ref``). Audited per batch with the count, never the passwords.
    """
    require(actor, SYSTEMS_ROLES, campus_code)
    _campus(session, campus_code)
    if not people:
        raise ApiError("nothing_to_propose", "No hay personas para proponer cuentas.")
    foreign = sorted({p.campus_code for p in people if p.campus_code not in ("", campus_code)})
    if foreign:
        raise ApiError("forbidden_campus", f"Hay personas de otro plantel ({', '.join(foreign[:5])}); "
                                                f"esta propuesta es del plantel {campus_code}.", "campus")
    kinds = sorted({p.kind for p in people})
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise ApiError("invalid_field", f"Tipo de cuenta desconocido: {', '.join(unknown)}.", "kind")
    rules = _rules_or_refuse(session, campus_code, kinds)
    keys = [(p.kind, p.key) for p in people]
    existing = session.execute(select(AccountProposal.kind, AccountProposal.person_key)
                               .where(AccountProposal.person_key.in_([k for _, k in keys]))).all()
    clash = sorted({key for kind, key in existing if (kind, key) in set(keys)})
    if clash:
        raise ApiError("already_proposed", f"Ya hay una cuenta propuesta para: {', '.join(clash[:10])}.")
    proposals = _assign(session, people, rules)
    now = utcnow()
    batch = AccountBatch(kind=kinds[0] if len(kinds) == 1 else "mixed", campus_code=campus_code,
                         source=source[:255], request_ref=request_ref[:64], created_by=actor.username,
                         created_at=now)
    session.add(batch)
    session.flush()
    for proposal in proposals:
        person = proposal.person
        session.add(AccountProposal(
            batch_id=batch.id, kind=person.kind, person_key=person.key, campus_code=person.campus_code or campus_code,
            given_names=person.given_names, first_surname=person.first_surname, second_surname=person.second_surname,
            birth_date=person.birth_date, address=proposal.address, base=proposal.base, collided=proposal.collided,
            status=PROPOSED, password_sealed=sealer.seal(generate_password(), proposal.address), created_at=now,
            confirmed_by="", slip_printed_by=""))
    audit(session, actor, "account_batch", str(batch.id), "propose_accounts",
          details={"campus": campus_code, "kinds": kinds, "count": len(proposals), "source": source[:255],
                   "request_ref": request_ref[:64], "collided": sum(p.collided for p in proposals)})
    session.flush()
    return batch


def propose_campus(session: Session, actor: Actor, campus_code: str, sealer: Sealer) -> list[AccountProposal]:
    """Propose accounts for the plantel's students lacking an address (if any
    are new) and return every open (not yet created) student proposal of the plantel."""
    require(actor, SYSTEMS_ROLES, campus_code)
    pending = pending_students(session, campus_code)
    if pending:
        propose(session, actor, [student_person(r) for r in pending], campus_code, sealer, source="plantel")
    return open_proposals(session, actor, campus_code, "student")


def open_proposals(session: Session, actor: Actor, campus_code: str, kind: str | None = None,
                   batch_id: int | None = None) -> list[AccountProposal]:
    """Proposals of ``campus_code`` not yet created in the tenant (optionally of one kind or batch)."""
    require(actor, SYSTEMS_ROLES, campus_code)
    query = select(AccountProposal).where(AccountProposal.campus_code == campus_code,
                                          AccountProposal.status == PROPOSED)
    if kind:
        query = query.where(AccountProposal.kind == kind)
    if batch_id is not None:
        query = query.where(AccountProposal.batch_id == batch_id)
    return list(session.scalars(query.order_by(AccountProposal.kind, AccountProposal.person_key)))


# --- exports ------------------------------------------------------------------

def _open(sealer: Sealer, proposal: AccountProposal) -> str:
    """The proposal's one-time password; 409 when the key no longer opens it (key file replaced)."""
    try:
        return sealer.open(proposal.password_sealed, proposal.address)
    except Exception:  # cryptography.exceptions.InvalidTag and malformed ciphertext alike
        raise ApiError("sealed_password_unreadable",
                       f"La contraseña inicial de {proposal.address} no se puede abrir con la clave actual "
                       "(¿se reemplazó accounts.key?). Solicite un restablecimiento de contraseña.") from None


def export(session: Session, actor: Actor, campus_code: str, proposals: list[AccountProposal], fmt: str,
           sealer: Sealer) -> list[ExportFile]:
    """Files of format ``fmt`` (see :data:`server.accounts.exports.FORMATS`)
    for ``proposals`` of ``campus_code``, each checked against its spec.

    The one-time passwords are opened only in memory to write the file.
    422 ``unknown_format``; 409 ``nothing_to_export``; 500-free: a file
    that breaks its spec is 409 ``export_invalid`` with the problems.
    Audited with the format, file names and count.
    """
    require(actor, SYSTEMS_ROLES, campus_code)
    if fmt not in FORMATS:
        raise ApiError("unknown_format", f"Formato desconocido «{fmt}»; use: {', '.join(FORMATS)}.", "format")
    if not proposals:
        raise ApiError("nothing_to_export", f"El plantel {campus_code} no tiene cuentas pendientes de crear.")
    campus = _campus(session, campus_code)
    rules = rules_for(session, campus_code)
    accounts = []
    for p in proposals:
        if p.campus_code != campus_code:
            raise ApiError("forbidden_campus", f"La cuenta {p.address} no es del plantel {campus_code}.")
        rule = rules.get(p.kind) or NamingRule(p.kind, p.address.split("@", 1)[1])
        password = _open(sealer, p) if p.password_sealed else ""
        display = Person(p.kind, p.person_key, p.given_names, p.first_surname, p.second_surname).display_name
        accounts.append(Account(
            address=p.address, given_names=p.given_names, first_surname=p.first_surname,
            second_surname=p.second_surname, display_name=display, kind=p.kind, source_id=p.person_key,
            campus_code=campus_code, campus_name=campus.name,
            org_unit=rule.org_unit.format(campus=campus.name, campus_code=campus_code, kind=p.kind),
            password=password))
    stem = f"{fmt}-{campus_code}-{utcnow():%Y%m%d-%H%M}"
    if FORMATS[fmt].carries_password and any(not a.password for a in accounts):
        raise ApiError("password_gone", "Alguna cuenta ya no tiene contraseña inicial (su hoja ya se imprimió); "
                                             "quítela de la exportación o solicite un restablecimiento.")
    try:
        files = FORMATS[fmt].export(accounts, stem)
    except ExportInvalid as exc:
        raise api_error(exc, message="El archivo no cumple el formato: " + exc.message) from None
    audit(session, actor, "account_export", stem[:64], "export_accounts",
          details={"campus": campus_code, "format": fmt, "files": [f.name for f in files], "count": len(accounts)})
    return files


# --- import of the created accounts ----------------------------------------------

@dataclass
class ImportReport:
    """Outcome of :func:`import_created`: addresses written (``matched``),
    rows matching no proposal (``unmatched``: line and address), rows refused
    by the transition table (``refused``: line, address, Spanish reason),
    and rows already imported (``already``)."""

    matched: list[str] = field(default_factory=list)
    unmatched: list[dict] = field(default_factory=list)
    refused: list[dict] = field(default_factory=list)
    already: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        """JSON-ready counts and lists."""
        return {"matched": len(self.matched), "already": len(self.already), "unmatched": self.unmatched,
                "refused": self.refused, "addresses": self.matched}


def import_created(session: Session, actor: Actor, campus_code: str, data: bytes, filename: str,
                   sealer: Sealer) -> ImportReport:
    """Mark as created the accounts listed in a tenant export (or one of our
    own export files, which confirms the proposed list) and write each
    student's address through the one command path
    (:data:`Command.SET_INSTITUTIONAL_EMAIL`, audited, synced by the changes
    feed). A password column (the admin center's results file) replaces the
    sealed one-time password, since the tenant chose it. Rows that match no
    open proposal of ``campus_code`` are reported, never guessed.
    422 ``invalid_file`` for an unreadable file.
    """
    require(actor, SYSTEMS_ROLES, campus_code)
    try:
        rows = addresses_in(data, filename)
    except FileProblem as exc:
        raise api_error(exc, field="file") from None
    report = ImportReport()
    now = utcnow()
    for row in rows:
        address = row.address.strip().lower()
        proposal = session.scalar(select(AccountProposal).where(AccountProposal.address == address))
        if proposal is None or proposal.campus_code != campus_code:
            report.unmatched.append({"line": row.line, "address": row.address,
                                     "reason": "No corresponde a ninguna cuenta propuesta de este plantel."})
            continue
        if proposal.status == CREATED:
            report.already.append(address)
            continue
        if proposal.kind == "student":
            result = apply_student_command(session, proposal.person_key, Command.SET_INSTITUTIONAL_EMAIL, actor,
                                           {"institutional_email": address}, now=now)
            if isinstance(result, Refusal):
                report.refused.append({"line": row.line, "address": row.address, "reason": result.message})
                continue
        if row.password:
            proposal.password_sealed = sealer.seal(row.password, address)
        proposal.status, proposal.confirmed_at, proposal.confirmed_by = CREATED, now, actor.username
        report.matched.append(address)
    audit(session, actor, "account_import", filename[:64], "import_created_accounts",
          details={"campus": campus_code, "matched": len(report.matched), "already": len(report.already),
                   "unmatched": len(report.unmatched), "refused": len(report.refused)})
    session.flush()
    return report


# --- the slip ------------------------------------------------------------------

SLIP_PRINTED = ("La hoja de la cuenta de correo de este alumno ya se imprimió una vez. Para entregarle una "
                "contraseña nueva se necesita una solicitud de restablecimiento de contraseña al Centro de Cómputo.")


@dataclass(frozen=True)
class Slip:
    """What the desk prints once: ``address``, the one-time ``password`` and ``sign_in_url``."""

    matricula: str
    full_name: str
    address: str
    password: str
    sign_in_url: str


def _student_proposal(session: Session, actor: Actor, matricula: str) -> tuple[StudentRow, AccountProposal | None]:
    require(actor, SLIP_ROLES)
    student = session.get(StudentRow, matricula)
    if student is None:
        raise ApiError("not_found", "El alumno no existe en la base de datos de credencialización.")
    if student.campus_code not in actor.campuses:
        raise ApiError("forbidden_campus",
                       f"El alumno pertenece al plantel {student.campus_code}, que no está entre sus planteles.")
    proposal = session.scalar(select(AccountProposal).where(AccountProposal.kind == "student",
                                                            AccountProposal.person_key == matricula))
    return student, proposal


def slip_status(session: Session, actor: Actor, matricula: str) -> dict:
    """``{"pending": bool, "address": str, "printed_at": iso|None}`` for the
    desk's lookup: pending when the account is created, its address is on
    the record and the slip was never printed."""
    student, proposal = _student_proposal(session, actor, matricula)
    pending = bool(proposal and proposal.status == CREATED and proposal.password_sealed is not None
                   and student.institutional_email.lower() == proposal.address)
    return {"pending": pending, "address": proposal.address if proposal else "",
            "printed_at": proposal.slip_printed_at.isoformat() if proposal and proposal.slip_printed_at else None}


def claim_slip(session: Session, actor: Actor, matricula: str, sealer: Sealer) -> Slip:
    """Hand the one-time password to the desk for printing and destroy it.

    Refusals: 404 ``no_account`` (no created account yet), 409
    ``slip_already_printed`` (a reprint needs a password-reset request).
    Audited (``print_account_slip``) without the password.
    """
    student, proposal = _student_proposal(session, actor, matricula)
    if proposal is None or proposal.status != CREATED:
        raise ApiError("no_account", "El alumno no tiene una cuenta de correo institucional creada "
                                          "con contraseña inicial pendiente de entregar.")
    if proposal.password_sealed is None:
        raise ApiError("slip_already_printed", SLIP_PRINTED)
    password = _open(sealer, proposal)
    rule = rules_for(session, student.campus_code).get("student")
    proposal.password_sealed = None
    proposal.slip_printed_at, proposal.slip_printed_by = utcnow(), actor.username
    audit(session, actor, "student", matricula, "print_account_slip", details={"address": proposal.address})
    session.flush()
    full_name = " ".join(p for p in (student.first_surname, student.second_surname, student.first_names) if p)
    return Slip(matricula, full_name, proposal.address, password,
                rule.sign_in_url if rule else "https://portal.office.com")
