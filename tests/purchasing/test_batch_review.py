"""The lead's reading of a batch: scenario results with names, rows by supplier and by member,
needs not fully served with their reason, and scenarios compared with what differs."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from persistence.jobs import Job
from purchasing.batches import batch_review
from purchasing.batches.batches import REASONS, request_frontier, request_scenario
from purchasing.batches.comparison import compare
from purchasing.models import Batch, Member, Need
from purchasing.rounds.policies import read_policy
from purchasing.rounds.rounds import close_round
from scheduling.jobs import work_jobs
from tests.conftest import Factory

GREEN = {"cost": "10", "delay": "0", "eco": "90"}


@dataclass
class Cooperative:
    """Two members, a cheap paper supplier and a greener one from the social economy, a
    product nobody sells."""

    atelier: Member
    boulangerie: Member
    paper_atelier: Need
    paper_boulangerie: Need
    soap: Need
    cups: Need
    batch_id: int


def a_closed_batch(session, make: Factory, sessions) -> Cooperative:
    """Closes a round over the cooperative's needs and computes its first scenario."""
    atelier = make.member("Atelier Vélo Solidaire")
    boulangerie = make.member("Boulangerie du Port", latitude=48.7, longitude=6.2)
    paper = make.product("Ramette papier A4 recyclé 80 g")
    soap = make.product("Savon noir 5 L", unit="unit")
    cups = make.product("Gobelets compostables", unit="unit")
    cheap = make.supplier("Papeterie Lorraine", delivery_fee="10")
    green = make.supplier(
        "ESAT Les Ateliers Verts",
        delivery_fee="12",
        social_economy="ESAT",
        latitude=48.7,
        longitude=6.2,
    )
    make.offer(paper, cheap, price="2.40", lead_time_days=2, supplier_ref="PL-A4")
    make.offer(paper, green, price="2.90", lead_time_days=4, recycled_content=100)
    make.offer(soap, cheap, price="7.50", lead_time_days=3)
    needs = (
        make.need(atelier, paper, quantity="40", unit="ream"),
        make.need(boulangerie, paper, quantity="30", unit="ream"),
        make.need(boulangerie, soap, quantity="5", unit="unit"),
        make.need(atelier, cups, quantity="100", unit="unit"),
    )
    closed = close_round(session, actor=None)
    session.commit()
    assert work_jobs(sessions) == 1
    session.expire_all()
    return Cooperative(atelier, boulangerie, *needs, batch_id=closed.batch_id)


def with_green_scenario(session, sessions, coop: Cooperative) -> Batch:
    request_scenario(session, coop.batch_id, read_policy(GREEN), actor=None)
    session.commit()
    assert work_jobs(sessions) == 1
    session.expire_all()
    return session.get(Batch, coop.batch_id)


def test_a_scenario_reads_with_names_by_supplier_and_by_member(session, make, sessions):
    coop = a_closed_batch(session, make, sessions)
    batch = session.get(Batch, coop.batch_id)
    reviews = batch_review.review_scenarios(session, batch)
    first = reviews[1]

    assert first.status == "optimal"
    (order,) = first.by_supplier
    assert order.supplier == "Papeterie Lorraine"
    assert order.total == Decimal("215.50")
    assert [(r.need_id, r.member, r.product) for r in order.rows] == [
        (coop.paper_atelier.id, "Atelier Vélo Solidaire", "Ramette papier A4 recyclé 80 g"),
        (coop.paper_boulangerie.id, "Boulangerie du Port", "Ramette papier A4 recyclé 80 g"),
        (coop.soap.id, "Boulangerie du Port", "Savon noir 5 L"),
    ]
    paper = order.rows[0]
    assert (paper.unit, paper.supplier_ref, paper.unit_price) == ("ream", "PL-A4", Decimal("2.40"))
    assert paper.goods == Decimal("96.00")
    assert paper.total == paper.goods + paper.fee_share + paper.delivery
    assert sum((row.total for row in order.rows), Decimal(0)) == order.total

    assert [m.member for m in first.by_member] == ["Atelier Vélo Solidaire", "Boulangerie du Port"]
    atelier, boulangerie = first.by_member
    assert not atelier.fully_served and boulangerie.fully_served
    assert [row.product for row in boulangerie.rows] == [
        "Ramette papier A4 recyclé 80 g",
        "Savon noir 5 L",
    ]
    for member in first.by_member:
        assert member.savings == member.alone_total - member.total

    indicators = first.indicators
    assert indicators.total_cost == Decimal("215.50")
    assert indicators.savings == indicators.alone_total - indicators.total_cost
    assert (indicators.needs_served, indicators.needs_unmet, indicators.suppliers_used) == (3, 1, 1)


