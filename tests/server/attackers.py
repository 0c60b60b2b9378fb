"""Tools of the attacker tests: stations with their own Ed25519 keys, proven sign-in,
sync command bodies, real photos and signatures, and "nothing was written" probes."""
from __future__ import annotations

import base64
import hashlib
import io
import json
from datetime import datetime, timezone

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import func, select
from ulid import ULID

from station.api import ServerApi
from station.domain.proofs import offline_attestation_message
from station.domain.public_keys import public_key_b64

from tests.server.conftest import PASSWORD


class TestStation:
    """A station registered by the admin over the API, holding its private key."""

    __test__ = False

    def __init__(self, server, station_id: str, campuses=()):
        self.server = server
        self.station_id = station_id
        self.key = Ed25519PrivateKey.generate()
        r = server.call("admin", "POST", "/stations", json={"station_id": station_id,
                                                             "public_key": public_key_b64(self.key),
                                                             "campuses": list(campuses)})
        assert r.status_code == 201, r.text

    def sign_in(self, username: str, password: str = PASSWORD) -> str:
        """A session bound to this station (challenge signed with its key); returns the token."""
        api = ServerApi(self.server.base)
        api.login(username, password, self.station_id, self.key)
        return api.token

    def attest(self, username: str, at: datetime, key: Ed25519PrivateKey | None = None) -> dict:
        """The offline sign-in attestation this station (or ``key``) signs."""
        text = at.astimezone(timezone.utc).isoformat()
        signature = (key or self.key).sign(offline_attestation_message(self.station_id, username, text))
        return {"signed_in_at": text, "signature": base64.b64encode(signature).decode()}


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def op_body(station_id: str, matricula: str, command: str, username: str, payload=None, expected=None,
            created_at: datetime | None = None, blobs=(), **extra) -> dict:
    body = {"op_id": str(ULID()), "station_id": station_id, "seq": 1, "command": command, "matricula": matricula,
            "expected_status": expected, "payload": payload or {}, "blob_sha256s": list(blobs),
            "username": username, "created_at": (created_at or datetime.now(timezone.utc)).isoformat()}
    body.update(extra)
    return body


def push(server, token: str, body: dict):
    return server.session.post(server.base + "/sync/commands", json=body,
                               headers={**bearer(token), "Idempotency-Key": body["op_id"]}, timeout=60)


def photo_jpeg(seed: int = 0, size=(480, 640)) -> bytes:
    """A real 480×640 JPEG (different bytes per ``seed``)."""
    from PIL import Image

    img = Image.new("RGB", size, ((seed * 37) % 256, (seed * 91) % 256, 128))
    img.putpixel((seed % size[0], 5), (255, 255, 255))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=85)
    return out.getvalue()


def signature_png(seed: int = 0) -> bytes:
    """A real signature PNG (different bytes per ``seed``)."""
    from PIL import Image

    img = Image.new("L", (600, 200), 255)
    img.putpixel((seed % 600, 100), 0)
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def signature_json(seed: int = 0) -> bytes:
    """Signature strokes as the pad records them (JSON)."""
    return json.dumps({"format": "credencializacion.signature", "version": 1, "units": "logical", "width": 2000,
                       "height": 700, "strokes": [[[10, 10, 0, 1], [20 + seed, 30, 8, 1]]]}).encode()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def put_blob(server, token: str, data: bytes, kind: str, matricula: str):
    return server.session.put(f"{server.base}/blobs/{sha(data)}", data=data,
                              params={"kind": kind, "matricula": matricula},
                              headers={**bearer(token), "Content-Type": "application/octet-stream"}, timeout=60)


def footprint(server, matricula: str) -> tuple:
    """(status, photo hash, audit rows, sync operations) of a student: equal before and after = nothing written."""
    from server.db.models import AuditRow, StudentRow
    from server.sync.models import SyncOperation

    with server.db() as s:
        row = s.get(StudentRow, matricula)
        audits = s.scalar(select(func.count()).select_from(AuditRow).where(AuditRow.entity_id == matricula))
        ops = s.scalar(select(func.count()).select_from(SyncOperation).where(SyncOperation.matricula == matricula))
        return (row.status, row.photo_sha256, row.change_seq, audits, ops)
