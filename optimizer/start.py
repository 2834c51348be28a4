"""A greedy first solution handed to the solver, so that even a solve stopped early has a
sensible batch to show and the branch-and-bound starts from a good incumbent."""

from __future__ import annotations

import math
import time
from collections import defaultdict

from optimizer.model import Model
from optimizer.vans import settle_vans


def greedy_start(model: Model, deadline: float | None = None) -> None:
    """Sets every model variable to a feasible greedy solution (rules aside): each group goes
    whole to the offer with the best weighted score per unit at its first-tier price; each
    offer buys the whole packs that cover its groups' demand within their tolerance, its
    capacity and its minimum (or nothing); what is left is unmet. The groups are then moved
    between offers while that lowers the weighted cost (see :func:`pool_orders`), until
    ``deadline`` (a ``time.perf_counter()`` value) at the latest."""
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
    pool_orders(model, assigned, deadline)
    flows = {key: 0.0 for key in model.flow}
    bought: dict[int, int] = {}
    for o in model.offers:
        packs, served = _order(model, o, assigned.get(o, []))
        bought[o] = packs
        for g, units in served.items():
            flows[g, o] += units
    for o in model.offers:
        model.packs[o].varValue = bought[o]
        set_tiers(model, o)
    for key, value in flows.items():
        model.flow[key].varValue = value
    settle(model)


def set_tiers(model: Model, o: int) -> None:
    """Sets offer ``o``'s tier switches and quantities from its packs: the whole order in the
    tier it reaches, the other tiers off."""
    offer = model.offer(o)
    packs = round(model.packs[o].varValue or 0.0)
    reached = offer.tier_for(offer.pack_size * packs) if packs else None
    for k in model.tiers_in_model(o):
        on = reached == k
        model.tier_on[o, k].varValue = 1.0 if on else 0.0
        model.tier_qty[o, k].varValue = packs * float(offer.pack_size) if on else 0.0


def _order(model: Model, o: int, groups: list[int]) -> tuple[int, dict[int, float]]:
    """The whole packs offer ``o`` buys for ``groups`` (in this order) and the units each gets:
    the packs that cover their demand within their tolerance, its capacity and its minimum (or
    nothing); demand is filled first, in order, then tolerance."""
    offer = model.offer(o)
    pack = float(offer.pack_size)
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
    served: dict[int, float] = defaultdict(float)
    left = packs * pack
    for fill in ("demand", "tolerance"):
        for g in groups:
            group = model.groups[g]
            want = float(group.demand) if fill == "demand" else float(group.tolerance)
            part = min(want, left)
            served[g] += part
            left -= part
    return packs, served


class _Pool:
    """The weighted cost of an assignment of whole groups to offers, offer by offer, with each
    supplier's fee paid when its goods are below its waiver."""

    def __init__(self, model: Model, assigned: dict[int, list[int]]) -> None:
        self.model = model
        scales = model.scales
        self.per_euro = scales.per_euro
        groups = model.groups
        self.rank = {g: (len(groups[g].arcs), g) for g in range(len(groups))}
        self.weight: dict[tuple[int, int], float] = {}
        for (g, o), cost in model.shipping.items():
            offer = model.offer(o)
            self.weight[g, o] = scales.per_unit(
                g, cost, offer.lead_time_days, float(offer.eco_score)
            )
        self.penalty = scales.unmet_penalty
        suppliers = {s.id: s for s in model.problem.suppliers}
        self.fee = {s: float(suppliers[s].delivery_fee) for s in model.supplier_used}
        self.waiver = {
            s: float(threshold)
            for s in model.supplier_used
            if (threshold := suppliers[s].fee_waived_above) is not None
        }
        self.assigned = {o: sorted(gs, key=self.rank.__getitem__) for o, gs in assigned.items()}
        self.at = {g: o for o, gs in self.assigned.items() for g in gs}
        self.goods: dict[int, float] = {}
        self.units: dict[int, float] = {}
        self.cost: dict[int, float] = {}
        self.supplier_goods: dict[str, float] = defaultdict(float)
        self.supplier_units: dict[str, float] = defaultdict(float)
        for o, gs in self.assigned.items():
            goods, cost, units = self.price(o, gs)
            self.goods[o], self.cost[o], self.units[o] = goods, cost, units
            self.supplier_goods[model.offer(o).supplier] += goods
            self.supplier_units[model.offer(o).supplier] += units

    def price(self, o: int, groups: list[int]) -> tuple[float, float, float]:
        """The goods value of offer ``o`` serving ``groups``, its weighted cost, fees aside
        (units left unmet at their penalty), and the units it buys."""
        packs, served = _order(self.model, o, groups)
        offer = self.model.offer(o)
        goods = 0.0
        units = float(offer.pack_size * packs)
        if packs:
            quantity = offer.pack_size * packs
            goods = float(quantity * offer.tiers[offer.tier_for(quantity)].unit_price)
        cost = goods * self.per_euro
        for g in groups:
            served_units = served.get(g, 0.0)
            cost += served_units * self.weight[g, o]
            cost += max(0.0, float(self.model.groups[g].demand) - served_units) * self.penalty[g]
        return goods, cost, units

    def fee_cost(self, supplier: str, goods: float, units: float) -> float:
        fee = self.fee.get(supplier)
        if fee is None or units <= 1e-9:
            return 0.0
        waiver = self.waiver.get(supplier)
        if waiver is not None and goods >= waiver - 1e-9:
            return 0.0
        return fee * self.per_euro

    def move(self, groups: list[int], target: int) -> bool:
        """Moves ``groups`` to offer ``target`` when that lowers the cost; whether it did."""
        changed: dict[int, list[int]] = {}
        moving = set(groups)
        for g in groups:
            source = self.at[g]
            if source != target and source not in changed:
                changed[source] = [h for h in self.assigned[source] if h not in moving]
        if not changed:
            return False
        changed[target] = sorted(
            {*self.assigned.get(target, []), *groups}, key=self.rank.__getitem__
        )
        delta = 0.0
        priced: dict[int, tuple[float, float, float]] = {}
        shift: dict[str, float] = defaultdict(float)
        more: dict[str, float] = defaultdict(float)
        for o, gs in changed.items():
            priced[o] = self.price(o, gs)
            delta += priced[o][1] - self.cost.get(o, 0.0)
            supplier = self.model.offer(o).supplier
            shift[supplier] += priced[o][0] - self.goods.get(o, 0.0)
            more[supplier] += priced[o][2] - self.units.get(o, 0.0)
        for s, change in shift.items():
            before, units = self.supplier_goods[s], self.supplier_units[s]
            delta += self.fee_cost(s, before + change, units + more[s])
            delta -= self.fee_cost(s, before, units)
        if delta >= -1e-9:
            return False
        for o, gs in changed.items():
            self.assigned[o] = gs
            self.goods[o], self.cost[o], self.units[o] = priced[o]
        for s, change in shift.items():
            self.supplier_goods[s] += change
            self.supplier_units[s] += more[s]
        for g in groups:
            self.at[g] = target
        return True


