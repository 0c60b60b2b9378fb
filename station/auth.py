"""Sign-in at the station: online first, offline with a stored argon2 verifier (issue 4 §5).

After one successful online sign-in, the station keeps for that user an
argon2id verifier of the password (never the password), the role, the
planteles and the display name of that sign-in, in the local store's
settings. For ``offline_login_days`` days (:class:`station.config.Config`;
0 disables offline sign-in) the same user may then sign in while the server
is unreachable, with exactly that role and planteles.

Rules:

- the server is asked first; only a failure that means "cannot reach a
  working server" (DNS, TLS, refused, timeout, network, 5xx, 429/503 "try
  later", unreadable answer) falls back to the verifier;
- online sign-in proves the station's Ed25519 key (challenge signed with
  the key from the keyring), binding the session to the station; an offline
  sign-in is *attested*: the station signs
  :func:`station.domain.proofs.offline_attestation_message` and keeps the
  attestation, which the sync sends with that user's commands
  (:func:`attestation_for`) so the server can tell who acted;
- the server's 401 ``invalid_credentials`` is final (no offline fallback),
  and when the stored verifier matches that rejected password it is
  deleted, so a password changed or an account disabled on the server stops
  working offline too;
- five wrong offline passwords in a row lock offline sign-in of that user for
  five minutes;
- the window is capped at :data:`station.config.MAX_OFFLINE_LOGIN_DAYS` (14);
- each offline record carries an HMAC-SHA256 (RFC 2104) made with a key
  derived from the store key in the OS keyring
  (:attr:`station.store.LocalStore.record_key`), bound to its settings slot:
  a record edited, copied to another user or written by hand is refused
  (``offline_tampered``) — editing the database grants nothing;
- the latest time the station has seen (sign-ins and sync rounds) is kept as
  an authenticated high-water mark; a desk clock more than
  :data:`CLOCK_TOLERANCE` behind it refuses offline sign-in
  (``offline_clock``), so turning the clock back does not reopen the window;
- the sync round removes the records of users the server reports disabled
  (:func:`drop_disabled_users`).

The last online session token is kept in the OS keyring (never in the
store) so the background sync and ``credencializacion sync`` can upload
while the token is valid.
"""
from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Callable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from station.api import ServerApi, ServerApiError
from station.domain.errors import UserError
from station.domain import Actor, Role

MAX_OFFLINE_FAILURES = 5
LOCKOUT = timedelta(minutes=5)
SESSION_SECRET = "sync-session"
#: How far behind the last time seen the desk clock may be before offline sign-in is refused.
CLOCK_TOLERANCE = timedelta(minutes=10)
HIGH_WATER_KEY = "auth.clock_high_water"
OFFLINE_PREFIX = "auth.offline."


def _mac(store, slot: str, record: dict) -> str:
    body = json.dumps({k: v for k, v in record.items() if k != "mac"}, sort_keys=True, separators=(",", ":"))
    return hmac.new(store.record_key, f"{slot}|{body}".encode("utf-8"), hashlib.sha256).hexdigest()


def read_sealed(store, slot: str) -> dict | None:
    """The authenticated setting ``slot`` (a dict), ``None`` when absent.

    Raises :class:`AuthError` (``offline_tampered``) when its HMAC is
    missing or wrong.
    """
    record = store.get_setting(slot)
    if record is None:
        return None
    if not isinstance(record, dict) or not hmac.compare_digest(str(record.get("mac", "")), _mac(store, slot, record)):
        raise AuthError("offline_tampered", "Los datos de inicio de sesión sin conexión de esta estación fueron "
                                            "alterados y no se aceptan; conéctese al servidor para iniciar sesión.")
    return record


def write_sealed(store, slot: str, record: dict | None) -> None:
    """Store ``record`` under ``slot`` with its HMAC (``None`` deletes)."""
    store.set_setting(slot, None if record is None else {**record, "mac": _mac(store, slot, record)})


def note_time(store, now: datetime) -> None:
    """Raise the authenticated clock high-water mark to ``now`` (never lowers it).
    A tampered mark is replaced by ``now`` (the check that reads it refuses first)."""
    try:
        current = read_sealed(store, HIGH_WATER_KEY)
    except AuthError:
        current = None
    if current is None or datetime.fromisoformat(current["at"]) < now:
        write_sealed(store, HIGH_WATER_KEY, {"at": now.isoformat()})


