"""Facility-location parts: the supplier search and its Lagrangian bound, against HiGHS alone
on the textbook strong formulation."""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path
from types import ModuleType

import pytest

from optimizer import SolveOptions, Status, solve
from optimizer.delivery import DeliveryTable
from optimizer.groups import build_groups
from optimizer.jsonio import problem_from_dict
from optimizer.model import build_model, shaped_like_facility_location
from optimizer.start import greedy_start
from optimizer.suppliers_search import choose_suppliers

BENCHMARK = Path(__file__).resolve().parents[2] / "benchmarks" / "facility_location.py"


def benchmark() -> ModuleType:
    spec = importlib.util.spec_from_file_location("facility_location", BENCHMARK)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CASES = [(8, 30, 3.0, 1), (8, 30, 5.0, 2), (10, 40, 3.0, 3)]


@pytest.mark.parametrize(("suppliers", "sites", "ratio", "seed"), CASES)
def test_the_optimum_of_a_facility_location_instance(
    suppliers: int, sites: int, ratio: float, seed: int
) -> None:
    bench = benchmark()
    data = bench.generate(suppliers, sites, ratio, seed)
    alone = bench.highs_alone(data, 60, 1, 0.0)
    assert alone["status"] == "Optimal"
    problem = problem_from_dict(data)
    solution = solve(problem, SolveOptions(gap=0.0, explain=False, compare_alone=False))
    assert solution.report.status is Status.OPTIMAL
    # each allocation's delivery is rounded to the cent
    assert float(solution.indicators.total_cost) == pytest.approx(
        alone["objective"], abs=0.005 * len(solution.allocations) + 1e-6
    )


@pytest.mark.parametrize(("suppliers", "sites", "ratio", "seed"), CASES)
def test_the_lagrangian_bound_is_a_bound_and_the_search_is_feasible(
    suppliers: int, sites: int, ratio: float, seed: int
) -> None:
    bench = benchmark()
    data = bench.generate(suppliers, sites, ratio, seed)
    optimum = float(bench.highs_alone(data, 60, 1, 0.0)["objective"])
    problem = problem_from_dict(data)
    delivery = DeliveryTable(problem)
    groups, _ = build_groups(problem, delivery)
    model = build_model(problem, groups, delivery)
    assert shaped_like_facility_location(model)
    greedy_start(model)
    choice = choose_suppliers(model, time.perf_counter() + 5)
    per_euro = model.scales.per_euro
    assert choice.bound <= optimum * per_euro * (1 + 1e-9)
    assert choice.cost >= optimum * per_euro * (1 - 1e-6)
    # every group's demand is met by the flows, within the offers' capacities
    served = [0.0] * len(groups)
    bought = dict.fromkeys(model.offers, 0.0)
    for (g, o), units in zip(model.flow, choice.flows, strict=False):
        served[g] += units
        bought[o] += units
    assert served == pytest.approx([float(group.demand) for group in groups])
    assert all(bought[o] <= model.limit[o] + 1e-6 for o in model.offers)
