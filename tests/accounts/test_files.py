"""Uploaded lists and tenant exports: read or refused with a Spanish message, never a traceback."""
from __future__ import annotations

import io

import openpyxl
import pytest

from server.accounts.files import FileProblem, addresses_in, read_people


@pytest.mark.parametrize("data,needle", [
    (b"", "vac"), (b"\x00\x01\x02", "nulos"), (b"PK\x03\x04basura", "XLSX"),
    (b"nombre,apellido\r\nAna,Ruiz\r\n", "columna"), (b'correo\r\n"a@b.mx' + b"x" * 200_000 + b"\r\n", "CSV"),
])
def test_bad_tenant_files_are_explained(data, needle):
    with pytest.raises(FileProblem) as caught:
        addresses_in(data, "x.csv")
    assert needle in caught.value.message


def test_tenant_exports_of_each_console_are_read():
    m365_results = b"User name,Display name,Password,Result\r\nana@x.mx,Ana,Qw3#rtyuiop,Success\r\n"
    assert [(r.address, r.password) for r in addresses_in(m365_results, "r.csv")] == [("ana@x.mx", "Qw3#rtyuiop")]
    entra = b"version:v1.0\r\nName [displayName] Required,User name [userPrincipalName] Required\r\nAna,ana@x.mx\r\n"
    assert [r.address for r in addresses_in(entra, "e.csv")] == ["ana@x.mx"]
    google = "\ufeffFirst Name [Required],Email Address [Required]\r\nAna,ana@x.mx\r\n".encode("utf-8")
    assert [r.line for r in addresses_in(google, "g.csv")] == [2]
    latin = "correo;nombre\r\nñ@x.mx;Peña\r\n".encode("cp1252")
    assert addresses_in(latin, "l.csv")[0].address == "ñ@x.mx"


def test_people_list_from_xlsx_and_its_refusals():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Número de empleado", "Nombre(s)", "Apellido paterno", "Apellido materno", "CURP"])
    sheet.append(["E9", "José", "Ibáñez", "Ruiz", "IARJ800312HDFBZS02"])
    buf = io.BytesIO()
    book.save(buf)
    (person,) = read_people(buf.getvalue(), "p.xlsx", "staff", "001")
    assert (person.key, person.first_surname, person.campus_code) == ("E9", "Ibáñez", "001")
    assert person.birth_date.isoformat() == "1980-03-12"
    with pytest.raises(FileProblem) as other:
        read_people(b"clave,nombre,primer apellido,plantel\r\nE1,Ana,Ruiz,002\r\n", "p.csv", "staff", "001")
    assert "plantel" in other.value.message and other.value.field == "campus_code"
    with pytest.raises(FileProblem) as twice:
        read_people(b"clave,nombre,primer apellido\r\nE1,Ana,Ruiz\r\nE1,Eva,Paz\r\n", "p.csv", "staff", "001")
    assert "Fila 3" in twice.value.message
