"""Awkward input gets a clear message or a correct answer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from optimizer_factories import D, make_need, make_offer, make_problem, make_supplier
from test_optimizer_cli import sample, write

from optimizer import Reason, SolveOptions, Status, solve
from optimizer.cli import main
from optimizer.frontier import frontier


def test_thousands_of_identical_needs_are_one_group_and_shared_fairly() -> None:
    needs = [make_need(f"n{i:04d}", quantity=1, member=f"m{i % 40}") for i in range(3000)]
    solution = solve(make_problem(needs, [make_offer(capacity=1000)]))
    assert solution.report.groups == 1
    assert solution.report.status is Status.OPTIMAL
    served = [n.served for n in solution.needs]
    assert sum(served) == 1000
    assert set(served) == {0, 1}
    # fair, not first come: the needs served are spread over the ids, not the first thousand
    first = sum(1 for n in solution.needs[:1000] if n.served)
    assert 200 < first < 500


def test_an_offer_with_a_capacity_of_zero_sells_nothing() -> None:
    solution = solve(make_problem([make_need(quantity=5)], [make_offer(capacity=0)]))
    assert solution.orders == ()
    result = solution.needs[0]
    assert (result.status, result.reason) == ("unmet", Reason.CAPACITY)
    other = solve(
        make_problem(
            [make_need(quantity=5)],
            [make_offer("empty", capacity=0, price="1.00"), make_offer("full", price="2.00")],
        )
    )
    assert [a.offer for a in other.allocations] == ["full"]


def test_a_fee_waiver_below_the_fee_waives_it_from_that_order_value() -> None:
    # a 20.00 fee waived from 5.00 of goods: 3 units at 1.00 with 2 of tolerance buy 5
    problem = make_problem(
        [make_need(quantity=3, tolerance=2)],
        [make_offer(price="1.00")],
        [make_supplier(fee="20.00", waived="5.00")],
    )
    solution = solve(problem, SolveOptions(gap=0.0))
    assert solution.indicators.total_cost == D("5.00")
    assert solution.orders[0].fee == 0


@pytest.mark.parametrize("points", ["0", "1000", "-3"])
def test_a_frontier_of_zero_or_a_thousand_points_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], points: str
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main([str(write(tmp_path, sample())), "--frontier", points])
    assert stopped.value.code == 2
    assert f"--frontier: must be between 1 and 50 points, got {points}" in capsys.readouterr().err


def test_the_frontier_function_refuses_absurd_point_counts() -> None:
    problem = make_problem([make_need()], [make_offer()])
    for points in (0, 1000):
        with pytest.raises(ValueError, match="points: must be between 1 and 50"):
            frontier(problem, points)


@pytest.mark.parametrize("limit", ["0", "-5", "nan", "inf"])
def test_a_time_limit_of_zero_or_less_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], limit: str
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main([str(write(tmp_path, sample())), "--time-limit", limit])
    assert stopped.value.code == 2
    assert "time_limit: must be a number of seconds > 0" in capsys.readouterr().err


def test_a_tiny_time_limit_still_gives_a_result(tmp_path: Path) -> None:
    output = tmp_path / "result.json"
    assert main([str(write(tmp_path, sample())), "--time-limit", "0.001", "-o", str(output)]) == 0
    result = json.loads(output.read_text())
    assert result["status"] in ("optimal", "feasible", "time_limit", "error")
    assert len(result["needs"]) == 3
