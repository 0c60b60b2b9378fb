"""SMTP submission for one sender account (stdlib ``smtplib``).

- Transport: ``starttls`` (RFC 3207, port 587: the connection must offer
  STARTTLS or nothing is sent), ``ssl`` (implicit TLS, port 465, RFC 8314)
  or ``none`` (loopback test sinks only). Certificates are always verified
  (``ssl.create_default_context``: chain and host name); ``ca_file`` adds a
  private CA.
- Authentication: ``password`` (AUTH LOGIN/PLAIN as offered), ``xoauth2``
  (SASL XOAUTH2 with a bearer token — Exchange Online turns basic SMTP AUTH
  off by default from December 2026, MC786329; the token comes from
  :func:`msal_token_provider`, client-credentials flow) or ``none``.
- :meth:`SmtpSession.send` maps every answer to an :class:`Outcome`:
  ``sent`` (2xx), ``deferred`` (4xx: retry later), ``failed`` (5xx, with
  code and text) or ``connection`` (socket/TLS trouble: retry later,
  reconnect). Authentication or TLS problems raise :class:`SenderError`
  (a sender-level fault: no recipient is charged for it).
"""
from __future__ import annotations

import smtplib
import socket
import ssl
from dataclasses import dataclass
from email.message import Message
from typing import Callable

from server.mail.compose import message_bytes
from station.domain.errors import UserError

LOOPBACK = {"127.0.0.1", "::1", "localhost"}


class SenderError(UserError):
    """The sender account cannot send (TLS, authentication, configuration); ``message`` Spanish."""

    code = "invalid_sender"

    def __init__(self, message: str):
        super().__init__(message)


@dataclass(frozen=True)
class SenderConfig:
    """A sender account as the worker uses it (a detached copy of ``MailSender``)."""

    id: int
    name: str
    from_address: str
    from_name: str
    host: str
    port: int
    security: str = "starttls"
    auth: str = "password"
    username: str = ""
    secret_env: str = ""
    ca_file: str = ""
    tenant_id: str = ""
    client_id: str = ""
    per_minute: int = 30
    per_day: int = 10_000
    burst: int = 1

    @classmethod
    def from_row(cls, row) -> "SenderConfig":
        """Copy of a :class:`server.mail.models.MailSender` row."""
        return cls(**{name: getattr(row, name) for name in cls.__dataclass_fields__})

    def check(self) -> None:
        """Raise :class:`SenderError` for an unsafe or incomplete configuration."""
        if self.security not in ("starttls", "ssl", "none"):
            raise SenderError(f"Seguridad desconocida «{self.security}» (use starttls, ssl o none).")
        if self.security == "none" and self.host not in LOOPBACK:
            raise SenderError("Sin TLS solo se permite hacia 127.0.0.1 (servidor de pruebas).")
        if self.auth not in ("password", "xoauth2", "none"):
            raise SenderError(f"Autenticación desconocida «{self.auth}» (use password, xoauth2 o none).")
        if self.auth == "xoauth2" and not (self.tenant_id and self.client_id):
            raise SenderError("XOAUTH2 necesita el inquilino (tenant) y el id de aplicación (client id).")


@dataclass(frozen=True)
class Outcome:
    """Answer to one message: ``kind`` sent/deferred/failed/connection, SMTP ``code`` and ``text``.
    ``maybe_delivered``: the connection was lost after DATA began, so the server may have kept the
    message although it never answered (RFC 1047); sending it again may duplicate it."""

    kind: str
    code: int | None = None
    text: str = ""
    maybe_delivered: bool = False


class _DataMark:
    """Mixin for :mod:`smtplib` clients: remembers that DATA began (``data_started``), so a connection
    lost afterwards is told apart from one lost before the server could have kept anything."""

    data_started = False

    def data(self, msg):  # noqa: D102 - smtplib's own
        self.data_started = True
        return super().data(msg)


class _SMTP(_DataMark, smtplib.SMTP):
    pass


class _SMTP_SSL(_DataMark, smtplib.SMTP_SSL):  # noqa: N801 - smtplib's name
    pass


def xoauth2_string(user: str, token: str) -> str:
    """SASL XOAUTH2 initial response (before base64): ``user=…^Aauth=Bearer …^A^A``
    (Google/Microsoft "OAuth 2.0 mechanism" documents)."""
    return f"user={user}\x01auth=Bearer {token}\x01\x01"


def msal_token_provider(tenant_id: str, client_id: str, secret: str,
                        scope: str = "https://outlook.office365.com/.default", http_client=None) -> Callable[[], str]:
    """A callable returning an Exchange Online access token (client credentials,
    ``msal.ConfidentialClientApplication``; msal caches it until expiry).
    ``http_client`` (msal's own hook) replaces the HTTP layer in tests.
    Raises :class:`SenderError` with Entra's description when refused."""
    import msal

    extra = {"http_client": http_client, "instance_discovery": False} if http_client is not None else {}
    app = msal.ConfidentialClientApplication(client_id, client_credential=secret,
                                             authority=f"https://login.microsoftonline.com/{tenant_id}", **extra)

    def token() -> str:
        try:
            result = app.acquire_token_for_client(scopes=[scope])
        except Exception as exc:  # network
            raise SenderError(f"No se pudo obtener el token OAuth2 de Microsoft Entra: {type(exc).__name__}.") from None
        if "access_token" not in result:
            raise SenderError("Microsoft Entra rechazó la solicitud de token OAuth2: "
                              f"{result.get('error_description') or result.get('error') or 'sin detalle'}.")
        return result["access_token"]

    return token