def test_each_allocation_says_what_the_runner_up_would_change(session, make, sessions):
    coop = a_closed_batch(session, make, sessions)
    first = batch_review.review_scenarios(session, session.get(Batch, coop.batch_id))[1]
    paper, _other, soap = first.by_supplier[0].rows
    runner_up = paper.runner_up
    assert runner_up is not None
    assert runner_up.supplier == "ESAT Les Ateliers Verts"
    assert runner_up.unit_price == Decimal("2.90")
    assert runner_up.money > 0 and runner_up.days == 2 and runner_up.eco > 0
    assert soap.runner_up is None  # the only offer for soap


def test_needs_not_fully_served_come_with_their_reason(session, make, sessions):
    coop = a_closed_batch(session, make, sessions)
    first = batch_review.review_scenarios(session, session.get(Batch, coop.batch_id))[1]
    (cups,) = first.short_needs
    assert (cups.need_id, cups.member, cups.product) == (
        coop.cups.id,
        "Atelier Vélo Solidaire",
        "Gobelets compostables",
    )
    assert (cups.status, cups.served, cups.unmet) == ("unmet", Decimal(0), Decimal(100))
    assert cups.reason == REASONS["no_offer"]


def test_scenarios_compared_show_what_differs(session, make, sessions):
    coop = a_closed_batch(session, make, sessions)
    batch = with_green_scenario(session, sessions, coop)
    reviews = batch_review.review_scenarios(session, batch)
    comparison = compare([reviews[1], reviews[2]])

    assert comparison.numbers == (1, 2)
    metrics = {row.name: row for row in comparison.metrics}
    assert metrics["total_cost"].differs and metrics["total_cost"].best == {0}
    assert metrics["eco_score"].differs and metrics["eco_score"].best == {1}
    assert not metrics["needs_served"].differs and metrics["needs_served"].best == set()
    assert [(s.supplier, s.used_in) for s in comparison.suppliers] == [
        ("ESAT Les Ateliers Verts", (False, True))
    ]
    assert [(n.need_id, n.outcomes) for n in comparison.needs] == [
        (
            coop.paper_atelier.id,
            (("served", ("Papeterie Lorraine",)), ("served", ("ESAT Les Ateliers Verts",))),
        ),
        (
            coop.paper_boulangerie.id,
            (("served", ("Papeterie Lorraine",)), ("served", ("ESAT Les Ateliers Verts",))),
        ),
    ]
    assert comparison.needs_alike == 2  # the soap, and the cups nobody sells


def test_a_scenario_still_computing_is_left_out_of_the_review(session, make, sessions):
    coop = a_closed_batch(session, make, sessions)
    request_scenario(session, coop.batch_id, read_policy(GREEN), actor=None)
    session.commit()
    reviews = batch_review.review_scenarios(session, session.get(Batch, coop.batch_id))
    assert list(reviews) == [1]


def test_a_result_missing_keys_or_with_extra_ones_still_reads(session, make, sessions):
    coop = a_closed_batch(session, make, sessions)
    batch = session.get(Batch, coop.batch_id)
    scenario = batch.scenarios[0]
    result = dict(scenario.result)
    result["tours"] = [{"supplier": "1", "explanation": "one tour"}]  # added by a helper
    result["allocations"] = [
        {key: value for key, value in row.items() if key not in ("runner_up", "total")}
        for row in result["allocations"]
    ]
    result["allocations"][0]["supplier"] = "999999"  # a supplier deleted since
    del result["orders"]
    result["indicators"] = {"total_cost": "1.00"}
    scenario.result = result
    names = batch_review.names_for(session, [result])
    found = batch_review.review(scenario, names)
    assert found is not None
    assert found.indicators.eco_score is None and found.indicators.needs_served == 0
    suppliers = [order.supplier for order in found.by_supplier]
    assert suppliers == ["#999999", "Papeterie Lorraine"]
    assert all(row.runner_up is None for row in found.allocations)
    row = found.allocations[0]
    assert row.total == row.goods + row.fee_share + row.delivery
    session.rollback()


def test_the_latest_frontier_job_of_the_batch_is_found(session, make, sessions):
    coop = a_closed_batch(session, make, sessions)
    assert batch_review.frontier_job(session, coop.batch_id) is None
    job = request_frontier(session, coop.batch_id, actor=None)
    session.commit()
    assert batch_review.frontier_job(session, coop.batch_id).id == job.id
    assert batch_review.frontier_job(session, coop.batch_id + 1) is None
    work_jobs(sessions)
    session.expire_all()
    assert session.get(Job, job.id).status == "done"
    assert batch_review.frontier_job(session, coop.batch_id).status == "done"
