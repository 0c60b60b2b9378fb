"""Station configuration: platformdirs locations, a TOML file, environment overrides.

Precedence (highest first): environment variables ``CREDENCIALIZACION_*``,
the TOML file, defaults. The file lives in the user config directory
(``platformdirs.user_config_dir("credencializacion")``) unless
``CREDENCIALIZACION_HOME`` relocates every path under one folder (tests,
demo, portable installs).

TOML keys (all optional)::

    server_url = "https://credencializacion.example.mx"   # http:// only to 127.0.0.1/localhost
    ca_bundle = "C:/credencializacion/ca-estatal.pem"  # optional: trust only this CA bundle (PEM)
    station_id = "EST-001-01"
    campuses = ["001"]
    camera = "0"            # index, or a file/video/image path
    pad = "topaz"           # topaz | sigweb | onscreen
    offline_login_days = 7  # 0 (off) … 14 (MAX_OFFLINE_LOGIN_DAYS)
    temporary_valid_days = 90  # 1 … 365: vigencia of a printed temporary credential
    retention_days = 30     # 1 … 365: days acknowledged biometrics stay on the station
    data_dir = "…"          # where the SQLite cache lives
"""
from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Annotated, Any, Mapping

import platformdirs
import tomli_w
from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, EnvSettingsSource, NoDecode, SettingsConfigDict

from station.domain.errors import UserError

APP_NAME = "credencializacion"
#: Upper bound of ``offline_login_days`` (issue 14 §4): a desk never signs in offline longer than this.
MAX_OFFLINE_LOGIN_DAYS = 14
#: Integer settings and their inclusive bounds.
_INT_BOUNDS = {"offline_login_days": (0, MAX_OFFLINE_LOGIN_DAYS), "temporary_valid_days": (1, 365),
               "retention_days": (1, 365)}
ENV_PREFIX = "CREDENCIALIZACION_"


class ConfigError(UserError, ValueError):
    """The configuration file or an override is malformed. ``str()`` is Spanish."""

    code = "config_invalid"


def _home() -> Path | None:
    home = os.environ.get(ENV_PREFIX + "HOME")
    return Path(home) if home else None


def config_dir() -> Path:
    """Folder of ``config.toml``."""
    home = _home()
    return home / "config" if home else Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def default_data_dir() -> Path:
    """Folder of the local store and logs."""
    home = _home()
    return home / "data" if home else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_path() -> Path:
    """Path of the TOML configuration file."""
    return config_dir() / "config.toml"


def _days(name: str, default: int) -> Any:
    low, high = _INT_BOUNDS[name]
    return Field(default, ge=low, le=high)


