"""A delivery tour's CO2 is shared as its price is: in proportion to each member's own round
trip from that supplier, so that pooling never charges a member more road than it would have
driven alone whenever the tour is no longer than the members' own round trips together."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from optimizer_factories import make_need, make_offer, make_problem

from optimizer import Location, Problem, Site, Supplier, solve
from optimizer.tours import share_of_tour

GRAM = Decimal("0.001")


def on_the_equator(lon: float) -> Location:
    return Location(0.0, lon)


def near_and_far(near_units: int, far_units: int, near_lon: float = 0.1) -> Problem:
    """A supplier at longitude 0, a member near it and a member three times as far."""
    sites = [Site("near", on_the_equator(near_lon)), Site("far", on_the_equator(0.3))]
    needs = [
        make_need("n-near", site="near", member="m-near", quantity=near_units),
        make_need("n-far", site="far", member="m-far", quantity=far_units),
    ]
    problem = make_problem(needs, [make_offer()], sites=sites)
    supplier = Supplier("s1", location=on_the_equator(0.0))
    return Problem(problem.needs, problem.offers, (supplier,), problem.policy, problem.sites)


def test_a_near_member_buying_most_of_the_goods_pays_no_more_road_than_alone() -> None:
    # By the value of the goods, the near member would carry nine tenths of a tour as long as
    # the far member's round trip, three times its own.
    solution = solve(near_and_far(near_units=90, far_units=10))
    (tour,) = solution.tours
    members = {m.member: m for m in solution.members}
    own = {m: total.alone_tours[0].co2_kg for m, total in members.items()}
    assert tour.co2_kg <= sum(own.values())
    assert members["m-near"].co2_kg <= own["m-near"]
    assert members["m-far"].co2_kg <= own["m-far"]
    assert sum(m.co2_kg for m in solution.members) == tour.co2_kg
    # shared by own round trips (1 to 3), not by goods (9 to 1)
    assert members["m-near"].co2_kg == share_of_tour(tour.co2_kg, own, GRAM)["m-near"]


def test_a_tour_is_shared_like_its_price() -> None:
    shares = share_of_tour(Decimal("10.000"), {"a": Decimal("1"), "b": Decimal("3")}, GRAM)
    assert shares == {"a": Decimal("2.500"), "b": Decimal("7.500")}
    # nobody's own round trip known: equal parts, to the gram, adding up
    equal = share_of_tour(
        Decimal("1.000"), {"a": Decimal(0), "b": Decimal(0), "c": Decimal(0)}, GRAM
    )
    assert sorted(equal.values()) == [Decimal("0.333"), Decimal("0.333"), Decimal("0.334")]


grams = st.integers(min_value=0, max_value=2_000_000).map(lambda g: Decimal(g) * GRAM)


@given(
    own=st.dictionaries(st.sampled_from("abcdefgh"), grams, min_size=1, max_size=8),
    fraction=st.fractions(min_value=0, max_value=1),
    over=grams,
)
@settings(max_examples=400)
def test_shares_add_up_to_the_tour_and_stay_within_own_round_trips(own, fraction, over) -> None:
    together = sum(own.values(), Decimal(0))
    shorter = (together * fraction.numerator / fraction.denominator).quantize(GRAM, "ROUND_FLOOR")
    shares = share_of_tour(shorter, own, GRAM)
    assert set(shares) == set(own)
    assert sum(shares.values(), Decimal(0)) == shorter
    assert all(Decimal(0) <= shares[m] <= own[m] for m in own)
    # a tour longer than the own round trips together is still shared out exactly
    longer = share_of_tour(together + over, own, GRAM)
    assert sum(longer.values(), Decimal(0)) == together + over


@given(
    places=st.lists(
        st.tuples(
            st.floats(min_value=-0.5, max_value=0.5, allow_nan=False),
            st.floats(min_value=-0.5, max_value=0.5, allow_nan=False),
            st.integers(min_value=1, max_value=60),
        ),
        min_size=1,
        max_size=5,
    )
)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_a_solved_batch_shares_each_tour_within_its_members_round_trips(places) -> None:
    sites = [Site(f"site-{i}", Location(lat, lon)) for i, (lat, lon, _) in enumerate(places)]
    needs = [
        make_need(f"n-{i}", site=f"site-{i}", member=f"m-{i}", quantity=units)
        for i, (_, _, units) in enumerate(places)
    ]
    problem = make_problem(needs, [make_offer()], sites=sites)
    supplier = Supplier("s1", location=Location(0.0, 0.0))
    problem = Problem(problem.needs, problem.offers, (supplier,), problem.policy, problem.sites)
    solution = solve(problem)
    deliveries = [t for t in solution.tours if t.kind == "delivery"]
    own = {m.member: sum((t.co2_kg for t in m.alone_tours), Decimal(0)) for m in solution.members}
    assert sum(m.co2_kg for m in solution.members) == sum(t.co2_kg for t in deliveries)
    if sum(t.co2_kg for t in deliveries) <= sum(own.values(), Decimal(0)):
        assert all(m.co2_kg <= own[m.member] for m in solution.members)
