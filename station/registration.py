"""Setting up a station, without Qt: whether setup is needed, the station id the
server accepts, the server address check, and the registration of the station
by an administrator (``POST /stations`` with the public half of the station's
Ed25519 key from the OS keyring). Used by the setup wizard (ui/setup_wizard/)."""
from __future__ import annotations

import re
import socket
from urllib.parse import urlparse

from station.config import Config, ConfigError, load_config

#: ``POST /stations`` accepts this station id pattern (server.schemas.StationIn).
STATION_ID_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def needs_setup(config: Config | None = None) -> bool:
    """True when the station has not been set up (no ``station_id`` or no ``server_url``)."""
    try:
        config = config or load_config()
    except ConfigError:
        return True
    return not (config.station_id and config.server_url)


def suggested_station_id() -> str:
    """``EST-<HOSTNAME>`` reduced to the characters the server accepts (≤ 64)."""
    host = re.sub(r"[^A-Za-z0-9._-]", "-", socket.gethostname().split(".")[0]).strip("-") or "ESTACION"
    return f"EST-{host.upper()}"[:64]


def normalize_url(text: str) -> str:
    """Strip spaces and the trailing slash. Raises ``ValueError`` (Spanish) when it is not an
    ``https://host[:port]`` address, or ``http://`` to a host other than this machine
    (:func:`station.api.check_server_url`: nothing travels in clear over the network)."""
    url = text.strip().rstrip("/")
    if not url:
        raise ValueError("Escriba la dirección del servidor central (por ejemplo https://credencializacion.plantel.mx).")
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise ValueError("La dirección del servidor debe empezar con https:// (http:// solo con este mismo equipo) "
                         "y llevar el nombre o la IP del servidor.")
    try:
        parsed.port  # noqa: B018 - validates the port
    except ValueError:
        raise ValueError("El puerto de la dirección del servidor no es válido.") from None
    from station.api import ServerApiError, check_server_url

    try:
        return check_server_url(url)
    except ServerApiError as exc:
        raise ValueError(exc.message) from None


def check_ca_bundle(path: str) -> str:
    """The CA bundle ``path`` (stripped) when empty or a readable PEM file with certificates;
    raises ``ValueError`` (Spanish) otherwise. Same check as the ``ca_bundle`` setting."""
    from station.config import _check_ca_bundle

    path = path.strip()
    if not path:
        return ""
    try:
        return _check_ca_bundle(path, "el asistente")
    except ConfigError as exc:
        raise ValueError(str(exc)) from None


def register_station(url: str, station_id: str, user: str, password: str, ca_bundle: str | None = None) -> dict:
    """Sign in as ``user`` (must be an administrator), create or read the station's
    key in the keyring, ``POST /stations`` with its public half, read
    ``GET /campuses`` and sign out. Returns ``{"row", "public_key", "campuses"}``.
    Raises :class:`station.api.ServerApiError` (Spanish message: wrong password, not an
    administrator, network cause) or :class:`station.secrets.SecretStoreError`.
    The password is not kept. ``ca_bundle``: PEM file of the CA to trust (the station's setting)."""
    from station.api import ServerApiError, ServerApi
    from station.domain.public_keys import public_key_b64
    from station.secrets import get_or_create_signing_key

    api = ServerApi(url, ca_bundle=ca_bundle or None)
    answer = api.login(user, password)
    try:
        if answer.get("user", {}).get("role") != "admin":
            raise ServerApiError("forbidden", f"El usuario «{user}» no es administrador; solo un administrador "
                                        "puede registrar estaciones.")
        public = public_key_b64(get_or_create_signing_key(station_id))
        row = api.register_station(station_id, public, f"Estación {socket.gethostname()}")
        campuses = api.request("GET", "/campuses")
    finally:
        try:
            api.logout()
        except ServerApiError:
            pass
    return {"row": row, "public_key": public, "campuses": campuses}
