"""Running a solver on a built model and reporting how it went, as values, never exceptions."""

from __future__ import annotations

import math
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from enum import StrEnum

import highspy
import pulp

from optimizer.model import Model

CBC_PATH = "/usr/bin/cbc"
_READ_BACK_SECONDS = 2.5e-5  # per variable and constraint, kept from a solve's time limit
SOLVERS = ("highs", "cbc")


class Status(StrEnum):
    """How a solve ended: ``optimal`` (proven), ``feasible`` (within the requested gap),
    ``time_limit`` (stopped by the time limit with a solution), ``approximate`` (the solver
    finished, but on a simplified model whose answer is further from the exact problem's bound
    than the requested gap; the report's message says why), ``error`` (no solution)."""

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    TIME_LIMIT = "time_limit"
    APPROXIMATE = "approximate"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class SolveOptions:
    """Solver settings: ``gap`` is the relative optimality gap at which to stop."""

    solver: str = "highs"
    time_limit: float | None = None
    gap: float = 1e-4
    threads: int = 1
    explain: bool = True
    compare_alone: bool = True
    pool_sites_above: int | None = 120_000

    def __post_init__(self) -> None:
        if self.solver not in SOLVERS:
            raise ValueError(f"solver: must be one of {', '.join(SOLVERS)}, got {self.solver!r}")
        if self.time_limit is not None and not (
            math.isfinite(self.time_limit) and self.time_limit > 0
        ):
            raise ValueError(f"time_limit: must be a number of seconds > 0, got {self.time_limit}")
        if not 0 <= self.gap < 1:
            raise ValueError(f"gap: must be in [0, 1), got {self.gap}")
        if self.threads < 1:
            raise ValueError(f"threads: must be >= 1, got {self.threads}")


@dataclass(frozen=True, slots=True)
class SolverReport:
    """What the solver did: status, objective and bound, gap, times and model size.

    ``solve_seconds`` covers handing the model to the solver and solving it;
    ``solver_seconds``, when the solver tells, the part spent inside the solver itself."""

    status: Status
    solver: str
    objective: float | None
    bound: float | None
    gap: float | None
    build_seconds: float
    solve_seconds: float
    variables: int
    integer_variables: int
    constraints: int
    groups: int
    message: str = ""
    solver_seconds: float | None = None


def relative_gap(objective: float | None, bound: float | None) -> float | None:
    """How far the solution may be from the optimum, relative to its objective."""
    if objective is None or bound is None:
        return None
    return abs(objective - bound) / max(abs(objective), 1e-9)


@dataclass(frozen=True, slots=True)
class ModelSize:
    """How big the model handed to the solver was (what a report says of it)."""

    variables: int = 0
    integer_variables: int = 0
    constraints: int = 0
    groups: int = 0

    @classmethod
    def of(cls, model: Model) -> ModelSize:
        lp = model.lp
        return cls(
            variables=lp.numVariables(),
            integer_variables=sum(1 for v in lp.variables() if v.cat == "Integer"),
            constraints=lp.numConstraints(),
            groups=len(model.groups),
        )


def solver_report(
    status: Status,
    options: SolveOptions,
    size: ModelSize,
    *,
    objective: float | None = None,
    bound: float | None = None,
    build_seconds: float = 0.0,
    solve_seconds: float = 0.0,
    message: str = "",
    solver_seconds: float | None = None,
) -> SolverReport:
    """The one way a report is made: the gap always follows from the objective and bound."""
    return SolverReport(
        status=status,
        solver=options.solver,
        objective=objective,
        bound=bound,
        gap=relative_gap(objective, bound),
        build_seconds=build_seconds,
        solve_seconds=solve_seconds,
        variables=size.variables,
        integer_variables=size.integer_variables,
        constraints=size.constraints,
        groups=size.groups,
        message=message,
        solver_seconds=solver_seconds,
    )


def make_solver(options: SolveOptions, warm_start: bool = False) -> pulp.LpSolver:
    """The PuLP solver for ``options``: HiGHS in-process, or CBC through its command line."""
    if options.solver == "cbc":
        path = shutil.which("cbc") or CBC_PATH
        return pulp.COIN_CMD(  # type: ignore[no-untyped-call]
            path=path,
            msg=False,
            timeLimit=options.time_limit,
            gapRel=options.gap,
            threads=options.threads,
            randomSeed=1,
            warmStart=warm_start,
        )
    interrupt = None
    if options.time_limit is not None:
        interrupt = (_interrupt_after(time.perf_counter() + options.time_limit), None)
    return pulp.HiGHS(
        msg=False,
        timeLimit=options.time_limit,
        gapRel=options.gap,
        threads=options.threads,
        warmStart=warm_start,
        random_seed=1,
        callbackTuple=interrupt,
        callbacksToActivate=list(_INTERRUPTS) if interrupt else None,
    )


_INTERRUPTS = (
    highspy.cb.HighsCallbackType.kCallbackMipInterrupt,
    highspy.cb.HighsCallbackType.kCallbackSimplexInterrupt,
    highspy.cb.HighsCallbackType.kCallbackIpmInterrupt,
)


