"""A problem solved in parts, as one model: the parts' variables held together, and a start
copied from one model to another."""

from __future__ import annotations

import pulp

from optimizer.delivery import DeliveryTable
from optimizer.groups import Group
from optimizer.model import Model
from optimizer.normalise import Scales
from optimizer.problem import Problem


def copy_start(source: Model, target: Model, groups: dict[int, int]) -> None:
    """Sets ``target``'s variables to ``source``'s values, group ``g`` of ``source`` being group
    ``groups[g]`` of ``target``, for the groups and offers both have."""
    for (g, o), var in source.flow.items():
        if g in groups:
            target.flow[groups[g], o].varValue = max(0.0, var.varValue or 0.0)
    for g, var in enumerate(source.unmet):
        if g in groups:
            target.unmet[groups[g]].varValue = max(0.0, var.varValue or 0.0)
    for o, var in source.packs.items():
        if o in target.packs:
            target.packs[o].varValue = round(var.varValue or 0.0)
    for key, var in source.tier_on.items():
        if key in target.tier_on:
            target.tier_on[key].varValue = round(var.varValue or 0.0)
            target.tier_qty[key].varValue = max(0.0, source.tier_qty[key].varValue or 0.0)


def merge_parts(
    problem: Problem,
    groups: list[Group],
    delivery: DeliveryTable,
    scales: Scales,
    pieces: list[tuple[list[int], Model]],
) -> Model:
    """One model over all the groups, holding each part's variables."""
    if len(pieces) == 1:
        return pieces[0][1]
    lp = pulp.LpProblem("coachat", pulp.const.LpMinimize)
    limit = {o: top for _, piece in pieces for o, top in piece.limit.items()}
    model = Model(problem, groups, delivery, scales, lp, sorted(limit), limit)
    unmet: dict[int, pulp.LpVariable] = {}
    arcs: dict[int, list[tuple[int, int]]] = {}
    for part, piece in pieces:
        model.parts.append(piece.lp)
        for (j, o), var in piece.flow.items():
            model.flow[part[j], o] = var
            model.shipping[part[j], o] = piece.shipping[j, o]
        model.packs.update(piece.packs)
        model.tier_on.update(piece.tier_on)
        model.tier_qty.update(piece.tier_qty)
        model.supplier_used.update(piece.supplier_used)
        model.fee_waived.update(piece.fee_waived)
        model.reach.update(piece.reach)
        model.reach_km.update(piece.reach_km)
        model.reach_level.update({(part[j], s): far for (j, s), far in piece.reach_level.items()})
        for j, var in enumerate(piece.unmet):
            unmet[part[j]] = var
        for o, served in piece.arcs_of_offer.items():
            arcs[o] = [(part[j], tier) for j, tier in served]
    model.unmet = [unmet[g] for g in range(len(groups))]
    model.arcs_of_offer = arcs
    return model
