"""``credencializacion-server`` sub-commands on both back-ends."""
from __future__ import annotations

import io
import sys

from sqlalchemy import select

from server.cli import main
from server.db.engine import make_engine, make_session_factory
from server.db.models import PrintOrder, SaeRecord, StudentRow, User
from tests.server.helpers import csv_bytes, matricula, sae_row


def _stdin(monkeypatch, text):
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))


def test_cli_end_to_end(fresh_url, tmp_path, monkeypatch, capsys):
    assert main(["migrate", "--db", fresh_url]) == 0
    _stdin(monkeypatch, "clave-demo-1\n")
    assert main(["demo-data", "--db", fresh_url, "--students", "80", "--campuses", "2", "--password-stdin"]) == 0
    _stdin(monkeypatch, "otra-clave-9\n")
    assert main(["create-user", "--db", fresh_url, "cap2", "--role", "operator", "--campus", "002",
                 "--password-stdin"]) == 0
    _stdin(monkeypatch, "otra-clave-9\n")
    assert main(["create-user", "--db", fresh_url, "cap2", "--role", "operator", "--campus", "002",
                 "--password-stdin"]) == 1
    assert "ya existe" in capsys.readouterr().err
    sae = tmp_path / "sae.csv"
    sae.write_bytes(csv_bytes([sae_row(matricula(3, 1)), sae_row(matricula(3, 2), CURP="MALA")]))
    assert main(["import-sae", "--db", fresh_url, str(sae)]) == 1  # one bad row → exit 1, good row imported
    assert '"imported": 1' in capsys.readouterr().out
    assert main(["print-order", "--db", fresh_url, "create", "--campus", "001"]) == 0
    assert main(["print-order", "--db", fresh_url, "advance", "4"]) == 0
    assert main(["print-order", "--db", fresh_url, "list"]) == 0
    out = capsys.readouterr().out
    assert "4\tPRINTING" in out
    assert main(["print-order", "--db", fresh_url, "create", "--campus", "001"]) == 1
    engine = make_engine(fresh_url, pool_size=1)
    with make_session_factory(engine)() as s:
        assert s.scalar(select(User).where(User.username == "cap2")).campuses == ["002"]
        assert {u for u in s.scalars(select(User.username))} >= {"admin", "estatal", "supervisor", "operador"}
        assert s.get(SaeRecord, matricula(3, 1)) is not None and s.get(SaeRecord, matricula(3, 2)) is None
        assert s.get(PrintOrder, 4).status == "PRINTING"
        assert s.scalar(select(StudentRow).where(StudentRow.print_order == 4)).status == "PRINTING"
    engine.dispose()
