"""One tiny, hand-checked instance per constraint family and per hard rule."""

from __future__ import annotations

from decimal import Decimal

from optimizer_factories import D, make_need, make_offer, make_problem, make_supplier

from optimizer import Reason, Rules, Solution, Status, solve


def bought(solution: Solution) -> dict[str, Decimal]:
    return {line.offer: line.quantity for order in solution.orders for line in order.lines}


def outcome(solution: Solution, need: str) -> tuple[str, Decimal, Reason | None]:
    result = next(n for n in solution.needs if n.need == need)
    return result.status, result.served, result.reason


def test_demand_is_met_at_the_offer_price() -> None:
    solution = solve(make_problem([make_need(quantity=10)], [make_offer(price="2.10")]))
    assert solution.report.status is Status.OPTIMAL
    assert bought(solution) == {"o1": 10}
    assert solution.indicators.total_cost == D("21.00")
    assert outcome(solution, "n1") == ("served", 10, None)


def test_a_need_without_any_offer_is_declared_unmet() -> None:
    solution = solve(make_problem([make_need(product="ink")], [make_offer()]))
    assert outcome(solution, "n1") == ("unmet", 0, Reason.NO_OFFER)


def test_an_offer_arriving_after_the_deadline_cannot_serve() -> None:
    problem = make_problem(
        [make_need("late", days=3), make_need("early", days=10)],
        [make_offer("slow", lead=5, price="1.00"), make_offer("fast", lead=2, price="3.00")],
    )
    solution = solve(problem)
    by_need = {a.need: a.offer for a in solution.allocations}
    assert by_need == {"late": "fast", "early": "slow"}


def test_no_offer_in_time_is_the_reason() -> None:
    solution = solve(make_problem([make_need(days=2)], [make_offer(lead=5)]))
    assert outcome(solution, "n1") == ("unmet", 0, Reason.DEADLINE)


def test_packs_are_whole_and_the_tolerance_absorbs_the_rounding() -> None:
    solution = solve(make_problem([make_need(quantity=7, tolerance=3)], [make_offer(pack=5)]))
    assert bought(solution) == {"o1": 10}
    result = solution.needs[0]
    assert (result.served, result.received) == (7, 10)


def test_without_tolerance_only_whole_packs_that_fit_are_bought() -> None:
    solution = solve(make_problem([make_need(quantity=7)], [make_offer(pack=5)]))
    assert bought(solution) == {"o1": 5}
    assert outcome(solution, "n1") == ("partial", 5, Reason.PACK_SIZE)


def test_a_minimum_order_is_reached_by_pooling_or_not_at_all() -> None:
    alone = solve(make_problem([make_need(quantity=5)], [make_offer(minimum=10)]))
    assert outcome(alone, "n1") == ("unmet", 0, Reason.MINIMUM_QUANTITY)
    pooled = solve(
        make_problem(
            [make_need("a", quantity=5), make_need("b", quantity=6, member="m2")],
            [make_offer(minimum=10)],
        )
    )
    assert bought(pooled) == {"o1": 11}


def test_capacity_sends_the_rest_to_the_next_best_offer() -> None:
    problem = make_problem(
        [make_need(quantity=10)],
        [make_offer("cheap", price="1.00", capacity=6), make_offer("dear", price="2.00")],
    )
    assert bought(solve(problem)) == {"cheap": 6, "dear": 4}


def test_capacity_is_the_reason_when_nothing_else_can_serve() -> None:
    solution = solve(make_problem([make_need(quantity=10)], [make_offer(capacity=6)]))
    assert outcome(solution, "n1") == ("partial", 6, Reason.CAPACITY)


def test_the_pooled_quantity_reaches_a_tier_nobody_reaches_alone() -> None:
    problem = make_problem(
        [make_need("a", quantity=6, member="m1"), make_need("b", quantity=6, member="m2")],
        [make_offer(tiers=[(0, "2.00"), (10, "1.50")])],
    )
    solution = solve(problem)
    assert {a.unit_price for a in solution.allocations} == {D("1.50")}
    assert [(m.total, m.alone, m.savings) for m in solution.members] == [
        (D("9.00"), D("12.00"), D("3.00")),
        (D("9.00"), D("12.00"), D("3.00")),
    ]
    assert solution.indicators.savings == D("6.00")


def test_the_fee_is_paid_once_per_supplier_and_shared() -> None:
    problem = make_problem(
        [
            make_need("a", quantity=10, member="m1"),
            make_need("b", product="pen", quantity=5, member="m2"),
        ],
        [make_offer("paper"), make_offer("pen", product="pen", price="2.00")],
        [make_supplier(fee="12.00")],
    )
    solution = solve(problem)
    assert [o.fee for o in solution.orders] == [D("12.00")]
    assert sorted(m.fees for m in solution.members) == [D("6.00"), D("6.00")]
    assert solution.indicators.total_cost == D("32.00")


def test_the_fee_is_waived_when_the_order_reaches_the_threshold() -> None:
    # 9 units at 10.00 plus a 20.00 fee cost 110.00; one more unit (within tolerance) makes
    # the order 100.00, which waives the fee
    problem = make_problem(
        [make_need(quantity=9, tolerance=1)],
        [make_offer(price="10.00")],
        [make_supplier(fee="20.00", waived="100.00")],
    )
    solution = solve(problem)
    assert bought(solution) == {"o1": 10}
    assert solution.orders[0].fee == 0
    assert solution.indicators.total_cost == D("100.00")