def pool_orders(
    model: Model, assigned: dict[int, list[int]], deadline: float | None = None
) -> None:
    """Improves an assignment of whole groups to offers (``assigned``, changed in place) by
    moves that lower its weighted cost, fees included: every group an offer may serve moved to
    it at once (which reaches the lower price tiers of a pooled order), then one group at a
    time to its best offer; repeated while something improves, until ``deadline``."""
    pool = _Pool(model, assigned)
    admits: dict[int, list[int]] = {
        o: [g for g, tier in model.arcs_of_offer.get(o, []) if tier == 0] for o in model.offers
    }
    improved = True
    while improved and not _late(deadline):
        improved = False
        for o in model.offers:
            movable = [g for g in admits[o] if g in pool.at and pool.at[g] != o]
            if movable and pool.move(movable, o):
                improved = True
            if _late(deadline):
                break
        for g in sorted(pool.at):
            if _late(deadline):
                break
            for arc in model.groups[g].arcs:
                if arc.min_tier == 0 and arc.offer != pool.at[g] and pool.move([g], arc.offer):
                    improved = True
    for o in list(assigned):
        del assigned[o]
    assigned.update({o: gs for o, gs in pool.assigned.items() if gs})


def _late(deadline: float | None) -> bool:
    return deadline is not None and time.perf_counter() > deadline


def settle(model: Model) -> None:
    """Completes a start from its flows and packs: the unmet demand of each group, each
    supplier's fee switch and waiver from the goods its offers' packs are worth, and how far
    its van goes when tours are priced."""
    received: dict[int, float] = defaultdict(float)
    for (g, _), var in model.flow.items():
        received[g] += var.varValue or 0.0
    for g, group in enumerate(model.groups):
        model.unmet[g].varValue = max(0.0, float(group.demand) - received[g])
    goods: dict[str, float] = defaultdict(float)
    buying: set[str] = set()
    for o in model.offers:
        offer = model.offer(o)
        packs = round(model.packs[o].varValue or 0.0)
        if packs:
            quantity = offer.pack_size * packs
            buying.add(offer.supplier)
            goods[offer.supplier] += float(
                quantity * offer.tiers[offer.tier_for(quantity)].unit_price
            )
    thresholds = {s.id: s.fee_waived_above for s in model.problem.suppliers}
    for s, used in model.supplier_used.items():
        # an order is an order even when its goods are free: the fee is due
        used.varValue = 1.0 if s in buying else 0.0
        if s in model.fee_waived:
            threshold = thresholds[s]
            waived = used.varValue and threshold is not None and goods[s] >= float(threshold)
            model.fee_waived[s].varValue = 1.0 if waived else 0.0
    settle_vans(model)


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
