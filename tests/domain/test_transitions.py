"""The transition table checked against DESIGN.md §3, for every status × command × role."""
from datetime import date, datetime, timezone

import pytest

from station.domain import (
    TRANSITIONS, Actor, Command, Context, Refusal, Role, Status, Student, allowed_commands, apply_command,
)

S = Status
OP, SUP, EST, ADM, SYS = Role.OPERATOR, Role.SUPERVISOR, Role.STATE_OFFICE, Role.ADMIN, Role.SYSTEMS
NOW = datetime(2026, 11, 21, 10, 0, tzinfo=timezone.utc)

# DESIGN.md §3 transcribed independently of station/domain/transitions.py:
# command -> ({from: to}, roles)
EXPECTED = {
    Command.UPDATE_SAE: ({S.ENROLLED: S.ENROLLED, S.CAPTURED: S.CAPTURED, S.DEFERRED: S.DEFERRED}, {OP, SUP}),
    Command.CAPTURE: ({S.ENROLLED: S.CAPTURED, S.CAPTURED: S.CAPTURED, S.DEFERRED: S.CAPTURED,
                       S.RETAKE: S.REJECTED}, {OP, SUP}),
    Command.PRINT_TEMPORARY: ({s: s for s in Status}, {OP, SUP}),
    Command.VALIDATE: ({S.CAPTURED: S.VALIDATED, S.DEFERRED: S.VALIDATED}, {SUP}),
    Command.DEFER: ({S.CAPTURED: S.DEFERRED, S.DEFERRED: S.DEFERRED}, {SUP}),
    Command.CREATE_PRINT_ORDER: ({S.VALIDATED: S.REQUESTED, S.REJECTED: S.REQUESTED}, {EST}),
    Command.START_PRINTING: ({S.REQUESTED: S.PRINTING}, {EST}),
    Command.RECEIVE: ({S.PRINTING: S.RECEIVED}, {EST}),
    Command.REJECT_REPRINT: ({S.RECEIVED: S.REJECTED}, {SUP}),
    Command.REJECT_RETAKE: ({S.RECEIVED: S.RETAKE}, {SUP}),
    Command.DELIVER: ({S.RECEIVED: S.DELIVERED}, {OP, SUP}),
    # DESIGN.md §13: the systems office writes the created account's address; §3: no field changes
    # after Validado.
    Command.SET_INSTITUTIONAL_EMAIL: ({S.ENROLLED: S.ENROLLED, S.CAPTURED: S.CAPTURED, S.DEFERRED: S.DEFERRED},
                                      {SYS}),
    # issue 14 §6 (ARCO cancelación): back to where a new capture is needed; a card received or
    # delivered stays so; one being printed waits.
    Command.DELETE_BIOMETRICS: ({S.ENROLLED: S.ENROLLED, S.CAPTURED: S.ENROLLED, S.DEFERRED: S.ENROLLED,
                                 S.VALIDATED: S.ENROLLED, S.REJECTED: S.RETAKE, S.RETAKE: S.RETAKE,
                                 S.RECEIVED: S.RECEIVED, S.DELIVERED: S.DELIVERED}, {EST}),
}

SAE_FIELDS = {"curp": "AAMY021208HDFLLHA4", "first_names": "YAHIR ALEXIS", "first_surname": "ALBARRÁN",
              "second_surname": "MALDONADO", "campus_code": "001", "campus_name": "Ciudad Azteca",
              "group_code": "102-ELIN18", "career": "PT-B en Electricidad Industrial", "semester": 1,
              "institutional_email": "yalbarran0818@conalepmex.edu.mx"}

