"""Sign-in, sign-out and who is at the desk (manual §5): :class:`DeskSession` and the
:class:`DeskServices` methods about the session and the server's reachability."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from station.domain import Actor, Role
from station.services.errors import ServiceError, _api_error


@dataclass(frozen=True)
class DeskSession:
    """The desk's signed-in session: ``actor`` (username, role, plantel codes,
    station id), ``display_name`` and whether the session is ``online``
    (validated by the server) or an offline sign-in (built from
    :class:`station.auth.DeskSession` or the server's login answer)."""

    actor: Actor
    display_name: str
    online: bool



class SessionMixin:
    """Session part of :class:`station.services.DeskServices` (uses its ``config``, ``store``,
    ``api``, ``sync``, ``authenticator``, ``session``, ``_online``, ``_online_at``)."""

    @property
    def actor(self) -> Actor:
        """The signed-in user. Raises :class:`ServiceError` when nobody is signed in."""
        if self.session is None:
            raise ServiceError("Inicie sesión para continuar.", code="unauthorized")
        return self.session.actor

    @property
    def role(self) -> Role | None:
        """Role of the signed-in user, or ``None``."""
        return self.session.actor.role if self.session else None

    @property
    def online(self) -> bool:
        """Best knowledge of whether the central server answers (last call or sync round)."""
        if self.api is None:
            return False
        state = self.sync_state()
        online = getattr(state, "online", None)
        if isinstance(online, bool) and state is not None and self._online_at <= self._state_stamp(state):
            return online
        return self._online

    def sync_state(self):
        """The sync service's :class:`station.sync.SyncState` snapshot, or ``None``."""
        state = getattr(self.sync, "state", None) if self.sync is not None else None
        return state() if callable(state) else state

    @staticmethod
    def _state_stamp(state) -> float:
        error = getattr(state, "last_error", None)
        moments = [getattr(error, "at", None), getattr(state, "last_success_at", None)]
        stamps = [m.timestamp() for m in moments if m is not None]
        return max(stamps) if stamps else 0.0

    def mark_online(self, value: bool, error: str = "") -> None:
        """Record the result of the last server call (shown in the status bar)."""
        self._online = value
        self._online_at = datetime.now(timezone.utc).timestamp()
        self.last_error = error

    def sign_in(self, username: str, password: str) -> DeskSession:
        """Sign in (manual §5): online against the server; offline through the
        authenticator when the server is unreachable. Raises :class:`ServiceError`
        with the real cause (wrong password, server down, no offline verifier…)."""
        username = (username or "").strip()
        if not username:
            raise ServiceError("Escriba su usuario.", "username", "invalid_field")
        if not password:
            raise ServiceError("Escriba su contraseña.", "password", "invalid_field")
        if self.authenticator is not None:
            try:
                result = self.authenticator.sign_in(username, password)
            except Exception as exc:  # the authenticator raises with a Spanish message
                raise _api_error(exc) from None
            self.session = DeskSession(result.actor, getattr(result, "display_name", result.actor.username),
                                    bool(getattr(result, "online", True)))
            self.mark_online(self.session.online)
            return self.session
        if self.api is None:
            raise ServiceError("Esta estación no tiene configurado el servidor central; no es posible iniciar sesión.",
                               code="offline")
        from station.api import ServerApiError, is_offline

        try:
            answer = self.api.login(username, password)
        except ServerApiError as exc:
            self.mark_online(not is_offline(exc), exc.message)
            raise _api_error(exc) from None
        user = answer["user"]
        actor = Actor(user["username"], Role(user["role"]), frozenset(user.get("campuses") or ()),
                      self.config.station_id or self.store.station_id)
        self.session = DeskSession(actor, user.get("display_name") or user["username"], True)
        self.mark_online(True)
        return self.session

    def sign_out(self) -> None:
        """End the session (revokes the server token when reachable; never raises)."""
        if self.api is not None and getattr(self.api, "token", None):
            try:
                self.api.logout()
            except Exception:  # offline: the token expires on its own
                pass
        self.session = None

    def campus_label(self) -> str:
        """«001 Ciudad Azteca» for the user's first plantel, or the role label."""
        if self.session is None:
            return ""
        names = dict(self.store.campuses())
        codes = sorted(self.session.actor.campuses)
        if not codes:
            return self.session.actor.role.label
        return ", ".join(f"{names.get(c, c)}" for c in codes)