def _text(raw) -> str:
    if isinstance(raw, bytes):
        return raw.decode("utf-8", "replace")
    return str(raw or "")


def _outcome(code: int, text) -> Outcome:
    if 200 <= code < 300:
        return Outcome("sent", code, _text(text))
    if 400 <= code < 500:
        return Outcome("deferred", code, _text(text))
    return Outcome("failed", code, _text(text))


class SmtpSession:
    """One open connection of ``config``; ``secret`` is the password or the OAuth2
    client secret; ``token_provider`` overrides the msal one (tests).
    ``timeout`` seconds per socket operation."""

    def __init__(self, config: SenderConfig, secret: str = "", token_provider: Callable[[], str] | None = None,
                 timeout: float = 30.0):
        config.check()
        self.config = config
        self.secret = secret
        self.timeout = timeout
        self.token_provider = token_provider
        if config.auth == "xoauth2" and token_provider is None:
            self.token_provider = msal_token_provider(config.tenant_id, config.client_id, secret)
        self.smtp: smtplib.SMTP | None = None

    def _context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.config.ca_file or None)

    def open(self) -> None:
        """Connect, secure and authenticate. Raises :class:`SenderError` (Spanish) on failure."""
        cfg = self.config
        try:
            if cfg.security == "ssl":
                smtp = _SMTP_SSL(cfg.host, cfg.port, timeout=self.timeout, context=self._context())
            else:
                smtp = _SMTP(cfg.host, cfg.port, timeout=self.timeout)
            smtp.ehlo()
            if cfg.security == "starttls":
                if not smtp.has_extn("starttls"):
                    smtp.close()
                    raise SenderError(f"El servidor {cfg.host}:{cfg.port} no ofrece STARTTLS; no se envía sin cifrar.")
                smtp.starttls(context=self._context())
                smtp.ehlo()
            if cfg.auth == "password":
                # One mechanism, PLAIN before LOGIN (both only inside TLS), instead of smtplib's
                # try-them-all login(): one failure, one clear answer.
                offered = smtp.esmtp_features.get("auth", "").upper().split()
                mechanism = next((m for m in ("PLAIN", "LOGIN") if m in offered), None)
                if mechanism is None:
                    raise SenderError(f"El servidor {cfg.host} no ofrece AUTH PLAIN ni LOGIN.")
                smtp.user, smtp.password = cfg.username, self.secret
                smtp.auth(mechanism, getattr(smtp, f"auth_{mechanism.lower()}"), initial_response_ok=True)
            elif cfg.auth == "xoauth2":
                token = self.token_provider()
                smtp.auth("XOAUTH2", lambda challenge=None: xoauth2_string(cfg.username, token) if challenge is None
                          else "", initial_response_ok=True)
        except SenderError:
            raise
        except ssl.SSLCertVerificationError as exc:
            raise SenderError(f"El certificado TLS de {cfg.host} no es válido o no es de confianza "
                              f"({exc.verify_message}).") from None
        except ssl.SSLError as exc:
            raise SenderError(f"Falló la negociación TLS con {cfg.host}: {exc.reason or exc}.") from None
        except smtplib.SMTPAuthenticationError as exc:
            raise SenderError(f"El servidor {cfg.host} rechazó las credenciales de «{cfg.username}» "
                              f"({exc.smtp_code} {_text(exc.smtp_error)}).") from None
        except smtplib.SMTPNotSupportedError:
            raise SenderError(f"El servidor {cfg.host} no admite autenticación (AUTH).") from None
        except smtplib.SMTPException as exc:
            raise SenderError(f"El servidor {cfg.host} respondió con un error al conectar: {exc}.") from None
        except (OSError, socket.timeout) as exc:
            raise SenderError(f"No se pudo conectar con {cfg.host}:{cfg.port} ({type(exc).__name__}: {exc}).") from None
        self.smtp = smtp

    def send(self, message: Message | bytes, to: str) -> Outcome:
        """Submit ``message`` (a message or its bytes) to ``to`` (envelope sender = the account's address)."""
        if self.smtp is None:
            self.open()
        data = message if isinstance(message, bytes) else message_bytes(message)
        smtp = self.smtp
        smtp.data_started = False
        try:
            refused = smtp.sendmail(self.config.from_address, [to], data)
        except smtplib.SMTPRecipientsRefused as exc:
            code, text = next(iter(exc.recipients.values()))
            return _outcome(code, text)
        except smtplib.SMTPSenderRefused as exc:
            return _outcome(exc.smtp_code, exc.smtp_error)
        except smtplib.SMTPDataError as exc:
            return _outcome(exc.smtp_code, exc.smtp_error)
        except smtplib.SMTPServerDisconnected as exc:
            self.close()
            return Outcome("connection", None, f"conexión cerrada por el servidor ({exc})",
                           maybe_delivered=smtp.data_started)
        except smtplib.SMTPResponseException as exc:
            if exc.smtp_code == 421:
                self.close()
            return _outcome(exc.smtp_code, exc.smtp_error)
        except (OSError, socket.timeout) as exc:
            self.close()
            return Outcome("connection", None, f"{type(exc).__name__}: {exc}", maybe_delivered=smtp.data_started)
        if refused:
            code, text = next(iter(refused.values()))
            return _outcome(code, text)
        return Outcome("sent", 250, "")

    def close(self) -> None:
        """QUIT (best effort) and forget the connection."""
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except Exception:
                try:
                    self.smtp.close()
                except Exception:
                    pass
            self.smtp = None
