"""The scheduler process: APScheduler with its job store in the application database."""

from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy import func, inspect, select

from persistence import make_session_factory, utcnow
from purchasing.models import Batch, Notice, Round
from purchasing.rounds.rounds import ensure_open_round, set_rhythm
from scheduling.jobs import close_due_rounds, remind_members
from scheduling.scheduler import Rhythms, build_scheduler, dispose_engines


def _wait_for(condition, seconds=60.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_the_scheduler_closes_a_round_at_its_cutoff_and_optimises_it(
    engine, database_url, session, make
):
    member = make.member()
    product = make.offer(lead_time_days=2).product
    make.need(member, product)
    opened = ensure_open_round(session)
    opened.cutoff_at = utcnow() + timedelta(seconds=2)
    session.commit()

    scheduler = build_scheduler(database_url, Rhythms(close_due=0.5, work=0.5, remind=60))
    scheduler.start()
    try:
        assert "apscheduler_jobs" in inspect(engine).get_table_names()
        sessions = make_session_factory(engine)

        def proposed_and_optimised() -> bool:
            with sessions() as check:
                batch = check.scalar(select(Batch))
                return batch is not None and bool(batch.scenarios) and batch.scenarios[0].computed

        assert _wait_for(proposed_and_optimised)
    finally:
        scheduler.shutdown(wait=True)
        dispose_engines()
    session.expire_all()
    assert session.get(Round, opened.id).status == "closed"
    assert session.scalar(select(func.count(Notice.id)).where(Notice.kind == "batch_waiting")) == 1


def test_cutoffs_missed_while_the_machine_was_down_are_caught_up_once(engine, session, make):
    member = make.member()
    make.need(member, make.offer().product)
    set_rhythm(session, "0 10 * * *", actor=None)
    opened = ensure_open_round(session)
    opened.opens_at = utcnow() - timedelta(days=10)
    opened.cutoff_at = utcnow() - timedelta(days=3)  # three daily cut-offs missed
    session.commit()
    sessions = make_session_factory(engine)
    runs = [close_due_rounds(sessions) for _ in range(4)]
    assert sum(run is not None for run in runs) == 1
    session.expire_all()
    assert session.scalar(select(func.count(Batch.id))) == 1
    following = session.scalar(select(Round).where(Round.status == "open"))
    assert following.cutoff_at > utcnow()


def test_members_are_reminded_once_two_days_before_the_cutoff(engine, session):
    opened = ensure_open_round(session)
    opened.cutoff_at = utcnow() + timedelta(days=1)
    session.commit()
    sessions = make_session_factory(engine)
    assert remind_members(sessions) is True
    assert remind_members(sessions) is False
    session.expire_all()
    (notice,) = session.scalars(select(Notice))
    assert (notice.audience, notice.kind, notice.round_id) == ("members", "cutoff_soon", opened.id)


def test_no_reminder_more_than_two_days_ahead(engine, session):
    opened = ensure_open_round(session)
    opened.cutoff_at = utcnow() + timedelta(days=5)
    session.commit()
    assert remind_members(make_session_factory(engine)) is False
