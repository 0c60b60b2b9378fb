"""Station configuration: platformdirs locations, a TOML file, environment overrides.

Precedence (highest first): environment variables ``CREDENCIALIZACION_*``,
the TOML file, defaults. The file lives in the user config directory
(``platformdirs.user_config_dir("credencializacion")``) unless
``CREDENCIALIZACION_HOME`` relocates every path under one folder (tests,
demo, portable installs).

TOML keys (all optional)::

    server_url = "https://credencializacion.example.mx"
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
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import platformdirs
import tomli_w

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


@dataclass
class Config:
    """The station's settings. ``data_dir`` is a path; everything else plain values."""

    server_url: str = ""
    station_id: str = ""
    campuses: list[str] = field(default_factory=list)
    camera: str = "0"
    pad: str = "topaz"
    offline_login_days: int = 7
    temporary_valid_days: int = 90
    retention_days: int = 30
    data_dir: Path = field(default_factory=default_data_dir)

    @property
    def store_path(self) -> Path:
        """The SQLite file of the local cache."""
        return Path(self.data_dir) / "estacion.sqlite3"

    def to_toml(self) -> str:
        """TOML text of this configuration."""
        data = asdict(self)
        data["data_dir"] = str(self.data_dir)
        return tomli_w.dumps(data)


_TYPES = {f.name: f.type for f in fields(Config)}


def _coerce(name: str, value, source: str):
    try:
        if name == "campuses":
            if isinstance(value, str):
                return [v.strip() for v in value.split(",") if v.strip()]
            if not isinstance(value, list):
                raise TypeError
            return [str(v) for v in value]
        if name in _INT_BOUNDS:
            if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
                raise ValueError
            days = int(str(value).strip()) if isinstance(value, str) else int(value)
            low, high = _INT_BOUNDS[name]
            if not low <= days <= high:
                raise ConfigError(f"El valor de «{name}» en {source} debe ser un número entero de días entre {low} y "
                                  f"{high}: {value!r}.")
            return days
        if name == "data_dir":
            if not isinstance(value, str) or not value.strip() or "\x00" in value:
                raise ValueError
            return Path(value).expanduser()
        if not isinstance(value, (str, int)) or isinstance(value, bool) or "\x00" in str(value):
            raise ValueError
        return str(value)
    except ConfigError:
        raise
    except (TypeError, ValueError, OverflowError):
        raise ConfigError(f"El valor de «{name}» en {source} no es válido: {value!r}.") from None


def load_config(path: Path | None = None, environ: dict | None = None) -> Config:
    """Read the configuration (file, then environment overrides).

    A missing file gives the defaults. Raises :class:`ConfigError` (Spanish)
    when the TOML is malformed or a value has the wrong type; unknown keys
    are ignored.
    """
    path = path or config_path()
    environ = os.environ if environ is None else environ
    values: dict = {}
    if path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, ValueError) as exc:
            raise ConfigError(f"El archivo de configuración {path} está dañado: {exc}") from None
        except OSError as exc:
            raise ConfigError(f"No se pudo leer el archivo de configuración {path}: {exc.strerror or exc}.") from None
        for key, value in data.items():
            if key in _TYPES:
                values[key] = _coerce(key, value, str(path))
    for key in _TYPES:
        env_value = environ.get(ENV_PREFIX + key.upper())
        if env_value is not None:
            values[key] = _coerce(key, env_value, f"la variable {ENV_PREFIX + key.upper()}")
    return Config(**values)


def save_config(config: Config, path: Path | None = None) -> Path:
    """Write ``config`` atomically (temporary file + rename) and return the path."""
    path = path or config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(config.to_toml(), encoding="utf-8")
    os.replace(tmp, path)
    return path
