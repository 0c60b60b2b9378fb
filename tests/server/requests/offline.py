"""Helpers of the request tests that work on a database directly (no HTTP): the service
functions take ``now``, so a test can file requests in the past or the future and then run the
CLI with ``--now`` (purge, reminders)."""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime

from server.db.engine import make_engine, make_session_factory, run_transaction
from station.domain import Actor, Role
from tests.server.requests.conftest import FORMS, documents_for

SUPERVISOR = Actor("supervisor", Role.SUPERVISOR, frozenset({"001"}), "test")
SYSTEMS = Actor("sistemas", Role.SYSTEMS, frozenset({"001"}), "test")
ADMIN = Actor("admin", Role.ADMIN, frozenset(), "test")
PATH = {"received": [], "cancelled": [("cancel", SUPERVISOR)],
        "attended": [("review", SYSTEMS), ("approve", SYSTEMS), ("start", SYSTEMS), ("complete", SYSTEMS)]}


class Db:
    """A database ``url`` with a session factory; ``tx(work)`` runs one transaction."""

    def __init__(self, url: str):
        self.url = url
        self.engine = make_engine(url, pool_size=2)
        self.factory = make_session_factory(self.engine)

    def tx(self, work):
        return run_transaction(self.factory, work)

    def make(self, type_code: str, state: str, now: datetime, documents: bool = True) -> str:
        """File a request of ``type_code`` at ``now`` as the supervisor, attach its documents and
        take it to ``state`` (``received``, ``cancelled`` or ``attended``); returns the folio."""
        from server.keys import load_master_keys
        from server.requests import attachments
        from server.requests import service as svc
        from server.requests.settings import RequestSettings

        settings = RequestSettings()
        folio = self.tx(lambda s: svc.file_request(s, SUPERVISOR, type_code, FORMS[type_code], settings,
                                                   "Supervisor", now).folio)
        if documents:
            keys = load_master_keys()
            for kind, (name, data) in documents_for(type_code).items():
                self.tx(lambda s, k=kind, n=name, d=data: attachments.add(s, SUPERVISOR, folio, k, n, d, keys,
                                                                          settings, now))
        for action, actor in PATH[state]:
            self.tx(lambda s, a=action, who=actor: svc.act(s, who, folio, a, settings, reason="Duplicada.",
                                                           response="Se reinició la contraseña.", now=now))
        return folio

    def close(self) -> None:
        self.engine.dispose()


def cli(url: str, *args: str) -> subprocess.CompletedProcess:
    """Run ``credencializacion-server requests --db url ARGS`` (text output)."""
    return subprocess.run([sys.executable, "-m", "server.cli", "requests", "--db", url, *args],
                          capture_output=True, text=True, timeout=180)


def cli_json(url: str, *args: str) -> dict:
    done = cli(url, *args)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)