def drop_disabled_users(store, active: dict[str, bool]) -> list[str]:
    """Remove the offline records of users the server reports inactive.

    ``active`` maps username → active flag (as sent by the server for the
    usernames asked about); a username missing from the map is treated as
    unknown to the server and removed too. Returns the usernames removed.
    """
    removed = []
    for username in offline_usernames(store):
        if not active.get(username, False):
            store.set_setting(_key(username), None)
            removed.append(username)
    return removed


def offline_usernames(store) -> list[str]:
    """Usernames with a (well-formed) offline record on this station."""
    from sqlalchemy import select

    from station.store.schema import SettingRow

    with store.session() as s:
        rows = s.scalars(select(SettingRow).where(SettingRow.key.startswith(OFFLINE_PREFIX))).all()
        return sorted(str(r.value["username"]) for r in rows if isinstance(r.value, dict) and r.value.get("username"))


class AuthError(UserError):
    """Sign-in refused. ``code`` (``invalid_credentials``, ``offline_unknown_user``,
    ``offline_expired``, ``offline_disabled``, ``offline_locked``, or the
    server's code), Spanish ``message``, and the online failure ``cause`` that
    led to the offline attempt (``None`` when the server answered)."""

    def __init__(self, code: str, message: str, cause: ServerApiError | None = None):
        super().__init__(message, code)
        self.cause = cause


@dataclass(frozen=True)
class SignedIn:
    """A signed-in user: ``username``, ``role``, ``campuses`` (plantel codes),
    ``display_name``; ``online`` and, when online, ``api`` (a
    :class:`ServerApi` holding the token); ``offline_until`` (UTC): when the
    offline permission of this user expires; ``fallback_cause``: why the
    server could not be used (offline sign-ins)."""

    username: str
    role: Role
    campuses: frozenset[str]
    display_name: str
    online: bool
    station_id: str = ""
    api: ServerApi | None = None
    offline_until: datetime | None = None
    fallback_cause: ServerApiError | None = None

    @property
    def actor(self) -> Actor:
        """The :class:`station.domain.Actor` for desk commands."""
        return Actor(self.username, self.role, self.campuses, self.station_id)


def _key(username: str) -> str:
    return OFFLINE_PREFIX + hashlib.sha256(username.encode("utf-8")).hexdigest()[:40]


def _fail_key(username: str) -> str:
    return "auth.offline_fail." + hashlib.sha256(username.encode("utf-8")).hexdigest()[:40]


def _attest_key(username: str) -> str:
    return "auth.attest." + hashlib.sha256(username.encode("utf-8")).hexdigest()[:40]


def attestation_for(store, username: str, created_at: datetime) -> dict | None:
    """The station's attestation of the offline sign-in under which ``username``
    created a command at ``created_at`` (the latest not after it), or ``None``."""
    best = None
    if created_at.tzinfo is None:
        created_at = created_at.replace(tzinfo=timezone.utc)
    for item in store.get_setting(_attest_key(username)) or []:
        try:
            at = datetime.fromisoformat(item["signed_in_at"])
        except (KeyError, TypeError, ValueError):
            continue
        if at <= created_at + timedelta(minutes=5) and (best is None or at > best[0]):
            best = (at, item)
    return dict(best[1]) if best else None


