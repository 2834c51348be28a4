"""Solving part by part, and in two phases: most demand served, then least weighted cost."""

from __future__ import annotations

import random
from dataclasses import replace
from decimal import Decimal

import pytest
from optimizer_factories import D, make_need, make_offer, make_problem, make_supplier, random_batch

from optimizer import Problem, Rules, SolveOptions, Status, solve
from optimizer.delivery import DeliveryTable
from optimizer.groups import build_groups
from optimizer.jsonout import result_to_dict
from optimizer.phases import connected

EXACT = SolveOptions(gap=0.0)


def parts_of(problem: Problem, through_fees: bool = True) -> list[list[str]]:
    groups, _ = build_groups(problem, DeliveryTable(problem))
    return [
        sorted(n.id for g in part for n in groups[g].needs)
        for part in connected(problem, groups, through_fees)
    ]


def two_products(rules: Rules | None = None, fee: str = "0") -> Problem:
    return make_problem(
        [make_need("a", product="paper"), make_need("b", product="pen", member="m2")],
        [
            make_offer("paper", product="paper", supplier="s1"),
            make_offer("pen", product="pen", supplier="s1", price="2.00"),
        ],
        [make_supplier("s1", fee=fee)],
        rules=rules,
    )


def test_products_sharing_no_fee_charging_supplier_are_solved_apart() -> None:
    assert parts_of(two_products()) == [["a"], ["b"]]


def test_a_supplier_fee_links_the_products_it_sells() -> None:
    assert parts_of(two_products(fee="12.00")) == [["a", "b"]]
    # the first phase does not look at fees: one cluster per product
    assert parts_of(two_products(fee="12.00"), through_fees=False) == [["a"], ["b"]]


@pytest.mark.parametrize(
    "rules",
    [
        Rules(budget_cap=D(1000)),
        Rules(min_average_eco=10),
        Rules(min_local_share=0.1),
        Rules(min_social_economy_share=0.1),
    ],
)
def test_a_rule_on_the_whole_batch_disables_the_split(rules: Rules) -> None:
    assert parts_of(two_products(rules)) == [["a", "b"]]


def test_a_limit_on_suppliers_per_product_links_the_product_only() -> None:
    problem = make_problem(
        [
            make_need("early", days=3),
            make_need("late", days=20, member="m2"),
            make_need("pen", product="pen"),
        ],
        [
            make_offer("fast", supplier="s1", lead=2),
            make_offer("slow", supplier="s2", lead=10),
            make_offer("pen", product="pen", supplier="s3"),
        ],
    )
    # "early" admits "fast" only; "late" admits both, which links them anyway
    assert parts_of(problem) == [["early", "late"], ["pen"]]
    ruled = make_problem(
        [make_need("early", days=3), make_need("late", days=20, member="m2", site="far")],
        [make_offer("fast", supplier="s1", lead=2), make_offer("slow", supplier="s2", lead=10)],
        rules=Rules(max_suppliers_per_product=1),
        delivery={("s1", "far"): "5.00"},
    )
    assert parts_of(ruled) == [["early", "late"]]


def fee_free_problem(seed: int) -> Problem:
    """A random batch whose suppliers mostly charge no fee, so that it splits into parts."""
    return random_batch(
        random.Random(seed),
        products=(3, 6),
        suppliers=5,
        fees=["0", "0", "0", "6"],
        waivers=[None, "30"],
        local_share=None,
        offers=(5, 12),
        tier_starts=[6, 10],
        discount="0.30",
        minimums=[0, 0, 8],
        capacities=[None, 6, 12],
        sites=["hq", "north"],
        needs=(4, 12),
    )


def in_one_part(problem: Problem) -> Problem:
    """The same batch with a budget cap no batch reaches: the same optimum, solved whole."""
    return problem.replace_policy(replace(problem.policy, rules=Rules(budget_cap=D(10**9))))


@pytest.mark.parametrize("seed", range(10))
def test_solving_apart_gives_the_optimum_of_solving_whole(seed: int) -> None:
    problem = fee_free_problem(seed)
    apart = solve(problem, EXACT)
    whole = solve(in_one_part(problem), EXACT)
    assert apart.report.status is whole.report.status is Status.OPTIMAL
    served = [sum((n.served for n in s.needs), Decimal(0)) for s in (apart, whole)]
    assert served[0] == served[1]
    assert apart.report.objective == pytest.approx(whole.report.objective, rel=1e-6, abs=1e-9)
    assert apart.report.bound == pytest.approx(apart.report.objective, rel=1e-6, abs=1e-9)
    assert apart.indicators.total_cost == pytest.approx(
        whole.indicators.total_cost, abs=Decimal("0.05")
    )


def test_the_random_batches_do_split() -> None:
    assert max(len(parts_of(fee_free_problem(seed))) for seed in range(10)) >= 3


def test_same_input_same_output() -> None:
    problem = fee_free_problem(3)
    first, second = (result_to_dict(solve(problem)) for _ in range(2))
    for result in (first, second):
        for key in ("build_seconds", "solve_seconds"):
            result["report"].pop(key)
    assert first == second


def test_most_demand_is_served_whatever_it_costs() -> None:
    # one unit behind a fee worth a thousand times its price is still bought
    problem = make_problem(
        [make_need(quantity=1)], [make_offer(price="1.00")], [make_supplier(fee="1000.00")]
    )
    solution = solve(problem, EXACT)
    assert solution.needs[0].status == "served"
    assert solution.indicators.total_cost == D("1001.00")


def test_the_objective_is_the_cost_phase_without_any_penalty_for_unmet_demand() -> None:
    # 7 units in packs of 5 and no tolerance: 5 are served; with the cost weight only and a
    # single offer, the cost is divided by the batch value 7 x 2.00
    solution = solve(make_problem([make_need(quantity=7)], [make_offer(pack=5, price="2.00")]))
    report = solution.report
    assert report.status is Status.OPTIMAL
    assert report.objective == pytest.approx(10 / 14)
    assert report.bound == pytest.approx(10 / 14)
    assert solution.needs[0].served == 5


def test_served_demand_is_held_while_the_cost_falls() -> None:
    # serving both needs needs the dear offer for one of them; the cost phase cannot give
    # that up to save money
    problem = make_problem(
        [make_need("a", quantity=6), make_need("b", quantity=6, member="m2")],
        [
            make_offer("cheap", price="1.00", capacity=6),
            make_offer("dear", price="9.00", supplier="s2"),
        ],
        [make_supplier("s1"), make_supplier("s2", fee="50.00")],
    )
    solution = solve(problem, EXACT)
    assert solution.indicators.needs_served == 2
    assert solution.indicators.total_cost == D("110.00")
