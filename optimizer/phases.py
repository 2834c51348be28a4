"""Solving part by part, in two phases: the most demand served, then the least weighted cost.

**Parts.** Groups that share an offer are linked (capacity, packs, tiers and minimum orders are
per offer), and so are groups whose offers come from the same supplier charging a fee (the fee
is paid once per order and waived on the order's total), or from the same supplier whose van's
tour has a price (see :mod:`optimizer.vans`). Groups of the same product are linked
when the number of suppliers per product is limited. The connected parts of these links are
independent problems: each is solved on its own, smallest first, and the answers are put
together. A rule on the whole batch (minimum average eco score, budget cap, minimum local or
social-economy share) links everything, and the batch is then solved as one part.

**Phases.** Within a part, the first phase finds the most demand that can be served (a model
whose objective is the units left unmet, without fees unless a budget cap needs them). Serving
does not depend on fees, so this phase is split further, by *clusters* of groups sharing offers
(one product, or a few linked by rules), and only the clusters the greedy start leaves short are
solved; a cluster the greedy start serves in full needs no proof. The second phase minimises
the weighted cost with each cluster's unmet demand held at most at the first phase's (a
millionth of a unit of slack for floating point), starting from the greedy start where it
serves everything and from the first phase's answer elsewhere.

The report is the second phase's (objective, bound and gap summed over the parts; the worst
status), made no better than the first phase's status: a first phase stopped by the time limit
leaves the served amount unproven.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, replace

import pulp

from optimizer.clusters import cluster_bound
from optimizer.delivery import DeliveryTable
from optimizer.groups import Group
from optimizer.model import (
    Model,
    add_row,
    build_model,
    charges_fee,
    continuous,
    shaped_like_facility_location,
)
from optimizer.normalise import Scales, scales_for
from optimizer.problem import Problem, Rules
from optimizer.solve import (
    ModelSize,
    SolveOptions,
    SolverReport,
    Status,
    relative_gap,
    run_solver,
    solver_report,
    stdout_silenced,
)
from optimizer.start import greedy_start, settle
from optimizer.suppliers_search import apply_choice, choose_suppliers
from optimizer.vans import van_suppliers

_SLACK = 1e-6
_SEARCH = 0.6  # share of a part's time for the supplier search, when the part fits it
_SEARCH_ALONE = 30.0  # seconds for the supplier search without a time limit
# seconds per variable and constraint for HiGHS to take a model, solve its root node's linear
# relaxation and give the answer back, at the least (100 x 1,000 facility location: 40 s on
# the shared 2-core machine, presolve and hand-off not interruptible); with less time left,
# the search keeps the time and the solver is not called
_ROOT_SECONDS = 2e-4
_KICKS = 3  # restarts of the local search in a row that find nothing better, when it stops
_UNTIL_DEADLINE = 1_000_000
_SETTLE_SECONDS = 1e-5  # per variable and constraint, to set the model's values after it
_SEARCH_ABOVE = 5_000  # smaller parts are solved by HiGHS alone in well under a second
_POOLING = 0.25  # share of a part's time for improving the greedy start at most
_CLUSTERS = 0.7  # share of a part's time left for solving its clusters one by one, at most
_LAGRANGIAN = "the Lagrangian bound of the supplier search"
_CLUSTERED = "the clusters' bound (each cluster solved with the fees aside)"
_WORST = (Status.OPTIMAL, Status.FEASIBLE, Status.APPROXIMATE, Status.TIME_LIMIT, Status.ERROR)


@dataclass(frozen=True, slots=True)
class PartResult:
    """One part solved: its cost-phase model (with the values), the first phase's report (None
    when the start serves everything), the cost phase's report, and the seconds spent building
    models and improving the start."""

    model: Model
    served: SolverReport | None
    cost: SolverReport
    build_seconds: float


def couples_everything(rules: Rules) -> bool:
    """Whether a rule bounds a sum over the whole batch."""
    return (
        rules.min_average_eco is not None
        or rules.budget_cap is not None
        or bool(rules.min_local_share)
        or bool(rules.min_social_economy_share)
    )


def connected(problem: Problem, groups: list[Group], through_fees: bool) -> list[list[int]]:
    """The groups in connected parts (see the module documentation), each part in the groups'
    order, the parts in the order of their first group. Without ``through_fees``, suppliers'
    fees do not link groups (the clusters of the first phase)."""
    rules = problem.policy.rules
    if couples_everything(rules):
        return [list(range(len(groups)))] if groups else []
    parent = list(range(len(groups)))

    def root(g: int) -> int:
        while parent[g] != g:
            parent[g] = parent[parent[g]]
            g = parent[g]
        return g

    charging = (
        {s.id for s in problem.suppliers if charges_fee(s)} | van_suppliers(problem)
        if through_fees
        else set()
    )
    per_product = rules.max_suppliers_per_product is not None
    first: dict[tuple[str, object], int] = {}
    for g, group in enumerate(groups):
        keys: list[tuple[str, object]] = [("product", group.product)] if per_product else []
        for arc in group.arcs:
            keys.append(("offer", arc.offer))
            supplier = problem.offers[arc.offer].supplier
            if supplier in charging:
                keys.append(("supplier", supplier))
        for key in keys:
            other = root(first.setdefault(key, g))
            mine = root(g)
            if other != mine:
                parent[max(other, mine)] = min(other, mine)
    parts: dict[int, list[int]] = defaultdict(list)
    for g in range(len(groups)):
        parts[root(g)].append(g)
    return sorted(parts.values(), key=lambda part: part[0])


def solve_in_parts(
    problem: Problem,
    groups: list[Group],
    delivery: DeliveryTable,
    options: SolveOptions,
    build_seconds: float,
) -> tuple[Model, SolverReport]:
    """Solves every part in both phases and returns one model holding all the parts' variables
    (with their values) and the combined report."""
    started = time.perf_counter()
    deadline = None if options.time_limit is None else started + options.time_limit
    scales = scales_for(problem, groups, delivery)
    parts = connected(problem, groups, through_fees=True)
    cluster_of = [0] * len(groups)
    for c, members in enumerate(connected(problem, groups, through_fees=False)):
        for g in members:
            cluster_of[g] = c
    weight = [1 + sum(len(groups[g].arcs) for g in part) for part in parts]
    order = sorted(range(len(parts)), key=lambda i: (weight[i], parts[i][0]))
    weight_left = sum(weight)
    solved: dict[int, PartResult] = {}
    building = build_seconds
    for i in order:
        budget = _share(deadline, weight[i], weight_left)
        result = _solve_part(
            problem, groups, delivery, scales, parts[i], cluster_of, options, budget
        )
        building += result.build_seconds
        weight_left -= weight[i]
        solved[i] = result
    pieces = [(parts[i], solved[i].model) for i in range(len(parts))]
    model = _merge(problem, groups, delivery, scales, pieces)
    report = _combine(
        [solved[i].cost for i in range(len(parts))],
        [r for i in range(len(parts)) if (r := solved[i].served) is not None],
        options,
        building,
        time.perf_counter() - started - (building - build_seconds),
        len(groups),
    )
    return model, report


def least_unmet_without_rules(
    problem: Problem, groups: list[Group], delivery: DeliveryTable, options: SolveOptions
) -> dict[int, float]:
    """Unmet demand per group when the most demand is served without the hard rules."""
    model = build_model(problem, groups, delivery, with_rules=False, phase="served")
    run_solver(model, replace(options, gap=0.0), 0.0)
    return {g: var.varValue or 0.0 for g, var in enumerate(model.unmet)}


def _share(deadline: float | None, weight: int, weight_left: int) -> float | None:
    if deadline is None:
        return None
    return max(0.05, (deadline - time.perf_counter()) * weight / max(weight_left, 1))


def _solve_part(
    problem: Problem,
    groups: list[Group],
    delivery: DeliveryTable,
    scales: Scales,
    part: list[int],
    cluster_of: list[int],
    options: SolveOptions,
    budget: float | None,
) -> PartResult:
    """Both phases for one part."""
    started = time.perf_counter()
    deadline = None if budget is None else started + budget
    own = [groups[g] for g in part]
    own_scales = scales.subset(part)
    model = build_model(problem, own, delivery, scales=own_scales)
    large = len(model.flow) > _SEARCH_ABOVE
    shaped = shaped_like_facility_location(model) and large
    clusters: dict[int, list[int]] = defaultdict(list)
    for j, g in enumerate(part):
        clusters[cluster_of[g]].append(j)
    ruled = problem.policy.rules.any
    by_cluster = not shaped and not ruled and large and len(clusters) > 1
    # a part shaped like facility location gets a supplier search instead of pooling moves
    pooling = _POOLING / 10 if shaped else _POOLING
    greedy_start(model, None if budget is None else started + budget * pooling)
    short = sorted(
        c
        for c, members in clusters.items()
        if ruled or any((model.unmet[j].varValue or 0.0) > _SLACK for j in members)
    )
    proven = None
    if not short and shaped:
        # every group served by the start: a Lagrangian bound and a supplier search apply
        proven = _search_suppliers(model, deadline, options.threads)
    built = time.perf_counter() - started
    served = None
    most_unmet = {c: sum(model.unmet[j].varValue or 0.0 for j in clusters[c]) for c in clusters}
    if short:
        chosen = sorted(j for c in short for j in clusters[c])
        building = time.perf_counter()
        first = build_model(
            problem,
            [own[j] for j in chosen],
            delivery,
            scales=own_scales.subset(chosen),
            phase="served",
        )
        _copy_start(model, first, {j: k for k, j in enumerate(chosen)})
        settle(first)
        built += time.perf_counter() - building
        limit = None if deadline is None else max(0.05, (deadline - time.perf_counter()) / 3)
        served = run_solver(first, replace(options, gap=0.0, time_limit=limit), 0.0)
        if served.status is not Status.ERROR:
            _copy_start(first, model, dict(enumerate(chosen)))
            for c in short:
                most_unmet[c] = 0.0
            for k, j in enumerate(chosen):
                most_unmet[cluster_of[part[j]]] += first.unmet[k].varValue or 0.0
    building = time.perf_counter()
    settle(model)
    held = sorted(clusters.items())
    hold_served(model, [(members, most_unmet[c]) for c, members in held])
    built += time.perf_counter() - building
    source = _LAGRANGIAN
    if by_cluster:
        now = time.perf_counter()
        until = None if deadline is None else now + _CLUSTERS * (deadline - now)
        split = cluster_bound(
            model, [members for _, members in held], until, options.threads, options.gap
        )
        if split is not None:
            proven, source = split.bound, _CLUSTERED
    limit = None if deadline is None else max(0.05, deadline - time.perf_counter())
    size = model.lp.numVariables() + model.lp.numConstraints()
    if proven is not None and (
        _gap_of(model, proven) <= options.gap
        or (limit is not None and limit < _ROOT_SECONDS * size)
    ):
        # proven within the gap, or too little time left for the solver to get through its
        # root node (it would only hand the start back): the answer and bound found stand
        cost = _report_without_solver(model, options, proven, source)
    else:
        cost = run_solver(model, replace(options, time_limit=limit), 0.0)
        if proven is not None:
            cost = with_bound(cost, proven, options)
    missing = sum(var.varValue or 0.0 for var in model.shortfall)
    if cost.status is not Status.ERROR and missing > _SLACK:
        cost = replace(cost, message=f"{missing:g} units served fewer than possible")
    return PartResult(model=model, served=served, cost=cost, build_seconds=built)


def _search_suppliers(model: Model, deadline: float | None, threads: int) -> float:
    """Improves the start of a part shaped like facility location by choosing the suppliers
    to order from (:mod:`optimizer.suppliers_search`); returns the Lagrangian lower bound of
    the part's cost phase."""
    now = time.perf_counter()
    # on a large part the solver's root node alone outlasts the budget: the search gets it,
    # less the time to hand the model to the solver and read its answer back
    until, kicks = now + _SEARCH_ALONE, _KICKS
    if deadline is not None:
        size = model.lp.numVariables() + model.lp.numConstraints()
        until = now + _SEARCH * (deadline - now)
        if deadline - until < _ROOT_SECONDS * size:
            # the solver will not be called: the search restarts until the time is spent
            until, kicks = deadline - _SETTLE_SECONDS * size, _UNTIL_DEADLINE
    with stdout_silenced():  # highspy prints a banner when a solver is created
        choice = choose_suppliers(model, until, threads, kicks)
    if choice.cost < _start_cost(model) - 1e-12:
        apply_choice(model, choice)
        settle(model)
    # proven by the bound: no better answer orders from these suppliers, or goes without those
    for supplier in choice.closed:
        if (model.supplier_used[supplier].varValue or 0.0) < 0.5:
            model.supplier_used[supplier].upBound = 0
    for supplier in choice.kept:
        if (model.supplier_used[supplier].varValue or 0.0) > 0.5:
            model.supplier_used[supplier].lowBound = 1
    return choice.bound


