"""Cross-checks: HiGHS against CBC, and the optimizer against a textbook facility location."""

from __future__ import annotations

import random
from decimal import Decimal

import pulp
import pytest
from optimizer_factories import make_need, make_offer, make_problem, make_supplier, random_batch

from optimizer import Problem, Site, SolveOptions, Status, solve
from optimizer.solve import stdout_silenced


def random_problem(seed: int) -> Problem:
    return random_batch(
        random.Random(seed),
        products=(2, 4),
        suppliers=4,
        fees=["0", "5", "12"],
        waivers=[None, "40", "80"],
        local_share=0.4,
        offers=(4, 9),
        tier_starts=[6, 10, 20],
        discount="0.25",
        minimums=[0, 0, 10],
        capacities=[None, 8, 15],
        sites=["hq", "north", "south"],
        needs=(3, 10),
    )


@pytest.mark.usefixtures("cbc_available")
@pytest.mark.parametrize("seed", range(8))
def test_highs_and_cbc_agree(seed: int) -> None:
    problem = random_problem(seed)
    highs = solve(problem, SolveOptions(solver="highs", gap=0.0))
    cbc = solve(problem, SolveOptions(solver="cbc", gap=0.0))
    assert highs.report.status is Status.OPTIMAL
    assert cbc.report.status is Status.OPTIMAL
    assert highs.report.objective == pytest.approx(cbc.report.objective, rel=1e-6, abs=1e-6)
    assert highs.indicators.total_cost == pytest.approx(
        cbc.indicators.total_cost, abs=Decimal("0.05")
    )


def textbook_facility_location(
    opening: list[int], capacity: list[int], demand: list[int], unit: list[list[Decimal]]
) -> float:
    """The classic capacitated facility location MIP, written directly."""
    facilities, customers = range(len(opening)), range(len(demand))
    lp = pulp.LpProblem("cfl", pulp.const.LpMinimize)
    open_ = lp.add_variable_dicts("open", facilities, cat="Binary")
    ship = lp.add_variable_dicts("ship", (facilities, customers), lowBound=0)
    lp += pulp.lpSum([opening[i] * open_[i] for i in facilities]) + pulp.lpSum(
        [float(unit[i][j]) * ship[i][j] for i in facilities for j in customers]
    )
    for j in customers:
        lp += pulp.lpSum([ship[i][j] for i in facilities]) == demand[j]
    for i in facilities:
        lp += pulp.lpSum([ship[i][j] for j in customers]) <= capacity[i] * open_[i]
    with stdout_silenced():
        stats = lp.solve(pulp.HiGHS(msg=False, gapRel=0.0, threads=1))
    assert stats.has_solution
    assert stats.objective is not None
    return stats.objective


@pytest.mark.parametrize("seed", range(6))
def test_capacitated_facility_location_is_a_special_case(seed: int) -> None:
    rng = random.Random(seed)
    facilities, customers = rng.randint(3, 6), rng.randint(4, 10)
    opening = [rng.randint(10, 60) for _ in range(facilities)]
    demand = [rng.randint(1, 9) for _ in range(customers)]
    capacity = [rng.randint(max(demand), sum(demand)) for _ in range(facilities)]
    capacity[0] = max(capacity[0], sum(demand) - sum(capacity[1:]))  # always feasible
    unit = [
        [Decimal(rng.randint(10, 300)) / 100 for _ in range(customers)] for _ in range(facilities)
    ]
    # facility i: a supplier whose fee is the opening cost, selling at price 0 within its
    # capacity; customer j: a need at its own site; unit cost: the delivery cost per unit
    problem = make_problem(
        [
            make_need(f"c{j}", quantity=demand[j], site=f"site{j}", member=f"c{j}")
            for j in range(customers)
        ],
        [
            make_offer(f"f{i}", supplier=f"f{i}", price="0", capacity=capacity[i])
            for i in range(facilities)
        ],
        [make_supplier(f"f{i}", fee=str(opening[i])) for i in range(facilities)],
        delivery={
            (f"f{i}", f"site{j}"): str(unit[i][j])
            for i in range(facilities)
            for j in range(customers)
        },
        sites=[Site(f"site{j}") for j in range(customers)] + [Site("hq")],
    )
    solution = solve(problem, SolveOptions(gap=0.0))
    assert solution.indicators.needs_served == customers
    expected = textbook_facility_location(opening, capacity, demand, unit)
    assert float(solution.indicators.total_cost) == pytest.approx(expected, abs=0.01 * customers)
