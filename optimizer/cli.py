"""``coachat optimize PROBLEM.json``: solve a problem file and write the result as JSON."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from optimizer.engine import solve
from optimizer.frontier import MAX_POINTS, frontier
from optimizer.jsonio import load_problem
from optimizer.jsonout import dumps, result_to_dict
from optimizer.problem import InvalidProblem
from optimizer.solve import SOLVERS, SolveOptions


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="coachat optimize",
        description="Solve a grouped-purchasing problem (JSON, see docs/optimizer.md) and write "
        "the proposed batch as JSON.",
    )
    parser.add_argument("problem", type=Path, help="problem file (JSON)")
    parser.add_argument("-o", "--output", type=Path, help="result file (default: standard output)")
    parser.add_argument("--solver", choices=SOLVERS, default="highs", help="MIP solver")
    parser.add_argument("--time-limit", type=float, default=None, metavar="S", help="seconds")
    parser.add_argument("--gap", type=float, default=1e-4, metavar="G", help="relative gap")
    parser.add_argument("--threads", type=int, default=1, help="solver threads (default 1)")
    parser.add_argument(
        "--frontier",
        type=int,
        default=None,
        metavar="K",
        help=f"also trace K cost-vs-eco points (1 to {MAX_POINTS})",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Runs the command; 0 on success (even if some needs are unmet), 2 on bad input."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        options = SolveOptions(
            solver=args.solver, time_limit=args.time_limit, gap=args.gap, threads=args.threads
        )
    except ValueError as error:
        parser.error(str(error))
    if args.frontier is not None and not 1 <= args.frontier <= MAX_POINTS:
        parser.error(f"--frontier: must be between 1 and {MAX_POINTS} points, got {args.frontier}")
    try:
        text = args.problem.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        print(f"coachat optimize: {args.problem}: {error}", file=sys.stderr)
        return 2
    try:
        problem = load_problem(text)
    except InvalidProblem as error:
        print(f"coachat optimize: {args.problem}: {error}", file=sys.stderr)
        return 2
    solution = solve(problem, options)
    points = frontier(problem, args.frontier, options) if args.frontier else None
    output = dumps(result_to_dict(solution, points))
    if args.output is None:
        sys.stdout.write(output)
    else:
        args.output.write_text(output, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
