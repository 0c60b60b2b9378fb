"""An embedded SMTP server (``aiosmtpd``) on 127.0.0.1 for the demo, the tests and
the benchmark: it keeps what it accepts and answers each recipient as scripted.

:class:`SmtpSink` starts on a free port in its own thread. ``script`` is a
callable ``(address, attempt) -> reply | None`` (``None`` = accept): e.g.
:func:`demo_script` answers ``550 5.1.1`` to local parts starting with
``noexiste`` and ``451 4.7.1`` twice to those starting with ``ocupado``.
With ``tls=True`` it offers STARTTLS with a certificate made by
:func:`make_test_ca` (pass ``sink.ca_file`` to the sender); with
``users`` it requires AUTH (PLAIN/LOGIN checked against the dict, and
XOAUTH2 against ``tokens``). Never for production: it delivers nowhere.
"""
from __future__ import annotations

import base64
import datetime as dt
import email
import ipaddress
import re
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable


_BARE_LF = re.compile(rb"(?<!\r)\n")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_test_ca(folder: Path) -> tuple[str, str, str]:
    """A throw-away CA and a server certificate for ``localhost``/127.0.0.1 in ``folder``;
    returns ``(cert_file, key_file, ca_file)`` paths (PEM)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Credencializacion CA de pruebas")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(hours=1))
          .not_valid_after(now + dt.timedelta(days=2))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(hours=1)).not_valid_after(now + dt.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    cert_file, key_file, ca_file = folder / "server.pem", folder / "server.key", folder / "ca.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    return str(cert_file), str(key_file), str(ca_file)


def demo_script(address: str, attempt: int) -> str | None:
    """Scripted answers by local part: ``noexiste…`` → 550 5.1.1; ``ocupado…`` → 451 4.7.1
    on the first two attempts; ``lleno…`` → 552 5.2.2; else accepted."""
    local = address.split("@", 1)[0].lower()
    if local.startswith("noexiste"):
        return "550 5.1.1 <%s>: Recipient address rejected: User unknown" % address
    if local.startswith("ocupado") and attempt <= 2:
        return "451 4.7.1 Try again later (greylisted)"
    if local.startswith("lleno"):
        return "552 5.2.2 Mailbox full"
    return None


@dataclass
class Received:
    """One accepted message: envelope ``mail_from``, ``rcpt``, raw ``data``, monotonic ``at``."""

    mail_from: str
    rcpt: str
    data: bytes
    at: float

    @property
    def message(self):
        """The parsed :class:`email.message.Message`."""
        return email.message_from_bytes(self.data)

    def header(self, name: str) -> str:
        """A header of the message ('' when absent)."""
        return str(self.message.get(name, ""))


class _Handler:
    def __init__(self, sink: "SmtpSink"):
        self.sink = sink

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 - aiosmtpd hook
        sink = self.sink
        with sink.lock:
            attempt = sink.attempts.get(address.lower(), 0) + 1
            sink.attempts[address.lower()] = attempt
            sink.rcpt_times.append(time.monotonic())
        reply = sink.script(address, attempt) if sink.script else None
        if reply:
            with sink.lock:
                sink.replies.append((address, reply))
            return reply
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd hook
        sink = self.sink
        if _BARE_LF.search(envelope.content or b""):
            return "554 5.6.0 Message contains a bare LF (RFC 5321 2.3.8)"
        with sink.lock:
            for rcpt in envelope.rcpt_tos:
                if sink.keep:
                    sink.messages.append(Received(envelope.mail_from, rcpt, envelope.content, time.monotonic()))
                sink.accepted += 1
        if sink.on_data is not None:  # after the message is kept: tests kill the client right here
            sink.on_data()
        return "250 2.0.0 Ok: queued"

    async def auth_XOAUTH2(self, server, args):  # noqa: N802 - aiosmtpd mechanism hook
        from aiosmtpd.smtp import AuthResult

        if len(args) < 2:
            blob = await server.challenge_auth("", encode_to_b64=False)
        else:
            blob = base64.b64decode(args[1])
        text = blob.decode("utf-8", "replace") if isinstance(blob, bytes) else str(blob)
        parts = dict(p.split("=", 1) for p in text.split("\x01") if "=" in p)
        user, token = parts.get("user", ""), parts.get("auth", "").removeprefix("Bearer ")
        ok = self.sink.tokens.get(user) == token and bool(token)
        return AuthResult(success=ok, handled=False, auth_data=user if ok else None,
                          message=None if ok else "535 5.7.3 Authentication unsuccessful")


class SmtpSink:
    """See module docstring. Use as a context manager or call :meth:`start`/:meth:`stop`."""

    def __init__(self, script: Callable[[str, int], str | None] | None = None, tls: bool = False,
                 implicit_tls: bool = False, users: dict[str, str] | None = None,
                 tokens: dict[str, str] | None = None, cert_dir: Path | None = None, keep: bool = True):
        self.script = script
        self.tls = tls or implicit_tls
        self.implicit_tls = implicit_tls
        self.users = users or {}
        self.tokens = tokens or {}
        self.keep = keep
        self.cert_dir = cert_dir
        self.messages: list[Received] = []
        self.attempts: dict[str, int] = {}
        self.replies: list[tuple[str, str]] = []
        self.rcpt_times: list[float] = []
        self.accepted = 0
        self.on_data: Callable[[], None] | None = None
        self.lock = threading.Lock()
        self.port = 0
        self.ca_file = ""
        self._controller = None

    def _authenticator(self, server, session, envelope, mechanism, auth_data):
        from aiosmtpd.smtp import AuthResult

        login = getattr(auth_data, "login", b"")
        password = getattr(auth_data, "password", b"")
        login = login.decode() if isinstance(login, bytes) else str(login)
        password = password.decode() if isinstance(password, bytes) else str(password)
        return AuthResult(success=self.users.get(login) == password and login in self.users, handled=False)

    def start(self) -> "SmtpSink":
        """Start listening on 127.0.0.1 (a free port, in :attr:`port`)."""
        from aiosmtpd.controller import Controller

        kwargs: dict = {}
        context = None
        if self.tls:
            import tempfile

            folder = self.cert_dir or Path(tempfile.mkdtemp(prefix="smtp-sink-"))
            cert, key, self.ca_file = make_test_ca(folder)
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(cert, key)
        if self.tls and not self.implicit_tls:
            kwargs["tls_context"] = context
        if self.users or self.tokens:
            kwargs.update(authenticator=self._authenticator, auth_required=True, auth_require_tls=self.tls)
        self.port = _free_port()
        self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port,
                                      ssl_context=context if self.implicit_tls else None,
                                      server_hostname="localhost", **kwargs)
        self._controller.start()
        return self

    def stop(self) -> None:
        """Stop listening."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def __enter__(self) -> "SmtpSink":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def by_envio(self) -> dict[str, int]:
        """How many copies of each ``X-Credencializacion-Envio`` value were accepted."""
        out: dict[str, int] = {}
        with self.lock:
            for m in self.messages:
                key = m.header("X-Credencializacion-Envio")
                out[key] = out.get(key, 0) + 1
        return out
