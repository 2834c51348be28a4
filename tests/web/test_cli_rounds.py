"""`coachat rounds` and `coachat batches`: the same use cases as the pages, for scripts."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from mailing.models import OutgoingEmail
from mailing.outbox import queue_email
from persistence.audit import AuditEvent
from persistence.jobs import Job
from purchasing.models import Batch, Need, Round
from tests.smtp_server import SmtpServer
from web.cli import main


def run(database_url, monkeypatch, *args):
    monkeypatch.setenv("DATABASE_URL", database_url)
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_a_round_is_closed_optimized_listed_and_approved_from_the_shell(
    database_url, session, make, monkeypatch
):
    lead = make.user("lead", email="achats@coop.fr", name="Julien")
    member = make.member()
    need = make.need(member, make.offer(price="3.10").product, quantity="8")
    session.commit()

    closed = run(database_url, monkeypatch, "rounds", "close", "--as", lead.email)
    assert closed.exit_code == 0, closed.output
    assert "1 needs pooled into batch" in closed.output and "scenario 1: optimal" in closed.output
    listed = run(database_url, monkeypatch, "rounds", "list")
    assert "closed" in listed.output and "open" in listed.output

    session.expire_all()
    batch = session.scalar(select(Batch))
    shown = run(database_url, monkeypatch, "batches", "show", str(batch.id), "--json")
    data = json.loads(shown.output)
    assert data["status"] == "proposed"
    assert data["scenarios"][0]["result"]["allocations"][0]["need"] == str(need.id)
    assert "1/1 scenarios computed" in run(database_url, monkeypatch, "batches", "list").output

    wrong = run(database_url, monkeypatch, "batches", "approve", str(batch.id), "--scenario", "9")
    assert wrong.exit_code == 2 and "no scenario 9" in wrong.output
    approved = run(
        database_url, monkeypatch, "batches", "approve", str(batch.id), "--as", lead.email
    )
    assert approved.exit_code == 0, approved.output
    again = run(database_url, monkeypatch, "batches", "approve", str(batch.id))
    assert again.exit_code == 2 and "already approved by Julien" in again.output
    session.expire_all()
    assert session.get(Need, need.id).status == "allocated"
    actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert "round.close" in actions and actions.count("batch.approve") == 1


def test_a_batch_is_rejected_with_a_comment_only(database_url, session, make, monkeypatch):
    make.need(make.member(), make.offer().product)
    session.commit()
    run(database_url, monkeypatch, "rounds", "close", "--no-optimize")
    session.expire_all()
    batch = session.scalar(select(Batch))
    empty = run(database_url, monkeypatch, "batches", "reject", str(batch.id), "--comment", " ")
    assert empty.exit_code == 2
    done = run(database_url, monkeypatch, "batches", "reject", str(batch.id), "--comment", "cher")
    assert done.exit_code == 0, done.output
    session.expire_all()
    assert session.get(Batch, batch.id).status == "rejected"


def test_closing_an_unknown_or_closed_round_says_so(database_url, session, monkeypatch):
    missing = run(database_url, monkeypatch, "rounds", "close", "--round", "99")
    assert missing.exit_code == 1 and "No such round" in missing.output
    first = run(database_url, monkeypatch, "rounds", "close")
    assert first.exit_code == 0
    session.expire_all()
    closed = session.scalar(select(Round.id).where(Round.status == "closed"))
    again = run(database_url, monkeypatch, "rounds", "close", "--round", str(closed))
    assert again.exit_code == 2 and "already closed" in again.output


@pytest.mark.long
def test_the_scheduler_process_closes_a_due_round_and_stops_on_ctrl_c(database_url, session, make):
    import os
    import signal
    import subprocess
    import sys
    import time
    from datetime import timedelta

    from persistence import utcnow
    from purchasing.rounds.rounds import ensure_open_round

    make.need(make.member(), make.offer().product)
    opened = ensure_open_round(session)
    opened.cutoff_at = utcnow() + timedelta(seconds=1)
    session.commit()
    process = subprocess.Popen(
        [sys.executable, "-c", "from web.cli import main; main()", "scheduler", "--tick", "0.5"],
        env={**os.environ, "DATABASE_URL": database_url},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            session.expire_all()
            batch = session.scalar(select(Batch))
            if batch is not None and batch.scenarios and batch.scenarios[0].computed:
                break
            assert process.poll() is None, process.communicate()[0]
            time.sleep(0.3)
        else:
            raise AssertionError("the scheduler never closed the round")
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=60)
    assert process.returncode == 0, output
    assert "scheduler stopping" in output


def test_closing_a_round_from_the_shell_sends_no_email(database_url, session, make, monkeypatch):
    server = SmtpServer().start()
    try:
        for name, value in server.environment().items():
            monkeypatch.setenv(name, value)
        make.need(make.member(), make.offer(price="3.10").product, quantity="8")
        waiting = queue_email(
            session,
            to="commandes@papeterie.example",
            subject="Bon de commande",
            body="…",
            idempotency_key="purchase_order/1/1",
            actor=None,
        )
        session.commit()

        closed = run(database_url, monkeypatch, "rounds", "close")
        assert closed.exit_code == 0, closed.output
        assert "scenario 1: optimal" in closed.output
        assert server.inbox.messages == []
        session.expire_all()
        assert session.get(OutgoingEmail, waiting.id).status == "queued"
        kinds = {kind: status for kind, status in session.execute(select(Job.kind, Job.status))}
        assert kinds == {"send_email": "queued", "optimize_scenario": "done"}
    finally:
        server.stop()
