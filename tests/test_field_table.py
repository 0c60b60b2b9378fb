"""Every definition of a student field agrees with the field table (station.domain.fields).

The table is the one definition; this test fails when any copy disagrees with it: the
:class:`Student` dataclass, the station cache's ORM and migrations, the server's ORM
(``students``, ``sae_records``) and migrations (PostgreSQL, which enforces lengths, and SQLite), the
API's pydantic models, the SAE parser's limits and headers, the XLSX student list and the
screens' label lists.
"""
from __future__ import annotations

import typing
from datetime import date, datetime

import pytest
from sqlalchemy import Boolean, Date, Integer, String, Text, create_engine, inspect

from station.domain import STUDENT_FIELDS, Status, Student
from station.domain.fields import FIELDS_BY_NAME, REQUIRED_FOR_VALIDATION, SAE_FIELDS

SAE_RECORD_FIELDS = {"matricula", *SAE_FIELDS}


def _column_problems(table, names, where: str) -> list[str]:
    """Disagreements between ORM ``table`` and the field table for ``names``."""
    problems = []
    for name in names:
        f = FIELDS_BY_NAME[name]
        column = table.columns.get(name)
        if column is None:
            problems.append(f"{where}: falta la columna {name}")
            continue
        kind = column.type
        if f.type in (str, Status):
            if f.max_length is None:
                ok = isinstance(kind, Text)
            else:
                ok = isinstance(kind, String) and not isinstance(kind, Text) and kind.length == f.max_length
        elif f.type is datetime:
            ok = "datetime" in type(kind).__name__.lower()
        else:
            ok = isinstance(kind, {int: Integer, date: Date, bool: Boolean}[f.type])
        if not ok:
            problems.append(f"{where}.{name}: {kind!r} ≠ {f.type.__name__}({f.max_length})")
        if name != "matricula" and column.nullable != f.nullable and not (f.nullable is False and column.default):
            problems.append(f"{where}.{name}: nullable={column.nullable}, la tabla dice {f.nullable}")
    return problems


def test_student_dataclass_is_the_table():
    hints = typing.get_type_hints(Student)
    names = [f.name for f in STUDENT_FIELDS]
    assert [n for n in Student.__dataclass_fields__ if n != "extra"] == names
    assert {n: hints[n] for n in names} == {f.name: f.annotation for f in STUDENT_FIELDS}


def test_station_orm_matches_the_table():
    from station.store.schema import StudentRow

    assert _column_problems(StudentRow.__table__, FIELDS_BY_NAME, "estación.students") == []


def test_server_orm_matches_the_table():
    from server.db.models import Campus, SaeRecord, StudentRow

    problems = _column_problems(StudentRow.__table__, FIELDS_BY_NAME, "servidor.students")
    problems += _column_problems(SaeRecord.__table__, SAE_RECORD_FIELDS, "servidor.sae_records")
    assert problems == []
    assert Campus.__table__.c.name.type.length == FIELDS_BY_NAME["campus_name"].max_length


def test_station_migrations_reach_the_table_lengths(tmp_path):
    from station.store import LocalStore

    store = LocalStore(tmp_path / "m.sqlite3", b"k" * 32, "EST")
    try:
        columns = {c["name"]: c["type"] for c in inspect(store.engine).get_columns("students")}
    finally:
        store.close()
    expected = {f.name: f.max_length for f in STUDENT_FIELDS if f.max_length}
    assert {name: getattr(columns[name], "length", None) for name in expected} == expected


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_server_migrations_reach_the_table_lengths(backend, tmp_path):
    """PostgreSQL enforces the declared lengths; SQLite only declares them (0010 rebuilt its
    tables), but a declared length that disagrees with the table fails on either back-end."""
    from server.db.migrate import upgrade
    from server.testing import drop_pg_database
    from tests.server.conftest import pg_or_skip

    url = pg_or_skip() if backend == "postgres" else f"sqlite:///{tmp_path / 'servidor.sqlite3'}"
    try:
        upgrade(url)
        engine = create_engine(url)
        found = {}
        for table in ("students", "sae_records", "campuses"):
            for column in inspect(engine).get_columns(table):
                found[(table, column["name"])] = getattr(column["type"], "length", None)
        engine.dispose()
    finally:
        if backend == "postgres":
            drop_pg_database(url)
    expected = {("students", f.name): f.max_length for f in STUDENT_FIELDS if f.max_length}
    expected |= {("sae_records", f.name): f.max_length for f in STUDENT_FIELDS
                 if f.max_length and f.name in SAE_RECORD_FIELDS}
    expected[("campuses", "name")] = FIELDS_BY_NAME["campus_name"].max_length
    assert {key: found.get(key) for key in expected} == expected


