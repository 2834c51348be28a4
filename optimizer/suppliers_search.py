"""Which suppliers to order from, for parts shaped like capacitated facility location.

A part is *shaped like facility location* when what remains to decide, once the suppliers to
order from are chosen, is a transportation problem: every offer sells in packs of one at a
single price, without minimum order, from a supplier that charges a fee it never waives, the
needs' quantities are whole, and no hard rule is set. Then the hard part is the fees (a supplier
is worth its fee only for the groups it serves), and the branch-and-bound lacks a good
incumbent on large instances. Two classic tools give it one, and a bound:

- a Lagrangian relaxation of the demand rows (Cornuéjols, Sridharan and Thizy 1991): for
  multipliers ``u`` on the groups' demand, each supplier is worth ordering from when its fee
  plus the best filling of its offers' capacities with units of negative reduced cost
  ``cost - u`` is negative; with one product the total capacity row stays in the subproblem
  (a 0-1 covering knapsack), which is what makes the bound strong when capacities are tight;
  the relaxation's value is a lower bound of the part's optimum, and the multipliers follow a
  subgradient method with Polyak's step;
- a local search over the set of suppliers ordered from (close one, open one, swap two; moves
  ranked by an estimate that ignores capacities, as in Whitaker's fast interchange, then
  priced exactly by solving their transportation problem with HiGHS's dual simplex, warm
  started from the previous set's basis), started from the best choice the relaxation made,
  and restarted from seeded random swaps while they find something better.

The bound also fixes suppliers (reduced-cost fixing) before the branch-and-bound gets the time
left: a supplier whose opening (closing) alone lifts the relaxation above the best cost found.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

import highspy
import numpy as np

from optimizer.model import Model

_KICKS = 8  # kicks in a row that find nothing better before the solver gets the time left
_PRICED_PER_ROUND = 60  # moves priced exactly before the search gives up improving


@dataclass
class _Shape:
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


def _shape(model: Model) -> _Shape:
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
    return _Shape(
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


class _Transport:
    """The transportation problem of a set of suppliers ordered from: every group's demand
    served by the offers of open suppliers within their capacities, or left unmet at its
    penalty. Opening and closing a supplier changes its offers' capacity rows only, so each
    solve starts from the previous basis."""

    def __init__(self, shape: _Shape, threads: int) -> None:
        self.shape = shape
        arcs, groups, offers = len(shape.keys), len(shape.demand), len(shape.offers)
        h = highspy.Highs()  # type: ignore[no-untyped-call]
        h.setOptionValue("output_flag", False)
        h.setOptionValue("threads", threads)
        h.setOptionValue("random_seed", 1)
        # columns: one per arc (upper bound its group's demand), then one unmet per group
        upper = np.concatenate([shape.demand[shape.arc_group], shape.demand])
        h.addVars(arcs + groups, np.zeros(arcs + groups), upper)
        costs = np.concatenate([shape.arc_cost, shape.penalty])
        h.changeColsCost(arcs + groups, np.arange(arcs + groups, dtype=np.int32), costs)
        # demand rows: sum of the group's arcs + unmet == demand
        by_group = np.argsort(shape.arc_group, kind="stable")
        counts = np.bincount(shape.arc_group, minlength=groups)
        starts, index = [], []
        at = 0
        for g in range(groups):
            starts.append(at + g)
            index.extend(by_group[at : at + counts[g]].tolist())
            index.append(arcs + g)
            at += counts[g]
        h.addRows(
            groups,
            shape.demand,
            shape.demand,
            len(index),
            np.array(starts, dtype=np.int32),
            np.array(index, dtype=np.int32),
            np.ones(len(index)),
        )
        # capacity rows: sum of the offer's arcs <= capacity (0 when its supplier is closed)
        by_offer = np.argsort(shape.arc_offer, kind="stable")
        counts = np.bincount(shape.arc_offer, minlength=offers)
        starts_offer = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int32)
        h.addRows(
            offers,
            np.full(offers, -highspy.kHighsInf),
            shape.capacity,
            arcs,
            starts_offer,
            by_offer.astype(np.int32),
            np.ones(arcs),
        )
        self.highs = h
        self.groups = groups
        self.open = np.ones(len(shape.suppliers), dtype=bool)

    def price(self, open_: np.ndarray) -> tuple[float, np.ndarray]:
        """The cost (fees included) of ordering from the ``open_`` suppliers, and the flows."""
        shape = self.shape
        changed = np.flatnonzero(open_ != self.open)
        if changed.size:
            rows = np.flatnonzero(np.isin(shape.offer_supplier, changed))
            upper = np.where(open_[shape.offer_supplier[rows]], shape.capacity[rows], 0.0)
            first = self.groups
            self.highs.changeRowsBounds(  # type: ignore[attr-defined]
                len(rows),
                (first + rows).astype(np.int32),
                np.full(len(rows), -highspy.kHighsInf),
                upper,
            )
            self.open = open_.copy()
        self.highs.run()
        values = np.array(self.highs.getSolution().col_value)
        objective = float(self.highs.getInfo().objective_function_value)
        return objective + float(shape.fee[open_].sum()), values


@dataclass
class Choice:
    """The best set of suppliers found, its flows, the Lagrangian lower bound, and the
    suppliers every better answer leaves ``closed`` or ``kept`` open (reduced-cost fixing)."""

    cost: float
    flows: np.ndarray
    bound: float
    closed: list[str]
    kept: list[str]


def _cover(
    value: np.ndarray, capacity: np.ndarray, demand: float, unmet_cost: float
) -> tuple[np.ndarray, float]:
    """The suppliers to open in the Lagrangian subproblem with the total capacity row
    (``sum capacity[s] * open[s] + unmet >= demand``): every supplier of negative value, then
    the cheapest cover of the demand left by a 0-1 knapsack (dynamic programming over whole
    units, capacities rounded up and the demand down, which keeps it a relaxation), units not
    covered costing ``unmet_cost`` each. Returns the suppliers and the subproblem's value."""
    opened = value < 0
    base = float(value[opened].sum())
    need = demand - float(capacity[opened].sum())
    if need < 1.0:
        return opened, base
    units = math.floor(need + 1e-9)
    items = np.flatnonzero(~opened)
    if items.size == 0 or units > 200_000 or items.size * units > 50_000_000:
        return opened, base  # too large to cover exactly: the plain bound still holds
    weight = np.ceil(capacity[items] - 1e-9).astype(np.int64)
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
    total = best + unmet_cost * (units - reach)
    covered = int(np.argmin(total))
    left = covered
    for k in range(items.size - 1, -1, -1):
        if used[k, left]:
            opened[items[k]] = True
            left = max(0, left - int(weight[k]))
    return opened, base + float(total[covered])


