"""``credencializacion-server biometrics delete``: the state office's deletion of a student's photo and
signatures from the command line (issue 14) — the same service, transition and audit event as
``POST /students/{m}/biometrics/delete``, a reason required, Spanish usage errors with exit 2 and
nothing written on any refusal. Both back-ends (the session's ``server``)."""
from __future__ import annotations

import getpass

import pytest
from sqlalchemy import func, select

from server.cli import main
from server.db.models import AuditRow, StudentRow
from server.sync.models import BlobBinding, SyncBlob
from tests.server.helpers import matricula, upload_for

REASON = "Solicitud de cancelación ARCO folio DE-2026-031 (el alumno, mayor de edad)"


def run(argv: list[str]) -> int:
    try:
        return main(argv)
    except SystemExit as exc:  # argparse's usage error
        return exc.code


def footprint(server, matricula: str) -> tuple:
    """What a deletion would change: the record, its audit events, its blob bindings."""
    with server.db() as s:
        row = s.get(StudentRow, matricula)
        audits = s.scalar(select(func.count()).select_from(AuditRow).where(AuditRow.entity_id == matricula))
        bound = sorted(s.scalars(select(BlobBinding.sha256).where(BlobBinding.matricula == matricula)))
        return row.status, row.photo_sha256, row.signature_sha256, row.change_seq, audits, tuple(bound)


def test_cli_deletes_the_biometrics_and_audits_the_reason(server, capsys):
    m = server.find("VALIDATED")
    photo, signature = upload_for(server, "supervisor", m)
    with server.db() as s, s.begin():  # the student's capture holds these two uploads
        row = s.get(StudentRow, m)
        row.photo_sha256, row.signature_sha256 = photo, signature

    assert run(["biometrics", "--db", server.url, "delete", m, "--motivo", REASON]) == 0
    out = capsys.readouterr().out
    assert m in out and "eliminadas" in out and "Enrolado" in out
    with server.db() as s:
        row = s.get(StudentRow, m)
        assert (row.status, row.photo_sha256, row.signature_sha256, row.biometrics_at) == ("ENROLLED", None, None,
                                                                                           None)
        assert not list(s.scalars(select(BlobBinding).where(BlobBinding.matricula == m)))
        assert not list(s.scalars(select(SyncBlob).where(SyncBlob.sha256.in_([photo, signature]))))
        event = s.scalars(select(AuditRow).where(AuditRow.entity_id == m).order_by(AuditRow.id.desc())).first()
        assert (event.command, event.role, event.comment) == ("delete_biometrics", "state_office", REASON)
        assert event.username == f"cli:{getpass.getuser()}" and event.station_id == "cli"
        assert (event.from_status, event.to_status) == ("VALIDATED", "ENROLLED")
        assert {d["sha256"] for d in event.details["deleted"]} == {photo, signature}
        assert event.change_seq == row.change_seq  # stations learn it from the changes feed


@pytest.mark.parametrize("argv, says", [
    (["{m}"], "--motivo"),                                      # no reason
    (["{m}", "--motivo", "   "], "escriba el motivo"),          # a blank one
    (["{m}", "--motivo", "x" * 2001], "el máximo es 2000"),     # longer than the audit keeps
    (["18001005-1", "--motivo", REASON], "matrícula"),          # a mistyped matrícula (check digit)
    ([], "MATRÍCULA"),
])
def test_usage_errors_are_spanish_exit_2_and_write_nothing(server, capsys, argv, says):
    m = server.find("CAPTURED")
    before = footprint(server, m)
    code = run(["biometrics", "--db", server.url, "delete", *[a.format(m=m) for a in argv]])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Uso:" in err and "Error:" in err and says in err
    assert "Traceback" not in err
    assert footprint(server, m) == before


def test_refusals_of_the_table_are_exit_1_and_write_nothing(server, capsys):
    printing = server.find("PRINTING")  # a card being printed waits until received
    before = footprint(server, printing)
    assert run(["biometrics", "--db", server.url, "delete", printing, "--motivo", REASON]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Error: ") and "Imprimiendo" in err
    assert footprint(server, printing) == before
    unknown = matricula(999, 9999, 89)  # well-formed, never seeded
    assert run(["biometrics", "--db", server.url, "delete", unknown, "--reason", REASON]) == 1
    assert "no existe" in capsys.readouterr().err
