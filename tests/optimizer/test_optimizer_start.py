"""The greedy start and its pooling, and the time limit held inside HiGHS."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import SimpleNamespace

import pytest
from optimizer_factories import make_need, make_offer, make_problem, make_supplier
from test_optimizer_solvers import random_problem

import optimizer.start as start
from optimizer import Problem, SolveOptions, Status, solve
from optimizer.delivery import DeliveryTable
from optimizer.groups import build_groups
from optimizer.model import Model, build_model
from optimizer.solve import _interrupt_after

BENCHMARK = Path(__file__).resolve().parents[2] / "benchmarks" / "optimizer.py"


def started_model(problem: Problem) -> Model:
    groups, _ = build_groups(problem, DeliveryTable(problem))
    model = build_model(problem, groups, DeliveryTable(problem), with_rules=False)
    start.greedy_start(model)
    return model


def penalised(model: Model) -> float:
    """The start's weighted cost with its unmet demand at the penalty the pooling uses."""
    objective = model.lp.objective
    assert objective is not None
    value = objective.value()
    assert value is not None
    unmet = model.scales.unmet_penalty
    return float(value) + sum(unmet[g] * (var.varValue or 0.0) for g, var in enumerate(model.unmet))


def assert_feasible(model: Model) -> None:
    for row, constraint in enumerate(model.lp.constraints()):
        assert constraint.valid(1e-6), row
    for var in model.lp.variables():
        value = var.varValue
        assert value is not None
        assert value >= -1e-9
        if var.cat == "Integer":
            assert value == round(value)


@pytest.mark.parametrize("seed", range(40))
def test_the_pooled_start_is_feasible_and_never_worse_than_the_plain_greedy(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    problem = random_problem(seed)
    pooled = started_model(problem)
    assert_feasible(pooled)
    with monkeypatch.context() as patched:
        patched.setattr(start, "pool_orders", lambda model, assigned, deadline=None: None)
        plain = started_model(problem)
    assert_feasible(plain)
    assert penalised(pooled) <= penalised(plain) + 1e-9


def test_pooling_reaches_a_price_tier_no_group_reaches_alone() -> None:
    # two groups (their sites cost differently), each cheaper alone at "flat"; together they
    # reach the 10-unit tier of "tiered"
    problem = make_problem(
        [make_need("a", quantity=6, site="hq"), make_need("b", quantity=6, site="north")],
        [
            make_offer("flat", supplier="s1", price="2.00"),
            make_offer("tiered", supplier="s2", tiers=[(0, "2.10"), (10, "1.50")]),
        ],
        [make_supplier("s1"), make_supplier("s2")],
        delivery={("s1", "north"): "0.01", ("s2", "north"): "0.01"},
    )
    model = started_model(problem)
    assert len(model.groups) == 2
    bought = {model.offer(o).id: var.varValue for o, var in model.packs.items()}
    assert bought == {"flat": 0, "tiered": 12}


def test_the_interrupt_fires_only_after_the_deadline() -> None:
    late = SimpleNamespace(user_interrupt=False)
    _interrupt_after(0.0)(None, "", None, late, None)
    assert late.user_interrupt is True
    early = SimpleNamespace(user_interrupt=False)
    _interrupt_after(float("inf"))(None, "", None, early, None)
    assert early.user_interrupt is False


def test_a_solve_stopped_by_the_time_limit_still_returns_its_start() -> None:
    spec = importlib.util.spec_from_file_location("optimizer_benchmark", BENCHMARK)
    assert spec is not None and spec.loader is not None
    benchmark = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(benchmark)
    problem = benchmark.generate("S")
    solution = solve(problem, SolveOptions(time_limit=0.01, explain=False, compare_alone=False))
    report = solution.report
    assert report.status in (Status.TIME_LIMIT, Status.FEASIBLE, Status.OPTIMAL)
    assert report.objective is not None
    assert solution.indicators.needs_served > 0
    assert len(solution.needs) == len(problem.needs)
