"""The solver report of a problem solved in parts: a part whose start the solver did not get,
a part's report with a better bound found elsewhere, and one report for all the parts."""

from __future__ import annotations

from dataclasses import replace

from optimizer.model import Model
from optimizer.solve import (
    ModelSize,
    SolveOptions,
    SolverReport,
    Status,
    relative_gap,
    solver_report,
)

LAGRANGIAN = "the Lagrangian bound of the supplier search"
WORST = (Status.OPTIMAL, Status.FEASIBLE, Status.APPROXIMATE, Status.TIME_LIMIT, Status.ERROR)


def report_without_solver(
    model: Model, options: SolveOptions, bound: float, source: str = ""
) -> SolverReport:
    """The report of a part whose start the solver did not get: proven within the gap by the
    bound from ``source`` (the supplier search's Lagrangian bound by default, or the clusters'),
    or stopped by the time limit (too little time left for the solver)."""
    source = source or LAGRANGIAN
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


def combine_reports(
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
    status = max((r.status for r in reports), key=WORST.index, default=Status.OPTIMAL)
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
