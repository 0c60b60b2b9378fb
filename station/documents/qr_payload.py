"""Compact signed payload carried by the credential's QR (DESIGN.md §7, issue 14 §5).

Wire format (UTF-8 text, byte-mode QR), fields separated by ``|``::

    CRD2|<key id>|<matrícula>|<CURP>|<nombre completo>|<foto>|<vigencia AAAAMMDD>|<emitida: s Unix UTC>|<firma>

Example (≈230 characters, QR version 11–12 at level M)::

    CRD2|3f9a0c1d2e4b5a69|180010051-1|AAMY021208HDFLLHA4|ALBARRÁN MALDONADO YAHIR ALEXIS|q83v…(22)|20270801|1788912000|3q2-…(86)

- ``key id``: 16 hex digits, the first 8 bytes of SHA-256 of the raw
  Ed25519 public key (:func:`key_id_of`); the verifier finds the key, its
  station and its validity window by it, so a re-keyed station's older
  cards keep verifying;
- ``foto``: the first 16 bytes of SHA-256 of the JPEG printed on the card,
  base64url without padding — binds the QR to the face: a QR re-rendered onto
  another card, or a card whose photo was swapped, is flagged;
- ``firma``: Ed25519 signature (64 bytes, base64url, no padding) of the
  UTF-8 bytes of everything before the last ``|``.

Fields must not contain ``|``. Verification needs only the public keys (and,
for revocations, the list synced from the server), so a credential can be
checked offline. Outcomes (:func:`verify_payload`): valid, or
:class:`QrPayloadError` with ``code`` ``unknown_key``, ``expired``,
``revoked``, ``altered`` (signature, or photo that does not match), plus
``format``, ``future`` and ``sample``.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Mapping

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from station.domain.errors import UserError

PREFIX = "CRD2"
SEPARATOR = "|"
#: Key id used for the sample credential (``card --sample``); never valid.
SAMPLE_KEY_ID = "MUESTRA"
#: Station id printed on the sample credential.
SAMPLE_STATION_ID = "MUESTRA"
#: Tolerated clock skew for an issue time in the future.
CLOCK_SKEW = timedelta(days=1)
#: Issue times accepted at all (a QR claiming another epoch is malformed).
EARLIEST, LATEST = datetime(2020, 1, 1, tzinfo=timezone.utc), datetime(2100, 1, 1, tzinfo=timezone.utc)
#: Longest text accepted for decoding (a real payload is ≈ 250 characters).
MAX_TEXT = 1000


class QrPayloadError(UserError, ValueError):
    """A QR payload was refused. ``code``: ``format``, ``unknown_key``, ``altered``,
    ``revoked``, ``expired``, ``future``, ``sample``; ``str()`` is the Spanish reason.
    ``payload`` holds the decoded (unverified) fields when the format was readable."""

    def __init__(self, code: str, message: str, payload: "CredentialPayload | None" = None):
        super().__init__(message, code)
        self.payload = payload


@dataclass(frozen=True)
class KeyInfo:
    """A station public key as published by the server: ``key_id``,
    ``station_id``, ``public_key``; cards issued in ``[valid_from,
    valid_until)`` verify (``None``: open end); ``revoked_at`` set means the
    key is withdrawn (every card it signed is reported revoked)."""

    key_id: str
    station_id: str
    public_key: Ed25519PublicKey
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    revoked_at: datetime | None = None


def key_id_of(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """16 hex digits: the first 8 bytes of SHA-256 of the raw public key."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def photo_digest(photo_jpeg: bytes) -> str:
    """The ``foto`` field: base64url (no padding) of the first 16 bytes of SHA-256 of the printed JPEG."""
    return base64.urlsafe_b64encode(hashlib.sha256(photo_jpeg).digest()[:16]).rstrip(b"=").decode("ascii")


@dataclass(frozen=True)
class CredentialPayload:
    """The signed facts of one printed credential.

    ``full_name`` as printed (APELLIDOS NOMBRE), ``photo`` the
    :func:`photo_digest` of the printed JPEG, ``valid_until`` the vigencia
    (a ``date``), ``issued_at`` a UTC ``datetime`` in whole seconds,
    ``signature`` the raw 64-byte Ed25519 signature (empty until signed).
    """

    key_id: str
    matricula: str
    curp: str
    full_name: str
    photo: str
    valid_until: date
    issued_at: datetime
    signature: bytes = b""

    def signed_text(self) -> str:
        """The text that is signed: prefix and seven fields joined by ``|``.

        Raises :class:`QrPayloadError` (``format``) when a field contains ``|``
        or is empty.
        """
        for value in (self.key_id, self.matricula, self.curp, self.full_name, self.photo):
            if not value or SEPARATOR in value:
                raise QrPayloadError("format", f"Dato inválido para el código QR: «{value}».")
        return SEPARATOR.join([PREFIX, self.key_id, self.matricula, self.curp, self.full_name, self.photo,
                               self.valid_until.strftime("%Y%m%d"), str(int(self.issued_at.timestamp()))])

    def encode(self) -> str:
        """The full QR text (see module docstring). Requires a signature."""
        if len(self.signature) != 64:
            raise QrPayloadError("format", "La carga del código QR no está firmada.")
        sig = base64.urlsafe_b64encode(self.signature).rstrip(b"=").decode("ascii")
        return self.signed_text() + SEPARATOR + sig