def _lagrangian(
    shape: _Shape,
    upper: float,
    deadline: float,
    price: Callable[[np.ndarray], float],
    iterations: int = 3000,
) -> tuple[float, np.ndarray, np.ndarray]:
    """Subgradient on the demand multipliers: the best lower bound found, the multipliers
    that gave it, and each supplier's value (fee plus best filling) under them. When the part
    has one product, the subproblem keeps the total capacity row (a much stronger bound when
    capacities are tight). Each new choice of suppliers is priced by ``price`` (which returns
    its exact cost), and the best cost found steers the step."""
    demand, cost = shape.demand, shape.arc_cost
    groups = len(demand)
    # start from each group's cheapest unit with its supplier's fee spread over the offer's
    # capacity, close to the linear relaxation's prices
    per_unit_fee = shape.fee[shape.offer_supplier] / np.maximum(shape.capacity, 1.0)
    cheapest = np.full(groups, np.inf)
    np.minimum.at(cheapest, shape.arc_group, cost + per_unit_fee[shape.arc_offer])
    u = np.minimum(np.where(np.isfinite(cheapest), cheapest, shape.penalty), shape.penalty)
    best, best_value, best_u = -math.inf, np.zeros(len(shape.suppliers)), u
    step, stalled = 2.0, 0
    bound_d = demand[shape.arc_group]
    supplier_capacity = np.bincount(
        shape.offer_supplier, shape.capacity, minlength=len(shape.suppliers)
    )
    total_demand = float(demand.sum())
    priced: set[bytes] = set()
    pricing, began = 0.0, time.perf_counter()
    best_opened = np.zeros(len(shape.suppliers), dtype=bool)
    for _ in range(iterations):
        if time.perf_counter() > deadline:
            break
        reduced = cost - u[shape.arc_group]
        negative = reduced < 0
        order = np.lexsort((reduced, shape.arc_offer))
        room = np.where(negative, bound_d, 0.0)[order]
        offer_of = shape.arc_offer[order]
        cumulative = np.cumsum(room)
        counts = np.bincount(offer_of, minlength=len(shape.offers))
        begins = np.concatenate([[0], np.cumsum(counts)[:-1]])
        before = np.concatenate([[0.0], cumulative])[begins][offer_of]
        used = cumulative - room - before
        take_sorted = np.clip(shape.capacity[offer_of] - used, 0.0, room)
        take = np.empty_like(take_sorted)
        take[order] = take_sorted
        offer_value = np.bincount(shape.arc_offer, reduced * take, minlength=len(shape.offers))
        value = shape.fee + np.bincount(
            shape.offer_supplier, offer_value, minlength=len(shape.suppliers)
        )
        if shape.one_product:
            unmet_cost = float(np.min(shape.penalty - u))
            opened, sub = _cover(value, supplier_capacity, total_demand, max(unmet_cost, 0.0))
        else:
            opened = value < 0
            sub = float(np.minimum(value, 0.0).sum())
        lower = float(u @ demand) + sub
        if lower > best + 1e-12:
            best, best_value, best_u, best_opened, stalled = lower, value, u, opened, 0
        else:
            stalled += 1
            if stalled >= 20:
                step, stalled = step / 2, 0
                if step < 1e-4:
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
        x = take * opened[shape.offer_supplier[shape.arc_offer]]
        gradient = demand - np.bincount(shape.arc_group, x, minlength=groups)
        norm = float(gradient @ gradient)
        if norm <= 1e-12:
            break
        u = np.clip(u + step * max(upper - lower, 1e-9) / norm * gradient, 0.0, shape.penalty)
    if best_opened.tobytes() not in priced:
        price(best_opened)
    return best, best_u, best_value


