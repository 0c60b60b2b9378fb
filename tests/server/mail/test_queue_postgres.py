"""Several workers on PostgreSQL share one queue through ``FOR UPDATE SKIP LOCKED``:
every recipient sent exactly once, both workers busy, none waiting on the other."""
from __future__ import annotations

import subprocess

import pytest

from server.testing import seed
from tests.server.mail.conftest import PASSWORD, MailDb, rows, worker_command


@pytest.mark.postgres
def test_two_workers_share_the_queue_without_duplicates(pg_url, sink):
    seed(pg_url, PASSWORD, students=0, campuses=1)
    db = MailDb(pg_url)
    try:
        db.add_sender("avisos", sink.port)
        db.add_sender("avisos2", sink.port)
        campaign = db.list_campaign(rows(150, every_busy=37))
        workers = [subprocess.Popen(worker_command(pg_url), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                   for _ in range(2)]
        outputs = [w.communicate(timeout=240) for w in workers]
        assert all(w.returncode == 0 for w in workers), outputs
        sent_by = [int(out.split("detenido: ")[1].split(" ")[0]) for out, _ in outputs]
        assert sum(sent_by) >= 150 and min(sent_by) > 0, sent_by  # both took rows
        assert db.summary(campaign)["counts"]["sent"] == 150
        copies = sink.by_envio()
        assert len(copies) == 150 and set(copies.values()) == {1}
    finally:
        db.engine.dispose()
