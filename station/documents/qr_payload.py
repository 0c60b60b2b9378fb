"""Compact signed payload carried by the credential's QR (DESIGN.md §7).

Wire format (UTF-8 text, byte-mode QR), fields separated by ``|``::

    CRD1|<matrícula>|<CURP>|<vigencia AAAAMMDD>|<emitida: segundos Unix UTC>|<station_id>|<firma>

Example (≈170 characters, QR version 9–10 at level M)::

    CRD1|180010051-1|AAMY021208HDFLLHA4|20270801|1788912000|EST-001|3q2-…(86 chars)

``firma`` is the Ed25519 signature (64 bytes, base64url without padding) of
the UTF-8 bytes of everything before the last ``|`` (the prefix ``CRD1`` and
the six fields), made with the issuing station's key
(:func:`station.secrets.get_or_create_signing_key`). Fields must not contain
``|``. Verification needs only the station's public key, so a credential can
be checked offline.

Errors are :class:`QrPayloadError` with a stable ``code`` and a Spanish
``str()``.
"""
from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Mapping

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

PREFIX = "CRD1"
SEPARATOR = "|"
#: Station id used for the sample credential (``card --sample``); never valid.
SAMPLE_STATION_ID = "MUESTRA"
#: Tolerated clock skew for an issue time in the future.
CLOCK_SKEW = timedelta(days=1)


class QrPayloadError(ValueError):
    """A QR payload was refused. ``code`` is one of ``format``, ``unknown_station``,
    ``bad_signature``, ``expired``, ``future``, ``sample``; ``str()`` is the Spanish reason.
    ``payload`` holds the decoded (unverified) fields when the format was readable."""

    def __init__(self, code: str, message: str, payload: "CredentialPayload | None" = None):
        super().__init__(message)
        self.code = code
        self.payload = payload


@dataclass(frozen=True)
class CredentialPayload:
    """The signed facts of one printed credential.

    ``valid_until`` is the vigencia (a ``date``), ``issued_at`` a UTC
    ``datetime`` truncated to whole seconds, ``station_id`` the issuing
    station, ``signature`` the raw 64-byte Ed25519 signature (empty until signed).
    """

    matricula: str
    curp: str
    valid_until: date
    issued_at: datetime
    station_id: str
    signature: bytes = b""

    def signed_text(self) -> str:
        """The text that is signed: prefix and six fields joined by ``|``.

        Raises :class:`QrPayloadError` (``format``) when a field contains ``|``
        or is empty.
        """
        fields = [self.matricula, self.curp, self.valid_until.strftime("%Y%m%d"),
                  str(int(self.issued_at.timestamp())), self.station_id]
        for value in (self.matricula, self.curp, self.station_id):
            if not value or SEPARATOR in value:
                raise QrPayloadError("format", f"Dato inválido para el código QR: «{value}».")
        return SEPARATOR.join([PREFIX, *fields])

    def encode(self) -> str:
        """The full QR text (see module docstring). Requires a signature."""
        if len(self.signature) != 64:
            raise QrPayloadError("format", "La carga del código QR no está firmada.")
        sig = base64.urlsafe_b64encode(self.signature).rstrip(b"=").decode("ascii")
        return self.signed_text() + SEPARATOR + sig


def sign_payload(matricula: str, curp: str, valid_until: date, station_id: str,
                 key: Ed25519PrivateKey, issued_at: datetime | None = None) -> CredentialPayload:
    """Build and sign a payload with the station's Ed25519 ``key``.

    ``issued_at`` defaults to now (UTC); it is truncated to whole seconds.
    Returns a :class:`CredentialPayload` whose :meth:`~CredentialPayload.encode`
    is the QR text.
    """
    issued = (issued_at or datetime.now(timezone.utc)).astimezone(timezone.utc).replace(microsecond=0)
    unsigned = CredentialPayload(matricula, curp.upper(), valid_until, issued, station_id)
    signature = key.sign(unsigned.signed_text().encode("utf-8"))
    return CredentialPayload(matricula, curp.upper(), valid_until, issued, station_id, signature)


def decode_payload(text: str) -> CredentialPayload:
    """Parse QR text into a :class:`CredentialPayload` without checking the signature.

    Raises :class:`QrPayloadError` (``format``) when the text is not a
    credential payload.
    """
    parts = text.strip().split(SEPARATOR)
    if len(parts) != 7 or parts[0] != PREFIX:
        raise QrPayloadError("format", "El código QR no contiene una credencial de esta institución "
                                       "(formato no reconocido).")
    _, matricula, curp, vig, issued, station_id, sig = parts
    try:
        valid_until = datetime.strptime(vig, "%Y%m%d").date()
        issued_at = datetime.fromtimestamp(int(issued), timezone.utc)
        signature = base64.urlsafe_b64decode(sig + "=" * (-len(sig) % 4))
    except (ValueError, OverflowError, OSError, binascii.Error) as exc:
        raise QrPayloadError("format", "El código QR tiene datos mal formados (fecha o firma).") from exc
    if len(signature) != 64 or not matricula or not curp or not station_id:
        raise QrPayloadError("format", "El código QR tiene datos incompletos o una firma de tamaño incorrecto.")
    return CredentialPayload(matricula, curp, valid_until, issued_at, station_id, signature)


def verify_payload(text: str, known_keys: Mapping[str, Ed25519PublicKey],
                   today: date | None = None, now: datetime | None = None) -> CredentialPayload:
    """Decode ``text`` and check it: format, issuing station known, signature, dates.

    ``known_keys`` maps station id → public key. ``today`` (vigencia check)
    and ``now`` (issue-time check, :data:`CLOCK_SKEW` tolerated) default to
    the current date/time. Returns the verified payload; raises
    :class:`QrPayloadError` with the reason otherwise. The checks run in this
    order, so a forged payload is reported as forged rather than expired.
    """
    payload = decode_payload(text)
    key = known_keys.get(payload.station_id)
    if key is None:
        if payload.station_id == SAMPLE_STATION_ID:
            raise QrPayloadError("sample", "Es una credencial de MUESTRA para alinear la impresora; "
                                           "no tiene validez.", payload)
        raise QrPayloadError("unknown_station", f"La estación «{payload.station_id}» que la emitió no está "
                                                "entre las estaciones conocidas.", payload)
    try:
        key.verify(payload.signature, payload.signed_text().encode("utf-8"))
    except InvalidSignature:
        raise QrPayloadError("bad_signature", "La firma digital no corresponde a los datos: la credencial "
                                              "fue alterada o no la emitió esa estación.", payload) from None
    now = now or datetime.now(timezone.utc)
    today = today or now.astimezone().date()
    if payload.issued_at > now + CLOCK_SKEW:
        raise QrPayloadError("future", "La fecha de emisión está en el futuro.", payload)
    if payload.valid_until < today:
        raise QrPayloadError("expired", f"La credencial venció el {payload.valid_until:%d/%m/%Y}.", payload)
    return payload
