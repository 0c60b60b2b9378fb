"""Each export format against its column spec and row limits (issue 20, Must show 2)."""
from __future__ import annotations

import csv
import io

import pytest

from server.accounts.exports import FORMATS, Account, ExportInvalid, check_file
from server.accounts.exports.google import GOOGLE_HEADER
from server.accounts.exports.microsoft import ENTRA_HEADER, M365_HEADER
from server.accounts.exports.oneroster import OR11_USERS, OR12_ROLES, OR12_USERS
from server.accounts.passwords import generate_password


def accounts(n: int, kind: str = "student") -> list[Account]:
    return [Account(address=f"alumno{i:05d}@alumnos.conalepmex.edu.mx", given_names="José Ángel",
                    first_surname="Núñez", second_surname="De la Peña", display_name="José Ángel Núñez De la Peña",
                    kind=kind, source_id=f"18001{i:04d}-1", campus_code="001", campus_name="Ciudad Azteca",
                    org_unit="/Alumnos/Ciudad Azteca", password=generate_password()) for i in range(n)]


def rows(data: bytes, skip: int = 0) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))[skip:]


def test_m365_1000_students_make_five_files_of_at_most_249():
    files = FORMATS["m365"].export(accounts(1000), "m365-001")
    assert [f.rows for f in files] == [249, 249, 249, 249, 4]
    assert [f.name for f in files] == [f"m365-001-parte0{i}.csv" for i in range(1, 6)]
    for produced in files:
        lines = rows(produced.data)
        assert tuple(lines[0]) == M365_HEADER
        assert len(lines) <= 250  # the admin center's limit includes the header
        assert not produced.data.startswith(b"\xef\xbb\xbf")
    every = [line[0] for f in files for line in rows(f.data)[1:]]
    assert len(every) == len(set(every)) == 1000


def test_m365_file_carries_no_password():
    (produced,) = FORMATS["m365"].export(accounts(3), "m365")
    assert "Password" not in rows(produced.data)[0]
    assert FORMATS["m365"].carries_password is False


def test_entra_has_version_row_then_template_headings():
    sample = accounts(5)
    (produced,) = FORMATS["entra"].export(sample, "entra")
    lines = rows(produced.data)
    assert lines[0] == ["version:v1.0"]
    assert tuple(lines[1]) == ENTRA_HEADER
    assert lines[2][:4] == [sample[0].display_name, sample[0].address, sample[0].password, "No"]


def test_google_is_utf8_with_bom_and_org_unit_per_plantel():
    (produced,) = FORMATS["google"].export(accounts(3), "google")
    assert produced.data.startswith(b"\xef\xbb\xbf")
    lines = rows(produced.data)
    assert tuple(lines[0]) == GOOGLE_HEADER
    row = dict(zip(GOOGLE_HEADER, lines[1]))
    assert row["Org Unit Path [Required]"] == "/Alumnos/Ciudad Azteca"
    assert row["Change Password at Next Sign-In"] == "TRUE"
    assert row["First Name [Required]"] == "José Ángel"  # accents survive UTF-8


def test_oneroster_11_and_12():
    files = {f.name: f for f in FORMATS["oneroster11"].export(accounts(4, "staff"), "x")}
    assert set(files) == {"users.csv", "manifest.csv"}
    assert tuple(rows(files["users.csv"].data)[0]) == OR11_USERS
    user = dict(zip(OR11_USERS, rows(files["users.csv"].data)[1]))
    assert user["role"] == "teacher" and user["orgSourcedIds"] == "001" and user["enabledUser"] == "true"
    manifest = dict(rows(files["manifest.csv"].data)[1:])
    assert manifest["oneroster.version"] == "1.1" and manifest["file.users"] == "bulk"
    files = {f.name: f for f in FORMATS["oneroster12"].export(accounts(4), "x")}
    assert set(files) == {"users.csv", "roles.csv", "manifest.csv"}
    assert tuple(rows(files["users.csv"].data)[0]) == OR12_USERS
    assert tuple(rows(files["roles.csv"].data)[0]) == OR12_ROLES
    role = dict(zip(OR12_ROLES, rows(files["roles.csv"].data)[1]))
    user = dict(zip(OR12_USERS, rows(files["users.csv"].data)[1]))
    assert role["userSourcedId"] == user["sourcedId"] and role["roleType"] == "primary" and role["role"] == "student"
    assert dict(rows(files["manifest.csv"].data)[1:])["file.roles"] == "bulk"


