"""Builders of SAE export files for the tests (manual §7 columns)."""
from __future__ import annotations

import csv
import io
from datetime import date

from station.domain.demo import build_curp
from station.domain import matricula_check_digit

HEADER = ["CURP", "Matricula", "Folio", "Prematricula", "Nombre", "Primer apellido", "Segundo apellido",
          "Plantel", "Grupo", "Carrera", "Correo institucional", "Institución médica", "Número de afiliación",
          "Estatus", "Semestre"]


def matricula(campus: int, n: int, year: int = 99) -> str:
    """A valid matrícula that the demo data never uses (entry year 99)."""
    pre = f"{year:02d}{campus:03d}{n:04d}"
    return f"{pre}-{matricula_check_digit(pre)}"


def sae_row(mat: str, campus: str = "Ciudad Azteca", status: str = "inscrito", semester: int | str = 1,
            first: str = "JOSÉ GABRIEL", surname: str = "TÉLLEZ", second: str = "MARTÍNEZ", **over) -> list[str]:
    curp = build_curp(first, surname, second, date(2008, 3, 12), "H", "DF")
    values = {
        "CURP": curp, "Matricula": mat, "Folio": "000308941", "Prematricula": mat.split("-")[0], "Nombre": first,
        "Primer apellido": surname, "Segundo apellido": second, "Plantel": campus, "Grupo": "201-ATRO18",
        "Carrera": "PT-B en Autotransporte", "Correo institucional": "jtellez1210@conalepmex.edu.mx",
        "Institución médica": "IMSS", "Número de afiliación": "26180366723", "Estatus": status,
        "Semestre": str(semester),
    }
    values.update(over)
    return [values[h] for h in HEADER]


def csv_bytes(rows: list[list[str]], encoding: str = "utf-8", delimiter: str = ",", header=HEADER) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    if header:
        writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode(encoding)


def upload_capture(http, base: str, headers: dict, matricula: str, kinds=("photo", "signature")) -> list[str]:
    """Upload a real photo / signature strokes (``kinds``) for ``matricula`` with ``http``
    (a ``requests.Session``); returns their SHA-256 in ``kinds`` order (blobs are bound
    to their student, so a capture must upload its own)."""
    import hashlib
    import json
    import os

    from server.testing import sample_jpeg

    shas = []
    for kind in kinds:
        data = sample_jpeg(3000) if kind == "photo" else json.dumps(
            {"strokes": [[[1, 2, 0, 1]]], "n": os.urandom(8).hex()}).encode()
        sha = hashlib.sha256(data).hexdigest()
        r = http.put(f"{base}/blobs/{sha}", data=data, params={"kind": kind, "matricula": matricula},
                     headers={**headers, "Content-Type": "application/octet-stream"}, timeout=60)
        assert r.status_code in (200, 201), r.text
        shas.append(sha)
    return shas


def upload_for(server, user: str, matricula: str, kinds=("photo", "signature")) -> list[str]:
    """:func:`upload_capture` as ``user`` of the test ``server``."""
    return upload_capture(server.session, server.base, {"Authorization": "Bearer " + server.token(user)},
                          matricula, kinds)