GOOD_PAYLOAD = {
    Command.IMPORT_SAE: {"matricula": "180010051-1", "sae": {"enrolled": True}, "fields": SAE_FIELDS},
    Command.UPDATE_SAE: {"sae": {"enrolled": True}, "fields": SAE_FIELDS},
    Command.CAPTURE: {"photo_sha256": "a" * 64, "signature_sha256": "b" * 64},
    Command.PRINT_TEMPORARY: {},
    Command.VALIDATE: {"valid_until": "2027-08-01"},
    Command.DEFER: {"comment": "Foto borrosa"},
    Command.CREATE_PRINT_ORDER: {"print_order": 4},
    Command.START_PRINTING: {},
    Command.RECEIVE: {},
    Command.REJECT_REPRINT: {"comment": "Deficiencia en color y laminado"},
    Command.REJECT_RETAKE: {"comment": "Fotografía con manchas"},
    Command.DELIVER: {"delivery_signature_sha256": "c" * 64, "temporary_returned": True},
    Command.SET_INSTITUTIONAL_EMAIL: {"institutional_email": "yalbarran0818@conalepmex.edu.mx"},
    Command.DELETE_BIOMETRICS: {"comment": "Solicitud de cancelación ARCO 2026-014"},
}


def student(status: Status, **changes) -> Student:
    base = Student(
        matricula="180010051-1", curp="AAMY021208HDFLLHA4", first_names="YAHIR ALEXIS",
        first_surname="ALBARRÁN", second_surname="MALDONADO", prematricula="180010051", folio="340100337",
        campus_code="001", campus_name="Ciudad Azteca", group_code="102-ELIN18",
        career="PT-B en Electricidad Industrial", institutional_email="yalbarran0818@conalepmex.edu.mx",
        health_institution="Instituto Mexicano del Seguro Social (IMSS)", affiliation_number="26180366723",
        status=status, photo_sha256="0" * 64, signature_sha256="1" * 64,
    )
    return base.replace(**changes)


def actor(role: Role, campuses=("001",)) -> Actor:
    return Actor("usuario", role, frozenset(campuses), "EST-01")


CTX = Context(now=NOW, online=True)


def test_table_covers_every_command():
    assert {t.command for t in TRANSITIONS} == set(Command)


@pytest.mark.parametrize("command", list(EXPECTED))
@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("role", list(Role))
def test_matrix(command, status, role):
    moves, roles = EXPECTED[command]
    result = apply_command(student(status), command, actor(role), GOOD_PAYLOAD[command], CTX)
    if role not in roles:
        assert isinstance(result, Refusal) and result.code == "forbidden_role", result
        assert role.label in result.message
    elif status not in moves:
        assert isinstance(result, Refusal) and result.code == "invalid_status", result
        assert status.label in result.message
    else:
        assert isinstance(result, Student), result
        assert result.status == moves[status]


@pytest.mark.parametrize("role", list(Role))
def test_import_creates_enrolled_only_for_desk_roles(role):
    result = apply_command(None, Command.IMPORT_SAE, actor(role), GOOD_PAYLOAD[Command.IMPORT_SAE], CTX)
    if role in (OP, SUP):
        assert isinstance(result, Student) and result.status == S.ENROLLED
        assert result.first_surname == "ALBARRÁN" and result.sae_updated_at == NOW
    else:
        assert isinstance(result, Refusal) and result.code == "forbidden_role"


@pytest.mark.parametrize("status", list(Status))
def test_import_refuses_existing_record(status):
    result = apply_command(student(status), Command.IMPORT_SAE, actor(OP), GOOD_PAYLOAD[Command.IMPORT_SAE], CTX)
    assert isinstance(result, Refusal) and result.code == "already_exists"


@pytest.mark.parametrize("command", [c for c in Command if c != Command.IMPORT_SAE])
def test_missing_record_is_not_found(command):
    role = next(iter(EXPECTED[command][1]))
    result = apply_command(None, command, actor(role), GOOD_PAYLOAD[command], CTX)
    assert isinstance(result, Refusal) and result.code == "not_found"


def test_status_change_sets_date_and_keeps_other_fields():
    result = apply_command(student(S.CAPTURED), Command.VALIDATE, actor(SUP), {"valid_until": "2027-08-01"}, CTX)
    assert result.status == S.VALIDATED and result.status_updated_at == NOW
    assert result.valid_until == date(2027, 8, 1)
    assert result.first_surname == "ALBARRÁN"


