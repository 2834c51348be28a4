"""A greedy first solution handed to the solver, so that even a solve stopped early has a
sensible batch to show and the branch-and-bound starts from a good incumbent."""

from __future__ import annotations

import math
from collections import defaultdict

from optimizer.model import Model


def greedy_start(model: Model) -> None:
    """Sets every model variable to a feasible greedy solution (rules aside): each group goes
    whole to the offer with the best weighted score per unit at its first-tier price; each
    offer buys the whole packs that cover its groups' demand within their tolerance, its
    capacity and its minimum (or nothing); what is left is unmet."""
    scales = model.scales
    assigned: dict[int, list[int]] = defaultdict(list)
    room_left = dict(model.limit)
    order = sorted(range(len(model.groups)), key=lambda g: (len(model.groups[g].arcs), g))
    for g in order:
        group = model.groups[g]
        ranked = []
        for arc in group.arcs:
            if arc.min_tier > 0 or room_left[arc.offer] <= 0:
                continue
            offer = model.offer(arc.offer)
            unit = float(offer.tiers[0].unit_price) + model.shipping[g, arc.offer]
            score = scales.per_unit(g, unit, offer.lead_time_days, float(offer.eco_score))
            alone = _packs_alone(model, g, arc.offer, room_left[arc.offer])
            # an offer that can serve the group by itself first, then the best score
            ranked.append((alone == 0, score, arc.offer, alone))
        if ranked:
            *_, o, alone = min(ranked)
            assigned[o].append(g)
            taken = alone * float(model.offer(o).pack_size) if alone else float(group.demand)
            room_left[o] -= taken
    flows = {key: 0.0 for key in model.flow}
    bought: dict[int, int] = {}
    for o in model.offers:
        offer = model.offer(o)
        pack = float(offer.pack_size)
        groups = assigned.get(o, [])
        demand = sum(float(model.groups[g].demand) for g in groups)
        room = min(
            model.limit[o],
            sum(float(model.groups[g].demand + model.groups[g].tolerance) for g in groups),
        )
        packs = math.ceil(demand / pack - 1e-9)
        if packs * pack > room + 1e-9:
            packs = math.floor(room / pack + 1e-9)
        if packs and packs * pack < float(offer.smallest_order) - 1e-9:
            packs = math.ceil(float(offer.smallest_order) / pack - 1e-9)
            if packs * pack > room + 1e-9:
                packs = 0
        bought[o] = packs
        left = packs * pack
        for fill in ("demand", "tolerance"):
            for g in groups:
                group = model.groups[g]
                want = float(group.demand) if fill == "demand" else float(group.tolerance)
                part = min(want, left)
                flows[g, o] += part
                left -= part
    for o in model.offers:
        packs = bought[o]
        model.packs[o].varValue = packs
        offer = model.offer(o)
        reached = offer.tier_for(offer.pack_size * packs) if packs else None
        for k in model.tiers_in_model(o):
            on = reached == k
            model.tier_on[o, k].varValue = 1.0 if on else 0.0
            model.tier_qty[o, k].varValue = packs * float(offer.pack_size) if on else 0.0
    for key, value in flows.items():
        model.flow[key].varValue = value
    settle(model)


def settle(model: Model) -> None:
    """Completes a start from its flows and packs: the unmet demand of each group, and each
    supplier's fee switch and waiver from the goods its offers' packs are worth."""
    received: dict[int, float] = defaultdict(float)
    for (g, _), var in model.flow.items():
        received[g] += var.varValue or 0.0
    for g, group in enumerate(model.groups):
        model.unmet[g].varValue = max(0.0, float(group.demand) - received[g])
    goods: dict[str, float] = defaultdict(float)
    for o in model.offers:
        offer = model.offer(o)
        packs = round(model.packs[o].varValue or 0.0)
        if packs:
            quantity = offer.pack_size * packs
            goods[offer.supplier] += float(
                quantity * offer.tiers[offer.tier_for(quantity)].unit_price
            )
    thresholds = {s.id: s.fee_waived_above for s in model.problem.suppliers}
    for s, used in model.supplier_used.items():
        used.varValue = 1.0 if goods.get(s, 0.0) > 0 else 0.0
        if s in model.fee_waived:
            threshold = thresholds[s]
            waived = used.varValue and threshold is not None and goods[s] >= float(threshold)
            model.fee_waived[s].varValue = 1.0 if waived else 0.0


def _packs_alone(model: Model, g: int, o: int, room: float) -> int:
    """The fewest whole packs of offer ``o`` that serve group ``g`` by themselves (demand
    covered, tolerance respected, minimum reached, within ``room``), or 0 if none do."""
    group, offer = model.groups[g], model.offer(o)
    pack = float(offer.pack_size)
    demand, top = float(group.demand), min(float(group.demand + group.tolerance), room)
    packs = max(
        math.ceil(demand / pack - 1e-9), math.ceil(float(offer.smallest_order) / pack - 1e-9)
    )
    return packs if packs * pack <= top + 1e-9 else 0
