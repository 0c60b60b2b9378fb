"""Base of the station services whose data live only on the central server (requests,
institutional accounts): they are not synced to the desk, so every call needs the signed-in
server connection. No Qt here; the screens call the subclasses off the GUI thread.
"""
from __future__ import annotations

from typing import Any, Callable

from station.api import ServerApiError
from station.services.errors import ServiceError, _api_error


class ServerBackedService:
    """Calls on the signed-in :class:`station.api.ServerApi` that ``api_getter()`` returns
    (``None`` when there is no server or the user signed in offline).

    :meth:`_call` runs one API method by name and turns a :class:`ServerApiError` into a
    :class:`ServiceError` through :meth:`_error` (the server's Spanish message, field and code
    by default); without a connection it raises :class:`ServiceError` code ``offline`` with
    :attr:`offline_message`. Every call may block on the network.
    """

    #: What a person reads when the action needs the server and there is no signed-in connection.
    offline_message = "Esta acción necesita conexión con el servidor central."

    def __init__(self, api_getter: Callable[[], Any]):
        self._api_getter = api_getter

    def _api(self):
        """The signed-in API client; :class:`ServiceError` (``offline``) when there is none."""
        api = self._api_getter()
        if api is None or not getattr(api, "token", None):
            raise ServiceError(self.offline_message, None, "offline")
        return api

    def _error(self, exc: ServerApiError) -> ServiceError:
        """The :class:`ServiceError` a person reads for a failed call (override to reword causes)."""
        return _api_error(exc)

    def _call(self, name: str, *args, **kwargs):
        """``api.<name>(*args, **kwargs)``; raises :class:`ServiceError` instead of :class:`ServerApiError`."""
        try:
            return getattr(self._api(), name)(*args, **kwargs)
        except ServerApiError as exc:
            raise self._error(exc) from None