def test_sae_update_is_scoped_by_the_sae_plantel():
    """Manual §7: a change of plantel is attended by the new plantel."""
    moved = {"sae": {"enrolled": True}, "fields": {**SAE_FIELDS, "campus_code": "002", "campus_name": "Toluca"}}
    new_campus = apply_command(student(S.ENROLLED), Command.UPDATE_SAE, actor(OP, ("002",)), moved, CTX)
    assert isinstance(new_campus, Student) and new_campus.campus_code == "002"
    old_campus = apply_command(student(S.ENROLLED), Command.UPDATE_SAE, actor(OP, ("001",)), moved, CTX)
    assert isinstance(old_campus, Refusal) and old_campus.code == "forbidden_campus"


def test_other_campus_is_refused_for_desk_roles_but_not_state_office():
    result = apply_command(student(S.ENROLLED), Command.CAPTURE, actor(OP, ("002",)),
                           GOOD_PAYLOAD[Command.CAPTURE], CTX)
    assert isinstance(result, Refusal) and result.code == "forbidden_campus" and "001" in result.message
    ok = apply_command(student(S.PRINTING), Command.RECEIVE, actor(EST, ()), {}, CTX)
    assert isinstance(ok, Student) and ok.status == S.RECEIVED


@pytest.mark.parametrize("command", [Command.DEFER, Command.REJECT_REPRINT, Command.REJECT_RETAKE])
def test_comment_required(command):
    status = S.CAPTURED if command == Command.DEFER else S.RECEIVED
    result = apply_command(student(status), command, actor(SUP), {"comment": "   "}, CTX)
    assert isinstance(result, Refusal) and result.code == "comment_required" and result.field == "comment"


def test_validate_names_every_missing_field():
    record = student(S.CAPTURED, health_institution="", affiliation_number="")
    result = apply_command(record, Command.VALIDATE, actor(SUP), {}, CTX)
    assert isinstance(result, Refusal) and result.code == "incomplete_fields"
    for words in ("institución médica", "número de afiliación", "vigencia"):
        assert words in result.message
    completed = apply_command(record, Command.VALIDATE, actor(SUP),
                              {"health_institution": "IMSS", "affiliation_number": "26180366723",
                               "valid_until": "2027-08-01"}, CTX)
    assert isinstance(completed, Student) and completed.affiliation_number == "26180366723"


def test_validate_refuses_past_valid_until_and_bad_affiliation():
    past = apply_command(student(S.CAPTURED), Command.VALIDATE, actor(SUP), {"valid_until": "2020-01-01"}, CTX)
    assert isinstance(past, Refusal) and past.field == "valid_until"
    bad = apply_command(student(S.CAPTURED), Command.VALIDATE, actor(SUP),
                        {"valid_until": "2027-08-01", "affiliation_number": "12AB"}, CTX)
    assert isinstance(bad, Refusal) and bad.field == "affiliation_number"
    garbage = apply_command(student(S.CAPTURED), Command.VALIDATE, actor(SUP), {"valid_until": "mañana"}, CTX)
    assert isinstance(garbage, Refusal) and garbage.field == "valid_until"


def test_validate_refuses_a_health_institution_longer_than_its_column():
    """The field table's 200 characters: PostgreSQL would refuse the row (a 500) instead of a Spanish 4xx."""
    payload = {"valid_until": "2027-08-01", "health_institution": "I" * 201}
    long = apply_command(student(S.CAPTURED), Command.VALIDATE, actor(SUP), payload, CTX)
    assert isinstance(long, Refusal) and long.code == "invalid_field" and long.field == "health_institution"
    assert "200 caracteres" in long.message
    fits = apply_command(student(S.CAPTURED), Command.VALIDATE, actor(SUP), {**payload, "health_institution": "I" * 200},
                         CTX)
    assert isinstance(fits, Student)


def test_capture_needs_both_biometrics_and_a_reason_to_override_checks():
    only_photo = apply_command(student(S.ENROLLED), Command.CAPTURE, actor(OP), {"photo_sha256": "a" * 64}, CTX)
    assert isinstance(only_photo, Refusal) and "la firma" in only_photo.message
    failed = {**GOOD_PAYLOAD[Command.CAPTURE], "photo_checks_ok": False}
    refused = apply_command(student(S.ENROLLED), Command.CAPTURE, actor(OP), failed, CTX)
    assert isinstance(refused, Refusal) and refused.code == "photo_check_failed"
    overridden = apply_command(student(S.ENROLLED), Command.CAPTURE, actor(OP),
                               {**failed, "photo_override_reason": "Alumno con lentes médicos"}, CTX)
    assert isinstance(overridden, Student) and overridden.biometrics_at == NOW


