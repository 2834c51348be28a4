"""Delivery tours on instances checked by hand: what pooling saves on the road."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from decimal import Decimal

import jsonschema
import pytest
from optimizer_factories import make_need, make_offer, make_problem

from optimizer import InvalidProblem, Location, Problem, Site, Supplier, solve
from optimizer.jsonio import load_problem, schema
from optimizer.jsonout import problem_to_dict, result_to_dict
from optimizer.tours import round_trip

DEGREE_KM = 6371.0 * math.pi / 180  # one degree along the equator


def on_the_equator(lon: float) -> Location:
    return Location(0.0, lon)


def line_problem(collection_point: str | None = None, deliver_there: bool = False) -> Problem:
    """A supplier at longitude 0 and three members' sites at 0.1, 0.2 and 0.3 degrees."""
    sites = [Site(name, on_the_equator(lon)) for name, lon in (("a", 0.1), ("b", 0.2), ("c", 0.3))]
    needs = [make_need(f"n-{s.id}", site=s.id, member=f"m-{s.id}") for s in sites]
    problem = make_problem(needs, [make_offer()], sites=sites)
    supplier = Supplier("s1", location=on_the_equator(0.0))
    policy = replace(problem.policy, deliver_to_collection_point=deliver_there)
    return Problem(
        problem.needs,
        problem.offers,
        (supplier,),
        policy,
        problem.sites,
        collection_point=collection_point,
    )


def test_three_sites_on_a_line_are_one_round_trip() -> None:
    solution = solve(line_problem())
    (tour,) = solution.tours
    assert tour.stops == ("a", "b", "c")
    # out to the farthest site and back: 2 x 0.3 degree, against 2 x (0.1 + 0.2 + 0.3) alone
    assert float(tour.km) == pytest.approx(2 * 0.3 * DEGREE_KM, abs=2e-3)
    indicators = solution.indicators
    assert float(indicators.transport_km) == pytest.approx(2 * 0.3 * DEGREE_KM, abs=2e-3)
    assert float(indicators.alone_km) == pytest.approx(2 * 0.6 * DEGREE_KM, abs=4e-3)
    assert indicators.transport_co2_kg == (tour.km * Decimal("0.25")).quantize(Decimal("0.001"))
    assert indicators.co2_avoided_kg > 0
    # each member's alone figure is its own round trip
    alone = {m.member: m.alone_tours[0].km for m in solution.members}
    assert float(alone["m-a"]) == pytest.approx(2 * 0.1 * DEGREE_KM, abs=1e-3)
    assert float(alone["m-c"]) == pytest.approx(2 * 0.3 * DEGREE_KM, abs=1e-3)
    # the members' shares add up to the tour
    assert sum(m.co2_kg for m in solution.members) == tour.co2_kg


def test_a_site_named_like_its_supplier_is_still_on_the_tour() -> None:
    # ids come from two tables of the database: supplier 1 may well deliver to site 1
    site = Site("1", on_the_equator(0.1))
    need = make_need("n-1", site="1", member="m-1")
    problem = make_problem([need], [make_offer(supplier="1")], sites=[site])
    supplier = Supplier("1", location=on_the_equator(0.0))
    problem = Problem(problem.needs, problem.offers, (supplier,), problem.policy, problem.sites)
    solution = solve(problem)
    (tour,) = solution.tours
    assert tour.stops == ("1",)
    assert float(tour.km) == pytest.approx(2 * 0.1 * DEGREE_KM, abs=1e-3)
    (member,) = solution.members
    assert member.alone_tours[0].km == tour.km and member.co2_kg == tour.co2_kg


def test_a_triangle_is_the_three_sides() -> None:
    start, b, c = Location(0.0, 0.0), Location(0.0, 0.1), Location(0.1, 0.0)
    km, order = round_trip(start, [b, c])
    assert km == pytest.approx(start.km_to(b) + b.km_to(c) + c.km_to(start))
    assert sorted(order) == [0, 1]


def test_two_opt_undoes_a_crossing() -> None:
    # corners of a square visited by nearest neighbour from one corner never cross; a
    # zigzag line does until 2-opt straightens it
    start = on_the_equator(0.0)
    stops = [on_the_equator(lon) for lon in (0.3, 0.1, 0.4, 0.2)]
    km, order = round_trip(start, stops)
    assert km == pytest.approx(2 * 0.4 * DEGREE_KM)
    assert [stops[i].lon for i in order] in ([0.1, 0.2, 0.3, 0.4], [0.4, 0.3, 0.2, 0.1])


def test_delivered_to_the_collection_point_members_pick_up() -> None:
    solution = solve(line_problem(collection_point="b", deliver_there=True))
    delivery = [t for t in solution.tours if t.kind == "delivery"]
    pickups = sorted((t.by, t.start) for t in solution.tours if t.kind == "pickup")
    assert [t.stops for t in delivery] == [("b",)]
    assert float(delivery[0].km) == pytest.approx(2 * 0.2 * DEGREE_KM, abs=1e-3)
    # the member at b fetches nothing; a and c each drive 0.1 degree and back
    assert pickups == [("m-a", "a"), ("m-c", "c")]
    expected = 2 * 0.2 * DEGREE_KM + 2 * (2 * 0.1 * DEGREE_KM)
    assert float(solution.indicators.transport_km) == pytest.approx(expected, abs=3e-3)
    result = result_to_dict(solution)
    jsonschema.validate(result, schema("result"))
    assert result["transport"]["collection_point"] == "b"
    assert {t["kind"] for t in result["transport"]["tours"]} == {"delivery", "pickup"}


def test_the_collection_point_round_trips_through_json_and_must_be_a_site() -> None:
    problem = line_problem(collection_point="b", deliver_there=True)
    data = problem_to_dict(problem)
    assert problem_to_dict(load_problem(json.dumps(data))) == data
    data["collection_point"] = "nowhere"
    with pytest.raises(InvalidProblem, match="collection_point: unknown site"):
        load_problem(json.dumps(data))
    data["collection_point"] = None
    with pytest.raises(InvalidProblem, match="no collection point"):
        load_problem(json.dumps(data))
