"""The mixed-integer model: variables, one function per constraint family, and the objective.

Variables (floats inside the model; money stays Decimal outside it):

- ``flow[g, o]`` units of group ``g`` served by offer ``o`` (continuous, >= 0);
- ``packs[o]`` whole packs bought from offer ``o`` (integer);
- ``tier_on[o, k]`` / ``tier_qty[o, k]`` whether the pooled order of ``o`` falls in price tier
  ``k`` and how many units it holds there, only for offers with several tiers or a minimum;
- ``supplier_used[s]`` / ``fee_waived[s]`` only for suppliers that charge a fee (and waive it);
- ``unmet[g]`` the part of group ``g``'s demand declared unmet (never infeasible).

A model is built for one of two phases (see :mod:`optimizer.phases`): ``served`` minimises the
demand left unmet and has no fee variables unless a budget cap needs them; ``cost`` minimises
the weighted, normalised cost, the demand served being held by rows the caller adds.
"""

from __future__ import annotations

import math
from collections import defaultdict

import pulp

from optimizer.delivery import DeliveryTable
from optimizer.groups import Group
from optimizer.normalise import Scales, scales_for
from optimizer.problem import Problem, Supplier
from optimizer.rules import apply_rules
from optimizer.vans import van_trips
from optimizer.variables import (
    Model,
    Terms,
    add_row,
    batch_variables,
    continuous,
    pulp_binaries,
)

__all__ = [
    "Model",
    "Terms",
    "add_row",
    "build_model",
    "charges_fee",
    "continuous",
    "pulp_binaries",
    "shaped_like_facility_location",
]


def create_variables(
    problem: Problem,
    groups: list[Group],
    delivery: DeliveryTable,
    scales: Scales | None = None,
    fees: bool = True,
) -> Model:
    """Creates every variable in batches, with the bounds that follow from the data; without
    ``fees``, no supplier switch or fee waiver."""
    lp = pulp.LpProblem("coachat", pulp.const.LpMinimize)
    arcs_of_offer: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for g, group in enumerate(groups):
        for arc in group.arcs:
            arcs_of_offer[arc.offer].append((g, arc.min_tier))
    offers = sorted(arcs_of_offer)
    limit: dict[int, float] = {}
    for o in offers:
        offer = problem.offers[o]
        reachable = sum(float(groups[g].demand + groups[g].tolerance) for g, _ in arcs_of_offer[o])
        if offer.capacity is not None:
            reachable = min(reachable, float(offer.capacity))
        limit[o] = math.floor(reachable / float(offer.pack_size) + 1e-9) * float(offer.pack_size)
    if scales is None:
        scales = scales_for(problem, groups, delivery)
    model = Model(problem, groups, delivery, scales, lp, offers, limit)
    model.arcs_of_offer = dict(arcs_of_offer)

    flow_keys = [(g, arc.offer) for g, group in enumerate(groups) for arc in group.arcs]
    model.shipping = dict(
        zip(flow_keys, (c for group in groups for c in group.shipping), strict=True)
    )
    model.flow = dict(zip(flow_keys, batch_variables(lp, "flow", len(flow_keys)), strict=True))
    model.packs = dict(
        zip(offers, batch_variables(lp, "packs", len(offers), "Integer"), strict=True)
    )
    model.unmet = batch_variables(lp, "unmet", len(groups))
    for g, group in enumerate(groups):
        model.unmet[g].upBound = float(group.demand)

    tier_keys: list[tuple[int, int]] = []
    for o in offers:
        offer = problem.offers[o]
        if len(offer.tiers) > 1 or offer.smallest_order > 0:
            in_reach = [
                (o, k)
                for k, tier in enumerate(offer.tiers)
                if float(max(tier.min_quantity, offer.minimum_quantity)) <= limit[o] + 1e-9
            ]
            if not in_reach:
                # its minimum order is more than all the needs it could serve can take
                limit[o] = 0.0
            tier_keys.extend(in_reach)
    model.tier_on = dict(
        zip(tier_keys, batch_variables(lp, "tier_on", len(tier_keys), "Binary"), strict=True)
    )
    model.tier_qty = dict(
        zip(tier_keys, batch_variables(lp, "tier_qty", len(tier_keys)), strict=True)
    )

    used = sorted({problem.offers[o].supplier for o in offers})
    suppliers = {s.id: s for s in problem.suppliers}
    charging = [s for s in used if charges_fee(suppliers[s])] if fees else []
    waiving = [s for s in charging if suppliers[s].fee_waived_above is not None]
    model.supplier_used = dict(
        zip(charging, batch_variables(lp, "supplier_used", len(charging), "Binary"), strict=True)
    )
    model.fee_waived = dict(
        zip(waiving, batch_variables(lp, "fee_waived", len(waiving), "Binary"), strict=True)
    )
    return model


def charges_fee(supplier: Supplier) -> bool:
    """Whether ordering from ``supplier`` can cost a fee (a switch and a waiver in the model)."""
    return supplier.delivery_fee > 0 and supplier.fee_waived_above != 0