def test_print_temporary_needs_biometrics_and_counts():
    no_bio = student(S.ENROLLED, photo_sha256=None, signature_sha256=None)
    refused = apply_command(no_bio, Command.PRINT_TEMPORARY, actor(OP), {}, CTX)
    assert isinstance(refused, Refusal) and refused.code == "missing_biometrics"
    printed = apply_command(student(S.VALIDATED), Command.PRINT_TEMPORARY, actor(OP), {}, CTX)
    assert printed.reprint_count == 1 and printed.status == S.VALIDATED


def test_deliver_needs_signature_and_temporary_answer():
    missing = apply_command(student(S.RECEIVED), Command.DELIVER, actor(OP), {"temporary_returned": True}, CTX)
    assert isinstance(missing, Refusal) and missing.code == "missing_delivery_signature"
    unanswered = apply_command(student(S.RECEIVED), Command.DELIVER, actor(OP),
                               {"delivery_signature_sha256": "c" * 64}, CTX)
    assert isinstance(unanswered, Refusal) and unanswered.code == "missing_temporary_returned"
    done = apply_command(student(S.RECEIVED), Command.DELIVER, actor(OP),
                         {"delivery_signature_sha256": "c" * 64, "temporary_returned": False}, CTX)
    assert done.status == S.DELIVERED and done.delivered_at == NOW and done.temporary_returned is False


def test_sae_commands_need_the_server_and_enrolment():
    offline = apply_command(None, Command.IMPORT_SAE, actor(OP), GOOD_PAYLOAD[Command.IMPORT_SAE],
                            Context(now=NOW, online=False))
    assert isinstance(offline, Refusal) and offline.code == "offline"
    dropped = {**GOOD_PAYLOAD[Command.IMPORT_SAE], "sae": {"enrolled": False}}
    result = apply_command(None, Command.IMPORT_SAE, actor(OP), dropped, CTX)
    assert isinstance(result, Refusal) and result.code == "sae_not_enrolled"
    semester = {**GOOD_PAYLOAD[Command.IMPORT_SAE], "sae": {"enrolled": True, "allowed_semesters": [2, 4]}}
    result = apply_command(None, Command.IMPORT_SAE, actor(OP), semester, CTX)
    assert isinstance(result, Refusal) and result.code == "sae_semester_not_allowed"
    bad_curp = {**GOOD_PAYLOAD[Command.IMPORT_SAE], "fields": {**SAE_FIELDS, "curp": "TEMGO30312HDFLRBA3"}}
    result = apply_command(None, Command.IMPORT_SAE, actor(OP), bad_curp, CTX)
    assert isinstance(result, Refusal) and result.field == "curp"


def test_print_order_number_required():
    result = apply_command(student(S.VALIDATED), Command.CREATE_PRINT_ORDER, actor(EST), {}, CTX)
    assert isinstance(result, Refusal) and result.code == "missing_order_number"
    ok = apply_command(student(S.VALIDATED), Command.CREATE_PRINT_ORDER, actor(EST), {"print_order": 7}, CTX)
    assert ok.print_order == 7 and ok.status == S.REQUESTED


@pytest.mark.parametrize("status", [S.VALIDATED, S.REJECTED])
def test_print_order_needs_photo_and_signature(status):
    """Issue 14: the card is printed from the stored biometrics; the table refuses a record without
    them (e.g. deleted by the state office), and says so to the server's order service too."""
    from station.domain.transitions import record_refusal

    bare = student(status, photo_sha256=None, signature_sha256=None)
    result = apply_command(bare, Command.CREATE_PRINT_ORDER, actor(EST), {"print_order": 7}, CTX)
    assert isinstance(result, Refusal) and result.code == "missing_biometrics"
    assert "fotografía y firma" in result.message
    assert record_refusal(Command.CREATE_PRINT_ORDER, bare) == result
    assert record_refusal(Command.CREATE_PRINT_ORDER, student(status)) is None
    assert Command.CREATE_PRINT_ORDER not in allowed_commands(bare, Role.STATE_OFFICE)


