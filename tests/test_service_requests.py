"""The station's requests client without a server: documents checked on the desk by size
(before reading) and by their first bytes against what the type accepts, and a missing
connection or a bare 5xx said in Spanish (station/service_requests.py)."""
from __future__ import annotations

import io
import zipfile

import pytest

from station.api import ServerApiError
from station.service_requests import ServiceRequests, read_attachment
from station.services import ServiceError

INE = {"kind": "ine", "label": "INE u otra identificación oficial con fotografía", "required": True,
       "content_types": ["application/pdf", "image/jpeg", "image/png"]}
DATA = {"kind": "data_file", "label": "Archivo con los datos", "required": False,
        "content_types": ["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "text/csv",
                          "application/pdf"]}


def _zip(names: list[str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return out.getvalue()


def test_oversized_file_refused_before_reading(tmp_path):
    big = tmp_path / "ine.pdf"
    with big.open("wb") as handle:  # sparse: 11 MB on paper, nothing to read
        handle.truncate(11 * 1024 * 1024)
    with pytest.raises(ServiceError) as refused:
        read_attachment(INE, big)
    assert refused.value.code == "payload_too_large" and "máximo es 10 MB" in refused.value.message


@pytest.mark.parametrize("name, data, words", [
    ("ine.pdf", b"MZ\x90\x00" + b"\x00" * 64, "programa"),
    ("datos.xlsx", _zip(["[Content_Types].xml", "xl/workbook.xml", "xl/vbaProject.bin"]), "macros"),
    ("ine.png", _zip(["[Content_Types].xml", "xl/workbook.xml"]), "debe ser PDF, JPEG, PNG"),
    ("ine.txt", b"hola", "no es PDF"),
])
def test_wrong_documents_refused_by_content(tmp_path, name, data, words):
    path = tmp_path / name
    path.write_bytes(data)
    spec = DATA if name.endswith(".xlsx") else INE
    with pytest.raises(ServiceError) as refused:
        read_attachment(spec, path)
    assert words in refused.value.message and refused.value.field == "file"


def test_accepted_documents(tmp_path):
    book = tmp_path / "datos.xlsx"
    book.write_bytes(_zip(["[Content_Types].xml", "xl/workbook.xml"]))
    assert read_attachment(DATA, book).content_type.endswith("spreadsheetml.sheet")
    scan = tmp_path / "ine.jpg"
    scan.write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 32)
    assert read_attachment(INE, scan).content_type == "image/jpeg"


class _Api:
    token = "t"

    def __init__(self, error):
        self.error = error

    def requests_types(self):
        raise self.error


def test_offline_and_bare_server_error_said_in_spanish():
    with pytest.raises(ServiceError) as offline:
        ServiceRequests(lambda: None).types()
    assert offline.value.code == "offline" and "Sin conexión" in offline.value.message
    refused = ServerApiError("refused", "El servidor 127.0.0.1 rechazó la conexión.")
    with pytest.raises(ServiceError) as down:
        ServiceRequests(lambda: _Api(refused)).types()
    assert down.value.code == "offline" and "rechazó la conexión" in down.value.message
    with pytest.raises(ServiceError) as broken:
        ServiceRequests(lambda: _Api(ServerApiError("server", "x", 502))).types()
    assert broken.value.code == "server" and "HTTP 502" in broken.value.message and "no se guardó" in broken.value.message
