"""Helpers to run a real server in tests (used by server, sync and UI tests).

Typical use::

    from server.testing import seeded_sqlite_url, run_server_in_thread
    url = seeded_sqlite_url(tmp_path, password="demo-1234", students=200)
    base_url, stop = run_server_in_thread(url)
    try:
        requests.post(base_url + "/auth/login", json={"username": "supervisor", "password": "demo-1234"})
    finally:
        stop()

The server listens on 127.0.0.1 on a free port (``port=0``), in a daemon
thread running uvicorn; ``stop()`` shuts it down and waits for the thread.
PostgreSQL helpers create and drop throw-away databases
(``credencializacion_test_<random>``) on the local server.
"""
from __future__ import annotations

import os
import secrets
import socket
import threading
import time
from pathlib import Path
from typing import Callable

from server.settings import FAST_TEST_SETTINGS, ServerSettings

PG_ADMIN_DSN = os.environ.get("CREDENCIALIZACION_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def self_signed_certificate(folder: Path, names: tuple[str, ...] = ("localhost", "127.0.0.1"),
                            days: int = 2) -> tuple[str, str]:
    """Write a self-signed certificate (ECDSA P-256, also usable as its own CA) for ``names``
    (DNS names or IP addresses, in the subject alternative name) and its unencrypted key into
    ``folder``; return ``(cert_file, key_file)`` paths (PEM). Made with ``cryptography``."""
    import datetime as dt
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])])
    alt: list = []
    for entry in names:
        try:
            alt.append(x509.IPAddress(ipaddress.ip_address(entry)))
        except ValueError:
            alt.append(x509.DNSName(entry))
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(hours=1))
            .not_valid_after(now + dt.timedelta(days=days))
            .add_extension(x509.SubjectAlternativeName(alt), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(True, False, False, False, False, True, False, False, False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    stem = "-".join(n.replace(":", "_") for n in names)[:60]
    cert_file, key_file = folder / f"{stem}.crt.pem", folder / f"{stem}.key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return str(cert_file), str(key_file)


def run_server_in_thread(db_url: str, port: int = 0, settings: ServerSettings | None = None,
                         migrate: bool = True, app=None, ssl_certfile: str | None = None,
                         ssl_keyfile: str | None = None) -> tuple[str, Callable[[], None]]:
    """Start the server for ``db_url`` on 127.0.0.1; return ``(base_url, stop)``.

    ``settings`` defaults to :data:`FAST_TEST_SETTINGS` (cheap argon2). With ``ssl_certfile``
    and ``ssl_keyfile`` (PEM) it serves HTTPS and ``base_url`` is ``https://127.0.0.1:<port>``.
    Raises ``RuntimeError`` when the server does not come up within 30 s.
    """
    import uvicorn

    from server.app import create_app

    app = app or create_app(db_url, settings=settings or FAST_TEST_SETTINGS, migrate=migrate)
    port = port or free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off",
                            proxy_headers=False, access_log=False, ssl_certfile=ssl_certfile, ssl_keyfile=ssl_keyfile)
    server = uvicorn.Server(config)
    server.install_signal_handlers = lambda: None  # type: ignore[method-assign]
    thread = threading.Thread(target=server.run, name=f"server-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("El servidor de prueba no arrancó.")
        time.sleep(0.02)

    def stop() -> None:
        server.should_exit = True
        thread.join(timeout=15)
        app.state.engine.dispose()

    return f"{'https' if ssl_certfile else 'http'}://127.0.0.1:{port}", stop


def create_pg_database(prefix: str = "credencializacion_test_") -> str:
    """Create an empty PostgreSQL database on the local server; return its URL.

    Raises ``psycopg.OperationalError`` when PostgreSQL is unreachable.
    """
    import psycopg

    name = prefix + secrets.token_hex(4)
    with psycopg.connect(_psycopg_dsn(PG_ADMIN_DSN), autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_DSN.rsplit("/", 1)[0]
    return f"{base}/{name}"


def drop_pg_database(url: str) -> None:
    """Drop a database made by :func:`create_pg_database` (terminating its connections)."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(_psycopg_dsn(PG_ADMIN_DSN), autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _psycopg_dsn(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def seed(db_url: str, password: str, students: int = 0, campuses: int = 3, seed: int = 2019,
         settings: ServerSettings | None = None) -> None:
    """Migrate ``db_url`` and load demo data (see :func:`server.services.demo.load_demo`)."""
    from server.db.migrate import upgrade
    from server.services.demo import load_demo

    upgrade(db_url)
    load_demo(db_url, password=password, students=students, campuses=campuses, seed=seed,
              settings=settings or FAST_TEST_SETTINGS)


def seeded_sqlite_url(folder: Path, password: str, students: int = 200, campuses: int = 3) -> str:
    """Create ``folder/server.sqlite3`` with demo data; return its URL."""
    url = f"sqlite:///{Path(folder) / 'server.sqlite3'}"
    seed(url, password, students=students, campuses=campuses)
    return url


_SAMPLE_BASE: dict[str, bytes] = {}


def _sample_base(fmt: str) -> bytes:
    if fmt not in _SAMPLE_BASE:
        import io

        from PIL import Image

        img = Image.new("RGB", (480, 640), (200, 180, 160)) if fmt == "JPEG" else Image.new("L", (600, 200), 255)
        out = io.BytesIO()
        img.save(out, fmt)
        _SAMPLE_BASE[fmt] = out.getvalue()
    return _SAMPLE_BASE[fmt]


def sample_jpeg(size: int = 50_000, rng=None) -> bytes:
    """A real 480×640 JPEG of about ``size`` bytes whose bytes differ per call: random
    filler in JPEG comment (COM) segments, so every capture has its own hash and the
    server's content checks accept it. ``rng``: a ``random.Random`` for repeatable bytes."""
    import struct

    base = _sample_base("JPEG")
    need = max(16, size - len(base))
    filler = rng.randbytes(need) if rng else os.urandom(need)
    segments = b"".join(b"\xff\xfe" + struct.pack(">H", len(filler[i:i + 65533]) + 2) + filler[i:i + 65533]
                        for i in range(0, len(filler), 65533))
    return base[:2] + segments + base[2:]


def sample_png(size: int = 8_000, rng=None) -> bytes:
    """A real 600×200 signature PNG of about ``size`` bytes, unique per call (a private
    ancillary chunk of random bytes)."""
    import struct
    import zlib

    base = _sample_base("PNG")
    need = max(16, size - len(base))
    filler = rng.randbytes(need) if rng else os.urandom(need)
    chunk = struct.pack(">I", len(filler)) + b"raNd" + filler + struct.pack(">I", zlib.crc32(b"raNd" + filler))
    return base[:33] + chunk + base[33:]


def signin_storm(base_url: str, clients: int = 40) -> tuple[list[int], list[float]]:
    """``clients`` failed sign-ins (made-up users) sent at once to ``base_url`` while
    ``GET /health`` is probed every 50 ms. Returns ``(sign-in statuses, health seconds)``
    (issue 13: no 5xx, health under 1 s)."""
    import requests

    statuses: list[int] = []
    health: list[float] = []
    done = threading.Event()

    def guess(i: int) -> None:
        r = requests.post(base_url + "/auth/login", json={"username": f"nadie{i}", "password": "mala"}, timeout=120)
        statuses.append(r.status_code)

    def probe() -> None:
        while not done.is_set():
            start = time.perf_counter()
            requests.get(base_url + "/health", timeout=120)
            health.append(time.perf_counter() - start)
            time.sleep(0.05)

    prober = threading.Thread(target=probe)
    prober.start()
    threads = [threading.Thread(target=guess, args=(i,)) for i in range(clients)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    done.set()
    prober.join()
    return statuses, health