def test_unknown_command_is_a_refusal_not_an_exception():
    result = apply_command(student(S.ENROLLED), "borrar", actor(SUP), {}, CTX)
    assert isinstance(result, Refusal) and result.code == "unknown_command"


def test_allowed_commands_follow_table():
    assert allowed_commands(student(S.RECEIVED), SUP) == [
        Command.PRINT_TEMPORARY, Command.REJECT_REPRINT, Command.REJECT_RETAKE, Command.DELIVER]
    assert allowed_commands(None, OP) == [Command.IMPORT_SAE]


def test_allowed_commands_check_record_only_preconditions():
    """Printing the temporary credential needs photo and signature on the record: the table answers
    the screens, the documents layer and the server alike."""
    bare = student(S.RECEIVED, photo_sha256=None, signature_sha256=None)
    assert Command.PRINT_TEMPORARY not in allowed_commands(bare, SUP)
    assert Command.DELIVER in allowed_commands(bare, SUP)
    assert Command.PRINT_TEMPORARY in allowed_commands(student(S.RECEIVED), SUP)


def test_print_orders_take_their_steps_from_the_table():
    from station.domain.transitions import from_statuses

    assert from_statuses(Command.CREATE_PRINT_ORDER) == {S.VALIDATED, S.REJECTED}
    assert from_statuses(Command.CAPTURE) == {S.ENROLLED, S.CAPTURED, S.DEFERRED, S.RETAKE}


def test_student_dict_round_trip_keeps_accents():
    record = student(S.DELIVERED, first_names="ÍÑIGO", valid_until=date(2027, 8, 1), delivered_at=NOW)
    assert Student.from_dict(record.to_dict()) == record
    assert record.full_name == "ALBARRÁN MALDONADO ÍÑIGO"


def test_set_institutional_email_writes_a_new_address_and_never_replaces_one():
    bare = student(S.ENROLLED, institutional_email="")
    done = apply_command(bare, Command.SET_INSTITUTIONAL_EMAIL, actor(SYS),
                         {"institutional_email": "JNunez0312@Alumnos.Conalepmex.edu.mx"}, CTX)
    assert isinstance(done, Student) and done.institutional_email == "jnunez0312@alumnos.conalepmex.edu.mx"
    other = apply_command(student(S.ENROLLED), Command.SET_INSTITUTIONAL_EMAIL, actor(SYS),
                          {"institutional_email": "otro@alumnos.conalepmex.edu.mx"}, CTX)
    assert isinstance(other, Refusal) and other.code == "email_already_set" and "no se reemplaza" in other.message
    bad = apply_command(bare, Command.SET_INSTITUTIONAL_EMAIL, actor(SYS), {"institutional_email": "sin arroba"}, CTX)
    assert isinstance(bad, Refusal) and bad.code == "invalid_field" and bad.field == "institutional_email"
    elsewhere = apply_command(bare, Command.SET_INSTITUTIONAL_EMAIL, actor(SYS, ("002",)),
                              {"institutional_email": "a@b.mx"}, CTX)
    assert isinstance(elsewhere, Refusal) and elsewhere.code == "forbidden_campus"


def test_record_refusal_is_the_one_answer_for_printing():
    """The screens and the documents layer ask the table (record_refusal) instead of
    re-checking photo and signature themselves."""
    from station.domain import record_refusal

    assert record_refusal(Command.PRINT_TEMPORARY, student(S.CAPTURED)) is None
    refused = record_refusal(Command.PRINT_TEMPORARY, student(S.ENROLLED, photo_sha256=None))
    assert refused is not None and refused.code == "missing_biometrics"
    assert Command.PRINT_TEMPORARY not in allowed_commands(student(S.ENROLLED, signature_sha256=None), OP)


