"""Stations prove they hold their registered Ed25519 key (DESIGN.md §10).

Choice: a **challenge signed at sign-in**, not a signature on every request.
A station asks ``POST /auth/challenge`` for a short-lived challenge, signs
:func:`station.domain.proofs.login_proof_message` (station id, challenge,
username) with its key and sends the signature with the password. Only then
is the bearer token bound to the station. Reasons: every client keeps plain
bearer tokens (the sync engine, the desk, the CLI and the black-box tools all
speak them); one Ed25519 verification per sign-in instead of per request;
no clock or canonical-request agreement on each call; a token stolen from a
station's keyring is already as good as the key stored next to it.

Challenges are stateless (nothing is written for anonymous callers):
``base64url(issued_at[8] ‖ random[16] ‖ HMAC[16])`` with an HMAC key derived
from the master key (so every worker sharing the key file accepts it),
valid :data:`CHALLENGE_TTL_S` seconds and usable once (``used_challenges``).

Offline sign-ins are attested by the station (see
:func:`verify_offline_attestation`).
"""
from __future__ import annotations

import base64
import hmac
import hashlib
import os
import struct
import time
from datetime import datetime, timedelta, timezone

from cryptography.exceptions import InvalidSignature
from sqlalchemy import delete
from sqlalchemy.orm import Session

from station.domain.proofs import login_proof_message, offline_attestation_message

from server.db.models import Station, UsedChallenge
from server.errors import ApiError

CHALLENGE_TTL_S = 120


def issue_challenge(secret: bytes, station_id: str, now: float | None = None) -> str:
    """A fresh challenge for ``station_id`` (text, 54 characters)."""
    issued = struct.pack(">Q", int(now if now is not None else time.time()))
    nonce = os.urandom(16)
    mac = hmac.new(secret, station_id.encode("utf-8", "surrogatepass") + issued + nonce, hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(issued + nonce + mac).decode("ascii")


def _proof_error(code: str, message: str) -> ApiError:
    return ApiError(code, message, "station_id")


def check_challenge(secret: bytes, station_id: str, challenge: str, now: float | None = None) -> None:
    """Raise 401 ``station_proof_invalid`` unless ``challenge`` was issued by us for
    ``station_id`` less than :data:`CHALLENGE_TTL_S` seconds ago."""
    try:
        raw = base64.urlsafe_b64decode(challenge.encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        raw = b""
    if len(raw) != 40:
        raise _proof_error("station_proof_invalid", "El reto de la estación no es válido; inicie sesión de nuevo.")
    issued, nonce, mac = raw[:8], raw[8:24], raw[24:]
    good = hmac.new(secret, station_id.encode("utf-8", "surrogatepass") + issued + nonce, hashlib.sha256).digest()[:16]
    age = (now if now is not None else time.time()) - struct.unpack(">Q", issued)[0]
    if not hmac.compare_digest(mac, good) or not -5 <= age <= CHALLENGE_TTL_S:
        raise _proof_error("station_proof_invalid",
                           "El reto de la estación no es válido o expiró; inicie sesión de nuevo.")


def verify_station_signature(station: Station, message: bytes, signature_b64: str) -> bool:
    """True when ``signature_b64`` (base64 Ed25519) signs ``message`` with ``station``'s key."""
    from station.domain.public_keys import load_public_key_b64

    try:
        signature = base64.b64decode(signature_b64, validate=True)
        load_public_key_b64(station.public_key).verify(signature, message)
        return True
    except (ValueError, TypeError, InvalidSignature):
        return False


def prove_station(session: Session, secret: bytes, station_id: str, username: str, challenge: str,
                  signature: str, now: datetime) -> Station:
    """Check a sign-in's station proof; record the challenge as used. Returns the station.

    401 ``station_proof_required`` (no challenge/signature), ``station_proof_invalid``
    (unknown or revoked station, bad or replayed challenge, wrong signature — one
    answer, so station ids cannot be probed).
    """
    if not challenge or not signature:
        raise _proof_error("station_proof_required",
                           "Para ligar la sesión a la estación, la estación debe firmar el reto del servidor "
                           "con su llave registrada.")
    check_challenge(secret, station_id, challenge)
    station = session.get(Station, station_id)
    invalid = _proof_error("station_proof_invalid",
                           f"La estación «{station_id}» no pudo demostrar su llave registrada (no registrada, "
                           "revocada o llave distinta). Pida al administrador que la registre de nuevo.")
    if station is None or station.revoked_at is not None:
        raise invalid
    if not verify_station_signature(station, login_proof_message(station_id, challenge, username), signature):
        raise invalid
    if session.get(UsedChallenge, challenge) is not None:
        raise _proof_error("station_proof_invalid", "Ese reto ya se usó; inicie sesión de nuevo.")
    session.execute(delete(UsedChallenge).where(UsedChallenge.used_at < now - timedelta(seconds=2 * CHALLENGE_TTL_S)))
    session.add(UsedChallenge(nonce=challenge, used_at=now))
    return station


def verify_offline_attestation(station: Station, username: str, attestation: dict | None) -> datetime | None:
    """The offline sign-in time the station attests for ``username``, or ``None`` when
    ``attestation`` (``{"signed_in_at": ISO text, "signature": base64}``) is absent,
    malformed or not signed by ``station``'s key."""
    if not isinstance(attestation, dict):
        return None
    at, signature = attestation.get("signed_in_at"), attestation.get("signature")
    if not isinstance(at, str) or not isinstance(signature, str) or len(at) > 40 or len(signature) > 200:
        return None
    try:
        when = datetime.fromisoformat(at.replace("Z", "+00:00"))
        message = offline_attestation_message(station.station_id, username, at)
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when if verify_station_signature(station, message, signature) else None
