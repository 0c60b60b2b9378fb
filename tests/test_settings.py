"""Station and server settings through pydantic-settings (issue 12 item 7): the defaults are
the ones the dataclasses had, the environment prefix works, and a bad value is a Spanish
message naming the variable — never a pydantic traceback."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest

from server.cli import main as server_cli
from server.settings import ENV_PREFIX, ServerSettings, SettingsError, load_server_settings
from station.config import Config, ConfigError, load_config, save_config

#: The values the station's Config dataclass had before pydantic-settings (data_dir aside).
STATION_DEFAULTS = dict(server_url="", station_id="", campuses=[], camera="0", pad="topaz",
                        offline_login_days=7, temporary_valid_days=90, retention_days=30,
                        ca_bundle="")  # ca_bundle (#13): empty = the system CAs, as before
#: The values the server's frozen ServerSettings dataclass had.
SERVER_DEFAULTS = dict(
    token_ttl=timedelta(hours=12), login_window=timedelta(minutes=15), login_limit_pair=5,
    login_limit_address=50, login_delay_cap_s=900, trusted_proxies=(), hash_concurrency=2, hash_wait_s=10.0,
    master_key_file=None, offline_login_days_max=14, argon2_time_cost=3, argon2_memory_kib=65536,
    argon2_parallelism=4, allowed_semesters=(1, 2, 3, 4, 5, 6), max_upload_bytes=200 * 1024 * 1024,
    page_size_max=500, accounts_key_file=None, extra={})


@pytest.fixture
def clean_env(monkeypatch):
    import os

    for key in list(os.environ):
        if key.startswith(ENV_PREFIX) or key.startswith("CREDENCIALIZACION_") and key not in (
                "CREDENCIALIZACION_HOME", "CREDENCIALIZACION_MODO"):
            monkeypatch.delenv(key)
    return monkeypatch


# ----------------------------------------------------------------------------- station
def test_station_defaults_unchanged(tmp_path):
    config = load_config(tmp_path / "none.toml", environ={})
    assert config.model_dump(exclude={"data_dir"}) == STATION_DEFAULTS
    assert Config().model_dump(exclude={"data_dir"}) == STATION_DEFAULTS


def test_station_environment_over_file(tmp_path):
    path = tmp_path / "config.toml"
    save_config(Config(station_id="EST-1", campuses=["001"], retention_days=20), path)
    env = {"CREDENCIALIZACION_CAMPUSES": "002, 003", "CREDENCIALIZACION_RETENTION_DAYS": "12",
           "CREDENCIALIZACION_DATA_DIR": str(tmp_path / "datos"), "OTRA_COSA": "x"}
    config = load_config(path, environ=env)
    assert config.station_id == "EST-1"  # from the file
    assert config.campuses == ["002", "003"] and config.retention_days == 12
    assert config.data_dir == tmp_path / "datos"
    assert load_config(path, environ={}).to_toml() == path.read_text(encoding="utf-8")


def test_direct_construction_ignores_the_environment(clean_env):
    clean_env.setenv("CREDENCIALIZACION_PAD", "sigweb")
    assert Config().pad == "topaz"  # only load_config layers the environment


@pytest.mark.parametrize("toml, words", [
    ("retention_days = 0\n", "entre 1 y 365"),
    ("temporary_valid_days = 7.5\n", "no es válido"),
    ("camera = 1.5\n", "«camera»"),
    ('data_dir = ""\n', "«data_dir»"),
    ("campuses = 3\n", "«campuses»"),
])
def test_station_bad_file_value_is_spanish(tmp_path, toml, words):
    path = tmp_path / "config.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(path, environ={})
    assert words in err.value.message and str(path) in err.value.message
    assert "pydantic" not in err.value.message and "validation error" not in err.value.message


def test_station_bad_environment_names_the_variable(tmp_path):
    with pytest.raises(ConfigError) as err:
        load_config(tmp_path / "none.toml", environ={"CREDENCIALIZACION_TEMPORARY_VALID_DAYS": "mil"})
    assert "CREDENCIALIZACION_TEMPORARY_VALID_DAYS" in err.value.message and err.value.code == "config_invalid"


# ------------------------------------------------------------------------------ server
def test_server_defaults_unchanged(clean_env):
    dumped = ServerSettings().model_dump()
    assert {k: dumped[k] for k in SERVER_DEFAULTS} == SERVER_DEFAULTS  # settings added since keep their own tests
    assert load_server_settings() == ServerSettings()


def test_server_environment_prefix(clean_env):
    clean_env.setenv(ENV_PREFIX + "TOKEN_TTL", "PT8H")
    clean_env.setenv(ENV_PREFIX + "LOGIN_WINDOW", "600")
    clean_env.setenv(ENV_PREFIX + "ALLOWED_SEMESTERS", "1, 3,5")
    clean_env.setenv(ENV_PREFIX + "TRUSTED_PROXIES", "10.0.0.1,10.0.0.2")
    settings = load_server_settings(argon2_time_cost=1)
    assert settings.token_ttl == timedelta(hours=8) and settings.login_window == timedelta(minutes=10)
    assert settings.allowed_semesters == (1, 3, 5) and settings.trusted_proxies == ("10.0.0.1", "10.0.0.2")
    assert settings.argon2_time_cost == 1  # given values win over the environment
    with pytest.raises(Exception):
        settings.token_ttl = timedelta(hours=1)  # frozen: one immutable object per app


@pytest.mark.parametrize("name, value, words", [
    ("TOKEN_TTL", "doce horas", "duración"),
    ("HASH_CONCURRENCY", "0", "mayor o igual a 1"),
    ("HASH_WAIT_S", "nan", "número"),
    ("ALLOWED_SEMESTERS", "1,tres", "separados por comas"),
])
def test_server_bad_environment_is_spanish(clean_env, name, value, words):
    clean_env.setenv(ENV_PREFIX + name, value)
    with pytest.raises(SettingsError) as err:
        load_server_settings()
    assert ENV_PREFIX + name in err.value.message and words in err.value.message
    assert err.value.code == "settings_invalid"


def test_server_cli_bad_setting_exits_2_without_traceback(clean_env, capsys, tmp_path):
    url = f"sqlite:///{tmp_path / 'srv.sqlite3'}"
    assert server_cli(["serve", "--db", url, "--semesters", "1,x", "--no-migrate"]) == 2
    err = capsys.readouterr().err
    assert "«allowed_semesters»" in err and "Traceback" not in err
    clean_env.setenv(ENV_PREFIX + "TOKEN_TTL", "mañana")
    clean_env.setattr("sys.stdin", io.StringIO("secreta-123\n"))
    assert server_cli(["create-user", "ana", "--role", "operator", "--db", url, "--password-stdin"]) == 2
    err = capsys.readouterr().err
    assert ENV_PREFIX + "TOKEN_TTL" in err and "Traceback" not in err
