"""A lower bound for parts shaped like capacitated facility location, and the suppliers it
proves every better answer leaves closed or keeps open.

The demand rows are relaxed with a multiplier ``u[g]`` per group (Cornuéjols, Sridharan and
Thizy 1991). What is left splits by supplier: ordering from a supplier is worth its fee plus the
best filling of its offers' capacities with units of negative reduced cost ``cost - u[g]`` (a
continuous knapsack, filled greedily). With one product, the total capacity row ``sum of the
capacities of the suppliers ordered from + unmet >= demand`` stays in the subproblem: a 0-1
covering knapsack solved by dynamic programming over units, which is what makes the bound
strong when capacities are tight. For any multipliers the relaxation's value is a lower bound of
the part's optimum; the multipliers follow a subgradient method with Polyak's step.

Only the arcs of negative reduced cost enter the filling, a few thousand of the hundred thousand
of a 100 x 1,000 instance, and during the iterations the covering knapsack counts in coarser
units (capacities rounded up, the demand down, which keeps it a relaxation); the best
multipliers are then valued exactly.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from optimizer.model import Model

_COARSE_UNITS = 2_000  # units of the covering knapsack during the iterations, at most
_STALL = 25  # iterations without a better bound before the step is halved
_TARGET = 0.02  # the step aims at most this far above the best bound


@dataclass
class Shape:
    """The part as arrays: arcs (group, offer) with their cost per unit, demands, capacities,
    and the suppliers' fees, all in objective units."""

    keys: list[tuple[int, int]]
    arc_group: np.ndarray
    arc_offer: np.ndarray
    arc_cost: np.ndarray
    demand: np.ndarray
    penalty: np.ndarray
    offers: list[int]
    capacity: np.ndarray
    offer_supplier: np.ndarray
    suppliers: list[str]
    fee: np.ndarray
    one_product: bool

    @property
    def supplier_capacity(self) -> np.ndarray:
        return np.bincount(self.offer_supplier, self.capacity, minlength=len(self.suppliers))


def shape_of(model: Model) -> Shape:
    """The arrays of a part shaped like facility location (see
    :func:`optimizer.model.shaped_like_facility_location`)."""
    scales = model.scales
    offers = list(model.offers)
    column = {o: i for i, o in enumerate(offers)}
    suppliers = sorted({model.offer(o).supplier for o in offers})
    index = {s: i for i, s in enumerate(suppliers)}
    fees = {s.id: float(s.delivery_fee) for s in model.problem.suppliers}
    keys = list(model.flow)
    cost = []
    for g, o in keys:
        offer = model.offer(o)
        per_unit = scales.per_unit(
            g, model.shipping[g, o], offer.lead_time_days, float(offer.eco_score)
        )
        cost.append(per_unit + scales.per_euro * float(offer.tiers[0].unit_price))
    return Shape(
        keys=keys,
        arc_group=np.array([g for g, _ in keys], dtype=np.int64),
        arc_offer=np.array([column[o] for _, o in keys], dtype=np.int64),
        arc_cost=np.array(cost),
        demand=np.array([float(group.demand) for group in model.groups]),
        penalty=np.array([scales.unmet_penalty[g] for g in range(len(model.groups))]),
        offers=offers,
        capacity=np.array([model.limit[o] for o in offers]),
        offer_supplier=np.array([index[model.offer(o).supplier] for o in offers], dtype=np.int64),
        suppliers=suppliers,
        fee=np.array(
            [scales.per_euro * fees[s] if s in model.supplier_used else 0.0 for s in suppliers]
        ),
        one_product=len({group.product for group in model.groups}) == 1,
    )


@dataclass
class Relaxation:
    """The best bound found, the multipliers that gave it, each supplier's value under them
    (fee plus best filling, negative when worth ordering from) and the suppliers the
    subproblem orders from."""

    bound: float
    multipliers: np.ndarray
    value: np.ndarray
    opened: np.ndarray