@pytest.mark.parametrize("code", sorted(FORMATS))
def test_every_format_refuses_broken_files(code):
    fmt = FORMATS[code]
    produced = fmt.export(accounts(3), "x")[0]
    spec = fmt.spec_for(produced.name)
    assert check_file(spec, produced.data) == []
    text = produced.data.decode("utf-8-sig")
    header_at = len(spec.preamble)
    lines = text.split("\r\n")
    # a renamed column
    broken = list(lines)
    broken[header_at] = broken[header_at].replace(spec.header[0], spec.header[0] + "X", 1)
    assert any("encabezados" in p for p in check_file(spec, _encode(spec, broken)))
    # a duplicate address and an over-long one
    dup = list(lines) + [lines[header_at + 1]]
    assert any("repetida" in p for p in check_file(spec, _encode(spec, dup)))
    long_local = "a" * 60 + "@alumnos.conalepmex.edu.mx"
    longer = list(lines)
    longer[header_at + 1] = longer[header_at + 1].replace("alumno00000@alumnos.conalepmex.edu.mx", long_local)
    assert any("50" in p or "79" in p for p in check_file(spec, _encode(spec, longer)))
    # a missing required value
    cells = next(csv.reader([lines[header_at + 1]]))
    required_index = spec.header.index(spec.required[0])
    cells[required_index] = ""
    empty = list(lines)
    empty[header_at + 1] = ",".join(f'"{c}"' for c in cells)
    assert any("obligatorio" in p for p in check_file(spec, _encode(spec, empty)))


def _encode(spec, lines) -> bytes:
    data = "\r\n".join(lines).encode("utf-8")
    return (b"\xef\xbb\xbf" + data) if spec.bom else data


def test_row_limit_and_bom_are_enforced():
    spec = FORMATS["m365"].specs[0]
    (big,) = [f for f in FORMATS["google"].export(accounts(2), "g")]
    too_many = FORMATS["m365"].build(accounts(300), "m")[0].data  # build alone splits; forge one file
    joined = b"".join(f.data if i == 0 else f.data.split(b"\r\n", 1)[1]
                      for i, f in enumerate(FORMATS["m365"].build(accounts(300), "m")))
    assert too_many.count(b"\r\n") == 250
    assert any("249" in p for p in check_file(spec, joined))
    assert any("BOM" in p for p in check_file(FORMATS["google"].specs[0], big.data[3:]))


def test_export_refuses_an_invalid_account():
    bad = accounts(2)
    bad[1] = Account(**{**bad[1].__dict__, "password": "corta"})
    with pytest.raises(ExportInvalid) as caught:
        FORMATS["entra"].export(bad, "entra")
    assert "contraseña" in caught.value.problems[0]


@pytest.mark.parametrize("template,org_unit,url,field", [
    ("{first_surname", "/{campus}", "https://portal.office.com", "template"),
    ("{first_surname:>999999999}", "/{campus}", "https://portal.office.com", "template"),
    ("{first_surname!r}", "/{campus}", "https://portal.office.com", "template"),
    ("{first_initial}{birth_dd}", "/{campus}", "https://portal.office.com", "template"),
    ("{first_surname}", "/{otro}", "https://portal.office.com", "org_unit"),
    ("{first_surname}", "Alumnos", "https://portal.office.com", "org_unit"),
    ("{first_surname}", "/{campus}", "javascript:alert(1)", "sign_in_url"),
])
def test_bad_rules_are_refused_with_the_part_named(template, org_unit, url, field):
    from server.accounts.naming import NamingRule, RuleError

    with pytest.raises(RuleError) as caught:
        NamingRule.checked("student", "alumnos.conalepmex.edu.mx", template, org_unit, url)
    assert caught.value.field == field
