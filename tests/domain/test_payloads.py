"""The per-command payload table (station.domain.payloads) checked against the transition table.

Every command has an entry, and the keys an entry declares are exactly the keys the command's
preconditions and effect read (found by running them over a payload that records every key
asked for), so a command added to the table without a payload entry, or a precondition that
starts reading a new key, fails here before the server's pydantic models (built from the
entries) refuse what the station sends.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone

import pytest

from station.domain import TRANSITIONS, Command, Context, Status, Student
from station.domain.payloads import COMMAND_PAYLOADS, PayloadField, payload_keys
from station.domain.transitions import EFFECTS, PRECONDITIONS

NOW = datetime(2026, 11, 21, 10, 0, tzinfo=timezone.utc)
#: Keys the caller adds to the payload, never sent by a client: the record's matrícula (station
#: store and server, for SAE imports).
CALLER_KEYS = {"matricula"}
#: Keys declared but read outside the table: hashes of the rendered signature images (the server
#: binds those blobs to the student; the station's store adds them beside the signature).
NOT_READ_BY_THE_TABLE = {"signature_png_sha256", "delivery_signature_png_sha256"}


class Recording(Mapping):
    """A payload that answers every key with ``value`` (or holds none) and records the keys asked for."""

    def __init__(self, value=None):
        self.value, self.asked = value, set()

    def __getitem__(self, key):
        self.asked.add(key)
        if self.value is None:
            raise KeyError(key)
        return self.value

    def get(self, key, default=None):
        self.asked.add(key)
        return default if self.value is None else self.value

    def __contains__(self, key):
        self.asked.add(key)
        return self.value is not None

    def __iter__(self):
        return iter(())

    def __len__(self):
        return 0


def _keys_read(command: Command) -> set[str]:
    """Every payload key the rows of ``command`` and its effect ask for, over an empty payload and
    one that answers every key (so checks after an early return run too)."""
    minor = Student(matricula="180010051-1", curp="AAMY101208HDFLLHA6", first_names="ANA", first_surname="PEREZ",
                    campus_code="15EPL0001", status=Status.ENROLLED)
    asked: set[str] = set()
    checks = [PRECONDITIONS[name] for t in TRANSITIONS if t.command == command for name in t.preconditions]
    for value in (None, "x", True, 1):
        for check in [*checks, EFFECTS[command]]:
            payload = Recording(value)
            try:
                check(minor, payload, Context(now=NOW))
            except Exception:  # noqa: BLE001 - only the keys asked for matter here
                pass
            asked |= payload.asked
    return asked - CALLER_KEYS


def test_every_command_of_the_table_has_a_payload_entry():
    assert set(COMMAND_PAYLOADS) == set(Command)
    assert {t.command for t in TRANSITIONS} <= set(COMMAND_PAYLOADS)


@pytest.mark.parametrize("command", list(Command), ids=lambda c: c.value)
def test_declared_keys_are_the_keys_the_table_reads(command):
    read = _keys_read(command)
    declared = set(payload_keys(command))
    assert read <= declared, f"{command.value} reads undeclared payload keys {sorted(read - declared)}"
    assert declared - read <= NOT_READ_BY_THE_TABLE, f"{command.value} declares unread keys {sorted(declared - read)}"


def test_payload_fields_are_well_formed():
    for command, fields in COMMAND_PAYLOADS.items():
        names = [f.name for f in fields]
        assert len(names) == len(set(names)), command
        for f in fields:
            assert isinstance(f, PayloadField) and f.type in (str, bool, int, dict) and f.label
            assert (f.max_length is not None) == (f.type is str), f  # all text is bounded
            if f.name.endswith("_sha256"):
                assert f.pattern and f.max_length == 64


def test_the_recorder_sees_a_key_read_in_a_loop():
    """The check above would miss keys read through a loop variable if the recorder did not see them."""
    assert {"health_institution", "affiliation_number", "valid_until"} <= _keys_read(Command.VALIDATE)
    assert {"guardian_name", "guardian_relationship"} <= _keys_read(Command.CAPTURE)
