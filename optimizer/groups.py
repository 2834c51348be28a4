"""Aggregation: needs that are the same to the model are solved as one group.

Two needs are the same to the model when they are for the same product, admit exactly the same
offers at the same price-ceiling tier, and cost the same to deliver from each of them (needs at
the same site, or at sites that cost the same and, when tours are priced by the km, are equally
far). The model then grows with products x offers x delivery profiles in use, not with the
number of needs; for very large batches, sites are pooled (see :func:`build_groups`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from optimizer.delivery import DeliveryTable
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
    """Needs solved together: one demand, one tolerance, the same admissible offers.

    ``sites`` gives each delivery site of the group with the quantity its needs ask for there;
    ``shipping[i]`` is the delivery cost per unit from the supplier of ``arcs[i]``: the exact
    cost when the group has a single site, or sites that cost the same; for a ``pooled`` group
    (sites that cost differently, see :func:`build_groups`), the cheapest of its sites, so that
    the model is a relaxation of the exact problem and its bound stays a bound."""

    product: str
    sites: tuple[tuple[str, Decimal], ...]
    needs: tuple[Need, ...]
    arcs: tuple[Arc, ...]
    demand: Decimal
    tolerance: Decimal
    shipping: tuple[float, ...]
    pooled: bool = False


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


def build_groups(
    problem: Problem, delivery: DeliveryTable, pool_sites_above: int | None = None
) -> tuple[list[Group], dict[str, Reason]]:
    """The groups to solve, sorted deterministically, and the needs no offer can serve.

    Needs are grouped by product, admissible offers and delivery costs (sites that cost the
    same to deliver from every supplier are alike), which is exact. When that gives more
    than ``pool_sites_above`` flow variables (one per group and admissible offer), needs are
    grouped by product and admissible offers only (sites pooled), each group priced at the
    cheapest delivery cost among its needs' sites: the model then under-estimates delivery, so
    its bound is a bound for the exact problem, and the answer is priced at the real sites
    afterwards (see :func:`optimizer.engine.solve`)."""
    by_product: dict[str, list[tuple[int, Offer]]] = defaultdict(list)
    for i, offer in enumerate(problem.offers):
        by_product[offer.product].append((i, offer))
    single = problem.policy.rules.single_supplier_per_need
    order_date = problem.policy.order_date
    slowest = {
        product: max(o.lead_time_days for _, o in offers) for product, offers in by_product.items()
    }
    known: dict[tuple[str, int, Decimal | None], tuple[int, Reason | None]] = {}
    arc_sets: list[tuple[Arc, ...]] = []
    arc_id: dict[tuple[Arc, ...], int] = {}
    admitted: list[tuple[Need, int]] = []
    hopeless: dict[str, Reason] = {}
    for need in problem.needs:
        # every offer arrives in time for a deadline beyond the slowest lead time
        days = min((need.needed_by - order_date).days, slowest.get(need.product, 0))
        seen = (need.product, days, need.price_ceiling)
        found = known.get(seen)
        if found is None:
            arcs, reason = admissible_arcs(need, by_product.get(need.product, []), order_date)
            found = (arc_id.setdefault(arcs, len(arc_id)), reason)
            if found[0] == len(arc_sets):
                arc_sets.append(arcs)
            known[seen] = found
        if found[1] is not None:
            hopeless[need.id] = found[1]
        else:
            admitted.append((need, found[0]))
    supplier_of = [offer.supplier for offer in problem.offers]
    # sites that cost the same to deliver from every supplier are the same to the model
    used = sorted({offer.supplier for offer in problem.offers})
    profile_of: dict[tuple[Decimal, ...], int] = {}
    site_class: dict[str, int] = {}
    site_costs: dict[str, list[float]] = {}
    # when tours are priced by the km, sites alike are also equally far from every supplier
    by_road = problem.policy.prices_tours and not problem.policy.deliver_to_collection_point
    for site in sorted({need.site for need, _ in admitted}):
        profile = tuple(delivery.cost_per_unit(supplier, site) for supplier in used)
        if by_road:
            profile += tuple(
                Decimal(-1) if (km := delivery.km(supplier, site)) is None else Decimal(repr(km))
                for supplier in used
            )
        site_class[site] = profile_of.setdefault(profile, len(profile_of))
        site_costs[site] = [float(cost) for cost in profile]
    column = {supplier: i for i, supplier in enumerate(used)}
    offer_column = [column[supplier] for supplier in supplier_of]

    def grouped(exact: bool) -> dict[tuple[str, int, int, str], list[Need]]:
        members: dict[tuple[str, int, int, str], list[Need]] = defaultdict(list)
        for need, arcs in admitted:
            where = site_class[need.site] if exact else -1
            # a single supplier per need is a decision per need, so such needs are not pooled
            members[need.product, arcs, where, need.id if single else ""].append(need)
        return members

    members = grouped(exact=True)
    flows = sum(len(arc_sets[key[1]]) for key in members)
    if pool_sites_above is not None and flows > pool_sites_above:
        members = grouped(exact=False)
    built = []
    costs: dict[tuple[str, int], tuple[float, ...]] = {}

    def shipping_at(site: str, arcs: int) -> tuple[float, ...]:
        found = costs.get((site, arcs))
        if found is None:
            row = site_costs[site]
            found = tuple(row[offer_column[a.offer]] for a in arc_sets[arcs])
            costs[site, arcs] = found
        return found

    for key, needs_of in members.items():
        arcs = arc_sets[key[1]]
        needs = tuple(sorted(needs_of, key=lambda n: (n.needed_by, n.id)))
        demand = sum((n.quantity for n in needs), Decimal(0))
        at: dict[str, Decimal] = defaultdict(Decimal)
        for need in needs:
            at[need.site] += need.quantity
        sites = tuple(sorted(at.items()))
        pooled = len(sites) > 1 and key[2] < 0
        if pooled and len({site_class[site] for site, _ in sites}) == 1:
            pooled = False  # sites that cost the same: exact
        if not pooled:
            shipping = shipping_at(sites[0][0], key[1])
        else:
            cheapest = list(shipping_at(sites[0][0], key[1]))
            for site, _ in sites[1:]:
                for i, cost in enumerate(shipping_at(site, key[1])):
                    cheapest[i] = min(cheapest[i], cost)
            shipping = tuple(cheapest)
        built.append(
            Group(
                product=needs[0].product,
                sites=sites,
                needs=needs,
                arcs=arcs,
                demand=demand,
                tolerance=sum((n.tolerance for n in needs), Decimal(0)),
                shipping=shipping,
                pooled=pooled,
            )
        )
    built.sort(
        key=lambda g: (
            g.product,
            g.sites[0][0],
            g.needs[0].id if single else "",
            [(a.offer, a.min_tier) for a in g.arcs],
            g.needs[0].id,
        )
    )
    return built, hopeless