def choose_suppliers(model: Model, deadline: float, threads: int = 1) -> Choice:
    """The best set of suppliers found by the Lagrangian and the local search before
    ``deadline``, starting from the suppliers the model's current start orders from: its cost
    in objective units (the part's weighted cost, unmet units at their penalty), the flows in
    the order of ``model.flow``, and the Lagrangian bound."""
    shape = _shape(model)
    transport = _Transport(shape, threads)
    start = np.array(
        [
            (model.supplier_used[s].varValue or 0.0) > 0.5 if s in model.supplier_used else True
            for s in shape.suppliers
        ]
    )
    found: dict[str, object] = {}

    def price(opened: np.ndarray) -> float:
        cost, flows = transport.price(opened | (shape.fee <= 0))
        if "cost" not in found or cost < cast(float, found["cost"]):
            found.update(cost=cost, flows=flows, opened=opened | (shape.fee <= 0))
        return cost

    price(start)
    share = time.perf_counter() + 0.5 * max(0.0, deadline - time.perf_counter())
    bound, u, value = _lagrangian(shape, cast(float, found["cost"]), share, price)
    # the Lagrangian's last choice, completed with the most attractive suppliers until the
    # open capacity covers the demand
    chosen = value < 0
    total = float(shape.demand.sum())
    capacity_of = np.bincount(shape.offer_supplier, shape.capacity, minlength=len(shape.suppliers))
    for s in np.argsort(value / np.maximum(capacity_of, 1e-9)):
        if float(capacity_of[chosen].sum()) >= total:
            break
        chosen[s] = True
    price(chosen)
    best_cost, best_flows, _ = _local_search(
        transport,
        shape,
        cast(np.ndarray, found["opened"]),
        cast(float, found["cost"]),
        cast(np.ndarray, found["flows"]),
        value,
        deadline,
        bound,
    )
    # reduced-cost fixing: without the capacity row, the relaxation at ``u`` is worth
    # ``plain``; opening a supplier it leaves closed adds its value, closing one it opens
    # subtracts it, so a supplier whose change alone passes the best cost is fixed
    plain = float(u @ shape.demand + np.minimum(value, 0.0).sum())
    margin = best_cost + 1e-9 * max(1.0, abs(best_cost))
    closed = [shape.suppliers[i] for i in np.flatnonzero(plain + value > margin)]
    kept = [shape.suppliers[i] for i in np.flatnonzero(plain - value > margin)]
    return Choice(best_cost, best_flows, bound, closed, kept)


