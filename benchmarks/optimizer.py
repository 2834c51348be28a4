"""Benchmark of the optimizer on generated, realistic cooperatives at three sizes.

    python benchmarks/optimizer.py            # S only
    python benchmarks/optimizer.py S M L      # or --sizes S,M,L
    python benchmarks/optimizer.py M --threads 2 --time-limit 60

Each size runs in a fresh process so that its peak memory is its own. For each size the table
gives: build time (grouping and model building), solve time (handing the model to HiGHS and
solving), the part of it spent inside HiGHS, the whole pipeline (including the reading back,
the members-alone comparison and the explanations), gap, model size and peak memory (RSS).

The generator: members are spread over a region around Lyon and receive at delivery hubs (one
per five members for S, one per 25 for M and L, which is how a cooperative shares deliveries);
product popularity follows a Zipf law; about 60 % of offers have 2-3 all-units price tiers,
30 % a minimum order, 30 % a capacity; 70 % of suppliers waive their fee above an order value;
10 % of needs have a price ceiling. Everything is drawn from a seeded generator.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import resource
import subprocess
import sys
import time
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from optimizer import (
    Location,
    Need,
    Offer,
    Policy,
    PriceTier,
    Problem,
    Site,
    SolveOptions,
    Supplier,
    Weights,
    solve,
)

SIZES = {
    # members, needs, products, offers, suppliers, members per hub, time limit, gap
    "S": (20, 200, 60, 250, 30, 5, 60.0, 1e-4),
    "M": (300, 10_000, 1_000, 10_000, 300, 25, 60.0, 1e-3),
    "L": (5_000, 200_000, 5_000, 50_000, 1_000, 25, 120.0, 1e-2),
}
ORDER_DATE = date(2025, 1, 6)
LYON = (45.76, 4.84)


def _near(rng: random.Random, km: float) -> Location:
    dlat = rng.uniform(-km, km) / 111.0
    dlon = rng.uniform(-km, km) / (111.0 * math.cos(math.radians(LYON[0])))
    return Location(round(LYON[0] + dlat, 4), round(LYON[1] + dlon, 4))


def _money(value: float) -> Decimal:
    return Decimal(repr(round(value, 2)))


def generate(size: str, seed: int = 7) -> Problem:
    """A realistic cooperative of the given size (see the module documentation)."""
    members, needs, products, offers, suppliers, per_hub, _, _ = SIZES[size]
    rng = random.Random(seed)
    hubs = [Site(f"site{i:04d}", _near(rng, 40)) for i in range(max(1, members // per_hub))]
    supplier_list = []
    for i in range(suppliers):
        local = rng.random() < 0.3
        supplier_list.append(
            Supplier(
                id=f"sup{i:04d}",
                delivery_fee=_money(rng.choice([0, 8, 12, 15, 20, 25])),
                fee_waived_above=_money(rng.choice([100, 150, 250, 500]))
                if rng.random() < 0.7
                else None,
                location=_near(rng, 40 if local else 250),
                local=local,
                social_economy=rng.random() < 0.15,
            )
        )
    base_price = [math.exp(rng.gauss(1.2, 1.0)) for _ in range(products)]
    offer_list = []
    for i in range(offers):
        p = i if i < products else rng.randrange(products)
        price = base_price[p] * rng.uniform(0.8, 1.3)
        pack = rng.choice([1, 1, 1, 5, 10, 12, 25])
        tiers = [PriceTier(Decimal(0), _money(max(price, 0.05)))]
        if rng.random() < 0.6:
            start = pack * rng.choice([4, 5, 10])
            for _ in range(rng.choice([1, 2])):
                price *= rng.uniform(0.85, 0.95)
                tiers.append(PriceTier(Decimal(start), _money(max(price, 0.05))))
                start *= rng.choice([2, 3])
        minimum = Decimal(pack * rng.choice([2, 5, 10])) if rng.random() < 0.3 else Decimal(0)
        capacity = Decimal(pack * rng.randint(20, 200)) if rng.random() < 0.3 else None
        offer_list.append(
            Offer(
                id=f"off{i:06d}",
                supplier=f"sup{rng.randrange(suppliers):04d}",
                product=f"prod{p:05d}",
                pack_size=Decimal(pack),
                tiers=tuple(tiers),
                minimum_quantity=minimum,
                capacity=capacity,
                lead_time_days=rng.randint(1, 10),
                eco_score=Decimal(rng.randint(20, 95)),
            )
        )
    weights = [1.0 / (r + 1) ** 0.8 for r in range(products)]
    chosen = rng.choices(range(products), weights=weights, k=needs)
    need_list = []
    for i, p in enumerate(chosen):
        member = rng.randrange(members)
        ceiling = _money(base_price[p] * 1.2) if rng.random() < 0.1 else None
        need_list.append(
            Need(
                id=f"need{i:06d}",
                member=f"mem{member:04d}",
                product=f"prod{p:05d}",
                quantity=Decimal(rng.choice([1, 2, 3, 5, 10, 12, 20, 40])),
                tolerance=Decimal(rng.choice([0, 0, 2, 5, 10])),
                needed_by=ORDER_DATE + timedelta(days=rng.randint(3, 30)),
                site=hubs[member % len(hubs)].id,
                price_ceiling=ceiling,
            )
        )
    policy = Policy(
        order_date=ORDER_DATE,
        weights=Weights(0.6, 0.1, 0.3),
        delivery_cost_per_unit_km=Decimal("0.002"),
    )
    return Problem(tuple(need_list), tuple(offer_list), tuple(supplier_list), policy, tuple(hubs))


def run_one(
    size: str, threads: int, time_limit: float | None, gap: float | None, detail: bool = False
) -> dict[str, object]:
    """Generates and solves one size in this process and returns its figures. With
    ``detail``, the same problem is solved again without the explanations and the members-alone
    comparison, which tells what those cost, and the ratios to the time inside HiGHS are
    given."""
    _, _, _, _, _, _, default_limit, default_gap = SIZES[size]
    started = time.perf_counter()
    problem = generate(size)
    generated = time.perf_counter() - started
    options = SolveOptions(
        time_limit=time_limit or default_limit,
        gap=default_gap if gap is None else gap,
        threads=threads,
    )
    started = time.perf_counter()
    solution = solve(problem, options)
    total = time.perf_counter() - started
    r = solution.report
    figures: dict[str, object] = {}
    if detail:
        started = time.perf_counter()
        plain = solve(problem, replace(options, explain=False, compare_alone=False)).report
        bare = time.perf_counter() - started
        inside = plain.solver_seconds or 0.0
        figures = {
            "without_explain_alone_s": round(bare, 2),
            "explain_alone_s": round(total - bare, 2),
            "without_inside_highs_s": round(inside, 2),
            "read_back_s": round(bare - plain.build_seconds - plain.solve_seconds, 2),
            "without_over_highs": round(bare / inside, 2) if inside else None,
            "total_over_highs": round(total / (r.solver_seconds or inside), 2) if inside else None,
        }
    return {
        "size": size,
        "needs": len(problem.needs),
        "generate_s": round(generated, 2),
        "build_s": round(r.build_seconds, 2),
        "solve_s": round(r.solve_seconds, 2),
        "inside_highs_s": None if r.solver_seconds is None else round(r.solver_seconds, 2),
        "total_s": round(total, 2),
        "status": r.status.value,
        "gap": None if r.gap is None else f"{r.gap:.2e}",
        "variables": r.variables,
        "integers": r.integer_variables,
        "constraints": r.constraints,
        "groups": r.groups,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        "unserved": solution.indicators.needs_unmet + solution.indicators.needs_partial,
        "total_cost": str(solution.indicators.total_cost),
        "savings": str(solution.indicators.savings),
        **figures,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", help="S, M and/or L (default S)")
    parser.add_argument("--sizes", dest="size_list", help="comma-separated, e.g. S,M")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=None)
    parser.add_argument("--gap", type=float, default=None)
    parser.add_argument(
        "--detail",
        action="store_true",
        help="solve again without explanations and members alone, and compare with HiGHS's time",
    )
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(run_one(args.one, args.threads, args.time_limit, args.gap, args.detail)))
        return 0
    sizes = list(args.sizes) + (args.size_list.split(",") if args.size_list else [])
    sizes = [s.strip().upper() for s in sizes] or ["S"]
    for size in sizes:
        if size not in SIZES:
            parser.error(f"unknown size {size!r}: choose among {', '.join(SIZES)}")
    extra = ["--threads", str(args.threads)]
    if args.time_limit:
        extra += ["--time-limit", str(args.time_limit)]
    if args.gap is not None:
        extra += ["--gap", str(args.gap)]
    if args.detail:
        extra.append("--detail")
    for size in sizes:
        done = subprocess.run(
            [sys.executable, __file__, "--one", size, *extra],
            check=True,
            capture_output=True,
            text=True,
        )
        row = json.loads(done.stdout.strip().splitlines()[-1])
        print("  ".join(f"{key}={value}" for key, value in row.items()), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