def sign_payload(matricula: str, curp: str, full_name: str, photo_jpeg: bytes, valid_until: date,
                 key: Ed25519PrivateKey, issued_at: datetime | None = None,
                 key_id: str | None = None) -> CredentialPayload:
    """Build and sign a payload with the station's Ed25519 ``key``.

    ``issued_at`` defaults to now (UTC), truncated to whole seconds;
    ``key_id`` defaults to :func:`key_id_of` (``key``). Returns a
    :class:`CredentialPayload` whose :meth:`~CredentialPayload.encode` is the QR text.
    """
    issued = (issued_at or datetime.now(timezone.utc)).astimezone(timezone.utc).replace(microsecond=0)
    unsigned = CredentialPayload(key_id or key_id_of(key), matricula, curp.upper(), " ".join(full_name.split()),
                                 photo_digest(photo_jpeg), valid_until, issued)
    signature = key.sign(unsigned.signed_text().encode("utf-8"))
    return CredentialPayload(*[getattr(unsigned, f) for f in
                               ("key_id", "matricula", "curp", "full_name", "photo", "valid_until", "issued_at")],
                             signature)


def decode_payload(text: str) -> CredentialPayload:
    """Parse QR text into a :class:`CredentialPayload` without checking the signature.

    Raises :class:`QrPayloadError` (``format``) when the text is not a
    credential payload (wrong shape, dates out of range, bad signature size).
    """
    parts = text.strip().split(SEPARATOR) if len(text) <= MAX_TEXT else []
    if len(parts) != 9 or parts[0] != PREFIX:
        raise QrPayloadError("format", "El código QR no contiene una credencial de esta institución "
                                       "(formato no reconocido).")
    _, key_id, matricula, curp, name, photo, vig, issued, sig = parts
    try:
        valid_until = datetime.strptime(vig, "%Y%m%d").date()
        if not issued.isdigit() or len(issued) > 12:
            raise ValueError
        issued_at = datetime.fromtimestamp(int(issued), timezone.utc)
        signature = base64.urlsafe_b64decode(sig + "=" * (-len(sig) % 4))
    except (ValueError, OverflowError, OSError, binascii.Error) as exc:
        raise QrPayloadError("format", "El código QR tiene datos mal formados (fecha o firma).") from exc
    if not EARLIEST <= issued_at < LATEST:
        raise QrPayloadError("format", "El código QR tiene una fecha de emisión fuera de rango.")
    if len(signature) != 64 or not all((key_id, matricula, curp, name, photo)):
        raise QrPayloadError("format", "El código QR tiene datos incompletos o una firma de tamaño incorrecto.")
    return CredentialPayload(key_id, matricula, curp, name, photo, valid_until, issued_at, signature)


def verify_payload(text: str, known_keys: Mapping[str, KeyInfo], today: date | None = None,
                   now: datetime | None = None, revocations: Mapping[str, datetime] | None = None,
                   photo_jpeg: bytes | None = None) -> CredentialPayload:
    """Decode ``text`` and check it; returns the verified payload.

    ``known_keys`` maps key id → :class:`KeyInfo`; ``revocations`` maps
    matrícula → time before which that student's temporary credentials are
    revoked (a re-capture or a delivery, from the server); ``photo_jpeg``
    the photo found on the card when it can be read (PDF), checked against
    the signed digest. ``today``/``now`` default to the current date/time.
    Raises :class:`QrPayloadError`. Order: format, unknown key, altered
    (signature, then photo), revoked (key withdrawn or outside its window,
    then the revocation list), future, expired — so a forged card is
    reported as forged rather than expired.
    """
    payload = decode_payload(text)
    info = known_keys.get(payload.key_id)
    if info is None:
        if payload.key_id == SAMPLE_KEY_ID:
            raise QrPayloadError("sample", "Es una credencial de MUESTRA para alinear la impresora; "
                                           "no tiene validez.", payload)
        raise QrPayloadError("unknown_key", f"La clave {payload.key_id} que firmó la credencial no está entre las "
                                            "claves conocidas (sincronice la estación).", payload)
    try:
        info.public_key.verify(payload.signature, payload.signed_text().encode("utf-8"))
    except InvalidSignature:
        raise QrPayloadError("altered", "La firma digital no corresponde a los datos: la credencial fue alterada "
                                        "o no la emitió esa estación.", payload) from None
    if photo_jpeg is not None and photo_digest(photo_jpeg) != payload.photo:
        raise QrPayloadError("altered", "La fotografía de la credencial no es la que se firmó: la foto fue "
                                        "cambiada.", payload)
    if info.revoked_at is not None:
        raise QrPayloadError("revoked", f"La clave de la estación {info.station_id} fue revocada el "
                                        f"{info.revoked_at.astimezone():%d/%m/%Y}; la credencial no es válida.", payload)
    if (info.valid_from and payload.issued_at < info.valid_from - CLOCK_SKEW) or \
            (info.valid_until and payload.issued_at >= info.valid_until):
        raise QrPayloadError("revoked", f"La clave de la estación {info.station_id} no estaba vigente en la fecha de "
                                        "emisión indicada.", payload)
    revoked_before = (revocations or {}).get(payload.matricula)
    if revoked_before is not None and payload.issued_at < revoked_before:
        raise QrPayloadError("revoked", "Credencial revocada: el alumno fue recapturado o ya recibió su credencial "
                                        f"definitiva ({revoked_before.astimezone():%d/%m/%Y}).", payload)
    now = now or datetime.now(timezone.utc)
    today = today or now.astimezone().date()
    if payload.issued_at > now + CLOCK_SKEW:
        raise QrPayloadError("future", "La fecha de emisión está en el futuro.", payload)
    if payload.valid_until < today:
        raise QrPayloadError("expired", f"La credencial venció el {payload.valid_until:%d/%m/%Y}.", payload)
    return payload