def _assignment_costs(shape: _Shape) -> np.ndarray | None:
    """Serving each group's whole demand from each supplier's cheapest offer, ignoring
    capacities (infinite where the supplier cannot serve the group), or None when the matrix
    would be too large to estimate moves with."""
    suppliers, groups = len(shape.suppliers), len(shape.demand)
    if suppliers * groups > 5_000_000:
        return None
    costs = np.full((suppliers, groups), np.inf)
    np.minimum.at(costs, (shape.offer_supplier[shape.arc_offer], shape.arc_group), shape.arc_cost)
    return cast(np.ndarray, costs * shape.demand[None, :])


def _estimated_moves(
    costs: np.ndarray, fee: np.ndarray, opened: np.ndarray
) -> list[tuple[float, int, int]]:
    """Every move (close ``i``, open ``j``, or swap them; -1 for none) with its change in cost
    estimated as if capacities did not bind (each group served by its cheapest open supplier,
    as in Whitaker's fast interchange), the most promising first."""
    inside = np.flatnonzero(opened)
    outside = np.flatnonzero(~opened)
    moves: list[tuple[float, int, int]] = []
    if inside.size == 0:
        return moves
    sub = costs[inside]
    first = np.argmin(sub, axis=0)
    best = sub[first, np.arange(costs.shape[1])]
    masked = sub.copy()
    masked[first, np.arange(costs.shape[1])] = np.inf
    second = masked.min(axis=0) if inside.size > 1 else np.full(costs.shape[1], np.inf)
    finite = np.isfinite(best)
    base = best[finite].sum()
    for k, i in enumerate(inside):
        if fee[i] <= 0:
            continue
        without = np.where(first == k, second, best)
        if np.all(np.isfinite(without[finite])):
            moves.append((float(without[finite].sum() - base - fee[i]), int(i), -1))
        if outside.size:
            swapped = np.minimum(costs[outside][:, finite], without[finite][None, :])
            deltas = swapped.sum(axis=1) - base - fee[i] + fee[outside]
            for j in np.argsort(deltas)[:3]:
                if np.isfinite(deltas[j]):
                    moves.append((float(deltas[j]), int(i), int(outside[j])))
    if outside.size:
        added = np.minimum(costs[outside][:, finite], best[finite][None, :])
        deltas = added.sum(axis=1) - base + fee[outside]
        for j in np.argsort(deltas)[:5]:
            moves.append((float(deltas[j]), -1, int(outside[j])))
    moves.sort()
    return moves


