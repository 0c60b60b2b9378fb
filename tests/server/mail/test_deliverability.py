"""Sender-domain deliverability check (SPF, DMARC, MX) against a stub DNS server on
127.0.0.1 — no internet: every query goes over a real UDP socket to ``DnsStub``."""
from __future__ import annotations

import json

import pytest

from server.mail.deliverability import check_sender_domain, make_resolver
from tests.server.mail.dns_stub import DnsStub

GOOD = {
    ("conalepmex.edu.mx", "MX"): ["0 conalepmex-edu-mx.mail.protection.outlook.com."],
    ("conalepmex.edu.mx", "TXT"): ['"v=spf1 include:spf.protection.outlook.com -all"', '"MS=ms12345678"'],
    ("_dmarc.conalepmex.edu.mx", "TXT"): ['"v=DMARC1; p=quarantine; rua=mailto:dmarc@conalepmex.edu.mx"'],
    # Microsoft 365 publishes DKIM as CNAMEs from the domain to the tenant's keys.
    ("selector1._domainkey.conalepmex.edu.mx", "CNAME"):
        ["selector1-conalepmex-edu-mx._domainkey.conalepmex.onmicrosoft.com."],
    ("selector1-conalepmex-edu-mx._domainkey.conalepmex.onmicrosoft.com", "TXT"):
        ['"v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC5"'],
}


def check(zone, domain="conalepmex.edu.mx", host="smtp.office365.com", **stub):
    with DnsStub(zone, **stub) as server:
        report = check_sender_domain(domain, host, make_resolver([server.address], timeout_s=1.0))
    return report, server


def levels(report, topic):
    return [f.level for f in report.findings if f.topic == topic]


def test_well_configured_exchange_domain_passes():
    report, server = check(GOOD)
    assert report.ok and report.checked
    assert report.mx == ["conalepmex-edu-mx.mail.protection.outlook.com"]
    assert report.spf.startswith("v=spf1") and "quarantine" in report.dmarc
    assert {f.topic: f.level for f in report.findings} == {"mx": "ok", "spf": "ok", "dkim": "ok", "dmarc": "ok"}
    assert "selector1" in report.text()
    assert ("_dmarc.conalepmex.edu.mx", "TXT") in server.queries  # really asked over the socket
    assert "sin problemas graves" in report.text()


@pytest.mark.parametrize("txt, expected", [
    ([], "No tiene registro SPF"),
    (['"v=spf1 include:spf.protection.outlook.com -all"', '"v=spf1 mx -all"'], "debe haber uno solo"),
    (['"v=spf1 include:spf.protection.outlook.com +all"'], "autoriza a cualquier servidor"),
    (['"v=spf1 include:_spf.google.com ~all"'], "include:spf.protection.outlook.com"),
    # Longer than 255 octets: published as several strings of one record, joined by the reader.
    (['"v=spf1 ' + " ".join(f"include:s{i}.example.org" for i in range(6)) + ' " "' +
      " ".join(f"include:s{i}.example.org" for i in range(6, 10)) + ' include:spf.protection.outlook.com -all"'],
     "11 consultas DNS"),
])
def test_spf_problems_are_errors_named_in_spanish(txt, expected):
    zone = dict(GOOD)
    zone[("conalepmex.edu.mx", "TXT")] = txt
    report, _ = check(zone)
    assert not report.ok
    assert "error" in levels(report, "spf")
    assert any(expected in f.message for f in report.findings), report.text()


def test_neutral_spf_and_monitor_only_dmarc_are_warnings():
    zone = dict(GOOD)
    zone[("conalepmex.edu.mx", "TXT")] = ['"v=spf1 include:spf.protection.outlook.com ?all"']
    zone[("_dmarc.conalepmex.edu.mx", "TXT")] = ['"v=DMARC1; p=none"']
    report, _ = check(zone)
    assert report.ok  # warnings only
    assert levels(report, "spf") == ["aviso"] and levels(report, "dmarc") == ["aviso"]


def test_missing_dmarc_and_gmail_sender_without_google_include():
    zone = {k: v for k, v in GOOD.items() if not k[0].startswith("_dmarc")}
    report, _ = check(zone, host="smtp.gmail.com")
    assert levels(report, "dmarc") == ["aviso"]
    assert any("include:_spf.google.com" in f.message for f in report.findings)


def test_domain_without_mx_or_nonexistent():
    zone = {k: v for k, v in GOOD.items() if k[1] != "MX"}
    report, _ = check(zone)
    assert levels(report, "mx") == ["error"] and "MX" in report.text()
    report, _ = check(GOOD, domain="conalepmex.edu.mc")
    assert not report.ok and "no existe" in report.findings[0].message