def test_api_models_match_the_table():
    from server.schemas import SaeRecordOut, StudentOut

    for model, names in ((StudentOut, set(FIELDS_BY_NAME)), (SaeRecordOut, SAE_RECORD_FIELDS)):
        schema = model.model_json_schema()["properties"]
        for name in names:
            f = FIELDS_BY_NAME[name]
            assert model.model_fields[name].annotation == f.annotation, (model.__name__, name)
            assert schema[name].get("maxLength") == (f.max_length if f.type is str else None), (model.__name__, name)
            assert schema[name]["description"] == f.label


def test_sae_parser_limits_and_headers_match_the_table():
    from server.services import sae

    for name, limit in sae._MAX_LEN.items():
        assert limit == FIELDS_BY_NAME[name].max_length, name
    assert set(sae._MAX_LEN) >= {f.name for f in STUDENT_FIELDS
                                 if f.sae_column and f.max_length and f.name not in ("matricula", "curp", "campus_code")}
    for key, header in sae.REQUIRED_COLUMNS.items():
        if key in FIELDS_BY_NAME and key != "status":  # SAE's Estatus is enrolment, not our status
            assert header == FIELDS_BY_NAME[key].sae_column, key
    assert {sae.HEADER_ALIASES[sae._norm(f.sae_column)] for f in STUDENT_FIELDS if f.sae_column} \
        == {f.name for f in STUDENT_FIELDS if f.sae_column} - {"campus_code"} | {"campus"}
    assert set(sae.SaeData.__dataclass_fields__) == SAE_RECORD_FIELDS | {"enrolled"}


def test_xlsx_headers_are_the_table_labels():
    from station.domain.xlsx import STUDENT_COLUMNS, STUDENT_LIST_FIELDS

    assert [h for h, _ in STUDENT_COLUMNS] == [FIELDS_BY_NAME[n].label for n in STUDENT_LIST_FIELDS]


def test_screen_labels_are_the_table_labels():
    from ui.screens.validate import COLUMNS
    from ui.widgets.student_fields import BASIC_FIELDS, FULL_FIELDS

    for name, text in (*BASIC_FIELDS, *FULL_FIELDS, *COLUMNS):
        assert text == FIELDS_BY_NAME[name].label, (name, text)


def test_required_for_validation_and_sae_fields_come_from_the_table():
    assert [n for n, _ in REQUIRED_FOR_VALIDATION] == [f.name for f in STUDENT_FIELDS if f.required_for_validation]
    assert dict(REQUIRED_FOR_VALIDATION)["curp"] == "CURP"
    assert dict(REQUIRED_FOR_VALIDATION)["health_institution"] == "institución médica"
    # the words of the refusal message stay those users know (manual §10: "falta vigencia")
    assert dict(REQUIRED_FOR_VALIDATION)["valid_until"] == "vigencia"
    assert dict(REQUIRED_FOR_VALIDATION)["campus_code"] == "plantel"
    assert "matricula" not in SAE_FIELDS and "campus_name" in SAE_FIELDS
