"""The cost-versus-ecology trade-off: several solves with a rising floor on the eco score."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from optimizer.engine import solve
from optimizer.problem import Problem, Weights
from optimizer.solution import Indicators
from optimizer.solve import SolveOptions, Status

MAX_POINTS = 50  # each point is a whole solve: more would not fit on the chart anyway


@dataclass(frozen=True, slots=True)
class FrontierPoint:
    """One solve of the trade-off: the eco floor imposed (None for the lead's own policy), and
    the batch's total cost, spend-weighted eco score and unmet needs that came out."""

    eco_floor: float | None
    total_cost: Decimal
    eco_score: Decimal | None
    needs_unmet: int
    status: Status


def frontier(
    problem: Problem, points: int = 5, options: SolveOptions | None = None
) -> list[FrontierPoint]:
    """``points`` solves of ``problem``: the first under the lead's policy, the others with an
    eco floor rising evenly from that solve's eco score to the best the catalog allows (found by
    a solve that weighs ecology only). Each point keeps the lead's weights and rules; a floor
    that cannot be met while serving everything shows as unmet needs, not as an error."""
    if not 1 <= points <= MAX_POINTS:
        raise ValueError(f"points: must be between 1 and {MAX_POINTS}, got {points}")
    quick = replace(options or SolveOptions(), explain=False, compare_alone=False)
    base = solve(problem, quick)
    result = [_point(None, base.indicators, base.report.status)]
    if points == 1:
        return result
    policy = problem.policy
    greenest = solve(problem.replace_policy(replace(policy, weights=Weights(0, 0, 1))), quick)
    low = float(base.indicators.eco_score or 0)
    high = float(greenest.indicators.eco_score or low)
    high = max(high, low)
    for i in range(1, points):
        floor = round(low + (high - low) * i / (points - 1), 2)
        rules = replace(policy.rules, min_average_eco=floor)
        run = solve(problem.replace_policy(replace(policy, rules=rules)), quick)
        result.append(_point(floor, run.indicators, run.report.status))
    return result


def _point(floor: float | None, indicators: Indicators, status: Status) -> FrontierPoint:
    unserved = indicators.needs_unmet + indicators.needs_partial
    return FrontierPoint(floor, indicators.total_cost, indicators.eco_score, unserved, status)