def test_dns_down_is_a_warning_not_an_exception():
    report, server = check(GOOD, drop=True)
    assert not report.checked and report.ok
    assert report.findings[0].topic == "dns" and "No se pudo consultar el DNS" in report.findings[0].message
    assert server.queries  # it did try


def test_bad_domain_text():
    report = check_sender_domain("sin punto")
    assert not report.ok and "no es un nombre de dominio válido" in report.text()


def test_cli_check_domain(capsys):
    from server.cli import main

    with DnsStub(GOOD) as server:
        code = main(["mail", "check-domain", "conalepmex.edu.mx", "--smtp-host", "smtp.office365.com",
                     "--nameserver", server.address, "--json"])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert out["ok"] and out["mx"]
    zone = dict(GOOD)
    zone[("conalepmex.edu.mx", "TXT")] = []
    with DnsStub(zone) as server:
        code = main(["mail", "check-domain", "conalepmex.edu.mx", "--nameserver", server.address])
    assert code == 1
    assert "No tiene registro SPF" in capsys.readouterr().out


def test_preview_reports_sender_domain_only_when_switched_on(tmp_path):
    """The server switch: off (default) → no DNS query at preview; on → the report rides
    along with the preview for the screen to show."""

    import requests

    from server.db.engine import make_engine, make_session_factory, run_transaction
    from server.mail.senders import add_sender
    from server.settings import FAST_TEST_SETTINGS
    from server.testing import run_server_in_thread, seed
    from tests.server.mail.conftest import PASSWORD, STATE

    url = f"sqlite:///{tmp_path / 'dns.sqlite3'}"
    seed(url, PASSWORD, students=12, campuses=1)
    engine = make_engine(url, pool_size=1)
    run_transaction(make_session_factory(engine), lambda s: add_sender(
        s, STATE, "avisos", "avisos@conalepmex.edu.mx", "smtp.office365.com", 587, auth="none"))
    engine.dispose()
    zone = dict(GOOD)
    zone[("_dmarc.conalepmex.edu.mx", "TXT")] = ['"v=DMARC1; p=none"']
    body = {"name": "Aviso", "subject": "Hola {{ first_names }}", "text": "Hola {{ first_names }}",
            "audience": {"kind": "list", "rows": [{"email": "ana@gmail.com", "first_names": "ANA"}]}}
    with DnsStub(zone) as dns_server:
        for switch in (False, True):
            settings = FAST_TEST_SETTINGS.model_copy(update={"mail_dns_check": switch,
                                                             "mail_dns_nameservers": (dns_server.address,)})
            base, stop = run_server_in_thread(url, settings=settings)
            try:
                http = requests.Session()
                token = http.post(base + "/auth/login", json={"username": "estatal", "password": PASSWORD},
                                  timeout=30).json()["token"]
                http.headers["Authorization"] = f"Bearer {token}"
                cid = http.post(base + "/mail/campaigns", json=body, timeout=30).json()["id"]
                preview = http.post(base + f"/mail/campaigns/{cid}/preview", timeout=60).json()
            finally:
                stop()
            if not switch:
                assert preview["sender_domains"] == [] and dns_server.queries == []
            else:
                [report] = preview["sender_domains"]
                assert report["domain"] == "conalepmex.edu.mx" and report["ok"]
                assert {f["topic"]: f["level"] for f in report["findings"]}["dmarc"] == "aviso"
                assert dns_server.queries


def test_dkim_missing_or_revoked_is_a_warning_and_selectors_can_be_named():
    zone = {k: v for k, v in GOOD.items() if "_domainkey" not in k[0]}
    report, _ = check(zone)
    assert report.ok and levels(report, "dkim") == ["aviso"]
    assert "selector1._domainkey" in report.text()
    zone[("google._domainkey.conalepmex.edu.mx", "TXT")] = ['"v=DKIM1; k=rsa; p="']  # revoked key
    report, _ = check(zone, host="smtp.gmail.com")
    assert levels(report, "dkim") == ["aviso"]
    zone[("s2026._domainkey.conalepmex.edu.mx", "TXT")] = ['"v=DKIM1; k=rsa; p=MIGfMA0GCSq"']
    with DnsStub(zone) as server:
        report = check_sender_domain("conalepmex.edu.mx", "relay.conalepmex.edu.mx",
                                     make_resolver([server.address], timeout_s=1.0), dkim_selectors=["s2026"])
    assert levels(report, "dkim") == ["ok"]
    with DnsStub(zone) as server:  # an unknown relay and no selector: DKIM is not guessed
        report = check_sender_domain("conalepmex.edu.mx", "relay.conalepmex.edu.mx",
                                     make_resolver([server.address], timeout_s=1.0))
    assert levels(report, "dkim") == []