def filling(shape: Shape, u: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each supplier's value under multipliers ``u``: its fee plus the best filling of its
    offers' capacities with units of negative reduced cost (cheapest first). Returns the
    values, the arcs filled and the units each takes."""
    reduced = shape.arc_cost - u[shape.arc_group]
    negative = np.flatnonzero(reduced < 0)
    offer_of = shape.arc_offer[negative]
    order = np.lexsort((reduced[negative], offer_of))
    arcs = negative[order]
    offer_of = offer_of[order]
    # a group could receive its tolerance too, but every unit costs something (price, delivery,
    # delay, eco), so some optimum receives no more than the demand: the bound holds for it
    room = shape.demand[shape.arc_group[arcs]]
    cumulative = np.cumsum(room)
    counts = np.bincount(offer_of, minlength=len(shape.offers))
    begins = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
    before = np.concatenate([[0.0], cumulative])[begins][offer_of]
    take = np.clip(shape.capacity[offer_of] - (cumulative - room - before), 0.0, room)
    offer_value = np.bincount(offer_of, reduced[arcs] * take, minlength=len(shape.offers))
    value = shape.fee + np.bincount(
        shape.offer_supplier, offer_value, minlength=len(shape.suppliers)
    )
    return value, arcs, take


def cover(
    value: np.ndarray,
    capacity: np.ndarray,
    demand: float,
    unmet_cost: float,
    unit: float = 1.0,
) -> tuple[np.ndarray, float]:
    """The suppliers to open in the subproblem with the total capacity row (``sum capacity[s]
    * open[s] + unmet >= demand``): every supplier of negative value, then the cheapest cover of
    the demand left by a 0-1 knapsack (dynamic programming over units of ``unit``, capacities
    rounded up and the demand down, which keeps it a relaxation), units not covered costing
    ``unmet_cost`` each. Returns the suppliers and the subproblem's value (a value of
    ``math.inf`` closes a supplier, as when it is fixed closed)."""
    opened = value < 0
    base = float(value[opened].sum())
    need = demand - float(capacity[opened].sum())
    if need < unit:
        return opened, base
    units = math.floor(need / unit + 1e-9)
    items = np.flatnonzero(~opened & np.isfinite(value))
    if items.size == 0 or units > 200_000 or items.size * units > 50_000_000:
        return opened, base  # too large to cover exactly: the plain bound still holds
    weight = np.ceil(capacity[items] / unit - 1e-9).astype(np.int64)
    cost = value[items]
    best = np.full(units + 1, np.inf)
    best[0] = 0.0
    reach = np.arange(units + 1)
    used = np.zeros((items.size, units + 1), dtype=bool)
    for k in range(items.size):
        candidate = best[np.maximum(0, reach - weight[k])] + cost[k]
        better = candidate < best
        used[k] = better
        best = np.where(better, candidate, best)
    total = best + unmet_cost * unit * (units - reach)
    covered = int(np.argmin(total))
    left = covered
    for k in range(items.size - 1, -1, -1):
        if used[k, left]:
            opened[items[k]] = True
            left = max(0, left - int(weight[k]))
    return opened, base + float(total[covered])


def _subproblem(
    shape: Shape, u: np.ndarray, value: np.ndarray, unit: float
) -> tuple[np.ndarray, float]:
    """The suppliers the relaxation opens under ``u`` and its value (a lower bound)."""
    if shape.one_product:
        unmet_cost = max(float(np.min(shape.penalty - u)), 0.0)
        opened, sub = cover(
            value, shape.supplier_capacity, float(shape.demand.sum()), unmet_cost, unit
        )
    else:
        opened = value < 0
        sub = float(np.minimum(value, 0.0).sum())
    return opened, float(u @ shape.demand) + sub


def relax(
    shape: Shape,
    upper: float,
    deadline: float,
    price: Callable[[np.ndarray], float],
    iterations: int = 3000,
) -> Relaxation:
    """Subgradient on the demand multipliers until ``deadline``: the best bound found. Each new
    choice of suppliers is priced by ``price`` (which returns its exact cost), a third of the
    time at most, and the best cost found steers the step."""
    demand, groups = shape.demand, len(shape.demand)
    # start from each group's cheapest unit with its supplier's fee spread over the offer's
    # capacity, close to the linear relaxation's prices
    per_unit_fee = shape.fee[shape.offer_supplier] / np.maximum(shape.capacity, 1.0)
    cheapest = np.full(groups, np.inf)
    np.minimum.at(cheapest, shape.arc_group, shape.arc_cost + per_unit_fee[shape.arc_offer])
    u = np.minimum(np.where(np.isfinite(cheapest), cheapest, shape.penalty), shape.penalty)
    unit = max(1.0, math.ceil(float(demand.sum()) / _COARSE_UNITS))
    best, best_u = -math.inf, u
    step, stalled = 2.0, 0
    priced: set[bytes] = set()
    pricing, began = 0.0, time.perf_counter()
    for _ in range(iterations):
        if time.perf_counter() > deadline:
            break
        value, arcs, take = filling(shape, u)
        opened, lower = _subproblem(shape, u, value, unit)
        if lower > best + 1e-12:
            best, best_u, stalled = lower, u, 0
        else:
            stalled += 1
            if stalled >= _STALL:
                step, stalled = step / 2, 0
                if step < 1e-3:
                    break
        key = opened.tobytes()
        if key not in priced and pricing < 0.3 * (time.perf_counter() - began):
            # pricing a choice takes a transportation solve: a third of the time at most
            priced.add(key)
            clock = time.perf_counter()
            upper = min(upper, price(opened))
            pricing += time.perf_counter() - clock
        if best >= upper * (1 - 1e-7):
            break
        served = take * opened[shape.offer_supplier[shape.arc_offer[arcs]]]
        gradient = demand - np.bincount(shape.arc_group[arcs], served, minlength=groups)
        norm = float(gradient @ gradient)
        if norm <= 1e-12:
            break
        # Polyak's step towards the best cost found, or a little above the best bound when that
        # cost is still far (a poor first answer would make the steps wild)
        target = min(upper, best + _TARGET * abs(best))
        u = np.clip(u + step * max(target - lower, 1e-9) / norm * gradient, 0.0, shape.penalty)
    # the best multipliers valued with the knapsack in whole units
    value, _, _ = filling(shape, best_u)
    opened, bound = _subproblem(shape, best_u, value, 1.0)
    if opened.tobytes() not in priced:
        price(opened)
    return Relaxation(max(bound, best), best_u, value, opened)


def fixed_suppliers(
    shape: Shape, relaxation: Relaxation, best_cost: float, deadline: float
) -> tuple[np.ndarray, np.ndarray]:
    """Reduced-cost fixing: the suppliers every answer cheaper than ``best_cost`` leaves
    closed, and those it keeps open. Opening a supplier the relaxation leaves closed (or
    closing one it opens) and solving the subproblem again at the same multipliers gives a
    bound for every answer that does so; above the best cost, no better answer does. Without
    the covering knapsack (several products) the change is the supplier's value alone."""
    u, value = relaxation.multipliers, relaxation.value
    count = len(shape.suppliers)
    margin = best_cost + 1e-9 * max(1.0, abs(best_cost))
    if not shape.one_product:
        plain = float(u @ shape.demand + np.minimum(value, 0.0).sum())
        return plain + np.maximum(value, 0.0) > margin, plain - np.minimum(value, 0.0) > margin
    capacity = shape.supplier_capacity
    demand = float(shape.demand.sum())
    unmet_cost = max(float(np.min(shape.penalty - u)), 0.0)
    base = float(u @ shape.demand)
    opened, _ = cover(value, capacity, demand, unmet_cost)
    closed = np.zeros(count, dtype=bool)
    kept = np.zeros(count, dtype=bool)
    for s in range(count):
        if time.perf_counter() > deadline:
            break
        if shape.fee[s] <= 0:
            continue
        others = value.copy()
        others[s] = math.inf
        if opened[s]:
            _, sub = cover(others, capacity, demand, unmet_cost)
            kept[s] = base + sub > margin
        else:
            left = capacity.copy()
            left[s] = 0.0
            _, sub = cover(others, left, demand - float(capacity[s]), unmet_cost)
            closed[s] = base + value[s] + sub > margin
    return closed, kept