def test_a_price_ceiling_keeps_dear_offers_away() -> None:
    problem = make_problem(
        [make_need(quantity=4, ceiling="1.50")],
        [make_offer("dear", price="2.00"), make_offer("ok", price="1.40", lead=3)],
    )
    assert {a.offer for a in solve(problem).allocations} == {"ok"}
    hopeless = make_problem([make_need(ceiling="1.00")], [make_offer(price="2.00")])
    assert outcome(solve(hopeless), "n1") == ("unmet", 0, Reason.PRICE_CEILING)


def test_a_price_ceiling_met_only_at_a_higher_tier() -> None:
    tiers = [(0, "3.00"), (10, "2.00")]
    met = solve(make_problem([make_need(quantity=10, ceiling="2.50")], [make_offer(tiers=tiers)]))
    assert outcome(met, "n1") == ("served", 10, None)
    missed = solve(make_problem([make_need(quantity=5, ceiling="2.50")], [make_offer(tiers=tiers)]))
    assert outcome(missed, "n1") == ("unmet", 0, Reason.PRICE_CEILING)


GREEN_AND_GREY = [
    make_offer("grey", supplier="s1", price="1.00", eco=30),
    make_offer("green", supplier="s2", price="1.50", eco=90),
]


def test_rule_minimum_average_eco_score() -> None:
    assert bought(solve(make_problem([make_need()], GREEN_AND_GREY))) == {"grey": 10}
    ruled = solve(make_problem([make_need()], GREEN_AND_GREY, rules=Rules(min_average_eco=60)))
    # spend-weighted: 6 x 1.00 x 30 + 4 x 1.50 x 90 = 720 over 12.00 spent = 60
    assert bought(ruled) == {"grey": 6, "green": 4}
    assert ruled.indicators.eco_score == D("60.0")


def test_rule_budget_cap_leaves_demand_unmet_with_the_rule_as_reason() -> None:
    solution = solve(make_problem([make_need()], [make_offer()], rules=Rules(budget_cap=D(6))))
    assert solution.indicators.total_cost <= 6
    assert outcome(solution, "n1") == ("partial", 6, Reason.RULE)


def test_rule_maximum_suppliers_per_product() -> None:
    offers = [
        make_offer("cheap", supplier="s1", price="1.00", capacity=6),
        make_offer("dear", supplier="s2", price="2.00"),
    ]
    assert bought(solve(make_problem([make_need()], offers))) == {"cheap": 6, "dear": 4}
    ruled = solve(make_problem([make_need()], offers, rules=Rules(max_suppliers_per_product=1)))
    assert bought(ruled) == {"dear": 10}


def test_rule_minimum_share_from_local_suppliers() -> None:
    suppliers = [make_supplier("s1"), make_supplier("s2", local=True)]
    ruled = solve(
        make_problem([make_need()], GREEN_AND_GREY, suppliers, rules=Rules(min_local_share=0.5))
    )
    # half the spend: 1.50 x g >= 0.5 x (1.00 x (10 - g) + 1.50 x g), so g >= 4
    assert bought(ruled) == {"grey": 6, "green": 4}


def test_rule_minimum_share_from_the_social_economy() -> None:
    suppliers = [make_supplier("s1"), make_supplier("s2", social=True)]
    offers = [
        make_offer("grey", supplier="s1", price="1.00"),
        make_offer("social", supplier="s2", price="1.20", product="paper"),
    ]
    problem = make_problem(
        [make_need(quantity=10)], offers, suppliers, rules=Rules(min_social_economy_share=0.3)
    )
    quantities = bought(solve(problem))
    # at least 30 % of the spend: 1.20 x s >= 0.3 x (1.00 x (10 - s) + 1.20 x s)
    assert quantities == {"grey": 7, "social": 3}


def test_rule_single_supplier_per_need() -> None:
    offers = [
        make_offer("cheap", supplier="s1", price="1.00", capacity=6),
        make_offer("dear", supplier="s2", price="2.00"),
    ]
    ruled = solve(make_problem([make_need()], offers, rules=Rules(single_supplier_per_need=True)))
    assert bought(ruled) == {"dear": 10}


def test_delivery_cost_depends_on_the_site() -> None:
    problem = make_problem(
        [make_need("north", site="lille"), make_need("south", site="nice", member="m2")],
        [
            make_offer("a", supplier="s1", price="1.00"),
            make_offer("b", supplier="s2", price="1.00"),
        ],
        delivery={
            ("s1", "lille"): "0.10",
            ("s1", "nice"): "0.90",
            ("s2", "lille"): "0.80",
            ("s2", "nice"): "0.20",
        },
    )
    solution = solve(problem)
    assert {(a.need, a.offer) for a in solution.allocations} == {("north", "a"), ("south", "b")}
    assert solution.indicators.delivery == D("3.00")


def test_shares_add_up_to_the_cent() -> None:
    needs = [make_need(f"n{i}", quantity=1, member=f"m{i}") for i in range(3)]
    problem = make_problem(needs, [make_offer(price="0.333")], [make_supplier(fee="10.00")])
    solution = solve(problem)
    assert sum(m.total for m in solution.members) == solution.indicators.total_cost
    assert sorted(m.fees for m in solution.members) == [D("3.33"), D("3.33"), D("3.34")]
    assert solution.indicators.total_cost == D("11.00")


def test_runner_up_says_what_the_other_offer_would_change() -> None:
    solution = solve(make_problem([make_need()], GREEN_AND_GREY))
    runner = solution.allocations[0].runner_up
    assert runner is not None
    assert (runner.offer, runner.money, runner.days, runner.eco) == ("green", D("5.00"), 0, 60)