def demand_met_or_declared_unmet(model: Model) -> None:
    """Each group's demand is served, or the shortfall is declared unmet (and penalised)."""
    for g, group in enumerate(model.groups):
        terms: Terms = [(model.flow[g, arc.offer], 1.0) for arc in group.arcs]
        # sum_o flow[g, o] + unmet[g] >= demand[g]
        add_row(model, [*terms, (model.unmet[g], 1.0)], ">=", float(group.demand))


def whole_packs_within_tolerance(model: Model) -> None:
    """Packs are bought whole and every unit bought goes to a need; a group never receives more
    than its demand plus its needs' tolerances, which is what absorbs the rounding to packs."""
    for o in model.offers:
        terms: Terms = [(model.flow[g, o], 1.0) for g, _ in model.arcs_of_offer[o]]
        # sum_g flow[g, o] == pack_size[o] * packs[o]
        add_row(model, [*terms, (model.packs[o], -float(model.offer(o).pack_size))], "==", 0.0)
    for g, group in enumerate(model.groups):
        terms = [(model.flow[g, arc.offer], 1.0) for arc in group.arcs]
        # sum_o flow[g, o] <= demand[g] + tolerance[g]
        add_row(model, terms, "<=", float(group.demand + group.tolerance))


def capacity(model: Model) -> None:
    """An offer sells at most its capacity per round (and nobody buys what no need can take):
    the number of packs is bounded accordingly."""
    for o in model.offers:
        model.packs[o].upBound = round(model.limit[o] / float(model.offer(o).pack_size))


def tier_reached_by_pooled_quantity(model: Model) -> None:
    """All-units price tiers: the whole pooled order of an offer is priced at the one tier its
    quantity reaches. At most one tier is on; an order priced at tier ``k`` holds at least the
    tier's starting quantity and stays below the next tier's start (an order priced too high
    could otherwise reach a supplier's fee waiver it does not reach at its true price)."""
    for o in model.offers:
        tiers = model.tiers_in_model(o)
        if not tiers:
            continue
        offer = model.offer(o)
        # sum_k tier_qty[o, k] == pack_size[o] * packs[o]
        add_row(
            model,
            [
                *((model.tier_qty[o, k], 1.0) for k in tiers),
                (model.packs[o], -float(offer.pack_size)),
            ],
            "==",
            0.0,
        )
        for k in tiers:
            top = model.limit[o]
            if k + 1 < len(offer.tiers):
                # the largest order in whole packs that stays below the next tier's start
                below = math.ceil(offer.tiers[k + 1].min_quantity / offer.pack_size) - 1
                top = min(top, float(offer.pack_size * below))
            # tier_qty[o, k] <= top[o, k] * tier_on[o, k]
            add_row(model, [(model.tier_qty[o, k], 1.0), (model.tier_on[o, k], -top)], "<=", 0.0)
            start = float(offer.tiers[k].min_quantity)
            if start > float(offer.minimum_quantity) and start > 0:
                # tier_qty[o, k] >= start[o, k] * tier_on[o, k]
                add_row(
                    model, [(model.tier_qty[o, k], 1.0), (model.tier_on[o, k], -start)], ">=", 0.0
                )
        supplier = offer.supplier
        switch: Terms = [(model.tier_on[o, k], 1.0) for k in tiers]
        if supplier in model.supplier_used:
            # sum_k tier_on[o, k] <= supplier_used[s]
            add_row(model, [*switch, (model.supplier_used[supplier], -1.0)], "<=", 0.0)
        else:
            # sum_k tier_on[o, k] <= 1
            add_row(model, switch, "<=", 1.0)


def minimum_quantity(model: Model) -> None:
    """An offer with a minimum order quantity is either not bought or bought at least that much
    (pooled over all the needs it serves)."""
    for o in model.offers:
        offer = model.offer(o)
        least = float(offer.minimum_quantity)
        if least <= 0:
            continue
        for k in model.tiers_in_model(o):
            if least >= float(offer.tiers[k].min_quantity):
                # tier_qty[o, k] >= minimum[o] * tier_on[o, k]
                add_row(
                    model, [(model.tier_qty[o, k], 1.0), (model.tier_on[o, k], -least)], ">=", 0.0
                )


def supplier_fee_paid_once(model: Model) -> None:
    """A supplier's delivery fee is paid once if anything is bought from it, and not at all when
    the goods ordered from it reach its waiver threshold."""
    suppliers = {s.id: s for s in model.problem.suppliers}
    goods: dict[str, Terms] = defaultdict(list)
    for o in model.offers:
        supplier = model.offer(o).supplier
        goods[supplier].extend(model.goods_terms(o))
        if supplier in model.supplier_used and not model.tiers_in_model(o):
            # pack_size[o] * packs[o] <= limit[o] * supplier_used[s]
            add_row(
                model,
                [*model.order_terms(o), (model.supplier_used[supplier], -model.limit[o])],
                "<=",
                0.0,
            )
    for s, waived in model.fee_waived.items():
        threshold = suppliers[s].fee_waived_above
        assert threshold is not None
        # goods[s] >= threshold[s] * fee_waived[s]
        add_row(model, [*goods[s], (waived, -float(threshold))], ">=", 0.0)
        # fee_waived[s] <= supplier_used[s]
        add_row(model, [(waived, 1.0), (model.supplier_used[s], -1.0)], "<=", 0.0)