def _start_cost(model: Model) -> float:
    """The start's weighted cost, its unmet units at their penalty."""
    objective = model.lp.objective
    assert objective is not None
    value = float(objective.value() or 0.0)
    penalty = model.scales.unmet_penalty
    return value + sum(penalty[g] * (var.varValue or 0.0) for g, var in enumerate(model.unmet))


def _gap_of(model: Model, bound: float) -> float:
    objective = model.lp.objective
    assert objective is not None
    return relative_gap(float(objective.value() or 0.0), bound) or 0.0


def _report_without_solver(
    model: Model, options: SolveOptions, bound: float, source: str = ""
) -> SolverReport:
    """The report of a part whose start the solver did not get: proven within the gap by the
    bound from ``source`` (the supplier search's Lagrangian bound by default, or the clusters'),
    or stopped by the time limit (too little time left for the solver)."""
    source = source or _LAGRANGIAN
    objective = model.lp.objective
    assert objective is not None
    value = float(objective.value() or 0.0)
    bound = min(bound, value)
    gap = relative_gap(value, bound) or 0.0
    status, message = Status.OPTIMAL, f"proven by {source}"
    if gap > 1e-6:
        status = Status.FEASIBLE
    if gap > options.gap:
        status = Status.TIME_LIMIT
        message = (
            "stopped by the time limit, with too little time left for the solver's root "
            f"node: the bound is {source}"
        )
    return solver_report(
        status, options, ModelSize.of(model), objective=value, bound=bound, message=message
    )


