"""TLS between station and server over real sockets (#13 item 6, DESIGN.md §10).

A server with a certificate made here with ``cryptography``: the station client trusting that
certificate (``ca_bundle``) connects and signs in; without it (system CAs only) the station gets a
Spanish certificate error and no traceback; with a certificate for another name it says so. An
``http://`` address to any host but this machine is refused before a connection is attempted —
by the client, the configuration file, the setup wizard's address check and the ``sync`` CLI.
``serve --ssl-certfile/--ssl-keyfile`` serves HTTPS with HSTS; wrong TLS files exit 2 in Spanish.
"""
from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from server.testing import free_port, run_server_in_thread, seed, self_signed_certificate
from station.api import ServerApi, ServerApiError

PASSWORD = "clave-tls-1234"


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory):
    """A seeded SQLite server on https://127.0.0.1:<port> with a self-signed certificate; yields
    ``(base_url, cert_file, folder)``."""
    folder = tmp_path_factory.mktemp("tls")
    url = f"sqlite:///{folder / 'srv.sqlite3'}"
    seed(url, PASSWORD, students=0, campuses=1)
    cert, key = self_signed_certificate(folder)
    base, stop = run_server_in_thread(url, ssl_certfile=cert, ssl_keyfile=key)
    yield base, cert, folder
    stop()


def test_station_with_the_pinned_ca_connects_and_signs_in(tls_server):
    base, cert, _ = tls_server
    assert base.startswith("https://127.0.0.1:")
    api = ServerApi(base, ca_bundle=cert)
    assert api.health()["status"] == "ok"
    answer = api.login("operador", PASSWORD)
    assert answer["user"]["username"] == "operador" and api.token
    response = requests.get(base + "/health", verify=cert, timeout=10)
    assert response.headers["strict-transport-security"].startswith("max-age=31536000")


def test_station_without_the_ca_gets_a_spanish_certificate_error(tls_server):
    base, _, _ = tls_server
    with pytest.raises(ServerApiError) as caught:
        ServerApi(base).health()  # system CAs only: the self-signed certificate is not trusted
    error = caught.value
    assert error.cause == "tls"
    assert "conexión segura (TLS)" in error.message and "autofirmado" in error.message
    assert "Traceback" not in error.message and "SSL:" not in error.message
    assert error.__cause__ is None and error.__suppress_context__  # raised "from None": no chained traceback
    assert not error.is_transient  # a person must fix it; retrying does not help


def test_a_pinned_ca_that_did_not_sign_the_server_is_refused(tls_server, tmp_path):
    base, _, _ = tls_server
    other, _ = self_signed_certificate(tmp_path / "otra")  # same names, another key: not the server's
    with pytest.raises(ServerApiError) as caught:
        ServerApi(base, ca_bundle=other).login("operador", PASSWORD)
    assert caught.value.cause == "tls" and "TLS" in caught.value.message


def test_a_certificate_for_another_name_is_named(tmp_path):
    url = f"sqlite:///{tmp_path / 'n.sqlite3'}"
    cert, key = self_signed_certificate(tmp_path, names=("otro-servidor.example.mx",))
    base, stop = run_server_in_thread(url, ssl_certfile=cert, ssl_keyfile=key)
    try:
        with pytest.raises(ServerApiError) as caught:
            ServerApi(base, ca_bundle=cert).health()
        assert caught.value.cause == "tls"
        assert "no corresponde a la dirección IP" in caught.value.message
    finally:
        stop()


