"""Delivery tours priced by the km, inside the model.

When the lead prices delivery by the road (``Policy.delivery_cost_per_km`` above 0), each
supplier's order pays for its van's round trip through the sites it serves (see
:mod:`optimizer.tours`). The length of the best such tour is a routing problem, not a linear
function of the sites chosen. The model counts instead the round trip to the farthest site the
supplier serves: no tour through those sites is shorter, since the van has to get there and
back. The model's bound is therefore a bound for the tours as priced; the answer is then priced
along the tour actually driven, and its gap says how far that can be from the best (see
:func:`optimizer.engine.priced_along_tours`). Delivered to the collection point, every tour of a
supplier is the same round trip, and the model counts it exactly.

Variables and rows, for each supplier ``s`` with a location, ``d_1 < d_2 < ...`` the distinct
distances of the sites it may serve, and ``k(g, s)`` the level of group ``g``'s site:

- ``reach[s, k]`` (binary): the van goes at least ``d_k`` km away;
- ``flow[g, o] <= top[g, o] * reach[s, k(g, s)]`` for each offer ``o`` of ``s`` serving ``g``;
- ``reach[s, k + 1] <= reach[s, k]``;
- in the cost: ``price_per_km * sum_k 2 * (d_k - d_(k-1)) * reach[s, k]``.
"""

from __future__ import annotations

from collections import defaultdict

from optimizer.problem import Problem
from optimizer.variables import Model, add_row, pulp_binaries

_SAME_KM = 6  # distances equal to the millimetre are one level
_SERVED = 1e-6


def van_suppliers(problem: Problem) -> set[str]:
    """The suppliers whose van's tour has a price: those with a location, when tours are
    priced."""
    if not problem.policy.prices_tours:
        return set()
    return {s.id for s in problem.suppliers if s.location is not None}


def van_trips(model: Model) -> None:
    """Adds the reach switches, their rows and their cost (``model.van_terms``, in euros)."""
    problem = model.problem
    vans = van_suppliers(problem)
    if not vans:
        return
    delivery = model.delivery
    level_of: dict[tuple[int, str], float] = {}
    levels: dict[str, set[float]] = defaultdict(set)
    for g, group in enumerate(model.groups):
        for arc in group.arcs:
            supplier = model.offer(arc.offer).supplier
            if supplier not in vans or (g, supplier) in level_of:
                continue
            known = delivery.van_km(supplier, [site for site, _ in group.sites])
            # sites pooled in one group: the nearest, so that the count stays a lower bound
            far = round(min(known), _SAME_KM) if known else 0.0
            level_of[g, supplier] = far
            if far > 0:
                levels[supplier].add(far)
    keys = [(s, far) for s in sorted(levels) for far in sorted(levels[s])]
    switches = dict(zip(keys, pulp_binaries(model, "reach", len(keys)), strict=True))
    price = float(problem.policy.delivery_cost_per_km)
    for i, (s, far) in enumerate(keys):
        nearer = keys[i - 1] if i > 0 and keys[i - 1][0] == s else None
        before = nearer[1] if nearer else 0.0
        model.reach_km[s, far] = 2 * (far - before)
        model.van_terms.append((switches[s, far], price * model.reach_km[s, far]))
        if nearer:
            # reach[s, k] <= reach[s, k - 1]
            add_row(model, [(switches[s, far], 1.0), (switches[nearer], -1.0)], "<=", 0.0)
    model.reach = switches
    for (g, o), var in model.flow.items():
        supplier = model.offer(o).supplier
        far = level_of.get((g, supplier), 0.0)
        if far <= 0:
            continue
        group = model.groups[g]
        top = min(float(group.demand + group.tolerance), model.limit[o])
        # flow[g, o] <= top * reach[s, k(g, s)]
        add_row(model, [(var, 1.0), (switches[supplier, far], -top)], "<=", 0.0)
    model.reach_level = {key: far for key, far in level_of.items() if far > 0}


def settle_vans(model: Model) -> None:
    """Sets the reach switches of a start from its flows: a van goes as far as the farthest
    site it serves."""
    if not model.reach:
        return
    farthest: dict[str, float] = defaultdict(float)
    for (g, o), var in model.flow.items():
        if (var.varValue or 0.0) > _SERVED:
            supplier = model.offer(o).supplier
            far = model.reach_level.get((g, supplier), 0.0)
            farthest[supplier] = max(farthest[supplier], far)
    for (s, far), var in model.reach.items():
        var.varValue = 1.0 if far <= farthest[s] else 0.0


def counted_km(model: Model) -> dict[str, float]:
    """The km of each supplier's tour as the model's answer counts them (round trip to the
    farthest site it reaches)."""
    km: dict[str, float] = defaultdict(float)
    for (s, far), var in model.reach.items():
        if (var.varValue or 0.0) > 0.5:
            km[s] += model.reach_km[s, far]
    return dict(km)
