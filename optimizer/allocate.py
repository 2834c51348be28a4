"""Reading the solver's answer back: what is bought, and how each group's units are split
among its needs, deterministically."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from optimizer.groups import Reason
from optimizer.model import Model
from optimizer.money import split_exactly
from optimizer.problem import Need


@dataclass(frozen=True, slots=True)
class Purchase:
    """An offer's pooled order: whole packs, at the tier its quantity reaches."""

    offer: int
    packs: int
    quantity: Decimal
    tier: int
    unit_price: Decimal


@dataclass(frozen=True, slots=True)
class Portion:
    """Units of one offer going to one need of a group."""

    group: int
    need: Need
    offer: int
    quantity: Decimal


@dataclass(frozen=True, slots=True)
class Outcome:
    """How much of a need was served (its demand), received (with tolerance) and left unmet."""

    served: Decimal
    received: Decimal
    unmet: Decimal


def read_purchases(model: Model) -> dict[int, Purchase]:
    """The packs bought from each offer, and the tier and price the pooled quantity reaches."""
    purchases = {}
    for o in model.offers:
        packs = round(model.packs[o].varValue or 0.0)
        if packs <= 0:
            continue
        offer = model.offer(o)
        quantity = offer.pack_size * packs
        tier = offer.tier_for(quantity)
        purchases[o] = Purchase(o, packs, quantity, tier, offer.tiers[tier].unit_price)
    return purchases


def read_flows(model: Model, purchases: dict[int, Purchase]) -> dict[tuple[int, int], Decimal]:
    """Each purchase's units split among the groups it serves, in whole shipping steps of its
    product (by largest remainder) that add up exactly to the units bought."""
    flows: dict[tuple[int, int], Decimal] = {}
    for o, purchase in purchases.items():
        groups = [g for g, _ in model.arcs_of_offer[o]]
        raw = [Decimal(repr(max(0.0, model.flow[g, o].varValue or 0.0))) for g in groups]
        step = model.problem.step_of(model.offer(o).product)
        for g, amount in zip(groups, split_exactly(purchase.quantity, raw, step), strict=True):
            if amount > 0:
                flows[g, o] = amount
    return flows


def split_groups(
    model: Model, flows: dict[tuple[int, int], Decimal]
) -> tuple[list[Portion], dict[str, Outcome]]:
    """Each group's units go to its needs by urgency, and fairly among needs of the same
    urgency (see :func:`fair_shares`).

    Needs whose deadline is nearer are served first. Among needs with the same deadline, units
    short are shared in proportion to the quantities asked, never by order of entry; the
    surplus left by whole packs then fills the tolerances, nearer deadlines first, and in
    proportion to the quantities asked among needs with the same deadline, each within its
    tolerance. Shares are whole shipping steps of the product (whole units for counted goods),
    by largest remainder. The offers are then placed on the needs cheapest delivery first (in a
    group whose needs' sites cost differently to deliver), fastest first, then by id, and in
    the needs' order, so that each need takes from one offer before the next wherever it can."""
    by_group: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    for (g, o), amount in sorted(flows.items()):
        by_group[g].append((o, amount))
    portions: list[Portion] = []
    outcomes: dict[str, Outcome] = {}
    for g, group in enumerate(model.groups):
        supply = sorted(
            by_group.get(g, []),
            key=lambda item: (model.offer(item[0]).lead_time_days, model.offer(item[0]).id),
        )
        left = sum((amount for _, amount in supply), Decimal(0))
        needs = group.needs
        step = model.problem.step_of(group.product)
        classes: dict[object, list[int]] = defaultdict(list)
        for i, need in enumerate(needs):
            classes[need.needed_by].append(i)
        urgency = [classes[day] for day in sorted(classes)]  # type: ignore[type-var]
        served = [Decimal(0)] * len(needs)
        for members in urgency:
            asked = [needs[i].quantity for i in members]
            shares = fair_shares(left, asked, asked, [needs[i].id for i in members], step)
            for i, share in zip(members, shares, strict=True):
                served[i] = share
                left -= share
        takes = list(served)
        for members in urgency:
            asked = [needs[i].quantity for i in members]
            room = [needs[i].tolerance for i in members]
            shares = fair_shares(left, asked, room, [needs[i].id for i in members], step)
            for i, share in zip(members, shares, strict=True):
                takes[i] += share
                left -= share
        if left > 0 and takes:
            # the flows' own rounding gave the group a step more than its needs take: it
            # still goes to a need (the units are bought), and stays a whole step
            takes[-1] += left
        for i, need in enumerate(needs):
            outcomes[need.id] = Outcome(served[i], takes[i], need.quantity - served[i])
        portions.extend(_place(model, g, supply, takes))
    return portions, outcomes


