"""Fair shares: a pack or an offer that falls short is shared in proportion to what was asked."""

from __future__ import annotations

from decimal import Decimal

from optimizer_factories import D, make_need, make_offer, make_problem

from optimizer import Need, Offer, solve
from optimizer.allocate import fair_shares


def received(needs: list[Need], offer: Offer) -> dict[str, tuple[Decimal, Decimal]]:
    solution = solve(make_problem(needs, [offer]))
    return {n.need: (n.served, n.received) for n in solution.needs}


def three_members(
    quantities: list[int], tolerance: int, days: list[int] | None = None
) -> list[Need]:
    days = days or [14] * len(quantities)
    return [
        make_need(f"n{i + 1}", quantity=q, tolerance=tolerance, member=f"m{i + 1}", days=d)
        for i, (q, d) in enumerate(zip(quantities, days, strict=True))
    ]


def test_a_short_pack_is_shared_in_proportion_to_what_was_asked() -> None:
    # one pack of 12 for 5 + 5 + 4 asked (two packs, 24, exceed 14 + 3 x 2): 2 units short,
    # shared 5:5:4, i.e. 0.71, 0.71 and 0.57 units: whole units by largest remainder take one
    # from each of the two larger needs; first-come-first-served would have cut n3 to 2
    got = received(three_members([5, 5, 4], tolerance=2), make_offer(pack=12))
    assert got == {"n1": (D(4), D(4)), "n2": (D(4), D(4)), "n3": (D(4), D(4))}


def test_the_surplus_of_a_pack_fills_tolerances_in_proportion() -> None:
    # 6 + 3 + 1 asked, one pack of 12: 2 units of surplus shared 6:3:1 (1.2, 0.6, 0.2),
    # so one unit each to the two larger needs, not both to the first entered
    got = received(three_members([6, 3, 1], tolerance=2), make_offer(pack=12))
    assert got == {"n1": (D(6), D(7)), "n2": (D(3), D(4)), "n3": (D(1), D(1))}


def test_a_nearer_deadline_is_still_served_first() -> None:
    # the same pack, but n3 is needed two days earlier: it is served in full first
    got = received(three_members([5, 5, 4], tolerance=2, days=[14, 14, 12]), make_offer(pack=12))
    assert got["n3"] == (D(4), D(4))
    assert got["n1"] == got["n2"] == (D(4), D(4))
    later = received(three_members([5, 5, 4], tolerance=2, days=[12, 14, 14]), make_offer(pack=12))
    # n1 first: 5 in full; the 7 left shared 5:4 between n2 and n3 (3.9 and 3.1)
    assert later == {"n1": (D(5), D(5)), "n2": (D(4), D(4)), "n3": (D(3), D(3))}


def test_a_capacity_short_of_demand_is_shared_too() -> None:
    got = received(three_members([10, 10, 10], tolerance=0), make_offer(capacity=20))
    assert sorted(served for served, _ in got.values()) == [D(6), D(7), D(7)]
    assert sum(served for served, _ in got.values()) == 20


def test_shares_do_not_follow_the_order_of_entry() -> None:
    # equal remainders: the unit goes by a fixed order drawn from the ids, the same whatever
    # order the needs are listed in
    ids = ["a", "b", "c"]
    one = fair_shares(D(2), [D(1)] * 3, [D(1)] * 3, ids)
    other = fair_shares(D(2), [D(1)] * 3, [D(1)] * 3, list(reversed(ids)))
    assert sum(one) == 2
    assert dict(zip(ids, one, strict=True)) == dict(zip(reversed(ids), other, strict=True))


def test_a_full_share_passes_what_it_cannot_take_to_the_others() -> None:
    # 6 shared 1:1:1 within room 1, 5, 5: x is full at 1; the 5 left go to y and z
    shares = fair_shares(D(6), [D(1)] * 3, [D(1), D(5), D(5)], ["x", "y", "z"])
    assert shares[0] == 1
    assert sorted(shares[1:]) == [2, 3]