def with_bound(report: SolverReport, bound: float, options: SolveOptions) -> SolverReport:
    """``report`` with a better lower bound found elsewhere, and the gap and status it gives."""
    if report.objective is None or (report.bound is not None and report.bound >= bound):
        return report
    bound = min(bound, report.objective)
    gap = relative_gap(report.objective, bound)
    status = report.status
    if gap is not None and status is not Status.ERROR:
        if gap <= 1e-6:
            status = Status.OPTIMAL
        elif gap <= options.gap:
            status = Status.FEASIBLE
    return replace(report, bound=bound, gap=gap, status=status)


def hold_served(model: Model, clusters: list[tuple[list[int], float]]) -> None:
    """Holds each cluster's unmet demand at most at the given level: units left unmet beyond
    it are ``shortfall``, priced in the objective at the cluster's highest unmet penalty, which
    is above what serving a unit could save. Every start stays feasible, which keeps the
    solver's heuristics at work; the optimum serves the level exactly."""
    shortfall = continuous(model, "shortfall", len(clusters))
    extra = []
    for (members, level), short in zip(clusters, shortfall, strict=True):
        terms = [(model.unmet[j], 1.0) for j in members]
        # sum_{g in cluster} unmet[g] - shortfall[c] <= level[c]
        add_row(model, [*terms, (short, -1.0)], "<=", level + _SLACK)
        short.varValue = max(0.0, sum(model.unmet[j].varValue or 0.0 for j in members) - level)
        extra.append((short, max(model.scales.unmet_penalty[j] for j in members)))
    model.shortfall = shortfall
    model.held = [members for members, _ in clusters]
    model.held_levels = [level + _SLACK for _, level in clusters]
    objective = model.lp.objective
    assert objective is not None
    model.lp.setObjective(objective + pulp.lpSum_vars_coefs(extra))


