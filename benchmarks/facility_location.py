"""Capacitated facility location instances as coachat problems, solved by `coachat optimize`
and by HiGHS alone on the textbook strong formulation, in the same run.

    python benchmarks/facility_location.py                       # 100 x 1000, r = 5 10 15 20
    python benchmarks/facility_location.py --ratios 5 --seeds 1 --time-limit 60 --threads 2
    python benchmarks/facility_location.py --write cfl.json      # one instance as a problem file

The generator is the recipe of Cornuéjols, Sridharan and Thizy (1991, "A comparison of
heuristics and relaxations for the capacitated plant location problem", EJOR 50), as used for
the 100 x 1000 test bed of Avella, Boccia, Sforza and Vasil'ev (2009, "An effective heuristic
for large-scale capacitated facility location problems", J. Heuristics 15): facilities and
customers uniform in the unit square; demand d_j ~ U[5, 35]; capacity s_i ~ U[10, 160], then
scaled so that total capacity is r times total demand; fixed cost f_i = U[0, 90] +
U[100, 110] x sqrt(s_i); serving one unit of j from i costs 10 x the Euclidean distance. The
smaller the ratio r, the tighter the capacities and the harder the instance.

In coachat's terms: each facility is a supplier with a delivery fee f_i (never waived) and one
offer of the product (unit price 0, pack of 1, capacity s_i); each customer is a site with one
need of d_j units; each pair has a delivery cost per unit. Demand may be split.

The textbook strong formulation: min sum f_i y_i + sum c_ij x_ij subject to sum_i x_ij = d_j,
sum_j x_ij <= s_i y_i, x_ij <= d_j y_i, y binary, x >= 0 (built here with highspy directly).
"""

from __future__ import annotations

import argparse
import json
import math
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import highspy
import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def generate(facilities: int, customers: int, ratio: float, seed: int) -> dict[str, object]:
    """One instance (see the module documentation) as a coachat problem in JSON form."""
    rng = random.Random(seed)
    at_f = [(rng.random(), rng.random()) for _ in range(facilities)]
    at_c = [(rng.random(), rng.random()) for _ in range(customers)]
    demand = [rng.randint(5, 35) for _ in range(customers)]
    raw = [rng.uniform(10, 160) for _ in range(facilities)]
    scale = ratio * sum(demand) / sum(raw)
    capacity = [max(1, round(s * scale)) for s in raw]
    fee = [round(rng.uniform(0, 90) + rng.uniform(100, 110) * math.sqrt(s), 2) for s in capacity]
    suppliers = [{"id": f"f{i:03d}", "delivery_fee": f"{fee[i]:.2f}"} for i in range(facilities)]
    offers = [
        {
            "id": f"f{i:03d}-offer",
            "supplier": f"f{i:03d}",
            "product": "good",
            "pack_size": 1,
            "tiers": [{"from": 0, "unit_price": "0"}],
            "capacity": capacity[i],
        }
        for i in range(facilities)
    ]
    sites = [{"id": f"c{j:04d}"} for j in range(customers)]
    needs = [
        {
            "id": f"n{j:04d}",
            "member": f"c{j:04d}",
            "product": "good",
            "quantity": demand[j],
            "needed_by": "2025-01-20",
            "site": f"c{j:04d}",
        }
        for j in range(customers)
    ]
    costs = [
        {
            "supplier": f"f{i:03d}",
            "site": f"c{j:04d}",
            "cost_per_unit": f"{10 * math.dist(at_f[i], at_c[j]):.4f}",
        }
        for i in range(facilities)
        for j in range(customers)
    ]
    return {
        "policy": {"order_date": "2025-01-06"},
        "sites": sites,
        "suppliers": suppliers,
        "offers": offers,
        "needs": needs,
        "delivery_costs": costs,
    }


