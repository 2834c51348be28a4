"""On random tiny instances, the optimizer's answer equals an exhaustive enumeration.

The enumeration below is written independently of the model: it tries every number of packs
for every offer, prices each order at the tier its quantity reaches, places the units on the
needs in every possible way, and keeps the most demand served, then the least cost.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from optimizer_factories import ORDER_DATE, make_need, make_offer, make_problem, make_supplier

from optimizer import Need, Offer, Problem, Supplier, solve


@dataclass(frozen=True)
class Instance:
    needs: list[Need]
    offers: list[Offer]
    suppliers: list[Supplier]
    shipping: dict[str, str]

    def problem(self) -> Problem:
        return make_problem(
            self.needs,
            self.offers,
            self.suppliers,
            delivery={(s, "hq"): cost for s, cost in self.shipping.items()},
        )


@st.composite
def instances(draw: st.DrawFn) -> Instance:
    products = [f"p{i}" for i in range(draw(st.integers(1, 3)))]
    suppliers = [
        make_supplier(
            f"s{i}",
            fee=str(draw(st.sampled_from([0, 0, 2, 5]))),
            waived=draw(st.sampled_from([None, None, "8", "15"])),
        )
        for i in range(3)
    ]
    offers = []
    for i in range(draw(st.integers(1, 4))):
        price = draw(st.sampled_from(["1.00", "1.50", "2.00", "3.00"]))
        tiers = [(0, price)]
        if draw(st.booleans()):
            tiers.append((draw(st.integers(2, 6)), str(Decimal(price) - Decimal("0.50"))))
        offers.append(
            make_offer(
                f"o{i}",
                product=draw(st.sampled_from(products)),
                supplier=draw(st.sampled_from(["s0", "s1", "s2"])),
                pack=draw(st.integers(1, 3)),
                tiers=tiers,
                minimum=draw(st.sampled_from([0, 0, 3, 5])),
                capacity=draw(st.sampled_from([None, None, 3, 6])),
                lead=draw(st.integers(1, 5)),
            )
        )
    needs = [
        make_need(
            f"n{i}",
            product=draw(st.sampled_from(products)),
            quantity=draw(st.integers(1, 5)),
            tolerance=draw(st.integers(0, 2)),
            days=draw(st.integers(2, 6)),
            member=f"m{i % 2}",
            ceiling=draw(st.sampled_from([None, None, None, "1.60"])),
        )
        for i in range(draw(st.integers(1, 4)))
    ]
    shipping = {s: draw(st.sampled_from(["0", "0.10", "0.25"])) for s in ("s0", "s1", "s2")}
    return Instance(needs, offers, suppliers, shipping)


def price_at(offer: Offer, quantity: int) -> Decimal:
    price = offer.tiers[0].unit_price
    for tier in offer.tiers:
        if quantity >= tier.min_quantity:
            price = tier.unit_price
    return price


def enumerate_best(instance: Instance) -> tuple[Decimal, Decimal]:
    """(most units of demand served, least total cost at that service), by brute force."""
    needs, offers = instance.needs, instance.offers
    fees = {s.id: s for s in instance.suppliers}
    ranges = []
    for offer in offers:
        room = sum(n.quantity + n.tolerance for n in needs if n.product == offer.product)
        if offer.capacity is not None:
            room = min(room, offer.capacity)
        ranges.append(range(int(room // offer.pack_size) + 1))
    best: tuple[Decimal, Decimal] | None = None
    for packs in itertools.product(*ranges):
        quantities = [int(k * o.pack_size) for k, o in zip(packs, offers, strict=True)]
        if any(0 < q < o.minimum_quantity for q, o in zip(quantities, offers, strict=True)):
            continue
        prices = [price_at(o, q) for o, q in zip(offers, quantities, strict=True)]
        served = most_served(needs, offers, quantities, prices)
        if served is None:
            continue
        cost = Decimal(0)
        goods: dict[str, Decimal] = {}
        for offer, q, p in zip(offers, quantities, prices, strict=True):
            if q:
                cost += q * (p + Decimal(instance.shipping[offer.supplier]))
                goods[offer.supplier] = goods.get(offer.supplier, Decimal(0)) + q * p
        for supplier, value in goods.items():
            threshold = fees[supplier].fee_waived_above
            if threshold is None or value < threshold:
                cost += fees[supplier].delivery_fee
        candidate = (Decimal(served), cost)
        if best is None or (candidate[0], -candidate[1]) > (best[0], -best[1]):
            best = candidate
    assert best is not None  # buying nothing is always possible
    return best


def most_served(
    needs: Sequence[Need], offers: Sequence[Offer], quantities: list[int], prices: list[Decimal]
) -> int | None:
    """Most demand served placing every unit bought on a need that may take it, or None."""
    admissible = [
        [
            n.product == o.product
            and (n.needed_by - ORDER_DATE).days >= o.lead_time_days
            and (n.price_ceiling is None or p <= n.price_ceiling)
            for n in needs
        ]
        for o, p in zip(offers, prices, strict=True)
    ]
    caps = [int(n.quantity + n.tolerance) for n in needs]

    @cache
    def place(i: int, received: tuple[int, ...]) -> int | None:
        if i == len(offers):
            return sum(min(r, int(n.quantity)) for r, n in zip(received, needs, strict=True))
        best = None
        for split in splits(
            quantities[i],
            [caps[j] - received[j] if admissible[i][j] else 0 for j in range(len(needs))],
        ):
            value = place(i + 1, tuple(r + s for r, s in zip(received, split, strict=True)))
            if value is not None and (best is None or value > best):
                best = value
        return best

    return place(0, tuple(0 for _ in needs))


def splits(total: int, room: list[int]) -> list[tuple[int, ...]]:
    if not room:
        return [()] if total == 0 else []
    return [
        (first, *rest)
        for first in range(min(total, room[0]) + 1)
        for rest in splits(total - first, room[1:])
    ]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_the_optimum_equals_exhaustive_enumeration(instance: Instance) -> None:
    solution = solve(instance.problem())
    served = sum((n.served for n in solution.needs), Decimal(0))
    assert (served, solution.indicators.total_cost) == enumerate_best(instance)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_money_adds_up_and_fully_served_members_never_lose(instance: Instance) -> None:
    solution = solve(instance.problem())
    indicators = solution.indicators
    assert sum((m.total for m in solution.members), Decimal(0)) == indicators.total_cost
    assert sum((a.total for a in solution.allocations), Decimal(0)) == indicators.total_cost
    assert sum((o.total for o in solution.orders), Decimal(0)) == indicators.total_cost
    for order in solution.orders:
        mine = [a for a in solution.allocations if a.supplier == order.supplier]
        assert sum((a.goods for a in mine), Decimal(0)) == order.goods
        assert sum((a.fee_share for a in mine), Decimal(0)) == order.fee
        assert sum((a.delivery for a in mine), Decimal(0)) == order.delivery
    for member in solution.members:
        if member.fully_served:
            assert member.savings >= 0