def _copy_start(source: Model, target: Model, groups: dict[int, int]) -> None:
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


def _merge(
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


def _combine(
    costs: list[SolverReport],
    served: list[SolverReport],
    options: SolveOptions,
    build_seconds: float,
    solve_seconds: float,
    groups: int,
) -> SolverReport:
    """One report for all the parts: the cost phases' objectives and bounds summed, the worst
    status of every phase."""
    reports = costs + served
    status = max((r.status for r in reports), key=_WORST.index, default=Status.OPTIMAL)
    errors = [r.message for r in costs if r.status is Status.ERROR]
    short = [r.message for r in costs if r.status is not Status.ERROR and r.message]
    if errors:
        status = Status.ERROR
    elif status is Status.ERROR:
        status = Status.TIME_LIMIT  # a first phase without answer: served as much as the start
    objective = bound = None
    if all(r.objective is not None for r in costs):
        objective = sum(r.objective or 0.0 for r in costs)
    if all(r.bound is not None for r in costs):
        bound = sum(r.bound or 0.0 for r in costs)
    gap = relative_gap(objective, bound)
    if status in (Status.OPTIMAL, Status.FEASIBLE) and gap is not None:
        status = Status.OPTIMAL if gap <= 1e-6 else Status.FEASIBLE
    inside = [r.solver_seconds for r in reports if r.solver_seconds is not None]
    unproven = sum(1 for r in served if r.status is not Status.OPTIMAL)
    notes = list(dict.fromkeys(errors)) + short
    if unproven:
        notes.append(f"most demand served not proven in {unproven} part(s)")
    size = ModelSize(
        variables=sum(r.variables for r in costs),
        integer_variables=sum(r.integer_variables for r in costs),
        constraints=sum(r.constraints for r in costs),
        groups=groups,
    )
    return solver_report(
        status,
        options,
        size,
        objective=objective,
        bound=bound,
        build_seconds=build_seconds,
        solve_seconds=solve_seconds,
        message="; ".join(notes),
        solver_seconds=sum(inside) if inside else None,
    )
