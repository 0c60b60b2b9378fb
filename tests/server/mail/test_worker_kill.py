"""50 SIGKILLs of the sending worker at random moments of a campaign.

Every fifth kill lands exactly in the window the protocol cannot close: the
SMTP server has kept the message but the worker has not committed ``sent``
(the sink's DATA hook kills the worker before answering 250). The other kills
fall wherever the clock says. Afterwards: no recipient lost, every recipient
``sent``; a recipient received two copies only when a kill hit that window,
each such copy counted in ``possible_duplicates`` and at most one per kill.

Workers are forked from a pre-imported process (``forkserver``) so 50 starts
stay cheap; each runs ``credencializacion-server mail worker`` (``server.cli.main``).
"""
from __future__ import annotations

import multiprocessing
import random
import threading
import time

import pytest
from sqlalchemy import func, select

from server.mail.models import MailRecipient
from tests.server.mail.conftest import WORKER_ARGS, rows, run_worker_process

KILLS = 50
RECIPIENTS = 1500
# Paced so that 50 kill cycles (0–0.4 s of sending each) cannot finish the campaign however idle
# the machine is: unpaced, an idle CI worker sent all 1,500 before kill 35 and the next worker had
# nothing left to send. 50 cycles × ~0.2 s × 50/s ≈ 500 recipients, well inside 1,500.
PER_MINUTE = 3000


def _worker_main(url: str) -> None:  # runs in the forked worker process
    import os
    import sys

    from server.cli import main

    code = main(["mail", "worker", "--db", url, *WORKER_ARGS])
    sys.stdout.flush()
    os._exit(code)


def _kill_cycles(ctx, mail_db, sink, rng, current, killed_in_handler) -> None:
    for n in range(KILLS):
        before = sink.accepted
        proc = ctx.Process(target=_worker_main, args=(mail_db.url,), daemon=True)
        current["proc"] = proc
        proc.start()
        deadline = time.monotonic() + 60
        while sink.accepted == before and time.monotonic() < deadline:  # wait until it is sending
            time.sleep(0.005)
        assert sink.accepted > before, f"el trabajador {n} no empezó a enviar (exitcode {proc.exitcode})"
        if n % 5 == 4:
            killed_in_handler.clear()
            current["armed"] = True
            assert killed_in_handler.wait(30)
        else:
            time.sleep(rng.uniform(0.0, 0.4))
            proc.kill()
        proc.join(10)
        assert proc.exitcode == -9
        current["proc"] = None


@pytest.mark.slow
def test_fifty_sigkills_lose_nothing_and_duplicate_only_in_the_window(mail_db, sink):
    mail_db.add_sender("avisos", sink.port, per_minute=PER_MINUTE, burst=1)
    campaign = mail_db.list_campaign(rows(RECIPIENTS))
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["server.cli", "server.mail.cli", "server.mail.worker", "server.db.migrate"])
    rng = random.Random(18)
    current = {"proc": None, "armed": False}
    killed_in_handler = threading.Event()

    def on_data():
        if current["armed"] and current["proc"] is not None:
            current["armed"] = False
            current["proc"].kill()  # SIGKILL after the server kept the message, before the client hears 250
            killed_in_handler.set()

    sink.on_data = on_data
    try:
        _kill_cycles(ctx, mail_db, sink, rng, current, killed_in_handler)
    finally:
        sink.on_data = None
        if current["proc"] is not None and current["proc"].is_alive():
            current["proc"].kill()
    in_window = KILLS // 5


    with mail_db.factory() as session:
        sent_before_final = session.scalar(select(func.count()).select_from(MailRecipient)
                                           .where(MailRecipient.state == "sent"))
    assert 0 < sent_before_final < RECIPIENTS  # the kills fell in the middle of the campaign
    run_worker_process(mail_db.url)  # a clean worker finishes the campaign

    summary = mail_db.summary(campaign)
    assert summary["counts"]["sent"] == RECIPIENTS and summary["total"] == RECIPIENTS  # nobody lost
    copies = sink.by_envio()
    assert len(copies) == RECIPIENTS and min(copies.values()) >= 1
    duplicates = {envio: n - 1 for envio, n in copies.items() if n > 1}
    total_duplicates = sum(duplicates.values())
    with mail_db.factory() as session:
        flagged = {f"{r.campaign_id}.{r.id}": r.possible_duplicates for r in session.scalars(
            select(MailRecipient).where(MailRecipient.possible_duplicates > 0))}
    # every duplicate was in the window: its recipient was recovered from a dead worker's "sending" at least as often
    for envio, extra in duplicates.items():
        key = ".".join(envio.split(".")[:2])
        assert flagged.get(key, 0) >= extra, (envio, extra, flagged.get(key))
    assert total_duplicates >= in_window  # the window kills did produce (and we counted) their duplicate
    assert sum(flagged.values()) <= KILLS  # at most one possibly-duplicated recipient per kill
    assert total_duplicates <= KILLS
    assert summary["possible_duplicates"] == sum(flagged.values())
    print(f"\n{KILLS} kills ({in_window} in the window): {total_duplicates} duplicate copies, "
          f"{sum(flagged.values())} recipients flagged as possible duplicates")
