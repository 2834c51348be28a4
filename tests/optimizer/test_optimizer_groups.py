"""Aggregation: which needs are one group, and pooling sites for very large batches."""

from __future__ import annotations

from decimal import Decimal

import pytest
from optimizer_factories import D, make_need, make_offer, make_problem
from test_optimizer_solvers import random_problem

from optimizer import SolveOptions, Status, solve
from optimizer.delivery import DeliveryTable
from optimizer.groups import build_groups

POOLED = SolveOptions(gap=0.0, pool_sites_above=0)

NORTH_SOUTH = {
    ("s1", "lille"): "0.10",
    ("s1", "nice"): "0.90",
    ("s2", "lille"): "0.80",
    ("s2", "nice"): "0.20",
}


def test_needs_at_sites_that_cost_the_same_are_one_group() -> None:
    problem = make_problem(
        [make_need("a", site="lyon"), make_need("b", site="paris", member="m2")],
        [make_offer("o", supplier="s1")],
        delivery={("s1", "lyon"): "0.30", ("s1", "paris"): "0.30"},
    )
    groups, _ = build_groups(problem, DeliveryTable(problem))
    assert [(g.sites, g.demand, g.shipping) for g in groups] == [
        ((("lyon", D(10)), ("paris", D(10))), D(20), (0.3,))
    ]


def test_needs_at_sites_that_cost_differently_stay_apart_unless_pooled() -> None:
    problem = make_problem(
        [make_need("north", site="lille"), make_need("south", site="nice", member="m2")],
        [make_offer("a", supplier="s1"), make_offer("b", supplier="s2")],
        delivery=NORTH_SOUTH,
    )
    exact, _ = build_groups(problem, DeliveryTable(problem))
    assert len(exact) == 2
    pooled, _ = build_groups(problem, DeliveryTable(problem), pool_sites_above=0)
    # one group; each offer priced at the cheapest of its sites, so the model is a relaxation
    assert [(g.shipping, g.pooled) for g in pooled] == [((0.1, 0.2), True)]


def test_a_pooled_group_is_delivered_cheapest_pairs_first() -> None:
    problem = make_problem(
        [make_need("north", site="lille"), make_need("south", site="nice", member="m2")],
        [
            make_offer("a", supplier="s1", capacity=10),
            make_offer("b", supplier="s2", capacity=10),
        ],
        delivery=NORTH_SOUTH,
    )
    solution = solve(problem, POOLED)
    assert solution.report.groups == 1
    assert {(a.need, a.offer) for a in solution.allocations} == {("north", "a"), ("south", "b")}
    assert solution.indicators.delivery == D("3.00")


@pytest.mark.parametrize("seed", range(8))
def test_pooling_changes_nothing_when_every_site_costs_the_same(seed: int) -> None:
    problem = random_problem(seed)
    flat = make_problem(
        list(problem.needs),
        list(problem.offers),
        list(problem.suppliers),
        weights=problem.policy.weights,
        delivery={
            (c.supplier, site.id): str(c.cost_per_unit)
            for c in problem.delivery_costs
            if c.site == "hq"
            for site in problem.sites
        },
        sites=list(problem.sites),
    )
    exact = solve(flat, SolveOptions(gap=0.0))
    pooled = solve(flat, POOLED)
    assert exact.report.status is pooled.report.status is Status.OPTIMAL
    assert exact.report.groups == pooled.report.groups
    assert exact.indicators.total_cost == pooled.indicators.total_cost


@pytest.mark.parametrize("seed", range(8))
def test_pooled_sites_serve_as_much_and_price_delivery_exactly(seed: int) -> None:
    problem = random_problem(seed)
    exact = solve(problem, SolveOptions(gap=0.0))
    pooled = solve(problem, POOLED)
    # the status, objective and bound are the exact problem's, whatever pooling did
    report = pooled.report
    assert report.objective is not None and report.bound is not None
    assert exact.report.objective is not None
    assert report.objective >= exact.report.objective * (1 - 1e-6)
    assert report.bound <= exact.report.objective * (1 + 1e-6)
    assert (report.status is Status.OPTIMAL) == (report.gap is not None and report.gap <= 1e-6)
    assert report.status in (Status.OPTIMAL, Status.APPROXIMATE)
    served = [sum((n.served for n in s.needs), Decimal(0)) for s in (exact, pooled)]
    assert served[0] == served[1]
    # the batch is priced from what is delivered where, whatever the model's averages
    table = DeliveryTable(problem)
    sites = {n.id: n.site for n in problem.needs}
    for allocation in pooled.allocations:
        unit = table.cost_per_unit(allocation.supplier, sites[allocation.need])
        assert abs(allocation.delivery - allocation.quantity * unit) <= D("0.01")


def test_pooled_sites_never_make_an_approximation_optimal() -> None:
    # pooled, the model sees delivery at 0.10 from s1 and 0.20 from s2 for both sites and buys
    # all 20 units from s1: 20.00 + 1.00 + 9.00 = 30.00 at the real sites, while the exact
    # optimum serves each site from its near supplier: 20.00 + 1.00 + 2.00 = 23.00
    problem = make_problem(
        [make_need("north", site="lille"), make_need("south", site="nice", member="m2")],
        [make_offer("a", supplier="s1"), make_offer("b", supplier="s2")],
        delivery=NORTH_SOUTH,
    )
    exact = solve(problem, SolveOptions(gap=0.0))
    assert exact.report.status is Status.OPTIMAL
    assert exact.indicators.total_cost == D("23.00")
    pooled = solve(problem, POOLED)
    assert pooled.indicators.total_cost == D("30.00")
    report = pooled.report
    assert report.status is Status.APPROXIMATE
    assert "pooled" in report.message
    assert report.objective is not None and report.bound is not None
    # the objective is the answer's, at the real sites; the bound holds for the exact problem
    assert report.objective / exact.report.objective == pytest.approx(30 / 23)
    assert report.bound <= exact.report.objective + 1e-9
    assert report.gap == pytest.approx((30 - 22) / 30)


def test_pooled_sites_within_the_gap_are_called_so() -> None:
    # both sites cost the same from s1, and s2 is dearer everywhere: pooling loses nothing
    problem = make_problem(
        [make_need("north", site="lille"), make_need("south", site="nice", member="m2")],
        [make_offer("a", supplier="s1"), make_offer("b", supplier="s2", price="2.00")],
        delivery={("s1", "lille"): "0.10", ("s1", "nice"): "0.10", ("s2", "nice"): "0.30"},
    )
    pooled = solve(problem, POOLED)
    assert pooled.report.status is Status.OPTIMAL
    assert pooled.indicators.total_cost == D("22.00")