def _non_loopback_ipv4() -> str | None:
    """An IPv4 address of this machine that is not loopback (none on an isolated box)."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("192.0.2.1", 9))  # no packet is sent: only picks the outgoing interface
        address = probe.getsockname()[0]
    except OSError:
        return None
    finally:
        probe.close()
    return None if address.startswith("127.") or address == "0.0.0.0" else address


class _RecordingSession(requests.Session):
    def __init__(self):
        super().__init__()
        self.calls: list[str] = []

    def request(self, method, url, *args, **kwargs):  # noqa: D401 - requests API
        self.calls.append(url)
        return super().request(method, url, *args, **kwargs)


@pytest.mark.parametrize("url", ["http://192.0.2.10:8765", "http://credencializacion.example.mx",
                                 "HTTP://10.0.0.5", "http://[2001:db8::1]:80", "ftp://127.0.0.1"])
def test_plain_http_to_another_host_is_refused_before_any_connection(url):
    session = _RecordingSession()
    with pytest.raises(ServerApiError) as caught:
        ServerApi(url, session=session).login("operador", PASSWORD)
    assert caught.value.cause in ("insecure", "invalid")
    assert "https://" in caught.value.message
    assert session.calls == []


def test_plain_http_to_this_machines_lan_address_opens_no_socket():
    """A real listener on the machine's LAN address: the station never connects to it over http."""
    address = _non_loopback_ipv4()
    if address is None:
        pytest.skip("este equipo no tiene una dirección IPv4 fuera de loopback")
    listener = socket.socket()
    listener.bind((address, 0))
    listener.listen(1)
    listener.setblocking(False)
    try:
        with pytest.raises(ServerApiError) as caught:
            ServerApi(f"http://{address}:{listener.getsockname()[1]}").health()
        assert caught.value.cause == "insecure" and address in caught.value.message
        with pytest.raises(BlockingIOError):
            listener.accept()  # nobody knocked
    finally:
        listener.close()


@pytest.mark.parametrize("url", ["http://127.0.0.1:8765", "http://localhost:1", "http://[::1]:2",
                                 "http://127.3.4.5", "https://credencializacion.example.mx"])
def test_loopback_http_and_any_https_are_allowed(url):
    assert ServerApi(url).base_url == url.rstrip("/")


