"""Closing a round: needs pooled once, the next round opened, the first scenario queued."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from persistence import utcnow
from persistence.jobs import Job
from purchasing.errors import Conflict, Invalid
from purchasing.models import Batch, Need, Round
from purchasing.rounds.rounds import (
    close_round,
    ensure_open_round,
    open_round,
    read_cutoff,
    set_cutoff,
    set_rhythm,
)


def test_closing_pools_submitted_needs_into_one_batch_and_opens_the_next_round(session, make):
    member = make.member()
    product = make.product()
    make.offer(product=product, lead_time_days=3)
    first = make.need(member, product, quantity="12")
    second = make.need(member, product, quantity="5")
    typed = make.need(member, None, free_text="ramettes de couleur", product_id=None)
    typed.product = None
    session.flush()
    cancelled = make.need(member, product, status="cancelled")
    opened = ensure_open_round(session)

    result = close_round(session, actor=None)

    assert result.round_id == opened.id
    assert result.pooled == 2
    assert result.awaiting_match == (typed.id,)
    batch = session.get(Batch, result.batch_id)
    assert batch.status == "proposed"
    assert sorted(n["id"] for n in batch.problem["needs"]) == sorted(
        [str(first.id), str(second.id)]
    )
    for need in (first, second):
        session.refresh(need)
        assert (need.status, need.batch_id, need.round_id) == ("pooled", batch.id, opened.id)
    session.refresh(typed)
    session.refresh(cancelled)
    assert typed.status == "submitted" and cancelled.status == "cancelled"
    assert session.get(Round, opened.id).status == "closed"
    assert open_round(session).id == result.next_round_id != opened.id
    (scenario,) = batch.scenarios
    assert scenario.number == 1 and not scenario.computed
    job = session.get(Job, scenario.job_id)
    assert (job.kind, job.status, job.params) == (
        "optimize_scenario",
        "queued",
        {"scenario_id": scenario.id},
    )


def test_a_round_closes_once(session, make):
    member = make.member()
    make.need(member, make.offer().product)
    opened = ensure_open_round(session)
    close_round(session, opened.id, actor=None)
    with pytest.raises(Conflict):
        close_round(session, opened.id, actor=None)
    assert session.scalar(select(func.count(Batch.id))) == 1


def test_a_round_without_needs_closes_without_a_batch(session, make):
    opened = ensure_open_round(session)
    result = close_round(session, opened.id, actor=None)
    assert result.batch_id is None and result.pooled == 0
    assert session.scalar(select(func.count(Batch.id))) == 0


def test_a_need_whose_date_has_passed_is_not_pooled_but_told_why(session, make, today):
    member = make.member()
    product = make.offer().product
    late = make.need(member, product, needed_by=today)
    close_round(session, actor=None)
    session.refresh(late)
    assert late.status == "unfulfilled"
    assert "needed-by date passed" in late.status_reason


def test_a_standing_need_comes_back_in_the_next_round(session, make, today):
    member = make.member()
    product = make.offer().product
    standing = make.need(member, product, standing=True, needed_by=today + timedelta(days=10))
    result = close_round(session, actor=None)
    again = session.scalar(select(Need).where(Need.repeat_of_id == standing.id))
    assert again is not None and again.status == "submitted" and again.standing
    assert again.needed_by == standing.needed_by + timedelta(days=7)
    assert again.batch_id is None and result.pooled == 1


def test_the_rhythm_moves_the_open_rounds_cutoff_and_keeps_its_needs(session, make):
    member = make.member()
    need = make.need(member, make.offer().product)
    opened = ensure_open_round(session)
    set_rhythm(session, "0 10 * * 1", actor=None)
    assert opened.status == "open"
    assert opened.cutoff_at is not None and opened.cutoff_at > utcnow()
    assert opened.cutoff_at.weekday() == 0  # Monday, as cron counts 1
    session.refresh(need)
    assert need.status == "submitted"


@pytest.mark.parametrize(
    "cron", ["", "0 10 * *", "0 25 * * *", "0 10 * * 8", "0 0 30 2 *", "x y z a b"]
)
def test_a_wrong_rhythm_is_refused_and_changes_nothing(session, cron):
    with pytest.raises(Invalid) as refused:
        set_rhythm(session, cron, actor=None)
    assert "cron" in refused.value.errors
    assert open_round(session) is None


def test_a_cutoff_in_the_past_is_refused(session):
    opened = ensure_open_round(session)
    with pytest.raises(Invalid):
        set_cutoff(session, opened.id, "01/01/2020 10:00", actor=None)
    with pytest.raises(Invalid):
        set_cutoff(session, opened.id, "demain", actor=None)
    assert opened.cutoff_at is None


def test_a_cutoff_is_read_in_paris_time():
    now = utcnow()
    cutoff = read_cutoff("07/12/2099 10:00", now)
    assert (cutoff.hour, cutoff.minute) == (9, 0)
    assert read_cutoff("2099-07-07T10:30", now).hour == 8
    assert cutoff.tzinfo is not None and cutoff > now + timedelta(days=1)