def _interrupt_after(deadline: float) -> Callable[..., None]:
    """A HiGHS callback that interrupts the solve once ``deadline`` (a ``time.perf_counter()``
    value) has passed: HiGHS checks its own time limit only between some steps of its root
    node, and can overrun it by tens of seconds on large models."""

    def callback(
        kind: object, message: str, data_out: object, data_in: object, user_data: object
    ) -> None:
        if data_in is not None and time.perf_counter() > deadline:
            data_in.user_interrupt = True  # type: ignore[attr-defined]

    return callback


@contextmanager
def stdout_silenced() -> Iterator[None]:
    """Keeps whatever the solver library prints on file descriptor 1 (HiGHS prints a banner
    even when asked to be quiet) out of the program's standard output."""
    sys.stdout.flush()
    saved = os.dup(1)
    sink = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(sink, 1)
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, 1)
        os.close(saved)
        os.close(sink)


def _status(stats: pulp.LpSolveStats, gap: float | None, wanted_gap: float) -> Status:
    if not stats.has_solution:
        return Status.ERROR
    codes = pulp.const.LpSolveStatus
    if stats.status == codes.Optimal:
        return Status.OPTIMAL if gap is None or gap <= 1e-6 else Status.FEASIBLE
    if gap is not None and gap <= wanted_gap:
        return Status.FEASIBLE
    if stats.status == codes.GapLimit:
        return Status.FEASIBLE
    return Status.TIME_LIMIT


def _start_taken_as_optimal(stats: pulp.LpSolveStats, options: SolveOptions) -> bool:
    """Whether HiGHS called a first solution optimal that its own bound shows is not.

    HiGHS 1.16 can misjudge a start after presolve (it reported a start worth 1.5 optimal with a
    bound of 0 on a four-offer instance whose optimum is 1.0); solving again without the start
    gives the right answer."""
    if options.solver != "highs" or stats.status != pulp.const.LpSolveStatus.Optimal:
        return False
    objective, bound = stats.objective, stats.best_bound
    if objective is None or bound is None:
        return False
    slack = max(options.gap * abs(objective), 1e-6)
    return objective - bound > slack + 1e-9


def run_solver(model: Model, options: SolveOptions, build_seconds: float) -> SolverReport:
    """Solves ``model`` in place (variable values are set) and reports on it. The variables'
    current values, when set (see :func:`optimizer.start.greedy_start`), are a first solution."""
    lp = model.lp
    size = ModelSize.of(model)
    started = time.perf_counter()
    if size.variables == 0:
        return solver_report(
            Status.OPTIMAL,
            options,
            ModelSize(),
            objective=0.0,
            bound=0.0,
            build_seconds=build_seconds,
        )
    if options.time_limit is not None:
        # handing the model to the solver and reading the answer back take time too
        reserve = min(
            options.time_limit / 3, _READ_BACK_SECONDS * (size.variables + size.constraints)
        )
        options = replace(options, time_limit=options.time_limit - reserve)
    integers = size.integer_variables
    all_variables = lp.variables()
    start = [v.varValue for v in all_variables] if integers else []
    has_start = bool(start) and all(value is not None for value in start)
    try:
        with stdout_silenced():
            stats = lp.solve(make_solver(options, warm_start=integers > 0))
            if integers and _start_taken_as_optimal(stats, options):
                stats = lp.solve(make_solver(options))
    except Exception as error:  # a solver failure is a result, not a crash
        return solver_report(
            Status.ERROR,
            options,
            size,
            build_seconds=build_seconds,
            solve_seconds=time.perf_counter() - started,
            message=f"{type(error).__name__}: {error}",
        )
    elapsed = time.perf_counter() - started
    inside = None
    if options.solver == "highs" and lp.solverModel is not None:
        inside = float(lp.solverModel.getRunTime())
    objective = stats.objective if stats.has_solution else None
    bound = stats.best_bound
    if objective is None and has_start and options.time_limit is not None:
        # stopped before the solver took the start in: the start is the answer, no gap known
        for var, value in zip(all_variables, start, strict=True):
            var.varValue = value
        value = lp.objective.value() if lp.objective is not None else None
        return solver_report(
            Status.TIME_LIMIT,
            options,
            size,
            objective=None if value is None else float(value),
            build_seconds=build_seconds,
            solve_seconds=elapsed,
            message="stopped by the time limit before the solver had a solution of its own: "
            "the start is returned, no gap known",
            solver_seconds=inside,
        )
    if objective is not None and integers == 0:
        bound = objective
    status = _status(stats, relative_gap(objective, bound), options.gap)
    message = ""
    if status is Status.ERROR:
        message = f"no solution: solver stopped with {stats.status_str}"
    return solver_report(
        status,
        options,
        size,
        objective=objective,
        bound=bound,
        build_seconds=build_seconds,
        solve_seconds=elapsed,
        message=message,
        solver_seconds=inside,
    )
