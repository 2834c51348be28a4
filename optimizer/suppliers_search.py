"""Which suppliers to order from, for parts shaped like capacitated facility location.

A part is *shaped like facility location* when what remains to decide, once the suppliers to
order from are chosen, is a transportation problem: every offer sells in packs of one at a
single price, without minimum order, from a supplier that charges a fee it never waives, the
needs' quantities are whole, and no hard rule is set. Then the hard part is the fees (a supplier
is worth its fee only for the groups it serves), and the branch-and-bound lacks a good
incumbent on large instances. This module gives it one:

- the Lagrangian relaxation of :mod:`optimizer.lagrangian` gives a bound, and each choice of
  suppliers it makes is priced exactly by solving its transportation problem with HiGHS's
  dual simplex, warm started from the previous set's basis;
- a local search over the set of suppliers ordered from (close one, open one, swap two) ranks
  its moves by two optimistic estimates, the transportation problem's duals and Whitaker's
  fast interchange (which ignores capacities), prices them exactly, and takes the first that
  lowers the cost; when stuck, it restarts from a random swap or from the relaxation's choice
  under perturbed values, from a fixed seed, while such kicks find something better;
- the bound then fixes suppliers (reduced-cost fixing) before the branch-and-bound gets the
  time left.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import cast

import highspy
import numpy as np

from optimizer.lagrangian import Shape, cover, filling, fixed_suppliers, relax, shape_of
from optimizer.model import Model

_KICKS = 8  # restarts in a row that find nothing better before the search stops
_PRICED_PER_ROUND = 60  # moves priced exactly before the search gives up improving
_RELAXATION = 0.35  # share of the search's time for the Lagrangian relaxation, at most
_FIXING = 0.08  # share kept for the reduced-cost fixing


class _Transport:
    """The transportation problem of a set of suppliers ordered from: every group's demand
    served by the offers of open suppliers within their capacities, or left unmet at its
    penalty. Opening and closing a supplier changes its offers' capacity rows only, so each
    solve starts from the previous basis."""

    def __init__(self, shape: Shape, threads: int) -> None:
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
        self.duals = np.zeros(groups + offers)

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
        solution = self.highs.getSolution()
        values = np.array(solution.col_value)
        self.duals = np.array(solution.row_dual)
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


def choose_suppliers(
    model: Model, deadline: float, threads: int = 1, kicks: int = _KICKS
) -> Choice:
    """The best set of suppliers found by the Lagrangian and the local search before
    ``deadline``, starting from the suppliers the model's current start orders from: its cost
    in objective units (the part's weighted cost, unmet units at their penalty), the flows in
    the order of ``model.flow``, and the Lagrangian bound."""
    shape = shape_of(model)
    transport = _Transport(shape, threads)
    start = np.array(
        [
            (model.supplier_used[s].varValue or 0.0) > 0.5 if s in model.supplier_used else True
            for s in shape.suppliers
        ]
    )
    found: dict[str, object] = {}

    def price(opened: np.ndarray) -> float:
        opened = covering(shape, opened | (shape.fee <= 0), value_of)
        cost, flows = transport.price(opened)
        if "cost" not in found or cost < cast(float, found["cost"]):
            found.update(cost=cost, flows=flows, opened=opened)
        return cost

    # until the relaxation has values, the suppliers completing a choice are the largest
    value_of = np.zeros(len(shape.suppliers))

    price(start)
    # the relaxation converges within a few hundred iterations: a third of the time at most
    share = time.perf_counter() + _RELAXATION * max(0.0, deadline - time.perf_counter())
    relaxation = relax(shape, cast(float, found["cost"]), share, price)
    value = value_of = relaxation.value
    price(relaxation.opened)
    fixing = time.perf_counter() + _FIXING * max(0.0, deadline - time.perf_counter())
    best_cost, best_flows, _ = _local_search(
        transport,
        shape,
        cast(np.ndarray, found["opened"]),
        cast(float, found["cost"]),
        cast(np.ndarray, found["flows"]),
        value,
        deadline - (fixing - time.perf_counter()),
        relaxation.bound,
        kicks,
    )
    closed, kept = fixed_suppliers(shape, relaxation, best_cost, deadline)
    return Choice(
        best_cost,
        best_flows,
        relaxation.bound,
        [shape.suppliers[i] for i in np.flatnonzero(closed)],
        [shape.suppliers[i] for i in np.flatnonzero(kept)],
    )


def covering(shape: Shape, opened: np.ndarray, value: np.ndarray) -> np.ndarray:
    """``opened`` completed, when its suppliers' capacity falls short of the demand of a part
    of one product, with the suppliers of least ``value`` per unit of capacity until it
    covers the demand (a short choice would leave units unmet at their penalty)."""
    if not shape.one_product:
        return opened
    capacity = shape.supplier_capacity
    need = float(shape.demand.sum())
    if float(capacity[opened].sum()) >= need:
        return opened
    opened = opened.copy()
    # least value per unit of capacity first, the largest first among equals
    for s in np.lexsort((-capacity, value / np.maximum(capacity, 1e-9))):
        if not opened[s]:
            opened[s] = True
            if float(capacity[opened].sum()) >= need:
                break
    return opened


def _dual_moves(
    shape: Shape, opened: np.ndarray, duals: np.ndarray, need: float
) -> list[tuple[float, int, int]]:
    """Moves (close ``i``, open ``j``, or swap them; -1 for none) that keep the open capacity
    above ``need``, ranked by a first-order estimate from the transportation problem's duals:
    opening ``j`` saves its best filling at the groups' dual prices, less its fee; closing
    ``i`` saves its fee and loses its capacity at its dual price (both optimistic)."""
    groups = len(shape.demand)
    prices, capacity_prices = duals[:groups], np.abs(duals[groups:])
    opening, _, _ = filling(shape, prices)
    lost = np.bincount(
        shape.offer_supplier, capacity_prices * shape.capacity, minlength=len(shape.suppliers)
    )
    closing = lost - shape.fee
    capacity = shape.supplier_capacity
    slack = float(capacity[opened].sum()) - need
    inside = np.flatnonzero(opened & (shape.fee > 0))
    outside = np.flatnonzero(~opened)
    moves = [(float(closing[i]), int(i), -1) for i in inside if capacity[i] <= slack + 1e-9]
    moves += [(float(opening[j]), -1, int(j)) for j in outside]
    if inside.size and outside.size:
        pairs = closing[inside][:, None] + opening[outside][None, :]
        feasible = capacity[outside][None, :] - capacity[inside][:, None] >= -slack - 1e-9
        pairs = np.where(feasible, pairs, np.inf)
        flat = np.argsort(pairs, axis=None)[: 2 * _PRICED_PER_ROUND]
        for k in flat:
            a, b = divmod(int(k), outside.size)
            if np.isfinite(pairs[a, b]):
                moves.append((float(pairs[a, b]), int(inside[a]), int(outside[b])))
    moves.sort()
    return moves


def _assignment_costs(shape: Shape) -> np.ndarray | None:
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
    shape: Shape,
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
    transport.price(opened)
    duals = transport.duals.copy()
    while improved and time.perf_counter() < deadline and cost > bound * (1 + 1e-7):
        improved = False
        # the moves the transportation duals rank and those that ignore capacities (close
        # to the truth when capacities are loose), in the order of their estimates
        candidates = _dual_moves(shape, opened, duals, need)
        if costs is not None:
            candidates = sorted(candidates + _estimated_moves(costs, shape.fee, opened))
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
                duals = transport.duals.copy()
                break
    return cost, flows, opened


def _local_search(
    transport: _Transport,
    shape: Shape,
    opened: np.ndarray,
    cost: float,
    flows: np.ndarray,
    value: np.ndarray,
    deadline: float,
    bound: float,
    kicks: int = _KICKS,
) -> tuple[float, np.ndarray, np.ndarray]:
    """Descents from the best set found, each from a kick once the previous descent is stuck
    (in turn, one supplier swapped at random, and the relaxation's choice under values
    perturbed at random, both from a fixed seed), until ``deadline``, the bound, or kicks in a
    row that find nothing better (an iterated local search)."""
    best = _descend(transport, shape, opened, cost, flows, value, deadline, bound)
    rng = np.random.default_rng(1)
    capacity = np.bincount(shape.offer_supplier, shape.capacity, minlength=len(shape.suppliers))
    need = float(shape.demand.sum()) if shape.one_product else 0.0
    stuck = 0
    while time.perf_counter() < deadline and best[0] > bound * (1 + 1e-7) and stuck < kicks:
        stuck += 1
        if stuck % 2 == 0:
            kicked = _noisy_choice(shape, value, rng)
        else:
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


def _noisy_choice(shape: Shape, value: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The suppliers the Lagrangian subproblem would open were each supplier's value off by a
    random amount (a sixth of the typical value, normally distributed), completed to cover
    the demand: a choice close to the relaxation's but not the same, to restart from."""
    scale = float(np.median(np.abs(value))) or 1.0
    noisy = value + rng.normal(0.0, scale / 6, value.size)
    if shape.one_product:
        # a unit left uncovered costs more than any supplier: the choice covers the demand
        dearest = float(np.abs(noisy).sum()) + 1.0
        opened, _ = cover(noisy, shape.supplier_capacity, float(shape.demand.sum()), dearest)
    else:
        opened = noisy < 0
    return covering(shape, opened | (shape.fee <= 0), noisy)


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
