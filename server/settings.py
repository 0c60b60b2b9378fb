"""Server settings (one immutable object per app; see :func:`server.app.create_app`)."""
from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from station.domain.errors import UserError

from server.requests.settings import RequestSettings

ENV_PREFIX = "CREDENCIALIZACION_SERVER_"

#: What a valid value looks like, per field kind (for the Spanish refusal).
_HINTS = {
    timedelta: "una duración en segundos o ISO 8601 (p. ej. PT12H)",
    int: "un número entero",
    float: "un número",
    tuple[str, ...]: "una lista separada por comas",
    tuple[int, ...]: "números enteros separados por comas",
}


class SettingsError(UserError, ValueError):
    """A server setting (environment variable or option) is malformed. ``str()`` is Spanish."""

    code = "settings_invalid"


class ServerSettings(BaseSettings):
    """Tunables of the central server.

    A pydantic-settings model, frozen: each field can be set in the environment as
    ``CREDENCIALIZACION_SERVER_<NAME>`` (``CREDENCIALIZACION_SERVER_TOKEN_TTL=PT8H`` or
    seconds; lists comma-separated: ``CREDENCIALIZACION_SERVER_ALLOWED_SEMESTERS=1,3,5``).
    Values given to the constructor win over the environment. Build it through
    :func:`load_server_settings` where a person supplied the values: a bad one becomes a
    :class:`SettingsError` (Spanish, names the variable) instead of a traceback.

    - ``token_ttl``: lifetime of a bearer token (default 12 h, one work day).
    - ``login_window``, ``login_limit_pair``, ``login_limit_address``,
      ``login_delay_cap_s``: failed sign-ins counted in the window per
      (user, address) pair and per address; past the free ones a growing
      delay (2, 4, 8 … s, at most the cap) answers 429 ``too_many_attempts``
      with ``Retry-After`` (see :func:`server.auth.reserve_attempt`).
      ``login_pending_ttl_s``: an attempt still unchecked after this long
      (its request died) counts as a failure.
    - ``read_limit`` / ``read_window``: logged reads of personal data per
      user (:mod:`server.services.access`); beyond, 429 ``too_many_reads``.
      A busy desk serves a queue of 50 students in about 10 minutes with some
      8 reads each (record, SAE, photo, signatures, re-reads): 400; the
      default allows three times that.
    - ``trusted_proxies``: peer addresses whose ``X-Forwarded-For`` is
      believed (the reverse proxy); nobody else's.
    - ``hash_concurrency`` / ``hash_wait_s``: at most this many password
      checks at once per process; a sign-in waiting longer gets 503
      ``server_busy`` with ``Retry-After``.
    - ``master_key_file``: JSON file of the master keys (:mod:`server.keys`;
      default ``$CREDENCIALIZACION_MASTER_KEYS`` or the data-dir file).
    - ``offline_login_days_max``: an offline sign-in attested by a station is
      believed only for users who signed in online there within these days.
    - ``argon2_*``: parameters for *new* hashes (verification uses the ones
      stored in each hash). Defaults follow RFC 9106's second recommended
      option (t=3, 64 MiB, p=4); tests use cheap ones.
    - ``allowed_semesters``: semesters eligible for credentialing (manual §7
      "semestres permitidos").
    - ``max_upload_bytes``: largest SAE file accepted over HTTP.
    - ``accounts_key_file``: the key that seals one-time passwords of new
      institutional accounts (default: :func:`server.accounts.passwords.default_key_path`).
    - ``mail_dns_check``: check the sender domains' MX/SPF/DMARC in DNS at each mail
      preview (:mod:`server.mail.deliverability`); off by default (no DNS on desks and
      CI); ``serve`` turns it on with ``CREDENCIALIZACION_SERVER_MAIL_DNS_CHECK=1``.
      ``mail_dns_nameservers``: resolvers to ask (``"IP"``/``"IP:PORT"``; empty = the system's).
    - ``requests``: tunables of requests (:class:`server.requests.settings.RequestSettings`);
      from the environment as JSON, e.g.
      ``CREDENCIALIZACION_SERVER_REQUESTS='{"office_email": "cc@plantel.mx", "retention_days": 365}'``.
    """

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore", frozen=True)

    token_ttl: timedelta = timedelta(hours=12)
    login_window: timedelta = timedelta(minutes=15)
    login_limit_pair: int = Field(5, ge=1)
    login_limit_address: int = Field(50, ge=1)
    login_delay_cap_s: int = Field(900, ge=0)
    login_pending_ttl_s: int = Field(60, ge=1)
    read_limit: int = Field(1200, ge=1)
    read_window: timedelta = timedelta(minutes=10)
    trusted_proxies: Annotated[tuple[str, ...], NoDecode] = ()
    hash_concurrency: int = Field(2, ge=1)
    hash_wait_s: float = Field(10.0, gt=0, allow_inf_nan=False)
    master_key_file: str | None = None
    offline_login_days_max: int = Field(14, ge=0)
    argon2_time_cost: int = Field(3, ge=1)
    argon2_memory_kib: int = Field(65536, ge=8)
    argon2_parallelism: int = Field(4, ge=1)
    allowed_semesters: Annotated[tuple[int, ...], NoDecode] = (1, 2, 3, 4, 5, 6)
    max_upload_bytes: int = Field(200 * 1024 * 1024, ge=1)
    page_size_max: int = Field(500, ge=1)
    accounts_key_file: str | None = None
    mail_dns_check: bool = False
    mail_dns_nameservers: Annotated[tuple[str, ...], NoDecode] = ()
    requests: RequestSettings = Field(default_factory=RequestSettings)
    extra: dict = Field(default_factory=dict)

    @field_validator("trusted_proxies", "allowed_semesters", "mail_dns_nameservers", mode="before")
    @classmethod
    def _comma_list(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(v.strip() for v in value.split(",") if v.strip())
        return value

    @field_validator("token_ttl", "login_window", "read_window", mode="before")
    @classmethod
    def _seconds(cls, value: Any) -> Any:
        # pydantic takes 3600 (a number) as seconds but not "3600" (how an environment variable says it)
        if isinstance(value, str) and value.strip().isdigit():
            return int(value.strip())
        return value

    @field_validator("token_ttl", "login_window", "read_window")
    @classmethod
    def _positive(cls, value: timedelta) -> timedelta:
        if value <= timedelta(0):
            raise ValueError("must be positive")
        return value


def load_server_settings(**values: Any) -> ServerSettings:
    """:class:`ServerSettings` from ``values`` over the ``CREDENCIALIZACION_SERVER_*`` environment.

    Raises :class:`SettingsError` with a Spanish message naming the option or
    ``CREDENCIALIZACION_SERVER_*`` variable and what a valid value looks like.
    """
    try:
        return ServerSettings(**values)
    except ValidationError as exc:
        problem = exc.errors()[0]
        name = str(problem["loc"][0]) if problem["loc"] else "?"
        field = ServerSettings.model_fields.get(name)
        variable = ENV_PREFIX + name.upper()
        source = f"la opción «{name}»" if name in values else f"la variable {variable}"
        hint = _HINTS.get(field.annotation if field else None, "")
        bounds = problem.get("ctx") or {}
        for key, words in (("ge", "mayor o igual a"), ("gt", "mayor que"), ("le", "menor o igual a")):
            if key in bounds:
                hint = f"{hint or 'un valor'} {words} {bounds[key]}"
        hint = f" Se espera {hint}." if hint else ""
        given = values.get(name, problem.get("input"))
        raise SettingsError(f"El valor de {source} no es válido: {given!r}.{hint}", field=name) from None


#: Cheap hashing for tests and demos on a 2-core machine (never for production data).
FAST_TEST_SETTINGS = ServerSettings(argon2_time_cost=1, argon2_memory_kib=1024, argon2_parallelism=1)