def price_ceiling(model: Model) -> None:
    """A need with a price ceiling is served by an offer only at a tier priced within it."""
    for g, group in enumerate(model.groups):
        for arc in group.arcs:
            if arc.min_tier == 0:
                continue
            allowed = [k for k in model.tiers_in_model(arc.offer) if k >= arc.min_tier]
            top = min(float(group.demand + group.tolerance), model.limit[arc.offer])
            # flow[g, o] <= top * sum_{k >= min_tier} tier_on[o, k]
            add_row(
                model,
                [
                    (model.flow[g, arc.offer], 1.0),
                    *((model.tier_on[arc.offer, k], -top) for k in allowed),
                ],
                "<=",
                0.0,
            )


def served_only_by_offers_bought(model: Model) -> None:
    """A group is served by an offer only when that offer is bought: its flow is at most the
    group's demand plus tolerance when the offer's switch is on (a tier of the offer, or its
    supplier's fee switch), and zero otherwise. Whole solutions satisfy this anyway; it is the
    textbook strong form of facility location (``x_ij <= d_j y_i``), which makes the linear
    relaxation price a supplier's fee for each group it serves. Rows implied by the offer's own
    limit are left out."""
    for o in model.offers:
        limit = model.limit[o]
        tiers = model.tiers_in_model(o)
        supplier = model.offer(o).supplier
        if not tiers and supplier not in model.supplier_used:
            continue
        for g, min_tier in model.arcs_of_offer[o]:
            if min_tier > 0:
                continue  # the price ceiling's row already does it
            group = model.groups[g]
            top = min(float(group.demand + group.tolerance), limit)
            if top >= limit - 1e-9:
                continue
            switch: Terms = (
                [(model.tier_on[o, k], -top) for k in tiers]
                if tiers
                else [(model.supplier_used[supplier], -top)]
            )
            # flow[g, o] <= top * (sum of the offer's tier switches, or the fee switch)
            add_row(model, [(model.flow[g, o], 1.0), *switch], "<=", 0.0)


def set_objective(model: Model) -> None:
    """Minimise the weighted, normalised sum of cost, delay and eco penalty (see
    :mod:`optimizer.normalise`)."""
    scales = model.scales
    per_euro = scales.per_euro
    terms: Terms = []
    for o in model.offers:
        terms.extend((var, coef * per_euro) for var, coef in model.goods_terms(o))
    terms.extend((var, coef * per_euro) for var, coef in model.fee_terms())
    terms.extend((var, coef * per_euro) for var, coef in model.van_terms)
    for (g, o), var in model.flow.items():
        offer = model.offer(o)
        weight = scales.per_unit(
            g, model.shipping[g, o], offer.lead_time_days, float(offer.eco_score)
        )
        if weight:
            terms.append((var, weight))
    model.lp.setObjective(pulp.lpSum_vars_coefs(terms))


def least_unmet(model: Model) -> None:
    """Minimise the units of demand left unmet."""
    model.lp.setObjective(pulp.lpSum_vars_coefs([(var, 1.0) for var in model.unmet]))


def shaped_like_facility_location(model: Model) -> bool:
    """Whether what remains to decide once the suppliers are chosen is a transportation
    problem: packs of one at a single price, no minimum order, fees never waived, whole
    quantities, no price ceiling and no hard rule (see :mod:`optimizer.suppliers_search`)."""
    if model.problem.policy.rules.any or model.tier_on or model.fee_waived or model.reach:
        return False
    if not model.supplier_used or not model.flow:
        return False
    for o in model.offers:
        offer = model.offer(o)
        if offer.pack_size != 1 or len(offer.tiers) != 1 or offer.smallest_order > 0:
            return False
        if model.limit[o] != math.floor(model.limit[o]):
            return False
    for group in model.groups:
        if group.demand != group.demand.to_integral_value():
            return False
        if any(arc.min_tier > 0 for arc in group.arcs):
            return False
    return True


def build_model(
    problem: Problem,
    groups: list[Group],
    delivery: DeliveryTable,
    with_rules: bool = True,
    scales: Scales | None = None,
    phase: str = "cost",
) -> Model:
    """The model of ``problem`` over ``groups`` for ``phase`` (``cost`` or ``served``):
    variables, every constraint family, the rules, the objective."""
    fees = phase == "cost" or (with_rules and problem.policy.rules.budget_cap is not None)
    model = create_variables(problem, groups, delivery, scales, fees)
    demand_met_or_declared_unmet(model)
    whole_packs_within_tolerance(model)
    capacity(model)
    tier_reached_by_pooled_quantity(model)
    minimum_quantity(model)
    supplier_fee_paid_once(model)
    price_ceiling(model)
    if fees:
        van_trips(model)
    if shaped_like_facility_location(model):
        # elsewhere the extra rows slow the solver more than their bound helps
        served_only_by_offers_bought(model)
    if with_rules:
        apply_rules(model)
    if phase == "cost":
        set_objective(model)
    else:
        least_unmet(model)
    return model
