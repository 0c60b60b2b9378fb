"""``build_station(config)``: the one place that assembles a station's services.

The real desk (:func:`app.gui.main`), the demo (:class:`app.demo.DemoEnvironment`)
and the UI tests build their :class:`station.services.DeskServices` here, so
the three cannot drift apart: local store, central server client, sync
service and the online-then-offline authenticator, always wired the same way.
"""
from __future__ import annotations


def build_station(config, *, store=None, api=None, signing_key=None, remember_session: bool = True):
    """Assemble the desk services of ``config`` (:class:`station.config.Config`).

    ``store``: an open :class:`station.store.LocalStore`; default opens the
    configured one (key from the OS keyring, Alembic migrations run).
    ``api``: a :class:`station.api.ServerApi`; default one for
    ``config.server_url``, or none when no server is configured (the desk then
    works offline, without sync or sign-in). ``signing_key``: Ed25519 key for
    credential QR codes (default: the station key from the keyring, fetched on
    first print). ``remember_session`` False keeps the session token out of
    the OS keyring (demo). Blocking (disk, keyring): call it off the GUI
    thread. Raises :class:`station.secrets.SecretStoreError` or ``OSError``
    with a Spanish message when the store cannot open.
    """
    from station.services import DeskServices
    from station.store import LocalStore

    if store is None:
        store = LocalStore.open_configured(config)
    if api is None and config.server_url:
        api = server_api(config)
    return DeskServices(config, store, api, sync=build_sync(config, store, api), signing_key=signing_key,
                        authenticator=build_authenticator(config, store, api, remember_session=remember_session,
                                                          signing_key=signing_key))


def server_api(config, **kwargs):
    """The :class:`station.api.ServerApi` of ``config``: its ``server_url`` (https, or http to this
    machine only) trusting its ``ca_bundle`` when set. ``kwargs`` go to the client (``timeout``).
    Raises :class:`station.api.ServerApiError` (``insecure``/``invalid``) for an unusable address."""
    from station.api import ServerApi

    return ServerApi(config.server_url, ca_bundle=getattr(config, "ca_bundle", "") or None, **kwargs)


def build_sync(config, store, api):
    """The sync service of ``store`` talking to ``api`` while it holds a session
    token (``station.sync.SyncService``); ``None`` without a server."""
    if api is None:
        return None
    from station.sync import SyncService

    return SyncService(store, lambda: api if api.token else None, config)


def build_authenticator(config, store, api, remember_session: bool = True, signing_key=None):
    """Online-then-offline sign-in (``station.auth.OfflineAuth``) sharing the
    station's ``api`` client, so the token of an online sign-in serves sync too.
    ``None`` without a configured server (nothing to sign in against).
    ``remember_session`` False keeps the session token out of the OS keyring (demo);
    ``signing_key``: the station's Ed25519 key proving the station at sign-in
    (default: the keyring's)."""
    if api is None:
        return None
    from station.auth import OfflineAuth

    return OfflineAuth(store, config, api_factory=lambda _url: api, remember_session=remember_session,
                       signing_key=signing_key)


def prepare_configured_station():
    """The configured desk: :func:`build_station` of :func:`station.config.load_config`."""
    from station.config import load_config

    return build_station(load_config())