def _descend(
    transport: _Transport,
    shape: _Shape,
    opened: np.ndarray,
    cost: float,
    flows: np.ndarray,
    value: np.ndarray,
    deadline: float,
    bound: float,
) -> tuple[float, np.ndarray, np.ndarray]:
    """Close, open and swap suppliers while that lowers the cost, until ``deadline`` or until
    the cost meets the ``bound``. Moves are ranked by a fast estimate (capacities ignored) and
    the most promising are priced exactly; without the estimate (too large a matrix), closes
    and opens are tried in the order of the Lagrangian's values."""
    costs = _assignment_costs(shape)
    capacity = np.bincount(shape.offer_supplier, shape.capacity, minlength=len(shape.suppliers))
    need = float(shape.demand.sum()) if shape.one_product else 0.0
    tried: set[bytes] = set()
    improved = True
    while improved and time.perf_counter() < deadline and cost > bound * (1 + 1e-7):
        improved = False
        candidates = [] if costs is None else _estimated_moves(costs, shape.fee, opened)
        # then the plain moves, in the order of the Lagrangian's values
        candidates += [(0.0, int(i), -1) for i in np.argsort(-value) if opened[i]]
        candidates += [(0.0, -1, int(j)) for j in np.argsort(value) if not opened[j]]
        attractive = [int(j) for j in np.argsort(value)[:5] if not opened[j]]
        candidates += [
            (0.0, int(i), j) for i in np.argsort(-value) if opened[i] for j in attractive
        ]
        priced = 0
        for _, close, open_ in candidates:
            if time.perf_counter() > deadline or priced >= _PRICED_PER_ROUND:
                break
            trial = opened.copy()
            if close >= 0:
                trial[close] = False
            if open_ >= 0:
                trial[open_] = True
            if float(capacity[trial].sum()) < need - 1e-9:
                continue  # some demand would go unserved: never better here
            key = trial.tobytes()
            if key in tried:
                continue
            tried.add(key)
            priced += 1
            trial_cost, trial_flows = transport.price(trial)
            if trial_cost < cost - 1e-9 * max(1.0, abs(cost)):
                opened, cost, flows, improved = trial, trial_cost, trial_flows, True
                break
    return cost, flows, opened


def _local_search(
    transport: _Transport,
    shape: _Shape,
    opened: np.ndarray,
    cost: float,
    flows: np.ndarray,
    value: np.ndarray,
    deadline: float,
    bound: float,
) -> tuple[float, np.ndarray, np.ndarray]:
    """Descents from the best set found, each from a kick (one supplier swapped at random,
    from a fixed seed) once the previous descent is stuck, until ``deadline``, the bound, or
    a few kicks in a row that find nothing better (an iterated local search)."""
    best = _descend(transport, shape, opened, cost, flows, value, deadline, bound)
    rng = np.random.default_rng(1)
    capacity = np.bincount(shape.offer_supplier, shape.capacity, minlength=len(shape.suppliers))
    need = float(shape.demand.sum()) if shape.one_product else 0.0
    stuck = 0
    while time.perf_counter() < deadline and best[0] > bound * (1 + 1e-7) and stuck < _KICKS:
        stuck += 1
        kicked = best[2].copy()
        inside = np.flatnonzero(kicked & (shape.fee > 0))
        outside = np.flatnonzero(~kicked)
        if inside.size == 0 or outside.size == 0:
            break
        kicked[rng.choice(inside)] = False
        kicked[rng.choice(outside)] = True
        if float(capacity[kicked].sum()) < need:
            continue
        kick_cost, kick_flows = transport.price(kicked)
        found = _descend(transport, shape, kicked, kick_cost, kick_flows, value, deadline, bound)
        if found[0] < best[0] - 1e-9 * max(1.0, abs(best[0])):
            best, stuck = found, 0
    return best


def apply_choice(model: Model, choice: Choice) -> None:
    """Sets the model's flows, packs and unmet demand to ``choice`` (fee switches are then
    completed by :func:`optimizer.start.settle`)."""
    shape_keys = list(model.flow)
    bought: dict[int, float] = {o: 0.0 for o in model.offers}
    for (g, o), value in zip(shape_keys, choice.flows[: len(shape_keys)], strict=True):
        units = float(round(value)) if abs(value - round(value)) < 1e-6 else max(0.0, value)
        model.flow[g, o].varValue = units
        bought[o] += units
    for o, units in bought.items():
        model.packs[o].varValue = round(units / float(model.offer(o).pack_size))
