"""Aggregation: needs that are the same to the model are solved as one group.

Two needs are the same to the model when they are for the same product, delivered to the same
site (delivery costs depend on it), and admit exactly the same offers at the same price-ceiling
tier. The model then grows with products x offers x sites in use, not with the number of needs.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from optimizer.problem import Need, Offer, Problem


class Reason(StrEnum):
    """Why a need, or part of it, is not served."""

    NO_OFFER = "no_offer"
    DEADLINE = "deadline"
    PRICE_CEILING = "price_ceiling"
    CAPACITY = "capacity"
    MINIMUM_QUANTITY = "minimum_quantity"
    PACK_SIZE = "pack_size"
    RULE = "rule"
    NOT_SOLVED = "not_solved"


@dataclass(frozen=True, slots=True)
class Arc:
    """An offer that may serve a group, from price tier ``min_tier`` upwards."""

    offer: int
    min_tier: int


@dataclass(frozen=True, slots=True)
class Group:
    """Needs solved together: one demand, one tolerance, the same admissible offers."""

    product: str
    site: str
    needs: tuple[Need, ...]
    arcs: tuple[Arc, ...]
    demand: Decimal
    tolerance: Decimal


def arrives_in_time(offer: Offer, need: Need, order_date: date) -> bool:
    """An offer whose lead time misses the need's deadline cannot serve it."""
    return order_date + timedelta(days=offer.lead_time_days) <= need.needed_by


def lowest_tier_within_ceiling(offer: Offer, need: Need) -> int | None:
    """The first tier whose unit price respects the need's ceiling (prices never rise with
    quantity, so every later tier does too), or None when no tier does."""
    if need.price_ceiling is None:
        return 0
    for i, tier in enumerate(offer.tiers):
        if tier.unit_price <= need.price_ceiling:
            return i
    return None


def admissible_arcs(
    need: Need, offers: list[tuple[int, Offer]], order_date: date
) -> tuple[tuple[Arc, ...], Reason | None]:
    """The offers that may serve ``need`` and, when there are none, the reason why."""
    if not offers:
        return (), Reason.NO_OFFER
    in_time = [(i, o) for i, o in offers if arrives_in_time(o, need, order_date)]
    if not in_time:
        return (), Reason.DEADLINE
    arcs = []
    for i, offer in in_time:
        tier = lowest_tier_within_ceiling(offer, need)
        if tier is not None:
            arcs.append(Arc(i, tier))
    if not arcs:
        return (), Reason.PRICE_CEILING
    return tuple(arcs), None


def build_groups(problem: Problem) -> tuple[list[Group], dict[str, Reason]]:
    """The groups to solve, sorted deterministically, and the needs no offer can serve."""
    by_product: dict[str, list[tuple[int, Offer]]] = defaultdict(list)
    for i, offer in enumerate(problem.offers):
        by_product[offer.product].append((i, offer))
    single = problem.policy.rules.single_supplier_per_need
    members: dict[tuple[object, ...], list[Need]] = defaultdict(list)
    arcs_of: dict[tuple[object, ...], tuple[Arc, ...]] = {}
    hopeless: dict[str, Reason] = {}
    for need in problem.needs:
        arcs, reason = admissible_arcs(
            need, by_product.get(need.product, []), problem.policy.order_date
        )
        if reason is not None:
            hopeless[need.id] = reason
            continue
        # a single supplier per need is a decision per need, so such needs are not pooled
        key: tuple[object, ...] = (need.product, need.site, arcs, need.id if single else "")
        members[key].append(need)
        arcs_of[key] = arcs
    groups = []

    def order(key: tuple[object, ...]) -> tuple[str, str, str, list[tuple[int, int]]]:
        return (
            str(key[0]),
            str(key[1]),
            str(key[3]),
            [(a.offer, a.min_tier) for a in arcs_of[key]],
        )

    for key in sorted(members, key=order):
        needs = tuple(sorted(members[key], key=lambda n: (n.needed_by, n.id)))
        groups.append(
            Group(
                product=needs[0].product,
                site=needs[0].site,
                needs=needs,
                arcs=arcs_of[key],
                demand=sum((n.quantity for n in needs), Decimal(0)),
                tolerance=sum((n.tolerance for n in needs), Decimal(0)),
            )
        )
    return groups, hopeless
