"""A bound and a better start for a part, from its clusters solved one by one with fees aside.

A part is linked by its suppliers' fees; without them, it falls apart into *clusters* (groups
sharing offers: one product, usually). Everything but the fees belongs to one cluster: flows,
unmet demand, packs, tiers, and the shortfall that holds the demand served. So:

- the cost phase of a part is at least the sum over its clusters of the least cost of each
  cluster with the fees left out (a fee is never negative: a waiver needs the fee's switch
  on). Each cluster is a small mixed-integer program, which HiGHS closes in 10 ms to a second,
  where on the whole part it stays at its root node with a relaxation that prices pack
  rounding and tiers wrong in every cluster at once. The rows that hold a cluster's columns together
  with a supplier's switch are relaxed to the switch's most permissive bound (the switch is
  on), and the waiver rows, which add up goods of several clusters, are left out: each cluster
  is a relaxation of its part of the model, and its bound, or the bound of its linear
  relaxation when the time is up, a lower bound of what that part costs;
- each cluster's answer replaces the start's in that cluster when that lowers the start's
  weighted cost with the fees it changes (a new supplier's fee, a waiver lost or reached).
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from dataclasses import dataclass

import highspy
import numpy as np

from optimizer.arrays import FEASIBLE, Cluster, Matrix, highs, load, owners, split
from optimizer.start import set_tiers, settle
from optimizer.variables import Model

_ENOUGH = 0.25  # share of the gap asked for left to the clusters not solved one by one


@dataclass(frozen=True, slots=True)
class ClusterBound:
    """The part's cost phase is at least ``bound``; ``solved`` of the ``clusters`` were solved
    as mixed-integer programs (the others count with their linear relaxation); ``improved``:
    whether the start was replaced in some cluster."""

    bound: float
    solved: int
    clusters: int
    improved: bool


def _relaxations(matrix: Matrix, parts: list[Cluster], threads: int) -> list[float] | None:
    """Each cluster's linear relaxation's least cost (one solve for all), or None."""
    h = highs(threads)
    load(h, matrix, parts, integer=False)
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    x = np.array(h.getSolution().col_value)
    values, at = [], 0
    for part in parts:
        size = len(part.columns)
        values.append(float(np.dot(matrix.cost[part.columns], x[at : at + size])))
        at += size
    return values


class _Fees:
    """Each supplier's goods and whether it is ordered from, for the start's fees."""

    def __init__(self, model: Model) -> None:
        self.model = model
        suppliers = {s.id: s for s in model.problem.suppliers}
        self.fee = {s: float(suppliers[s].delivery_fee) for s in model.supplier_used}
        self.waiver = {
            s: float(w) for s in self.fee if (w := suppliers[s].fee_waived_above) is not None
        }
        self.goods: dict[str, float] = defaultdict(float)
        self.orders: dict[str, int] = defaultdict(int)

    def order(self, o: int, packs: int) -> tuple[float, int]:
        if packs <= 0:
            return 0.0, 0
        offer = self.model.offer(o)
        quantity = offer.pack_size * packs
        return float(quantity * offer.tiers[offer.tier_for(quantity)].unit_price), 1

    def paid(self, s: str, goods: float, orders: int) -> float:
        fee = self.fee.get(s)
        if fee is None or orders == 0:
            return 0.0
        waiver = self.waiver.get(s)
        return 0.0 if waiver is not None and goods >= waiver - 1e-9 else fee

    def change(self, o: int, before: int, after: int, sign: int = 1) -> None:
        s = self.model.offer(o).supplier
        for packs, way in ((before, -sign), (after, sign)):
            goods, orders = self.order(o, packs)
            self.goods[s] += way * goods
            self.orders[s] += way * orders

    def total(self, suppliers: set[str]) -> float:
        return sum(self.paid(s, self.goods[s], self.orders[s]) for s in suppliers)


def cluster_bound(
    model: Model,
    clusters: list[list[int]],
    deadline: float | None,
    threads: int,
    gap: float,
) -> ClusterBound | None:
    """Solves each cluster of ``model`` (lists of its groups, in the order of its shortfall
    variables) with the fees aside, within a tenth of ``gap``, until ``deadline``; improves the
    start with their answers; returns the part's bound, or None when the model holds variables
    of a rule."""
    matrix = Matrix(model)
    owner = owners(model, matrix, clusters)
    if owner is None:
        return None
    parts = split(matrix, owner, len(clusters))
    relaxed = _relaxations(matrix, parts, threads)
    if relaxed is None:
        return None
    x = matrix.values()
    at_start = [float(np.dot(matrix.cost[p.columns], x[p.columns])) for p in parts]
    # the clusters where the start is furthest from its relaxation first, until what the others
    # could still gain is a small part of the gap asked for
    room = [max(0.0, at_start[c] - relaxed[c]) for c in range(len(parts))]
    order = sorted(range(len(parts)), key=lambda c: (-room[c], c))
    enough = _ENOUGH * gap * abs(float(np.dot(matrix.cost, x)))
    unproven = sum(room)
    bounds = list(relaxed)
    answers: dict[int, np.ndarray] = {}
    solved = 0
    for c in order:
        left = None if deadline is None else deadline - time.perf_counter()
        if (left is not None and left <= 0) or unproven <= enough:
            break
        unproven -= room[c]
        bound, optimal, answer = _solve(matrix, parts[c], threads, gap, left)
        if bound is not None:
            bounds[c] = max(bounds[c], bound - 1e-9 * max(1.0, abs(bounds[c])))
        solved += optimal
        if answer is not None:
            answers[c] = answer
    improved = _improve_start(model, matrix, parts, answers, at_start)
    improved = _close_suppliers(model, matrix, parts, threads, gap, deadline) or improved
    return ClusterBound(bound=sum(bounds), solved=solved, clusters=len(parts), improved=improved)


def _solve(
    matrix: Matrix,
    part: Cluster,
    threads: int,
    gap: float,
    left: float | None,
    closed: tuple[int, ...] = (),
) -> tuple[float | None, bool, np.ndarray | None]:
    """One cluster as a mixed-integer program, the columns ``closed`` (local indices) held at
    zero: its bound, whether it is proven optimal, and its answer (None when it has none)."""
    h = highs(threads, quick=True)
    h.setOptionValue("mip_rel_gap", gap / 10)
    # the answer becomes part of a start that must pass the solver's own tolerance
    h.setOptionValue("mip_feasibility_tolerance", FEASIBLE / 100)
    h.setOptionValue("primal_feasibility_tolerance", FEASIBLE / 100)
    if left is not None:
        h.setOptionValue("time_limit", max(left, 0.01))
    load(h, matrix, [part], integer=True)
    for j in closed:
        h.changeColBounds(j, 0.0, 0.0)
    h.run()
    info = h.getInfo()
    bound = info.mip_dual_bound if math.isfinite(info.mip_dual_bound) else None
    optimal = h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    answer = None
    if math.isfinite(info.objective_function_value):
        answer = np.array(h.getSolution().col_value)
    return bound, optimal, answer


def _improve_start(
    model: Model,
    matrix: Matrix,
    parts: list[Cluster],
    answers: dict[int, np.ndarray],
    at_start: list[float],
) -> bool:
    """Replaces the start in each cluster whose answer lowers the weighted cost, fees
    included; keeps the start when the result would not be feasible or not cheaper."""
    x = matrix.values()
    integer = matrix.integer
    fees = _Fees(model)
    packs_column = {o: matrix.column[model.packs[o].id] for o in model.offers}
    offers_of: dict[int, list[int]] = defaultdict(list)
    cluster_of_column = {j: c for c, part in enumerate(parts) for j in part.columns}
    for o, j in packs_column.items():
        offers_of[cluster_of_column[j]].append(o)
    for o, j in packs_column.items():
        fees.change(o, 0, round(x[j]))
    per_euro = model.scales.per_euro
    changed: list[int] = []
    for c, answer in sorted(answers.items()):
        part = parts[c]
        value = np.where(integer[part.columns], np.round(answer), answer)
        value = np.clip(value, matrix.lower[part.columns], matrix.upper[part.columns])
        gain = at_start[c] - float(np.dot(matrix.cost[part.columns], value))
        if gain <= 1e-12:
            continue
        suppliers = {model.offer(o).supplier for o in offers_of[c]}
        before = fees.total(suppliers)
        moves = [
            (o, round(x[packs_column[o]]), round(value[part.columns.index(packs_column[o])]))
            for o in offers_of[c]
        ]
        for o, old, new in moves:
            fees.change(o, old, new)
        if gain - per_euro * (fees.total(suppliers) - before) <= 1e-12:
            for o, old, new in moves:
                fees.change(o, new, old)
            continue
        x[part.columns] = value
        changed.extend(offers_of[c])
    return _apply(model, matrix, x, changed)


def _apply(model: Model, matrix: Matrix, x: np.ndarray, changed: list[int]) -> bool:
    """Sets the start to ``x``, whose offers ``changed`` come from clusters' answers, when it
    is feasible and cheaper; whether it did."""
    if not changed:
        return False
    saved = matrix.values()
    for var, value in zip(matrix.variables, x, strict=True):
        var.varValue = float(value)
    for o in changed:
        # an answer may hold a tier switch on without buying anything: off, as in a start
        set_tiers(model, o)
        _whole_packs(model, o)
    settle(model)
    _hold(model)
    after = matrix.values()
    if matrix.feasible(after) and np.dot(matrix.cost, after) < np.dot(matrix.cost, saved):
        return True
    for var, value in zip(matrix.variables, saved, strict=True):
        var.varValue = float(value)
    return False


def _close_suppliers(
    model: Model,
    matrix: Matrix,
    parts: list[Cluster],
    threads: int,
    gap: float,
    deadline: float | None,
) -> bool:
    """For each supplier whose fee the start pays, dearest fee first: its clusters solved again
    without its offers; taken when what they then cost more is less than the fees saved."""
    x = matrix.values()
    fees = _Fees(model)
    packs_column = {o: matrix.column[model.packs[o].id] for o in model.offers}
    cluster_of = {j: c for c, part in enumerate(parts) for j in part.columns}
    local = {j: i for part in parts for i, j in enumerate(part.columns)}
    offers_of: dict[int, list[int]] = defaultdict(list)
    for o, j in packs_column.items():
        offers_of[cluster_of[j]].append(o)
        fees.change(o, 0, round(x[j]))
    paid = [s for s in fees.fee if fees.paid(s, fees.goods[s], fees.orders[s]) > 0]
    per_euro = model.scales.per_euro
    changed: list[int] = []
    for supplier in sorted(paid, key=lambda s: (-fees.fee[s], s)):
        if fees.paid(supplier, fees.goods[supplier], fees.orders[supplier]) <= 0:
            continue
        mine = [o for o in model.offers if model.offer(o).supplier == supplier]
        clusters = sorted({cluster_of[packs_column[o]] for o in mine if round(x[packs_column[o]])})
        extra, values = 0.0, {}
        for c in clusters:
            left = None if deadline is None else deadline - time.perf_counter()
            if left is not None and left <= 0:
                return _apply(model, matrix, x, changed)
            part = parts[c]
            closed = tuple(local[packs_column[o]] for o in mine if cluster_of[packs_column[o]] == c)
            _, _, answer = _solve(matrix, part, threads, gap, left, closed)
            if answer is None:
                break
            value = np.where(matrix.integer[part.columns], np.round(answer), answer)
            value = np.clip(value, matrix.lower[part.columns], matrix.upper[part.columns])
            extra += float(np.dot(matrix.cost[part.columns], value - x[part.columns]))
            values[c] = value
        if len(values) < len(clusters):
            continue
        moves = [
            (o, round(x[packs_column[o]]), round(values[c][local[packs_column[o]]]))
            for c in clusters
            for o in offers_of[c]
        ]
        touched = {model.offer(o).supplier for o, _, _ in moves}
        before = fees.total(touched)
        for o, old, new in moves:
            fees.change(o, old, new)
        if extra + per_euro * (fees.total(touched) - before) >= -1e-12:
            for o, old, new in moves:
                fees.change(o, new, old)
            continue
        for c, value in values.items():
            x[parts[c].columns] = value
            changed.extend(offers_of[c])
    return _apply(model, matrix, x, changed)


def _whole_packs(model: Model, o: int) -> None:
    """Makes offer ``o``'s flows add up to its whole packs exactly: the solver's answer may be
    off by its tolerance, which rounding the packs then leaves in the largest flow."""
    flows = [model.flow[g, o] for g, _ in model.arcs_of_offer[o]]
    bought = float(model.offer(o).pack_size) * round(model.packs[o].varValue or 0.0)
    largest = max(flows, key=lambda var: var.varValue or 0.0)
    off = bought - sum(var.varValue or 0.0 for var in flows)
    largest.varValue = max(0.0, (largest.varValue or 0.0) + off)


def _hold(model: Model) -> None:
    """Sets each cluster's shortfall from its unmet demand and the level it is held at."""
    for members, level, short in zip(model.held, model.held_levels, model.shortfall, strict=True):
        unmet = sum(model.unmet[j].varValue or 0.0 for j in members)
        short.varValue = max(0.0, unmet - level)
