"""A batch from closing to decision: scenarios computed in the background, approve or reject."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from persistence.audit import AuditEvent
from persistence.jobs import Job
from purchasing.batches.batches import (
    approve_batch,
    reject_batch,
    request_frontier,
    request_scenario,
)
from purchasing.errors import Conflict, Invalid
from purchasing.models import Allocation, Batch, Need
from purchasing.rounds.policies import read_policy
from purchasing.rounds.rounds import close_round
from scheduling.jobs import work_jobs


def _closed_batch(session, make, sessions, today, **need_values):
    member = make.member()
    product = make.product()
    make.offer(product=product, price="2.40", lead_time_days=2)
    served = make.need(member, product, quantity="10", **need_values)
    result = close_round(session, actor=None)
    session.commit()
    assert work_jobs(sessions) == 1
    session.expire_all()
    return session.get(Batch, result.batch_id), served


def test_the_first_scenario_is_optimised_in_the_background(session, make, sessions, today):
    batch, need = _closed_batch(session, make, sessions, today)
    (scenario,) = batch.scenarios
    assert scenario.computed
    assert scenario.result["status"] == "optimal"
    assert scenario.result["needs"][0]["need"] == str(need.id)
    assert session.get(Job, scenario.job_id).status == "done"
    assert batch.solver_report["objective"] is not None


def test_approving_writes_allocations_and_moves_needs_on(session, make, sessions, today):
    lead = make.user("lead")
    batch, need = _closed_batch(session, make, sessions, today)
    approve_batch(session, batch.id, "1", actor=lead)
    session.commit()
    session.refresh(need)
    assert need.status == "allocated"
    (allocation,) = session.scalars(select(Allocation).where(Allocation.need_id == need.id))
    assert allocation.quantity == Decimal(10) and allocation.unit_price == Decimal("2.40")
    assert allocation.goods_total == Decimal("24.00")
    session.refresh(batch)
    assert batch.status == "approved" and batch.decided_by_id == lead.id
    assert batch.scenarios[0].chosen
    assert (
        session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "batch.approve")
        )
        == 1
    )


def test_approving_twice_is_refused_and_says_who_decided(session, make, sessions, today):
    lead = make.user("lead", name="Camille")
    other = make.user("lead", name="Dominique")
    batch, _ = _closed_batch(session, make, sessions, today)
    approve_batch(session, batch.id, "1", actor=lead)
    session.commit()
    with pytest.raises(Conflict) as refused:
        approve_batch(session, batch.id, "1", actor=other)
    assert refused.value.message.params["name"] == "Camille"
    session.rollback()
    assert session.scalar(select(func.count(Allocation.id))) == 1


@pytest.mark.parametrize("number", ["2", "0", "-1", "abc", "", "1; DROP TABLE batch"])
def test_an_unknown_scenario_number_is_refused(session, make, sessions, today, number):
    batch, _ = _closed_batch(session, make, sessions, today)
    with pytest.raises(Invalid) as refused:
        approve_batch(session, batch.id, number, actor=None)
    assert "scenario" in refused.value.errors
    session.rollback()
    assert session.get(Batch, batch.id).status == "proposed"


def test_a_scenario_still_computing_cannot_be_approved(session, make, sessions, today):
    batch, _ = _closed_batch(session, make, sessions, today)
    request_scenario(session, batch.id, read_policy({"cost": "10", "eco": "90"}), actor=None)
    session.commit()
    with pytest.raises(Conflict):
        approve_batch(session, batch.id, "2", actor=None)


def test_the_same_policy_gives_the_same_scenario(session, make, sessions, today):
    batch, _ = _closed_batch(session, make, sessions, today)
    policy = read_policy({"cost": "10", "delay": "0", "eco": "90"})
    first = request_scenario(session, batch.id, policy, actor=None)
    again = request_scenario(session, batch.id, policy, actor=None)
    assert first.id == again.id and first.number == 2
    session.commit()
    assert work_jobs(sessions) == 1
    session.expire_all()
    assert len(session.get(Batch, batch.id).scenarios) == 2


def test_rejecting_needs_a_comment_and_sends_needs_back(session, make, sessions, today):
    batch, need = _closed_batch(session, make, sessions, today)
    with pytest.raises(Invalid):
        reject_batch(session, batch.id, "   ", actor=None)
    reject_batch(session, batch.id, "Prix trop élevés", actor=None)
    session.commit()
    session.refresh(need)
    assert (need.status, need.batch_id) == ("submitted", None)
    with pytest.raises(Conflict):
        approve_batch(session, batch.id, "1", actor=None)


def test_an_unmet_need_goes_back_while_its_date_can_be_met(session, make, sessions, today):
    member = make.member()
    product = make.product()
    make.offer(product=product, lead_time_days=2, capacity=Decimal(5))
    short = make.need(member, product, quantity="10")
    close_round(session, actor=None)
    session.commit()
    work_jobs(sessions)
    batch = session.scalar(select(Batch))
    approve_batch(session, batch.id, "1", actor=None)
    session.commit()
    session.refresh(short)
    assert short.status == "allocated"
    rest = session.scalar(select(Need).where(Need.repeat_of_id == short.id))
    assert rest is not None and rest.status == "submitted" and rest.quantity == Decimal(5)


def test_a_need_that_can_no_longer_be_met_is_unfulfilled_with_its_reason(
    session, make, sessions, today
):
    member = make.member()
    product = make.product()
    make.offer(product=product, lead_time_days=30)
    late = make.need(member, product, quantity="10", needed_by=today + timedelta(days=5))
    close_round(session, actor=None)
    session.commit()
    work_jobs(sessions)
    batch = session.scalar(select(Batch))
    approve_batch(session, batch.id, "1", actor=None)
    session.commit()
    session.refresh(late)
    assert late.status == "unfulfilled"
    assert late.status_reason == "no offer can deliver by the needed-by date"


def test_the_frontier_is_computed_in_the_background(session, make, sessions, today):
    batch, _ = _closed_batch(session, make, sessions, today)
    request_frontier(session, batch.id, actor=None, points=3)
    session.commit()
    assert work_jobs(sessions) == 1
    session.expire_all()
    points = session.get(Batch, batch.id).frontier
    assert len(points) == 3
    assert all(Decimal(point["total_cost"]) > 0 for point in points)


@pytest.mark.parametrize(
    "raw, field",
    [
        ({"cost": "0", "delay": "0", "eco": "0"}, "cost"),
        ({"cost": "-5"}, "cost"),
        ({"cost": "50", "min_average_eco": "101"}, "min_average_eco"),
        ({"cost": "50", "budget_cap": "-1"}, "budget_cap"),
        ({"cost": "50", "time_limit": "0"}, "time_limit"),
        ({"cost": "50", "max_suppliers_per_product": "0"}, "max_suppliers_per_product"),
    ],
)
def test_a_wrong_policy_is_refused(raw, field):
    with pytest.raises(Invalid) as refused:
        read_policy(raw)
    assert field in refused.value.errors