class Config(BaseSettings):
    """The station's settings. ``data_dir`` is a path; everything else plain values.

    A pydantic-settings model: every value is validated on construction and on
    assignment (``config.camera = …`` from the Ajustes screen). Constructing it
    directly takes only the given values and the defaults; :func:`load_config`
    layers the TOML file and the ``CREDENCIALIZACION_*`` environment over them.
    Copy with changes through ``config.model_copy(update={...})``.
    """

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore", validate_assignment=True,
                                      coerce_numbers_to_str=True)

    server_url: str = ""
    #: PEM file of the CA certificates the station trusts for the server (empty: the system's).
    ca_bundle: str = ""
    station_id: str = ""
    #: Plantel codes; in the environment a comma-separated list (``CREDENCIALIZACION_CAMPUSES=001,002``).
    campuses: Annotated[list[str], NoDecode] = Field(default_factory=list)
    camera: str = "0"
    pad: str = "topaz"
    offline_login_days: int = _days("offline_login_days", 7)
    temporary_valid_days: int = _days("temporary_valid_days", 90)
    retention_days: int = _days("retention_days", 30)
    data_dir: Path = Field(default_factory=default_data_dir)

    @classmethod
    def settings_customise_sources(cls, settings_cls, init_settings, env_settings, dotenv_settings,
                                   file_secret_settings):
        """Only the given values: the file and the environment are layered by :func:`load_config`
        (which names the file or variable a bad value came from)."""
        return (init_settings,)

    @field_validator("campuses", mode="before")
    @classmethod
    def _split_campuses(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [v.strip() for v in value.split(",") if v.strip()]
        return value

    @field_validator("offline_login_days", "temporary_valid_days", "retention_days", mode="before")
    @classmethod
    def _whole_days(cls, value: Any) -> Any:
        # pydantic's lax int takes True; a count of days is no boolean (7.0 is 7; 7.5, inf, nan are refused)
        if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
            raise ValueError("not a whole number")
        return value.strip() if isinstance(value, str) else value

    @field_validator("server_url", "ca_bundle", "station_id", "camera", "pad", mode="before")
    @classmethod
    def _plain_text(cls, value: Any) -> Any:
        if isinstance(value, float) or (isinstance(value, str) and "\x00" in value):
            raise ValueError("not text")
        return value

    @field_validator("data_dir", mode="before")
    @classmethod
    def _folder(cls, value: Any) -> Any:
        text = os.fspath(value) if isinstance(value, (str, os.PathLike)) else None
        if not isinstance(text, str) or not text.strip() or "\x00" in text:
            raise ValueError("not a folder")
        return Path(text).expanduser()

    @property
    def store_path(self) -> Path:
        """The SQLite file of the local cache."""
        return Path(self.data_dir) / "estacion.sqlite3"

    def to_toml(self) -> str:
        """TOML text of this configuration."""
        return tomli_w.dumps(self.model_dump(mode="json"))


class _EnvironSource(EnvSettingsSource):
    """pydantic-settings' environment source over a given mapping instead of ``os.environ``
    (``load_config(environ=...)``)."""

    def __init__(self, settings_cls, environ: Mapping[str, str]):
        self._environ = environ
        super().__init__(settings_cls)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return {key.lower(): value for key, value in self._environ.items()}


def _spanish(error: ValidationError, sources: dict[str, str], given: dict[str, Any]) -> ConfigError:
    """The first problem of ``error`` as a :class:`ConfigError` naming the key and where it came from."""
    problem = error.errors()[0]
    name = str(problem["loc"][0]) if problem["loc"] else "?"
    value = given.get(name, problem.get("input"))
    source = sources.get(name, "la configuración")
    if name in _INT_BOUNDS:
        low, high = _INT_BOUNDS[name]
        if isinstance(value, (int, str)) and not isinstance(value, bool) and str(value).strip().lstrip("-").isdigit():
            return ConfigError(f"El valor de «{name}» en {source} debe ser un número entero de días entre {low} y "
                               f"{high}: {value!r}.")
    return ConfigError(f"El valor de «{name}» en {source} no es válido: {value!r}.")


def _check_server_url(url: str, source: str) -> str:
    """``url`` when the station may use it (https, or http to loopback); else :class:`ConfigError`."""
    from station.api import ServerApiError, check_server_url

    try:
        return check_server_url(url)
    except ServerApiError as exc:
        raise ConfigError(f"«server_url» en {source}: {exc.message}") from None


def _check_ca_bundle(path: str, source: str) -> str:
    """``path`` (expanded) when it names a readable PEM file holding a certificate; else
    :class:`ConfigError` naming the file and where the setting came from."""
    file = Path(path).expanduser()
    try:
        head = file.read_bytes()[:1_000_000] if file.is_file() else None
    except OSError as exc:
        raise ConfigError(f"No se pudo leer el certificado de CA «ca_bundle» ({file}) de {source}: "
                          f"{exc.strerror or exc}.") from None
    if head is None:
        raise ConfigError(f"No existe el certificado de CA «ca_bundle» ({file}) indicado en {source}.")
    if b"-----BEGIN CERTIFICATE-----" not in head:
        raise ConfigError(f"El archivo «ca_bundle» ({file}) de {source} no contiene certificados PEM "
                          "(-----BEGIN CERTIFICATE-----).")
    return str(file)


def load_config(path: Path | None = None, environ: Mapping[str, str] | None = None) -> Config:
    """Read the configuration (file, then environment overrides).

    A missing file gives the defaults. Raises :class:`ConfigError` (Spanish,
    naming the key and the file or variable) when the TOML is malformed or a
    value has the wrong type or is out of range, when ``server_url`` is
    ``http://`` to a host other than this machine, or ``ca_bundle`` is not a
    readable PEM file; unknown keys are ignored.
    """
    path = path or config_path()
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    if path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, ValueError) as exc:
            raise ConfigError(f"El archivo de configuración {path} está dañado: {exc}") from None
        except OSError as exc:
            raise ConfigError(f"No se pudo leer el archivo de configuración {path}: {exc.strerror or exc}.") from None
        for key, value in data.items():
            if key in Config.model_fields:
                values[key] = value
                sources[key] = str(path)
    env_values = _EnvironSource(Config, environ)()
    for key, value in env_values.items():
        values[key] = value
        sources[key] = f"la variable {ENV_PREFIX + key.upper()}"
    try:
        config = Config(**values)
    except ValidationError as exc:
        raise _spanish(exc, sources, values) from None
    # transport (#13 item 6): no http:// to another machine; a pinned CA must be a PEM file
    if config.server_url.strip():
        _check_server_url(config.server_url.strip(), sources.get("server_url", "la configuración"))
    if config.ca_bundle.strip():
        config.ca_bundle = _check_ca_bundle(config.ca_bundle.strip(), sources.get("ca_bundle", "la configuración"))
    return config


def save_config(config: Config, path: Path | None = None) -> Path:
    """Write ``config`` atomically (temporary file + rename) and return the path."""
    path = path or config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(config.to_toml(), encoding="utf-8")
    os.replace(tmp, path)
    return path