def textbook_arrays(
    data: dict[str, object],
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Fees f, capacities s, demands d and unit costs c[i, j] of a generated problem."""
    suppliers = data["suppliers"]
    offers = data["offers"]
    needs = data["needs"]
    assert isinstance(suppliers, list) and isinstance(offers, list) and isinstance(needs, list)
    f = np.array([float(s["delivery_fee"]) for s in suppliers])
    s = np.array([float(o["capacity"]) for o in offers])
    d = np.array([float(n["quantity"]) for n in needs])
    c = np.zeros((len(f), len(d)))
    index_f = {sup["id"]: i for i, sup in enumerate(suppliers)}
    index_c = {n["site"]: j for j, n in enumerate(needs)}
    costs = data["delivery_costs"]
    assert isinstance(costs, list)
    for cost in costs:
        c[index_f[cost["supplier"]], index_c[cost["site"]]] = float(cost["cost_per_unit"])
    return f, s, d, c


def highs_alone(
    data: dict[str, object], time_limit: float, threads: int, gap: float
) -> dict[str, Any]:
    """HiGHS on the textbook strong formulation: objective, bound, seconds, status and which
    facilities are open."""
    f, s, d, c = textbook_arrays(data)
    m, n = c.shape
    started = time.perf_counter()
    h = highspy.Highs()  # prints a banner on standard output
    h.setOptionValue("output_flag", False)
    h.setOptionValue("time_limit", time_limit)
    h.setOptionValue("threads", threads)
    h.setOptionValue("mip_rel_gap", gap)
    h.setOptionValue("random_seed", 1)
    # columns: y_0..y_{m-1}, then x_ij at m + i * n + j
    inf = highspy.kHighsInf
    costs = np.concatenate([f, (c * 1.0).ravel()])
    lower = np.zeros(m + m * n)
    upper = np.concatenate([np.ones(m), np.repeat(d[None, :], m, axis=0).ravel()])
    h.addVars(m + m * n, lower, upper)
    h.changeColsCost(m + m * n, np.arange(m + m * n, dtype=np.int32), costs)
    h.changeColsIntegrality(
        m, np.arange(m, dtype=np.int32), np.full(m, highspy.HighsVarType.kInteger)
    )
    x = (m + np.arange(m * n, dtype=np.int32)).reshape(m, n)
    # demand: sum_i x_ij = d_j
    starts = np.arange(n, dtype=np.int32) * m
    index = x.T.ravel()
    h.addRows(n, d, d, n * m, starts, index, np.ones(n * m))
    # capacity: sum_j x_ij - s_i y_i <= 0
    starts = np.arange(m, dtype=np.int32) * (n + 1)
    index = np.concatenate([np.concatenate([x[i], [i]]) for i in range(m)]).astype(np.int32)
    value = np.concatenate([np.concatenate([np.ones(n), [-s[i]]]) for i in range(m)])
    h.addRows(m, np.full(m, -inf), np.zeros(m), m * (n + 1), starts, index, value)
    # strong linking: x_ij - d_j y_i <= 0
    rows = m * n
    starts = np.arange(rows, dtype=np.int32) * 2
    index = np.stack([x.ravel(), np.repeat(np.arange(m, dtype=np.int32), n)], axis=1).ravel()
    value = np.stack([np.ones(rows), -np.tile(d, m)], axis=1).ravel()
    h.addRows(rows, np.full(rows, -inf), np.zeros(rows), 2 * rows, starts, index, value)
    h.run()
    info = h.getInfo()
    values = np.array(h.getSolution().col_value)
    return {
        "objective": float(info.objective_function_value),
        "bound": float(info.mip_dual_bound),
        "seconds": time.perf_counter() - started,
        "status": h.modelStatusToString(h.getModelStatus()),
        "open": [bool(v > 0.5) for v in values[:m]] if values.size else [],
    }


def load_seconds(data: dict[str, object]) -> tuple[float, float]:
    """The size of the problem file in MB and the seconds `load_problem` takes to read it
    (schema check and dataclasses included)."""
    sys.path.insert(0, str(ROOT))
    from optimizer.jsonio import load_problem

    text = json.dumps(data)
    started = time.perf_counter()
    load_problem(text)
    return len(text.encode()) / 1e6, time.perf_counter() - started


def coachat_optimize(
    data: dict[str, object], time_limit: float, threads: int, gap: float
) -> dict[str, float | str]:
    """`coachat optimize` on the problem file: total cost, status, gap and wall seconds
    (reading the file included)."""
    with tempfile.TemporaryDirectory() as folder:
        problem = Path(folder) / "problem.json"
        result = Path(folder) / "result.json"
        problem.write_text(json.dumps(data), encoding="utf-8")
        started = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "optimizer.cli",
                str(problem),
                "-o",
                str(result),
                "--time-limit",
                str(time_limit),
                "--threads",
                str(threads),
                "--gap",
                str(gap),
            ],
            check=True,
            cwd=ROOT,
        )
        seconds = time.perf_counter() - started
        out = json.loads(result.read_text(encoding="utf-8"))
    return {
        "objective": float(out["indicators"]["total_cost"]),
        "status": out["status"],
        "gap": out["report"]["gap"],
        "seconds": seconds,
        "inside": out["report"]["build_seconds"] + out["report"]["solve_seconds"],
        "message": out["report"]["message"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--facilities", type=int, default=100)
    parser.add_argument("--customers", type=int, default=1000)
    parser.add_argument("--ratios", type=float, nargs="+", default=[5, 10, 15, 20])
    parser.add_argument("--seeds", type=int, default=1, help="instances per ratio")
    parser.add_argument("--time-limit", type=float, default=60.0, help="for coachat optimize")
    parser.add_argument("--alone-time-limit", type=float, default=120.0, help="for HiGHS alone")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--gap", type=float, default=1e-3)
    parser.add_argument("--no-alone", action="store_true", help="skip HiGHS alone")
    parser.add_argument("--write", type=Path, help="write the first instance and stop")
    args = parser.parse_args(argv)
    for ratio in args.ratios:
        for seed in range(1, args.seeds + 1):
            data = generate(args.facilities, args.customers, ratio, seed)
            if args.write:
                args.write.write_text(json.dumps(data), encoding="utf-8")
                return 0
            megabytes, loading = load_seconds(data)
            ours = coachat_optimize(data, args.time_limit, args.threads, args.gap)
            row = {
                "instance": f"{args.facilities}x{args.customers} r={ratio:g} seed={seed}",
                "file_mb": round(megabytes, 1),
                "load_s": round(loading, 2),
                "coachat_cost": round(float(ours["objective"]), 2),
                "coachat_s": round(float(ours["seconds"]), 1),
                "coachat_build_solve_s": round(float(ours["inside"]), 2),
                "coachat_status": ours["status"],
                "coachat_gap": ours["gap"] if ours["gap"] is None else f"{ours['gap']:.2e}",
            }
            if not args.no_alone:
                alone = highs_alone(data, args.alone_time_limit, args.threads, args.gap)
                best, found = float(alone["bound"]), float(alone["objective"])
                row.update(
                    alone_cost=round(found, 2) if found > 0 else "none",
                    alone_bound=round(best, 2) if best > 0 else "none",
                    alone_s=round(float(alone["seconds"]), 1),
                    alone_status=alone["status"],
                    ratio=round(float(ours["objective"]) / found, 4) if found > 0 else "n/a",
                    above_alone_bound=(
                        f"{float(ours['objective']) / best - 1:.2%}" if best > 0 else "n/a"
                    ),
                )
            print("  ".join(f"{k}={v}" for k, v in row.items()), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
