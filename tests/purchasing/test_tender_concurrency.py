"""Two processes closing the same tender at the same instant (the scheduler and the lead, or
two schedulers) close it once: one makes the offers and the scenarios, the other is told. And
an approval racing a tender's opening on the same batch: one wins cleanly, the other is told."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

import pytest
from sqlalchemy import func, select, text
from tenders_setup import (
    SECRET,
    link_for,
    opened,
    proposed_batch,
    quote,
    tender_values,
    token_of,
)

from mailing.models import OutgoingEmail
from persistence import unit_of_work
from persistence.audit import AuditEvent
from persistence.jobs import Job
from purchasing.batches.batches import approve_batch
from purchasing.errors import Conflict
from purchasing.models import Allocation, Batch, PurchaseOrder, User
from purchasing.tenders.models import Tender, TenderScenario
from purchasing.tenders.opening import open_tender
from purchasing.tenders.quotes import submit_quote
from suppliers.models import Offer

_CLOSE_IN_A_PROCESS = """
import sys
from sqlalchemy import text
from persistence import create_engine_for, make_session_factory, unit_of_work
from persistence.audit import SCHEDULER
from purchasing.errors import Conflict
import scheduling.jobs  # every table the close touches
from purchasing.tenders.closing import close_tender
sessions = make_session_factory(create_engine_for(sys.argv[1]))
with sessions() as warm:
    warm.execute(text("SELECT 1"))
print("ready", flush=True)
sys.stdin.readline()  # "go", once both processes are ready
try:
    with unit_of_work(sessions) as session:
        close_tender(session, int(sys.argv[2]), actor=SCHEDULER)
    print("closed", flush=True)
except Conflict:
    print("already closed", flush=True)
"""


def test_two_processes_closing_a_tender_at_once_close_it_once(
    engine, database_url, session, make, sessions
):
    world = proposed_batch(session, make, sessions)
    others = [make.supplier(contact_email=f"devis{n}@example.org") for n in range(8)]
    session.commit()
    tender = opened(session, world, supplier_ids=[world["other"].id] + [s.id for s in others])
    session.commit()
    for invitation in tender.invitations:
        submit_quote(session, token_of(invitation), quote(tender), secret=SECRET)
    session.commit()
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", _CLOSE_IN_A_PROCESS, database_url, str(tender.id)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONWARNINGS": "ignore"},
        )
        for _ in range(2)
    ]
    # Both have started and connected before either is told to close: they close at once.
    for process in processes:
        assert process.stdout is not None and process.stdin is not None
        ready = process.stdout.readline()
        assert ready == "ready\n", ready + process.communicate(timeout=120)[1]
    for process in processes:
        assert process.stdin is not None
        process.stdin.write("go\n")
        process.stdin.flush()
    outputs = [process.communicate(timeout=120) for process in processes]
    for process, (_out, err) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, err
    assert sorted(out.strip() for out, _ in outputs) == ["already closed", "closed"]
    session.expire_all()
    assert session.get(Tender, tender.id).status == "closed"
    assert session.scalar(select(func.count(Offer.id)).where(Offer.tender_id == tender.id)) == 9
    assert session.scalar(select(func.count(TenderScenario.id))) == 1
    assert session.scalar(select(func.count(Job.id)).where(Job.kind == "optimize_scenario")) == 2
    closes = select(func.count(AuditEvent.id)).where(AuditEvent.action == "tender.close")
    assert session.scalar(closes) == 1


def _until_one_waits_for_a_lock(engine, timeout: float = 30.0) -> None:
    """Returns once another transaction of the test database waits for a row lock."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        # a connection of its own each time: the activity view is a snapshot per transaction
        with engine.connect() as watch:
            waiting = watch.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE wait_event_type = 'Lock' AND datname = current_database()"
                )
            ).scalar()
        if waiting:
            return
        time.sleep(0.05)
    raise AssertionError("the second transaction never waited for the first")


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


# SQLite serialises writers: the race is PostgreSQL's. `first` holds its transaction open
# until the other waits on the batch's row, then commits; "neither" starts both at once.
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
@pytest.mark.parametrize("first", ["tender", "approval", "neither"])
def test_an_approval_and_a_tender_opening_at_once_one_wins_cleanly(
    engine, session, make, sessions, first
):
    world = proposed_batch(session, make, sessions)
    batch_id, lead_id, supplier_id = world["batch"].id, world["lead"].id, world["other"].id
    values = tender_values(supplier_ids=[supplier_id])
    holding, release = threading.Event(), threading.Event()
    start = threading.Barrier(2 if first == "neither" else 1)
    outcomes: dict[str, str] = {}
    failures: list[BaseException] = []

    def approve(own):
        approve_batch(own, batch_id, "1", actor=own.get(User, lead_id))

    def open_one(own):
        open_tender(own, batch_id, values, actor=own.get(User, lead_id), link_for=link_for)

    def run(name, work):
        try:
            start.wait(timeout=30)
            with unit_of_work(sessions) as own:
                work(own)
                if name == first:
                    holding.set()
                    assert release.wait(timeout=30)
            outcomes[name] = "done"
        except Conflict as refused:
            outcomes[name] = refused.message.text
        except BaseException as error:
            failures.append(error)

    threads = {
        "approval": threading.Thread(target=run, args=("approval", approve)),
        "tender": threading.Thread(target=run, args=("tender", open_one)),
    }
    if first == "neither":
        for thread in threads.values():
            thread.start()
    else:
        second = "tender" if first == "approval" else "approval"
        threads[first].start()
        assert holding.wait(timeout=30), failures
        threads[second].start()
        _until_one_waits_for_a_lock(engine)
        release.set()
    for thread in threads.values():
        thread.join(timeout=60)
    assert not failures, failures

    winners = [name for name, outcome in outcomes.items() if outcome == "done"]
    assert len(winners) == 1 and len(outcomes) == 2, outcomes
    if first != "neither":
        assert winners == [first]
    session.expire_all()
    batch = session.get(Batch, batch_id)
    if winners == ["tender"]:
        assert "close it before approving" in outcomes["approval"]
        assert batch.status == "proposed" and batch.decided_at is None
        assert session.scalars(select(Tender.status)).all() == ["open"]
        assert _count(session, PurchaseOrder) == 0 and _count(session, Allocation) == 0
    else:
        assert "Only a batch waiting for approval" in outcomes["tender"]
        assert batch.status == "approved"
        assert _count(session, Tender) == 0 and _count(session, OutgoingEmail) == 0
        assert _count(session, PurchaseOrder) == 1