class OfflineAuth:
    """Sign-in for one station.

    ``store``: the :class:`station.store.LocalStore` (settings hold the
    verifiers); ``config``: :class:`station.config.Config` (``server_url``,
    ``station_id``, ``offline_login_days``); ``api_factory(base_url)`` builds
    the HTTP client (tests inject one); ``hasher``: argon2id parameters for
    new verifiers (default t=2, 19 MiB, p=1 — OWASP's minimum, about 50 ms);
    ``clock``: UTC now; ``remember_session``: keep the online token in the OS
    keyring for the sync (default ``True``); ``signing_key``: the station's
    Ed25519 private key (default: from the keyring for ``config.station_id``;
    without one the session is not bound to the station).
    """

    def __init__(self, store, config, api_factory: Callable[[str], ServerApi] | None = None,
                 hasher: PasswordHasher | None = None, clock: Callable[[], datetime] | None = None,
                 remember_session: bool = True, signing_key=None):
        self.store = store
        self.config = config
        self.api_factory = api_factory or (
            lambda url: ServerApi(url, ca_bundle=getattr(config, "ca_bundle", "") or None))
        self.hasher = hasher or PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
        self.clock = clock or (lambda: datetime.now(timezone.utc))
        self.remember_session = remember_session
        self._signing_key = signing_key

    def signing_key(self):
        """The station's Ed25519 key, or ``None`` (no station id, or no keyring)."""
        station_id = getattr(self.config, "station_id", "") or ""
        if self._signing_key is None and station_id:
            from station.secrets import SecretStoreError, get_or_create_signing_key

            try:
                self._signing_key = get_or_create_signing_key(station_id)
            except SecretStoreError:
                return None
        return self._signing_key

    # --- public -------------------------------------------------------

    def sign_in(self, username: str, password: str) -> SignedIn:
        """Sign in online, or offline when the server cannot be reached.

        Returns :class:`SignedIn`. Raises :class:`AuthError` (Spanish message)
        for wrong credentials (online or offline), a server refusal (e.g. 429),
        or when offline sign-in is not possible (never signed in online here,
        older than ``offline_login_days``, disabled, locked).
        """
        try:
            api = self.api_factory(self.config.server_url)
            key = self.signing_key()
            answer = api.login(username, password, (getattr(self.config, "station_id", "") or "") if key else "",
                               key)
        except ServerApiError as exc:
            if exc.server_unusable:
                return self.sign_in_offline(username, password, exc)
            if exc.cause == "unauthorized":
                self._forget_if_matches(username, password)
            raise AuthError(exc.code or exc.cause, exc.message) from None
        user = answer["user"]
        signed = SignedIn(user["username"], Role(user["role"]), frozenset(user.get("campuses") or ()),
                          user.get("display_name") or "", True, getattr(self.config, "station_id", "") or "",
                          api, self._offline_until(self.clock()))
        self.remember(username, password, signed)
        if self.remember_session:
            self._save_session(answer)
        return signed

    def sign_in_offline(self, username: str, password: str, cause: ServerApiError | None = None) -> SignedIn:
        """Check ``password`` against the stored verifier (see module doc); raises :class:`AuthError`."""
        days = self._days()
        why = f" (sin conexión: {cause.message})" if cause else ""
        if days <= 0:
            raise AuthError("offline_disabled", "El servidor central no está disponible y esta estación no permite "
                                                f"iniciar sesión sin conexión{why}.", cause)
        try:
            record = read_sealed(self.store, _key(username))
            high_water = read_sealed(self.store, HIGH_WATER_KEY)
        except AuthError as exc:
            raise AuthError(exc.code, exc.message + why, cause) from None
        if record is None:
            raise AuthError("offline_unknown_user",
                            "El servidor central no está disponible y este usuario nunca ha iniciado sesión en "
                            f"línea en esta estación; se necesita conexión la primera vez{why}.", cause)
        now = self.clock()
        failures = self.store.get_setting(_fail_key(username)) or {}
        if failures.get("count", 0) >= MAX_OFFLINE_FAILURES:
            until = datetime.fromisoformat(failures["at"]) + LOCKOUT
            if now < until:
                raise AuthError("offline_locked", "Demasiados intentos fallidos sin conexión. Espere "
                                                  f"{max(1, round((until - now).total_seconds() / 60))} minuto(s).",
                                cause)
        online_at = datetime.fromisoformat(record["online_at"])
        latest = max([online_at] + ([datetime.fromisoformat(high_water["at"])] if high_water else []))
        if now < latest - CLOCK_TOLERANCE:
            raise AuthError("offline_clock",
                            f"La fecha y hora de este equipo ({now.astimezone():%d/%m/%Y %H:%M}) son anteriores a las "
                            f"ya registradas en esta estación ({latest.astimezone():%d/%m/%Y %H:%M}). Corrija el reloj "
                            f"del equipo o conéctese al servidor para iniciar sesión{why}.", cause)
        expires = online_at + timedelta(days=days)
        if now > expires:
            raise AuthError("offline_expired",
                            f"Han pasado más de {days} días desde su último inicio de sesión en línea en esta "
                            f"estación; conéctese al servidor para continuar{why}.", cause)
        try:
            self.hasher.verify(record["verifier"], password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            count = int(failures.get("count", 0)) + 1
            self.store.set_setting(_fail_key(username), {"count": count, "at": now.isoformat()})
            raise AuthError("invalid_credentials", "Usuario o contraseña incorrectos.", cause) from None
        if failures:
            self.store.set_setting(_fail_key(username), None)
        note_time(self.store, now)
        self._attest(record["username"], now)
        return SignedIn(record["username"], Role(record["role"]), frozenset(record.get("campuses") or ()),
                        record.get("display_name") or "", False, getattr(self.config, "station_id", "") or "",
                        None, expires, cause)

    def remember(self, username: str, password: str, signed: SignedIn) -> None:
        """Store the verifier, role and planteles of an online sign-in (time = now), authenticated."""
        now = self.clock()
        write_sealed(self.store, _key(username), {
            "username": signed.username, "verifier": self.hasher.hash(password), "role": signed.role.value,
            "campuses": sorted(signed.campuses), "display_name": signed.display_name,
            "online_at": now.isoformat()})
        self.store.set_setting(_fail_key(username), None)
        note_time(self.store, now)

    def _attest(self, username: str, now: datetime) -> None:
        """Sign and keep the attestation of this offline sign-in (last 20 per user)."""
        station_id = getattr(self.config, "station_id", "") or ""
        key = self.signing_key() if station_id else None
        if key is None:
            return
        import base64

        from station.domain.proofs import offline_attestation_message

        at = now.astimezone(timezone.utc).isoformat()
        signature = base64.b64encode(key.sign(offline_attestation_message(station_id, username, at))).decode("ascii")
        kept = list(self.store.get_setting(_attest_key(username)) or [])[-19:]
        self.store.set_setting(_attest_key(username), kept + [{"signed_in_at": at, "signature": signature}])

    def forget(self, username: str) -> None:
        """Remove the offline permission of ``username``."""
        self.store.set_setting(_key(username), None)

    def sync_api(self) -> ServerApi | None:
        """A :class:`ServerApi` with the last online session token from the keyring, or
        ``None`` (none stored, expired, or no keyring) — pass as ``SyncService``'s ``api_factory``."""
        return load_session_api(self.config.server_url, self.clock(),
                                ca_bundle=getattr(self.config, "ca_bundle", "") or None)

    # --- internals ------------------------------------------------------

    def _days(self) -> int:
        from station.config import MAX_OFFLINE_LOGIN_DAYS

        try:
            days = int(getattr(self.config, "offline_login_days", 0) or 0)
        except (TypeError, ValueError, OverflowError):
            return 0
        return max(0, min(days, MAX_OFFLINE_LOGIN_DAYS))

    def _offline_until(self, now: datetime) -> datetime | None:
        days = self._days()
        return now + timedelta(days=days) if days > 0 else None

    def _forget_if_matches(self, username: str, password: str) -> None:
        try:
            record = read_sealed(self.store, _key(username))
        except AuthError:
            record = None
            self.forget(username)
        if record is None:
            return
        try:
            self.hasher.verify(record["verifier"], password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return
        self.forget(username)

    def _save_session(self, answer: dict) -> None:
        from station.secrets import SecretStoreError, set_secret

        try:
            set_secret(SESSION_SECRET, json.dumps({"token": answer["token"], "expires_at": str(answer.get("expires_at")),
                                                   "username": answer["user"]["username"]}))
        except SecretStoreError:
            pass  # the desk still works; background sync then needs an online sign-in


def load_session_api(base_url: str, now: datetime | None = None, ca_bundle: str | None = None) -> ServerApi | None:
    """:class:`ServerApi` (trusting ``ca_bundle`` when given) with the keyring's session token, or
    ``None`` when absent/expired."""
    from station.secrets import SecretStoreError, get_secret

    try:
        raw = get_secret(SESSION_SECRET)
    except SecretStoreError:
        return None
    if not raw or not base_url:
        return None
    try:
        data = json.loads(raw)
        expires = datetime.fromisoformat(data["expires_at"].replace("Z", "+00:00"))
    except (ValueError, KeyError, TypeError):
        return None
    if expires <= (now or datetime.now(timezone.utc)):
        return None
    return ServerApi(base_url, token=data["token"], ca_bundle=ca_bundle)


def sign_in(store, config, username: str, password: str, **kwargs) -> SignedIn:
    """Shortcut: ``OfflineAuth(store, config, **kwargs).sign_in(username, password)``."""
    return OfflineAuth(store, config, **kwargs).sign_in(username, password)
