"""Issue 14 §6: the ARCO export holds every item held about one student, for the state office only."""
from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import datetime, timezone

from server.db.models import AuditRow
from server.sync.models import BlobBinding, SyncBlob


def _seed_biometric(server, matricula: str) -> str:
    data = b"\xff\xd8\xff\xe0 foto de " + matricula.encode()
    sha = hashlib.sha256(data).hexdigest()
    now = datetime.now(timezone.utc)
    with server.db() as s, s.begin():
        if s.get(SyncBlob, sha) is None:
            from server.keys import load_master_keys

            sealed = load_master_keys().seal(data, sha.encode("ascii"))  # stored encrypted, as the server does
            s.add(SyncBlob(sha256=sha, kind="photo", size=len(data), data=sealed.ciphertext,
                           wrapped_key=sealed.wrapped_key, key_id=sealed.key_id, uploaded_by="operador",
                           created_at=now))
            s.add(BlobBinding(sha256=sha, matricula=matricula, kind="photo", uploaded_by="operador",
                              station_id="EST-001-01", created_at=now))
        s.add(AuditRow(at=now, username="operador", role="operator", station_id="EST-001-01", sender="operador",
                         entity="student", entity_id=matricula, command="capture", from_status="ENROLLED",
                         to_status="CAPTURED", comment="", details={}))
    return sha


def test_arco_export_holds_every_item(server):
    matricula = server.find("ENROLLED")
    sha = _seed_biometric(server, matricula)
    r = server.call("estatal", "GET", f"/students/{matricula}/arco")
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    z = zipfile.ZipFile(io.BytesIO(r.content))
    names = set(z.namelist())
    assert {"alumno.json", "auditoria.json", "accesos.json", "biometricos.json",
            f"biometricos/photo-{sha}"} <= names
    record = json.loads(z.read("alumno.json"))
    assert record["matricula"] == matricula and record["curp"]
    audit = json.loads(z.read("auditoria.json"))
    assert [e["command"] for e in audit][-2:] == ["capture", "arco_export"]
    assert json.loads(z.read("accesos.json"))[-1]["username"] == "estatal"  # the export itself is audited
    assert z.read(f"biometricos/photo-{sha}").startswith(b"\xff\xd8")
    assert json.loads(z.read("biometricos.json"))[0]["estacion"] == "EST-001-01"


def test_arco_export_is_for_the_state_office_only(server):
    matricula = server.find("ENROLLED")
    assert server.call(None, "GET", f"/students/{matricula}/arco").status_code == 401
    for user in ("operador", "supervisor"):
        r = server.call(user, "GET", f"/students/{matricula}/arco")
        assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden_role"
    assert server.call("estatal", "GET", "/students/999999999-9/arco").status_code == 404
