"""Facility-location parts: the supplier search and its Lagrangian bound, against HiGHS alone
on the textbook strong formulation."""

from __future__ import annotations

import importlib.util
import math
import time
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from optimizer_factories import make_need, make_offer, make_problem, make_supplier

from optimizer import Problem, Site, SolveOptions, Status, phases, solve
from optimizer.delivery import DeliveryTable
from optimizer.groups import build_groups
from optimizer.jsonio import problem_from_dict
from optimizer.lagrangian import fixed_suppliers, relax, shape_of
from optimizer.model import build_model, shaped_like_facility_location
from optimizer.start import greedy_start
from optimizer.suppliers_search import choose_suppliers, covering

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


def two_workshops_or_one_warehouse() -> Problem:
    """Two workshops (fee 10, 10 units each) each beside two of four sites (1 euro a unit
    there, 3 elsewhere), and a warehouse (fee 25, 20 units) at 2 euros a unit from every site;
    each site needs 5 units. Both workshops: 20 + 20 x 1 = 40; the warehouse alone: 25 + 20 x
    2 = 65; one workshop and the warehouse: 35 + 10 x 1 + 10 x 2 = 65."""
    sites = ["a", "b", "c", "d"]
    near = {"w1": {"a", "b"}, "w2": {"c", "d"}}
    delivery = {}
    for site in sites:
        delivery["warehouse", site] = "2"
        for workshop, close in near.items():
            delivery[workshop, site] = "1" if site in close else "3"
    return make_problem(
        [make_need(f"n-{site}", quantity=5, site=site, member=site) for site in sites],
        [
            make_offer("o-w1", supplier="w1", price="0", capacity=10),
            make_offer("o-w2", supplier="w2", price="0", capacity=10),
            make_offer("o-warehouse", supplier="warehouse", price="0", capacity=20),
        ],
        [
            make_supplier("w1", fee="10"),
            make_supplier("w2", fee="10"),
            make_supplier("warehouse", fee="25"),
        ],
        delivery=delivery,
        sites=[Site(site) for site in sites],
    )


def test_the_search_leaves_the_warehouse_for_both_workshops() -> None:
    problem = two_workshops_or_one_warehouse()
    delivery = DeliveryTable(problem)
    groups, _ = build_groups(problem, delivery)
    model = build_model(problem, groups, delivery)
    assert shaped_like_facility_location(model)
    # start from the warehouse alone (65 euros)
    for (_, o), var in model.flow.items():
        var.varValue = 5.0 if model.offer(o).supplier == "warehouse" else 0.0
    for supplier, var in model.supplier_used.items():
        var.varValue = 1.0 if supplier == "warehouse" else 0.0
    choice = choose_suppliers(model, time.perf_counter() + 5)
    per_euro = model.scales.per_euro
    assert choice.cost == pytest.approx(40 * per_euro)
    assert choice.bound <= choice.cost * (1 + 1e-9)
    # no answer cheaper than 40 orders from the warehouse: the bound proves it
    assert choice.closed == ["warehouse"]
    assert sorted(choice.kept) == ["w1", "w2"]


@pytest.mark.parametrize(("suppliers", "sites", "ratio", "seed"), CASES)
def test_the_suppliers_fixed_are_those_of_the_optimum(
    suppliers: int, sites: int, ratio: float, seed: int
) -> None:
    bench = benchmark()
    data = bench.generate(suppliers, sites, ratio, seed)
    alone = bench.highs_alone(data, 60, 1, 0.0)
    problem = problem_from_dict(data)
    delivery = DeliveryTable(problem)
    groups, _ = build_groups(problem, delivery)
    model = build_model(problem, groups, delivery)
    greedy_start(model)
    shape = shape_of(model)
    per_euro = model.scales.per_euro
    optimum = alone["objective"] * per_euro
    relaxation = relax(shape, optimum, time.perf_counter() + 5, lambda opened: math.inf)
    assert relaxation.bound <= optimum * (1 + 1e-9)
    # with the optimum as the best cost, every supplier fixed is fixed as the optimum has it
    closed, kept = fixed_suppliers(shape, relaxation, optimum * (1 - 1e-9), time.perf_counter() + 5)
    opened = {f"f{i:03d}" for i in range(suppliers) if alone["open"][i]}
    assert not {shape.suppliers[i] for i in np.flatnonzero(closed)} & opened
    assert {shape.suppliers[i] for i in np.flatnonzero(kept)} <= opened


def test_a_choice_short_of_capacity_is_completed_before_it_is_priced() -> None:
    problem = two_workshops_or_one_warehouse()
    delivery = DeliveryTable(problem)
    groups, _ = build_groups(problem, delivery)
    shape = shape_of(build_model(problem, groups, delivery))
    only_w1 = np.array([s == "w1" for s in shape.suppliers])
    value = np.array([{"w1": -1.0, "w2": -1.0, "warehouse": 5.0}[s] for s in shape.suppliers])
    completed = covering(shape, only_w1, value)
    assert [s for s, on in zip(shape.suppliers, completed, strict=True) if on] == ["w1", "w2"]


@pytest.mark.parametrize(("suppliers", "sites", "ratio", "seed"), CASES)
def test_the_search_hands_its_answer_and_fixings_to_the_solver(
    suppliers: int, sites: int, ratio: float, seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a small part gets the search too, which the solver then completes from its start
    monkeypatch.setattr(phases, "_SEARCH_ABOVE", 0)
    bench = benchmark()
    data = bench.generate(suppliers, sites, ratio, seed)
    optimum = float(bench.highs_alone(data, 60, 1, 0.0)["objective"])
    problem = problem_from_dict(data)
    solution = solve(
        problem, SolveOptions(time_limit=30, gap=0.0, explain=False, compare_alone=False)
    )
    report = solution.report
    assert report.status is Status.OPTIMAL
    assert report.objective is not None and report.bound is not None
    cost = float(solution.indicators.total_cost)
    assert report.bound * cost / report.objective <= optimum + 0.005 * len(solution.allocations)
    assert cost == pytest.approx(optimum, abs=0.005 * len(solution.allocations) + 1e-6)
    assert report.gap == pytest.approx((report.objective - report.bound) / report.objective)


def test_without_time_for_the_solver_the_search_answers_with_its_own_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(phases, "_SEARCH_ABOVE", 0)
    monkeypatch.setattr(phases, "_ROOT_SECONDS", 1e6)  # the solver never has time enough
    bench = benchmark()
    data = bench.generate(10, 40, 3.0, 3)
    optimum = float(bench.highs_alone(data, 60, 1, 0.0)["objective"])
    solution = solve(
        problem_from_dict(data),
        SolveOptions(time_limit=5, gap=0.0, explain=False, compare_alone=False),
    )
    report = solution.report
    assert report.solver_seconds is None  # HiGHS was not called on the part
    assert report.objective is not None and report.bound is not None
    # in euros, each allocation's delivery rounded to the cent
    cost = float(solution.indicators.total_cost)
    cents = 0.005 * len(solution.allocations) + 1e-6
    assert report.bound * cost / report.objective <= optimum + cents
    assert cost >= optimum - cents
    if report.gap is not None and report.gap > 1e-6:
        assert report.status is Status.TIME_LIMIT
        assert "Lagrangian bound" in report.message