def _tie(need_id: str) -> bytes:
    """A fixed order for equal remainders that does not follow the order of entry."""
    return hashlib.sha256(need_id.encode()).digest()


def fair_shares(
    total: Decimal,
    asked: list[Decimal],
    room: list[Decimal],
    ids: list[str],
    step: Decimal = Decimal(1),
) -> list[Decimal]:
    """Up to ``total`` shared in proportion to ``asked``, each share within its ``room``, in
    whole ``step``s: every share gets its exact part rounded down, the steps left over go to
    the largest remainders (equal remainders in a fixed order drawn from the needs' ids, not
    their order of entry), and what a full share cannot take is shared again among the others
    in the same way. Deterministic; the shares never add up to more than ``total``."""
    shares = [Decimal(0)] * len(asked)
    left = total
    taking = [i for i in range(len(asked)) if room[i] > 0 and asked[i] > 0]
    while left >= step and taking:
        weight = sum((asked[i] for i in taking), Decimal(0))
        exact = {i: left * asked[i] / weight for i in taking}
        give = {
            i: min((exact[i] / step).to_integral_value(ROUND_FLOOR) * step, room[i] - shares[i])
            for i in taking
        }
        rest = left - sum(give.values(), Decimal(0))
        order = sorted(taking, key=lambda i: (-(exact[i] - give[i]), _tie(ids[i])))
        for i in order:
            if rest < step:
                break
            if give[i] + step <= room[i] - shares[i]:
                give[i] += step
                rest -= step
        given = sum(give.values(), Decimal(0))
        if given <= 0:
            break
        for i in taking:
            shares[i] += give[i]
        left -= given
        taking = [i for i in taking if shares[i] < room[i]]
    return shares


def _place(
    model: Model, g: int, supply: list[tuple[int, Decimal]], takes: list[Decimal]
) -> list[Portion]:
    """Places ``supply`` (offers, fastest first) on the needs of group ``g``, need ``i`` taking
    ``takes[i]``: pairs of offer and need go cheapest delivery first, then in supply order,
    then in the needs' order."""
    group = model.groups[g]
    several = len(group.sites) > 1
    pairs = []
    for s, (o, _) in enumerate(supply):
        supplier = model.offer(o).supplier
        for i, need in enumerate(group.needs):
            cost = model.delivery.cost_per_unit(supplier, need.site) if several else Decimal(0)
            pairs.append((cost, s, i))
    pairs.sort()
    remaining = [amount for _, amount in supply]
    want = list(takes)
    placed: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    for _, s, i in pairs:
        part = min(want[i], remaining[s])
        if part > 0:
            placed[i, s] += part
            want[i] -= part
            remaining[s] -= part
    return [
        Portion(g, group.needs[i], supply[s][0], amount)
        for (i, s), amount in sorted(placed.items())
    ]


def unmet_reason(
    model: Model,
    group: int,
    purchases: dict[int, Purchase],
    relaxed_unmet: dict[int, float] | None,
    unmet: float,
) -> Reason:
    """Why a group's demand is not fully served, once no offer being admissible is ruled out:
    a hard rule (the same batch without the rules serves more of it), the capacity of every
    offer that could serve it, their minimum order, a price ceiling only met at a tier not
    reached, or else their pack size."""
    if relaxed_unmet is not None and relaxed_unmet.get(group, 0.0) < unmet - 1e-6:
        return Reason.RULE
    arcs = model.groups[group].arcs
    room = []
    for arc in arcs:
        offer = model.offer(arc.offer)
        bought = purchases[arc.offer].quantity if arc.offer in purchases else Decimal(0)
        if offer.capacity is None or offer.capacity - bought >= offer.pack_size:
            room.append(arc)
    if not room:
        return Reason.CAPACITY
    if all(model.limit.get(arc.offer, 0.0) <= 0 for arc in room):
        return Reason.MINIMUM_QUANTITY
    if all(arc.min_tier > 0 for arc in room):
        return Reason.PRICE_CEILING
    return Reason.PACK_SIZE
