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


def test_serve_workers_runs_that_many_processes(tmp_path):
    """``serve --workers 2`` starts two server processes behind one port (issue 15: it was ignored)."""
    import subprocess
    import threading
    import time

    import requests

    from server.testing import free_port

    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "server.cli", "serve", "--db", f"sqlite:///{tmp_path / 's.db'}",
                             "--port", str(port), "--workers", "2"], stderr=subprocess.PIPE, text=True)
    log: list[str] = []
    reader = threading.Thread(target=lambda: log.extend(proc.stderr), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and sum("Started server process" in line for line in log) < 2:
            time.sleep(0.2)
        assert sum("Started server process" in line for line in log) == 2, log
        assert requests.get(f"http://127.0.0.1:{port}/health", timeout=10).status_code == 200
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def test_serve_refuses_zero_workers(capsys):
    import pytest

    with pytest.raises(SystemExit) as usage:  # a usage error: Spanish message, exit code 2
        main(["serve", "--db", "sqlite:///:memory:", "--workers", "0"])
    assert usage.value.code == 2
    assert "--workers" in capsys.readouterr().err
