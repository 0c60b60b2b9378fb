"""Bounce reports in the real formats of Exchange Online, Gmail, Postfix, Exim,
Sendmail and qmail, ARF complaints, auto-replies and ordinary mail: each one
classified right (the expected values and each file's source are in
``dsn/manifest.json``), and the support command ``mail classify --json``."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from server.cli import main
from server.mail.dsn import class_of, classify

FOLDER = Path(__file__).parent / "dsn"
MANIFEST = json.loads((FOLDER / "manifest.json").read_text(encoding="utf-8"))


def test_manifest_covers_every_vendor():
    bounces = [m for m in MANIFEST if m["class"] != "not_a_bounce"]
    assert len(bounces) >= 20
    for vendor in ("exo_", "gmail_", "postfix_", "exim_", "sendmail_"):
        assert sum(m["file"].startswith(vendor) for m in bounces) >= 3, vendor
    assert {m["class"] for m in MANIFEST} == {"hard", "soft", "complaint", "not_a_bounce"}
    assert all(m["source"] for m in MANIFEST)


@pytest.mark.parametrize("item", MANIFEST, ids=[m["file"] for m in MANIFEST])
def test_report_classified(item):
    result = classify((FOLDER / item["file"]).read_bytes())
    assert result.bounce_class == item["class"]
    assert result.recipient.lower() == item["recipient"].lower()
    assert result.status == item["status"]
    if item["class"] != "not_a_bounce":
        assert result.message_id == "<cred.7.1234.0123456789@conalepmex.edu.mx>"
        assert result.envio == (7, 1234, "0123456789")
        assert result.diagnostic or item["class"] == "complaint"


@pytest.mark.parametrize("status, diagnostic, expected", [
    ("4.2.2", "452 4.2.2 Mailbox full", "soft"),
    ("5.1.1", "550 5.1.1 User unknown", "hard"),
    ("5.2.2", "552 5.2.2 Over quota", "soft"),
    ("5.7.1", "550 5.7.1 Message rejected as spam", "soft"),
    ("5.0.0", "550 Requested action not taken: mailbox unavailable (user does not exist)", "hard"),
    ("5.0.0", "554 Transaction failed", "soft"),
    ("", "550 No such user here", "hard"),
    ("", "", "soft"),
])
def test_class_rules(status, diagnostic, expected):
    assert class_of(status, diagnostic) == expected


def test_garbage_is_not_a_bounce():
    assert classify(b"\x00\xff garbage \r\n\r\n").bounce_class == "not_a_bounce"
    assert classify(b"").bounce_class == "not_a_bounce"


def test_classify_cli_json(capsys):
    assert main(["mail", "classify", str(FOLDER / "postfix_5_1_1_user_unknown.eml"), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out == {"recipient": "noexiste01@alumnos.example.net", "class": "hard", "status": "5.1.1",
                   "diagnostic": "550 5.1.1 <noexiste01@alumnos.example.net>: Recipient address rejected: "
                                 "User unknown in virtual mailbox table",
                   "message_id": "<cred.7.1234.0123456789@conalepmex.edu.mx>"}


def test_classify_cli_missing_file(capsys, tmp_path):
    assert main(["mail", "classify", str(tmp_path / "no.eml"), "--json"]) == 2
    assert "no existe el archivo" in capsys.readouterr().err
