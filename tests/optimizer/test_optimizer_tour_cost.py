"""Delivery priced along each supplier's tour (``Policy.delivery_cost_per_km``), on instances
checked by hand."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from decimal import Decimal

import jsonschema
import pytest
from optimizer_factories import make_need, make_offer, make_problem

from optimizer import (
    InvalidProblem,
    Location,
    Policy,
    Problem,
    Site,
    SolveOptions,
    Status,
    Supplier,
    solve,
)
from optimizer.jsonio import load_problem
from optimizer.jsonout import problem_to_dict, result_to_dict

DEGREE_KM = 6371.0 * math.pi / 180  # one degree along the equator
CENT = Decimal("0.01")


def equator(lon: float) -> Location:
    return Location(0.0, lon)


def priced(problem: Problem, per_km: str, **changes: object) -> Problem:
    policy: Policy = replace(problem.policy, delivery_cost_per_km=Decimal(per_km), **changes)
    return replace(problem, policy=policy)


def line(per_km: str = "1") -> Problem:
    """A supplier at longitude 0 and three members' sites at 0.1, 0.2 and 0.3 degrees east,
    10 units each at 1.00."""
    sites = [Site(name, equator(lon)) for name, lon in (("a", 0.1), ("b", 0.2), ("c", 0.3))]
    needs = [make_need(f"n-{s.id}", site=s.id, member=f"m-{s.id}") for s in sites]
    base = make_problem(needs, [make_offer()], sites=sites)
    supplier = Supplier("s1", location=equator(0.0))
    return priced(replace(base, suppliers=(supplier,)), per_km)


def km_cost(degrees: float, per_km: float = 1.0) -> Decimal:
    return Decimal(repr(round(degrees * DEGREE_KM, 3))) * Decimal(repr(per_km))


def test_three_sites_on_a_line_pay_one_tour_shared_by_their_own_round_trips() -> None:
    solution = solve(line())
    (tour,) = solution.tours
    assert tour.stops == ("a", "b", "c")
    # out to the farthest site and back, at 1 euro per km: 2 x 0.3 degree
    assert tour.cost == km_cost(0.6).quantize(CENT)
    (order,) = solution.orders
    assert order.delivery == tour.cost
    assert solution.indicators.delivery == tour.cost
    # the farthest stop's round trip is the tour itself: the model's count is exact
    assert solution.report.status is Status.OPTIMAL
    assert solution.report.gap == pytest.approx(0.0, abs=1e-6)
    # shared 1 : 2 : 3, as the members' own round trips (0.2, 0.4 and 0.6 degree)
    paid = {a.member: a.delivery for a in solution.allocations}
    assert sum(paid.values()) == tour.cost
    assert paid["m-a"] == (tour.cost / 6).quantize(CENT)
    assert paid["m-c"] == (tour.cost / 2).quantize(CENT)
    # alone, each member pays its own round trip; pooled, a share of one tour
    for member in solution.members:
        (trip,) = member.alone_tours
        assert trip.cost == (trip.km * 1).quantize(CENT)
        assert member.alone == member.goods + trip.cost
        assert member.savings == trip.cost - member.delivery
    trips = sum((m.alone_tours[0].cost for m in solution.members), Decimal(0))
    assert trips == sum((km_cost(d).quantize(CENT) for d in (0.2, 0.4, 0.6)), Decimal(0))
    assert solution.indicators.savings == trips - tour.cost


def test_a_triangle_costs_more_than_the_model_counts_and_the_gap_says_so() -> None:
    # sites 0.1 degree north and 0.1 degree east of the supplier: the tour is the three sides
    sites = [Site("north", Location(0.1, 0.0)), Site("east", Location(0.0, 0.1))]
    needs = [make_need(f"n-{s.id}", site=s.id, member=f"m-{s.id}") for s in sites]
    base = make_problem(needs, [make_offer()], sites=sites)
    problem = priced(replace(base, suppliers=(Supplier("s1", location=equator(0.0)),)), "1")
    solution = solve(problem)
    (tour,) = solution.tours
    sides = 2 * 0.1 * DEGREE_KM + math.hypot(0.1, 0.1) * DEGREE_KM
    assert float(tour.km) == pytest.approx(sides, abs=0.01)
    (order,) = solution.orders
    assert order.delivery == tour.cost
    report = solution.report
    # the model counted 2 x 0.1 degree; the objective is the tour's, the bound the model's
    counted = 2 * 0.1 * DEGREE_KM
    assert report.gap is not None and report.objective is not None and report.bound is not None
    assert report.gap == pytest.approx((sides - counted) / (20 + sides), rel=1e-3)
    assert report.status is Status.APPROXIMATE
    assert "tour" in report.message
    assert solve(problem, SolveOptions(gap=0.5)).report.status is Status.FEASIBLE


def test_a_far_cheap_supplier_loses_to_a_near_one_once_the_van_is_paid() -> None:
    # 10 units: far at 1.00 a unit (0.5 degree away, 111 km round trip), near at 1.50 (0.01)
    site = Site("hq", equator(0.0))
    need = make_need("n1", site="hq")
    offers = [
        make_offer("far-o", supplier="far", price="1.00"),
        make_offer("near-o", supplier="near", price="1.50"),
    ]
    base = make_problem([need], offers, sites=[site])
    suppliers = (Supplier("far", location=equator(0.5)), Supplier("near", location=equator(0.01)))
    problem = replace(base, suppliers=suppliers)
    assert [o.supplier for o in solve(problem).orders] == ["far"]
    chosen = solve(priced(problem, "0.10"))
    assert [o.supplier for o in chosen.orders] == ["near"]
    assert chosen.orders[0].delivery == km_cost(0.02, 0.10).quantize(CENT)
    assert chosen.report.status is Status.OPTIMAL


def test_one_tour_for_two_needs_at_the_same_site_and_per_unit_costs_still_count() -> None:
    problem = line("0.50")
    problem = replace(
        problem,
        needs=(*problem.needs, make_need("n-c2", product="paper", site="c", member="m-c")),
        delivery_costs=(),
    )
    problem = replace(problem, policy=replace(problem.policy, delivery_cost_per_unit_km=CENT))
    solution = solve(problem)
    (tour,) = solution.tours
    (order,) = solution.orders
    per_unit = sum(
        (
            a.quantity
            * (CENT * Decimal(repr(equator(0.0).km_to(site.location)))).quantize(Decimal("0.001"))
            for a in solution.allocations
            for site in problem.sites
            if site.id == {n.id: n.site for n in problem.needs}[a.need]
            and site.location is not None
        ),
        Decimal(0),
    )
    assert order.delivery == tour.cost + per_unit.quantize(CENT)


def test_delivered_to_the_collection_point_the_van_is_counted_exactly() -> None:
    problem = line("1")
    problem = replace(
        problem,
        collection_point="a",
        policy=replace(problem.policy, deliver_to_collection_point=True),
    )
    solution = solve(problem)
    delivery = [t for t in solution.tours if t.kind == "delivery"]
    assert [t.stops for t in delivery] == [("a",)]
    assert delivery[0].cost == km_cost(0.2).quantize(CENT)
    # members fetch their goods themselves: their pick-ups have no price
    assert all(t.cost == 0 for t in solution.tours if t.kind == "pickup")
    assert solution.report.status is Status.OPTIMAL
    assert solution.indicators.delivery == delivery[0].cost


def test_without_a_price_per_km_nothing_changes() -> None:
    solution = solve(line("0"))
    assert solution.orders[0].delivery == 0
    assert all(t.cost == 0 for t in solution.tours)
    assert solution.report.status is Status.OPTIMAL
    assert "tour" not in solution.report.message


def test_the_json_result_shows_each_tour_cost_and_the_price() -> None:
    problem = line("1.25")
    text = json.dumps(problem_to_dict(problem))
    again = load_problem(text)
    assert again.policy.delivery_cost_per_km == Decimal("1.25")
    result = result_to_dict(solve(again))
    jsonschema.validate(result, json.loads(_result_schema()))
    transport = result["transport"]
    assert transport["delivery_cost_per_km"] == "1.25"
    (tour,) = transport["tours"]
    assert tour["cost"] == f"{km_cost(0.6, 1.25).quantize(CENT)}"
    assert "delivery_cost_per_km" in transport["method"]


def _result_schema() -> str:
    from importlib.resources import files

    return (files("optimizer") / "schema" / "result.schema.json").read_text()


def test_a_negative_or_unreadable_price_per_km_is_refused() -> None:
    with pytest.raises(InvalidProblem) as error:
        line("-1")
    assert error.value.path == "delivery_cost_per_km"
    data = problem_to_dict(line("1"))
    data["policy"]["delivery_cost_per_km"] = "a lot"
    with pytest.raises(InvalidProblem) as refused:
        load_problem(json.dumps(data))
    assert "delivery_cost_per_km" in refused.value.path


def test_a_need_whose_round_trip_costs_more_than_its_goods_is_still_served() -> None:
    # 10 units at 1.00, one degree (111 km) away, at 5 euros per km: a 1,112 euro round trip
    site = Site("far", equator(1.0))
    problem = make_problem([make_need("n1", site="far")], [make_offer()], sites=[site])
    problem = priced(replace(problem, suppliers=(Supplier("s1", location=equator(0.0)),)), "5")
    solution = solve(problem)
    (need,) = solution.needs
    assert need.status == "served"
    assert solution.orders[0].delivery == km_cost(2.0, 5.0).quantize(CENT)
    assert solution.report.status is Status.OPTIMAL
    assert "fewer than possible" not in solution.report.message
