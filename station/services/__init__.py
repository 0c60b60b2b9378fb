"""The desk's application facade (no Qt): what every screen of the station calls.

One module per idea: :mod:`~station.services.session` (sign-in, who is at the desk),
:mod:`~station.services.queries` (reads), :mod:`~station.services.commands` (desk actions),
:mod:`~station.services.sae` (the SAE client), :mod:`~station.services.exports` (reports and
lists); :class:`DeskServices` composes them.

:class:`DeskServices` holds the configuration, the local store
(:class:`station.store.LocalStore`), the central server client
(:class:`station.api.ServerApi`, optional: the desk works offline), the
signed-in :class:`station.domain.Actor` and the sync service. Each method is
one user action of the operator manual (§5–§13) and either returns its result
or raises :class:`ServiceError` whose ``message`` is Spanish and ready to show.

No business rules live here or in ``ui/``: every state change goes through
``LocalStore.execute`` → the shared transition table
(:func:`station.domain.apply_command`), whose :class:`~station.domain.Refusal`
becomes a :class:`ServiceError` with the refusal's message and field.

All methods may block (disk, network, PDF): the UI calls them from worker
threads. The object is safe to share between threads (the store opens one
session per call; the API client is only used by one call at a time per
method, guarded by a lock).
"""
from __future__ import annotations

import threading
from datetime import datetime, timezone
from typing import Callable

from station.services.errors import ServiceError
from station.services.commands import CommandsMixin
from station.services.exports import ExportsMixin
from station.services.privacy import PrivacyMixin
from station.services.queries import VALIDATION_STATUSES, QueriesMixin
from station.services.sae import SaeMixin
from station.services.session import DeskSession, SessionMixin

__all__ = ["DeskServices", "DeskSession", "ServiceError", "VALIDATION_STATUSES"]


class DeskServices(SessionMixin, QueriesMixin, CommandsMixin, SaeMixin, ExportsMixin, PrivacyMixin):
    """The station session: configuration, store, server client, user, sync.

    ``api`` is a :class:`station.api.ServerApi` (or ``None`` for a station
    without a configured server). ``sync`` is the optional sync service
    (``station.sync.SyncService``); ``signing_key`` an Ed25519 private key
    for credential QR codes (default: the station key from the OS keyring,
    fetched on first print). ``authenticator`` is an optional object with
    ``sign_in(username, password) -> SignedIn-like`` used for offline
    sign-in (``station.auth``); without it, only online sign-in works.
    ``mail_outbox`` is set only by the demo (``app.demo``): a callable returning
    what its embedded SMTP server received (``[{to, from, subject, at, text}]``).
    """

    mail_outbox = None

    def __init__(self, config, store, api=None, *, sync=None, signing_key=None, authenticator=None,
                 clock: Callable[[], datetime] | None = None):
        self.config = config
        self.store = store
        self.api = api
        self.sync = sync
        self.authenticator = authenticator
        self._signing_key = signing_key
        self._clock = clock or (lambda: datetime.now(timezone.utc))
        self.session: DeskSession | None = None
        self._online = api is not None
        self._online_at = 0.0
        self._lock = threading.Lock()
        self.last_error = ""
