"""SMTP transport and authentication against real sockets: STARTTLS with
certificate checks, implicit TLS, password AUTH, XOAUTH2, refusals in Spanish."""
from __future__ import annotations

import email

import pytest

from server.mail.compose import build_message
from server.mail.sink import SmtpSink
from server.mail.smtp import SenderConfig, SenderError, SmtpSession, xoauth2_string


def config(port, **over):
    values = dict(id=1, name="avisos", from_address="avisos@conalepmex.edu.mx", from_name="", host="127.0.0.1",
                  port=port, security="starttls", auth="password", username="avisos@conalepmex.edu.mx")
    values.update(over)
    return SenderConfig(**values)


def message(to="alumno@alumnos.conalepmex.edu.mx"):
    return build_message(from_address="avisos@conalepmex.edu.mx", from_name="Servicios Escolares", to=to,
                         subject="Tu credencial está lista", text="Hola\n", msg_id="<cred.1.1.0123456789@x.mx>",
                         envio="1.1.0123456789")


@pytest.fixture
def tls_sink(tmp_path):
    with SmtpSink(tls=True, users={"avisos@conalepmex.edu.mx": "s3creta"},
                  tokens={"avisos@conalepmex.edu.mx": "token-de-prueba"}, cert_dir=tmp_path) as sink:
        yield sink


def test_starttls_password_and_verified_certificate(tls_sink):
    session = SmtpSession(config(tls_sink.port, ca_file=tls_sink.ca_file), "s3creta")
    outcome = session.send(message(), "alumno@alumnos.conalepmex.edu.mx")
    session.close()
    assert outcome.kind == "sent"
    received = tls_sink.messages[0]
    assert received.header("X-Credencializacion-Envio") == "1.1.0123456789"
    assert received.header("Message-ID") == "<cred.1.1.0123456789@x.mx>"
    assert b"\r\n" in received.data or email.message_from_bytes(received.data)["Subject"]


def test_untrusted_certificate_refused(tls_sink):
    with pytest.raises(SenderError) as err:
        SmtpSession(config(tls_sink.port), "s3creta").open()  # no ca_file: the test CA is not trusted
    assert "certificado" in err.value.message
    assert tls_sink.messages == []


def test_wrong_password_refused_in_spanish(tls_sink):
    with pytest.raises(SenderError) as err:
        SmtpSession(config(tls_sink.port, ca_file=tls_sink.ca_file), "otra").open()
    assert "rechazó las credenciales" in err.value.message


def test_no_starttls_offered_refused(tmp_path):
    with SmtpSink() as plain:
        with pytest.raises(SenderError) as err:
            SmtpSession(config(plain.port), "x").open()
        assert "STARTTLS" in err.value.message


def test_xoauth2(tls_sink):
    cfg = config(tls_sink.port, ca_file=tls_sink.ca_file, auth="xoauth2", tenant_id="t", client_id="c")
    good = SmtpSession(cfg, token_provider=lambda: "token-de-prueba")
    assert good.send(message(), "alumno@alumnos.conalepmex.edu.mx").kind == "sent"
    good.close()
    with pytest.raises(SenderError):
        SmtpSession(cfg, token_provider=lambda: "caducado").open()
    assert xoauth2_string("a@b.mx", "tok") == "user=a@b.mx\x01auth=Bearer tok\x01\x01"


def test_implicit_tls(tmp_path):
    with SmtpSink(implicit_tls=True, cert_dir=tmp_path) as sink:
        session = SmtpSession(config(sink.port, security="ssl", auth="none", ca_file=sink.ca_file))
        assert session.send(message(), "alumno@alumnos.conalepmex.edu.mx").kind == "sent"
        session.close()


def test_plaintext_only_to_loopback():
    with pytest.raises(SenderError):
        config(25, host="smtp.office365.com", security="none").check()
    with pytest.raises(SenderError):
        config(587, auth="xoauth2").check()  # no tenant/client id


def test_answers_mapped(tmp_path):
    from server.mail.sink import demo_script

    with SmtpSink(demo_script) as sink:
        session = SmtpSession(config(sink.port, security="none", auth="none"))
        assert session.send(message(), "noexiste@x.mx").kind == "failed"
        deferred = session.send(message(), "ocupado@x.mx")
        assert deferred.kind == "deferred" and deferred.code == 451
        assert session.send(message(), "lleno@x.mx").code == 552
        assert session.send(message(), "bien@x.mx").kind == "sent"
        session.close()
    dead = SmtpSession(config(sink.port, security="none", auth="none"))
    with pytest.raises(SenderError) as err:
        dead.open()
    assert "No se pudo conectar" in err.value.message


class _FakeEntra:
    """msal's ``http_client`` hook standing in for login.microsoftonline.com (no network here)."""

    def __init__(self, answer: dict, status: int = 200):
        self.answer, self.status, self.posts = answer, status, []

    def _response(self, status, body):
        import json

        class R:
            status_code, text, headers = status, json.dumps(body), {}

            def raise_for_status(self):
                if self.status_code >= 400:
                    raise RuntimeError(self.status_code)

        return R()

    def get(self, url, **kw):
        base = "https://login.microsoftonline.com/contoso"
        return self._response(200, {"token_endpoint": f"{base}/oauth2/v2.0/token",
                                    "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
                                    "issuer": f"{base}/v2.0"})

    def post(self, url, data=None, **kw):
        self.posts.append((url, data))
        return self._response(self.status, self.answer)

    def close(self):
        pass


def test_xoauth2_token_from_msal_client_credentials(tls_sink):
    from server.mail.smtp import msal_token_provider

    entra = _FakeEntra({"access_token": "token-de-prueba", "token_type": "Bearer", "expires_in": 3600})
    provider = msal_token_provider("contoso", "app-id", "client-secret", http_client=entra)
    cfg = config(tls_sink.port, ca_file=tls_sink.ca_file, auth="xoauth2", tenant_id="contoso", client_id="app-id")
    for _ in range(2):
        session = SmtpSession(cfg, token_provider=provider)
        assert session.send(message(), "alumno@alumnos.conalepmex.edu.mx").kind == "sent"
        session.close()
    assert len(entra.posts) == 1  # msal cached the token
    url, data = entra.posts[0]
    assert url.endswith("/contoso/oauth2/v2.0/token") and data["grant_type"] == "client_credentials"
    assert data["scope"] == "https://outlook.office365.com/.default" and data["client_secret"] == "client-secret"

    refused = msal_token_provider("contoso", "app-id", "wrong", http_client=_FakeEntra(
        {"error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret provided."}, 401))
    with pytest.raises(SenderError) as err:
        SmtpSession(cfg, token_provider=refused).open()
    assert "AADSTS7000215" in err.value.message and "Entra" in err.value.message
