"""``credencializacion-server accounts …`` end to end on SQLite (issue 20 item 7, Must show 2):
1,000 students of a plantel lacking an address → five Microsoft 365 files of ≤ 249 users."""
from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import update

from server.cli import main
from server.testing import seed

from tests.accounts.conftest import STUDENT_DOMAIN


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    from server.db.engine import make_engine, make_session_factory
    from server.db.models import StudentRow

    url = f"sqlite:///{tmp_path_factory.mktemp('cli') / 'server.sqlite3'}"
    seed(url, "demo-1234!", students=1000, campuses=1)
    engine = make_engine(url)
    with make_session_factory(engine)() as s, s.begin():
        s.execute(update(StudentRow).values(institutional_email="", status="ENROLLED"))  # 1,000 new students
    engine.dispose()
    return url


def test_export_1000_students_to_five_m365_files_then_import(db, tmp_path, capsys):
    assert main(["accounts", "--db", db, "rule", "student", "--domain", STUDENT_DOMAIN]) == 0
    out = tmp_path / "salida"
    assert main(["accounts", "--db", db, "export", "--campus", "001", "--format", "m365", "--out", str(out)]) == 0
    files = sorted(out.glob("*.csv"))
    assert len(files) == 5
    counts = [len(list(csv.reader(io.StringIO(f.read_text("utf-8"))))) - 1 for f in files]
    assert counts == [249, 249, 249, 249, 4]
    assert all(oct(f.stat().st_mode)[-3:] == "600" for f in files)
    addresses = [row["User Name"] for f in files for row in csv.DictReader(io.StringIO(f.read_text("utf-8")))]
    assert len(set(addresses)) == 1000
    # the same export again proposes nothing new and gives the same addresses
    again = tmp_path / "otra"
    assert main(["accounts", "--db", db, "export", "--campus", "001", "--format", "m365", "--out", str(again)]) == 0
    assert sorted(p.read_bytes() for p in again.glob("*.csv")) == sorted(p.read_bytes() for p in files)
    # our own export files confirm the proposed list
    capsys.readouterr()
    for f in files:
        assert main(["accounts", "--db", db, "import", "--campus", "001", str(f)]) == 0
    assert '"matched": 4' in capsys.readouterr().out


def test_cli_refuses_bad_input_in_spanish(db, tmp_path, capsys):
    assert main(["accounts", "--db", db, "import", "--campus", "001", str(tmp_path / "no-existe.csv")]) == 2
    assert "no existe el archivo" in capsys.readouterr().err
    with pytest.raises(SystemExit) as usage:
        main(["accounts", "--db", db, "export", "--campus", "001", "--format", "lotus", "--out", str(tmp_path)])
    assert usage.value.code == 2
    assert main(["accounts", "--db", db, "preview", "--campus", "999"]) == 1
    assert "no existe" in capsys.readouterr().err
    assert main(["accounts", "--db", db, "rule", "student", "--domain", "malo"]) == 1
    assert "dominio" in capsys.readouterr().err
