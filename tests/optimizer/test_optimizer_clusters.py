"""A part's clusters solved one by one with the fees aside: a bound for the part, and a start
no worse than the one it had. Forced here on small parts, which HiGHS alone solves exactly."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from optimizer_factories import make_need, make_offer, make_problem, make_supplier, random_batch
from test_optimizer_exhaustive import Instance, enumerate_best, instances

from optimizer import Problem, SolveOptions, Status, solve
from optimizer.clusters import cluster_bound
from optimizer.delivery import DeliveryTable
from optimizer.groups import build_groups
from optimizer.model import build_model
from optimizer.phases import connected, hold_served
from optimizer.solve import run_solver
from optimizer.start import greedy_start

EXACT = SolveOptions(gap=0.0)


@contextmanager
def clusters_on_every_part() -> Iterator[None]:
    """Every part with two clusters or more goes through the clusters, however small."""
    with mock.patch("optimizer.phases._SEARCH_ABOVE", -1):
        yield


def linked_batch(seed: int) -> Problem:
    """A random batch whose suppliers charge fees, some waived: few parts, several clusters."""
    return random_batch(
        random.Random(seed),
        products=(3, 6),
        suppliers=3,
        fees=["4", "6", "9"],
        waivers=[None, "20", "40"],
        local_share=None,
        offers=(6, 12),
        tier_starts=[4, 8],
        discount="0.40",
        minimums=[0, 0, 6],
        capacities=[None, 6, 12],
        sites=["hq", "north"],
        needs=(5, 12),
    )


def model_with_start(problem: Problem):  # type: ignore[no-untyped-def]
    """The cost-phase model of ``problem``'s groups, started greedily, every cluster held at
    the unmet demand of its start, and the clusters."""
    groups, _ = build_groups(problem, DeliveryTable(problem))
    model = build_model(problem, groups, DeliveryTable(problem))
    greedy_start(model)
    clusters = connected(problem, groups, through_fees=False)
    levels = [sum(model.unmet[g].varValue or 0.0 for g in members) for members in clusters]
    hold_served(model, list(zip(clusters, levels, strict=True)))
    return model, clusters


def objective_of(model) -> float:  # type: ignore[no-untyped-def]
    return float(model.lp.objective.value() or 0.0)


@pytest.mark.parametrize("seed", range(8))
def test_the_bound_is_below_the_optimum_and_the_start_only_improves(seed: int) -> None:
    model, clusters = model_with_start(linked_batch(seed))
    before = objective_of(model)
    split = cluster_bound(model, clusters, None, 1, 0.0)
    assert split is not None
    assert split.clusters == len(clusters) and split.solved <= split.clusters
    after = objective_of(model)
    assert after <= before + 1e-9
    report = run_solver(model, EXACT, 0.0)
    assert report.status is Status.OPTIMAL
    assert report.objective is not None
    assert split.bound <= report.objective + 1e-9
    assert report.objective <= after + 1e-9


def test_a_cluster_answer_replaces_a_poor_start() -> None:
    # the start moves whole groups: the 10 pens go to the single pens at 2.00 (20.00), as a
    # pack of 8 alone would leave 2 unmet; the cluster splits them, a pack of 8 at 1.00 and 2
    # single pens (12.00); the paper, from the same supplier, makes the part two clusters
    problem = make_problem(
        [make_need("a", product="pen", quantity=10), make_need("c", product="paper", member="m3")],
        [
            make_offer("single-pen", product="pen", price="2.00"),
            make_offer("pen-by-8", product="pen", price="1.00", pack=8),
            make_offer("paper", product="paper", price="1.00"),
        ],
        [make_supplier("s1", fee="1")],
    )
    model, clusters = model_with_start(problem)
    assert len(clusters) == 2

    def packs() -> dict[str, int]:
        return {model.offer(o).id: round(model.packs[o].varValue or 0.0) for o in model.offers}

    assert packs() == {"single-pen": 10, "pen-by-8": 0, "paper": 10}
    split = cluster_bound(model, clusters, None, 1, 0.0)
    assert split is not None and split.improved
    assert packs() == {"single-pen": 2, "pen-by-8": 1, "paper": 10}
    report = run_solver(model, EXACT, 0.0)
    assert report.objective is not None
    # the bound is the optimum with the fee aside: 22.00 of 23.00 (cost is the only criterion)
    assert split.bound == pytest.approx(report.objective * 22 / 23, rel=1e-6)
    solution = solve(problem, EXACT)
    assert solution.indicators.total_cost == Decimal("23.00")  # 12 + 10 + the fee


@pytest.mark.parametrize("seed", range(8))
def test_solving_through_the_clusters_gives_the_optimum(seed: int) -> None:
    problem = linked_batch(seed)
    plain = solve(problem, EXACT)
    with clusters_on_every_part():
        clustered = solve(problem, EXACT)
    assert clustered.report.status is Status.OPTIMAL
    assert clustered.report.objective == pytest.approx(plain.report.objective, rel=1e-6, abs=1e-9)
    assert clustered.indicators.total_cost == pytest.approx(
        plain.indicators.total_cost, abs=Decimal("0.05")
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_through_the_clusters_the_optimum_equals_exhaustive_enumeration(
    instance: Instance,
) -> None:
    with clusters_on_every_part():
        solution = solve(instance.problem())
    served = sum((n.served for n in solution.needs), Decimal(0))
    assert (served, solution.indicators.total_cost) == enumerate_best(instance)
