"""What a station signs with its Ed25519 key for the server (DESIGN.md §10).

Both sides build the signed bytes with these functions, so the format is
written once. Each message starts with a context label (domain separation:
a signature made for one purpose never verifies for another) and joins its
fields with ``\\n``; no field may contain ``\\n``.

- :func:`login_proof_message`: the answer to a sign-in challenge — proves the
  station holds its registered key at the moment ``username`` signs in.
- :func:`offline_attestation_message`: the station's statement that
  ``username`` signed in *offline* at ``signed_in_at`` (ISO-8601 UTC), sent
  with the commands that user authored while offline.
"""
from __future__ import annotations

LOGIN_CONTEXT = "credencializacion/login/v1"
OFFLINE_CONTEXT = "credencializacion/offline-sign-in/v1"


def _join(*parts: str) -> bytes:
    for part in parts:
        if "\n" in part:
            raise ValueError("Un campo firmado no puede contener saltos de línea.")
    return "\n".join(parts).encode("utf-8", "surrogatepass")


def login_proof_message(station_id: str, challenge: str, username: str) -> bytes:
    """Bytes the station signs to answer ``challenge`` for ``username``'s sign-in."""
    return _join(LOGIN_CONTEXT, station_id, challenge, username)


def offline_attestation_message(station_id: str, username: str, signed_in_at: str) -> bytes:
    """Bytes the station signs when ``username`` signs in offline at ``signed_in_at`` (ISO text)."""
    return _join(OFFLINE_CONTEXT, station_id, username, signed_in_at)
