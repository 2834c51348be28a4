"""Two processes closing the same tender at the same instant (the scheduler and the lead, or
two schedulers) close it once: one makes the offers and the scenarios, the other is told."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from sqlalchemy import func, select
from tenders_setup import SECRET, opened, proposed_batch, quote, token_of

from persistence.audit import AuditEvent
from persistence.jobs import Job
from purchasing.tenders.models import Tender, TenderScenario
from purchasing.tenders.quotes import submit_quote
from suppliers.models import Offer

_CLOSE_IN_A_PROCESS = """
import sys, time
from sqlalchemy import text
from persistence import create_engine_for, make_session_factory, unit_of_work
from persistence.audit import SCHEDULER
from purchasing.errors import Conflict
import scheduling.jobs  # every table the close touches
from purchasing.tenders.closing import close_tender
sessions = make_session_factory(create_engine_for(sys.argv[1]))
with sessions() as warm:
    warm.execute(text("SELECT 1"))
time.sleep(max(0.0, float(sys.argv[3]) - time.time()))
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
    start = time.time() + 3.0  # both processes have started and connected by then
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", _CLOSE_IN_A_PROCESS, database_url, str(tender.id), str(start)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONWARNINGS": "ignore"},
        )
        for _ in range(2)
    ]
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