def test_incidencia_resolvers_come_from_the_domain():
    """The sync screen and the store's resolve_incidencia share one role set."""
    from station.domain import INCIDENCIA_RESOLVERS
    from station.sync.incidencias import RESOLVER_ROLES

    assert INCIDENCIA_RESOLVERS == {SUP, ADM} and RESOLVER_ROLES is INCIDENCIA_RESOLVERS


def test_delete_biometrics_needs_a_reason_and_leaves_nothing_printable():
    """Issue 14 §6: the state office deletes photo and signature for a stated reason; a new capture
    is then needed (no temporary credential, no print order) and the delivery signature stays."""
    refused = apply_command(student(S.VALIDATED), Command.DELETE_BIOMETRICS, actor(EST), {"comment": " "}, CTX)
    assert isinstance(refused, Refusal) and refused.code == "comment_required"
    done = apply_command(student(S.VALIDATED), Command.DELETE_BIOMETRICS, actor(EST, ()),
                         {"comment": "Solicitud ARCO"}, CTX)
    assert (done.status, done.photo_sha256, done.signature_sha256, done.biometrics_at) == (S.ENROLLED, None, None,
                                                                                         None)
    assert done.comment == "Solicitud ARCO" and not done.has_biometrics
    assert Command.PRINT_TEMPORARY not in allowed_commands(done, OP) and Command.CAPTURE in allowed_commands(done, OP)
    delivered = student(S.DELIVERED, delivery_signature_sha256="c" * 64)
    kept = apply_command(delivered, Command.DELETE_BIOMETRICS, actor(EST), {"comment": "Solicitud ARCO"}, CTX)
    assert kept.status == S.DELIVERED and kept.delivery_signature_sha256 == "c" * 64 and kept.photo_sha256 is None
    # a received card whose biometrics were deleted cannot be sent to reprint (no photo): only a retake
    received = apply_command(student(S.RECEIVED), Command.DELETE_BIOMETRICS, actor(EST), {"comment": "ARCO"}, CTX)
    reprint = apply_command(received, Command.REJECT_REPRINT, actor(SUP), {"comment": "Mala impresión"}, CTX)
    assert isinstance(reprint, Refusal) and reprint.code == "missing_biometrics"
    assert Command.REJECT_REPRINT not in allowed_commands(received, SUP)
    retake = apply_command(received, Command.REJECT_RETAKE, actor(SUP), {"comment": "Sin fotografía"}, CTX)
    assert retake.status == S.RETAKE
    printing = apply_command(student(S.PRINTING), Command.DELETE_BIOMETRICS, actor(EST), {"comment": "x"}, CTX)
    assert isinstance(printing, Refusal) and printing.code == "invalid_status"
    for role in (OP, SUP, ADM, SYS):
        no = apply_command(student(S.CAPTURED), Command.DELETE_BIOMETRICS, actor(role), {"comment": "x"}, CTX)
        assert isinstance(no, Refusal) and no.code == "forbidden_role"


def test_capture_of_a_minor_needs_the_guardian_consent():
    """Issue 14 §6: the table itself refuses a minor's capture without consent (desk, store and server)."""
    from station.domain.demo import DEMO_CONSENT

    minor = student(S.ENROLLED, curp="AAMY101208HDFLLHA6")  # born 2010-12-08: 15 on NOW
    payload = dict(GOOD_PAYLOAD[Command.CAPTURE])
    refused = apply_command(minor, Command.CAPTURE, actor(OP), payload, CTX)
    assert isinstance(refused, Refusal) and refused.code == "guardian_consent_required"
    assert refused.field == "guardian_name" and "menor de edad (15 años" in refused.message
    wrong = apply_command(minor, Command.CAPTURE, actor(OP), {**payload, **DEMO_CONSENT,
                                                              "guardian_relationship": "Vecina"}, CTX)
    assert isinstance(wrong, Refusal) and wrong.field == "guardian_relationship"
    assert apply_command(minor, Command.CAPTURE, actor(OP), {**payload, **DEMO_CONSENT}, CTX).status == S.CAPTURED
    assert apply_command(student(S.ENROLLED), Command.CAPTURE, actor(OP), payload, CTX).status == S.CAPTURED  # adult