def test_configuration_refuses_http_to_another_host_and_a_missing_ca(tmp_path):
    from station.config import ConfigError, load_config

    file = tmp_path / "config.toml"
    file.write_text('server_url = "http://192.0.2.10:8765"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(file, environ={})
    assert "http://" in str(caught.value) and "https://" in str(caught.value)
    with pytest.raises(ConfigError):
        load_config(tmp_path / "none.toml", environ={"CREDENCIALIZACION_SERVER_URL": "http://srv.example.mx"})
    file.write_text(f'server_url = "https://srv.example.mx"\nca_bundle = "{tmp_path / "no-existe.pem"}"\n',
                    encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(file, environ={})
    assert "No existe el certificado de CA" in str(caught.value)
    (tmp_path / "no-pem.pem").write_text("hola", encoding="utf-8")
    with pytest.raises(ConfigError):
        load_config(file, environ={"CREDENCIALIZACION_CA_BUNDLE": str(tmp_path / "no-pem.pem")})


def test_configured_ca_bundle_reaches_the_station_client(tls_server, tmp_path):
    """The ``ca_bundle`` setting is what the desk's client trusts (app.wiring)."""
    from app.wiring import server_api
    from station.config import load_config

    base, cert, _ = tls_server
    file = tmp_path / "config.toml"
    file.write_text(f'server_url = "{base}"\nca_bundle = "{cert}"\ndata_dir = "{tmp_path / "d"}"\n', encoding="utf-8")
    config = load_config(file, environ={})
    assert config.ca_bundle == cert

    api = server_api(config)
    assert api.verify == cert
    assert api.health()["status"] == "ok"


def test_wizard_address_check_refuses_http_to_another_host():
    from station.registration import normalize_url

    with pytest.raises(ValueError) as caught:
        normalize_url("http://credencializacion.plantel.mx")
    assert "http://" in str(caught.value) and "https://" in str(caught.value)
    assert normalize_url("http://127.0.0.1:8765/") == "http://127.0.0.1:8765"


def test_sync_cli_refuses_http_to_another_host(monkeypatch, tmp_path, capsys):
    from app.cli import main as cli

    monkeypatch.setenv("CREDENCIALIZACION_HOME", str(tmp_path))
    for name in ("SERVER_URL", "STATION_ID", "CA_BUNDLE", "DATA_DIR"):
        monkeypatch.delenv("CREDENCIALIZACION_" + name, raising=False)
    code = cli(["sync", "--servidor", "http://192.0.2.10:8765"])
    out = capsys.readouterr()
    assert code == 2
    assert "Traceback" not in out.out + out.err
    assert "https://" in out.out + out.err and "insecure" in out.out


def _serve(tmp_path, *extra) -> tuple[subprocess.Popen, list[str]]:
    proc = subprocess.Popen([sys.executable, "-m", "server.cli", "serve", "--db",
                             f"sqlite:///{tmp_path / 's.sqlite3'}", *extra], stderr=subprocess.PIPE, text=True)
    log: list[str] = []
    threading.Thread(target=lambda: log.extend(proc.stderr), daemon=True).start()
    return proc, log


def test_serve_with_certificate_and_key_answers_https_only(tmp_path):
    cert, key = self_signed_certificate(tmp_path)
    port = free_port()
    proc, log = _serve(tmp_path, "--port", str(port), "--ssl-certfile", cert, "--ssl-keyfile", key)
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and not any("Uvicorn running on" in line for line in log):
            assert proc.poll() is None, log
            time.sleep(0.2)
        assert any(f"https://127.0.0.1:{port}" in line for line in log), log
        api = ServerApi(f"https://127.0.0.1:{port}", ca_bundle=cert)
        assert api.health()["status"] == "ok"
        with pytest.raises(ServerApiError) as caught:  # the same port does not speak plain HTTP
            ServerApi(f"http://127.0.0.1:{port}", timeout=(3.05, 10.0)).health()
        assert caught.value.cause in ("network", "bad_response")
    finally:
        proc.terminate()
        proc.wait(timeout=60)


@pytest.mark.parametrize("case", ["only_cert", "missing", "mismatch", "garbage"])
def test_serve_refuses_bad_tls_files_in_spanish_with_exit_2(tmp_path, case, capsys):
    from server.cli import main

    cert, key = self_signed_certificate(tmp_path / "a")
    _, other_key = self_signed_certificate(tmp_path / "b")
    garbage = tmp_path / "basura.pem"
    garbage.write_text("no es un certificado", encoding="utf-8")
    args = {"only_cert": ["--ssl-certfile", cert],
            "missing": ["--ssl-certfile", cert, "--ssl-keyfile", str(tmp_path / "nada.pem")],
            "mismatch": ["--ssl-certfile", cert, "--ssl-keyfile", other_key],
            "garbage": ["--ssl-certfile", str(garbage), "--ssl-keyfile", key]}[case]
    code = main(["serve", "--db", f"sqlite:///{tmp_path / 'x.sqlite3'}", "--port", str(free_port()), *args])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("Error: ") and "Traceback" not in err
    assert {"only_cert": "juntos", "missing": "No existe", "mismatch": "no corresponden",
            "garbage": "no son PEM"}[case] in err
    assert not Path(tmp_path / "x.sqlite3").exists()  # refused before touching the database


def test_reverse_proxy_example_sends_hsts_and_forwards_to_loopback():
    """The shipped Caddy file (packaging/Caddyfile) is the documented deployment behind TLS."""
    import re

    text = (Path(__file__).resolve().parents[2] / "packaging" / "Caddyfile").read_text(encoding="utf-8")
    hsts = re.search(r'Strict-Transport-Security\s+"max-age=(\d+)', text)
    assert hsts and int(hsts.group(1)) >= 31536000
    assert re.search(r"^\s*reverse_proxy 127\.0\.0\.1:8765", text, re.M)
    assert "--trusted-proxy 127.0.0.1" in text and "--host 127.0.0.1" in text
    assert re.search(r"max_size\s+\d+MB", text)
