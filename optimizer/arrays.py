"""A part's model as arrays, cut into its clusters for HiGHS (see :mod:`optimizer.clusters`):
the columns and rows read once from the PuLP model, each column's cluster, each cluster's rows
with the fee switches relaxed, and the loading of clusters side by side into HiGHS."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import highspy
import numpy as np

from optimizer.variables import Model

INF = math.inf
FEASIBLE = 1e-6  # the solver's own feasibility tolerance, for checking a start


@dataclass
class Cluster:
    """One cluster's columns (indices into the part's columns) and its rows, relaxed."""

    columns: list[int] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    index: list[int] = field(default_factory=list)
    value: list[float] = field(default_factory=list)
    lower: list[float] = field(default_factory=list)
    upper: list[float] = field(default_factory=list)


class Matrix:
    """The part's model as arrays: columns with bounds, cost and integrality, rows by row."""

    def __init__(self, model: Model) -> None:
        lp = model.lp
        self.variables = lp.variables()
        self.column = {var.id: j for j, var in enumerate(self.variables)}
        n = len(self.variables)
        self.cost = np.zeros(n)
        objective = lp.objective
        assert objective is not None
        for var, coefficient in objective.items():
            self.cost[self.column[var.id]] = coefficient
        self.lower = np.array([-INF if v.lowBound is None else v.lowBound for v in self.variables])
        self.upper = np.array([INF if v.upBound is None else v.upBound for v in self.variables])
        self.integer = np.array([v.cat != "Continuous" for v in self.variables])
        self.rows: list[tuple[list[int], list[float], float, float]] = []
        for constraint in lp.constraints():
            columns, values = [], []
            for var, coefficient in constraint.items():
                if coefficient:
                    columns.append(self.column[var.id])
                    values.append(coefficient)
            lb, ub = constraint.getLb(), constraint.getUb()
            self.rows.append(
                (columns, values, -INF if lb is None else lb, INF if ub is None else ub)
            )

    def values(self) -> np.ndarray:
        """The variables' current values (the start), in column order."""
        return np.array([v.varValue or 0.0 for v in self.variables])

    def feasible(self, x: np.ndarray) -> bool:
        """Whether ``x`` satisfies every row, bound and integrality, within the tolerance."""
        if np.any(x < self.lower - FEASIBLE) or np.any(x > self.upper + FEASIBLE):
            return False
        if np.any(np.abs(x[self.integer] - np.round(x[self.integer])) > FEASIBLE):
            return False
        for columns, values, lo, hi in self.rows:
            activity = float(np.dot(x[columns], values))
            if activity < lo - FEASIBLE or activity > hi + FEASIBLE:
                return False
        return True


def owners(model: Model, matrix: Matrix, clusters: list[list[int]]) -> np.ndarray | None:
    """The cluster of each column, -1 for the suppliers' fee switches and waivers; None when a
    column belongs to neither (a rule's own variables, or a van's reach switches when tours are
    priced: such parts are solved whole)."""
    owner = np.full(len(matrix.variables), -2)
    cluster_of = {g: c for c, members in enumerate(clusters) for g in members}
    column = matrix.column
    for (g, _), var in model.flow.items():
        owner[column[var.id]] = cluster_of[g]
    for g, var in enumerate(model.unmet):
        owner[column[var.id]] = cluster_of[g]
    for o in model.offers:
        c = cluster_of[model.arcs_of_offer[o][0][0]]
        owner[column[model.packs[o].id]] = c
        for k in model.tiers_in_model(o):
            owner[column[model.tier_on[o, k].id]] = c
            owner[column[model.tier_qty[o, k].id]] = c
    for c, var in enumerate(model.shortfall):
        owner[column[var.id]] = c
    for var in (*model.supplier_used.values(), *model.fee_waived.values()):
        owner[column[var.id]] = -1
    if np.any(owner == -2):
        return None
    return owner


def split(matrix: Matrix, owner: np.ndarray, count: int) -> list[Cluster]:
    """Each cluster's columns and rows; a row that also holds fee switches is relaxed to their
    most permissive values, a row spanning clusters (a waiver's) is left out."""
    parts = [Cluster() for _ in range(count)]
    local = np.zeros(len(owner), dtype=np.int64)
    for j, c in enumerate(owner):
        if c >= 0:
            local[j] = len(parts[c].columns)
            parts[c].columns.append(j)
    lower, upper = matrix.lower, matrix.upper
    for columns, values, lo, hi in matrix.rows:
        mine = owner[columns]
        inside = mine[mine >= 0]
        if len(inside) == 0 or np.any(inside != inside[0]):
            continue
        part = parts[inside[0]]
        part.starts.append(len(part.index))
        for j, a, c in zip(columns, values, mine, strict=True):
            if c >= 0:
                part.index.append(int(local[j]))
                part.value.append(a)
            else:
                # lo <= inside + a x_j <= hi for some x_j within its bounds
                low, high = sorted((a * lower[j], a * upper[j]))
                lo, hi = lo - high, hi - low
        part.lower.append(lo)
        part.upper.append(hi)
    return parts


# on a cluster of a few hundred columns, closed at the root node or in a few nodes, these take
# most of the solver's time (a third of it on M's clusters) and find nothing the search misses
QUICK = {
    "mip_detect_symmetry": False,
    "mip_heuristic_run_feasibility_jump": False,
    "mip_heuristic_run_rins": False,
    "mip_heuristic_run_rens": False,
    "mip_heuristic_run_root_reduced_cost": False,
    "mip_heuristic_run_zi_round": False,
    "mip_heuristic_run_shifting": False,
}


def highs(threads: int, quick: bool = False) -> highspy.Highs:
    """A quiet, seeded HiGHS on ``threads`` threads; ``quick``: without the heuristics and
    the symmetry detection that a small cluster does not need."""
    h = highspy.Highs()  # type: ignore[no-untyped-call]
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", threads)
    h.setOptionValue("random_seed", 1)
    if quick:
        for name, value in QUICK.items():
            h.setOptionValue(name, value)
    return h


def load(h: highspy.Highs, matrix: Matrix, parts: list[Cluster], integer: bool) -> None:
    """Puts ``parts`` side by side in ``h``, columns in the order of the parts."""
    columns = np.array([j for part in parts for j in part.columns], dtype=np.int64)
    n = len(columns)
    h.addVars(n, matrix.lower[columns], matrix.upper[columns])
    h.changeColsCost(n, np.arange(n, dtype=np.int32), matrix.cost[columns])
    if integer:
        ints = np.nonzero(matrix.integer[columns])[0].astype(np.int32)
        if len(ints):
            kind = np.full(len(ints), highspy.HighsVarType.kInteger)
            h.changeColsIntegrality(len(ints), ints, kind)
    starts: list[np.ndarray] = []
    index: list[np.ndarray] = []
    offset = nonzeros = 0
    for part in parts:
        starts.append(np.array(part.starts, dtype=np.int64) + nonzeros)
        index.append(np.array(part.index, dtype=np.int64) + offset)
        offset += len(part.columns)
        nonzeros += len(part.index)
    rows = sum(len(part.lower) for part in parts)
    if rows:
        h.addRows(
            rows,
            np.concatenate([np.array(part.lower, dtype=float) for part in parts]),
            np.concatenate([np.array(part.upper, dtype=float) for part in parts]),
            nonzeros,
            np.concatenate(starts).astype(np.int32),
            np.concatenate(index).astype(np.int32),
            np.concatenate([np.array(part.value, dtype=float) for part in parts]),
        )
