"""The JSON formats and ``coachat optimize``."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from optimizer_factories import make_need, make_offer, make_problem, make_supplier

from optimizer import InvalidProblem, Rules
from optimizer.cli import main
from optimizer.jsonio import load_problem, schema
from optimizer.jsonout import dumps, problem_to_dict

ROOT = Path(__file__).resolve().parents[2]


def documented_example() -> dict[str, Any]:
    text = (ROOT / "docs" / "optimizer.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- example-problem -->\s*```json\n(.*?)```", text, re.S)
    assert block is not None, "docs/optimizer.md lost its example problem"
    return json.loads(block.group(1))


def sample() -> dict[str, Any]:
    problem = make_problem(
        [
            make_need("a", quantity=6, member="m1"),
            make_need("b", quantity=6, member="m2", tolerance=2),
            make_need("c", product="ink", member="m2"),
        ],
        [make_offer(tiers=[(0, "2.00"), (10, "1.50")], pack=2)],
        [make_supplier(fee="9.99")],
    )
    return problem_to_dict(problem)


def write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "problem.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def run(tmp_path: Path, data: object, *extra: str) -> tuple[int, dict[str, Any] | None]:
    output = tmp_path / "result.json"
    code = main([str(write(tmp_path, data)), "-o", str(output), *extra])
    return code, json.loads(output.read_text()) if output.exists() else None


def test_a_problem_round_trips_through_json() -> None:
    data = sample()
    assert problem_to_dict(load_problem(json.dumps(data))) == data


def test_the_result_follows_its_schema_and_adds_up(tmp_path: Path) -> None:
    code, result = run(tmp_path, sample(), "--frontier", "3")
    assert code == 0 and result is not None
    jsonschema.validate(result, schema("result"))
    assert result["status"] == "optimal"
    assert len(result["frontier"]) == 3
    members = sum(float(m["total"]) for m in result["members"])
    assert members == pytest.approx(float(result["indicators"]["total_cost"]))
    unmet = [n for n in result["needs"] if n["status"] != "served"]
    assert [(n["need"], n["reason"]) for n in unmet] == [("c", "no_offer")]


def test_the_documented_example_is_valid_and_solves(tmp_path: Path) -> None:
    code, result = run(tmp_path, documented_example(), "--solver", "highs")
    assert code == 0 and result is not None
    jsonschema.validate(result, schema("result"))


def test_the_same_input_gives_the_same_output(tmp_path: Path) -> None:
    _, first = run(tmp_path, sample())
    _, second = run(tmp_path, sample())
    assert first is not None and second is not None
    for result in (first, second):
        for timing in ("build_seconds", "solve_seconds"):
            result["report"].pop(timing)
    assert dumps(first) == dumps(second)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["needs"][1].update(quantity=-5), "needs[1].quantity: must be > 0, got -5"),
        (
            lambda d: d["needs"][0].update(needed_by="2025-02-30"),
            "needs[0].needed_by: not a valid date",
        ),
        (
            lambda d: d["offers"][0].update(supplier="nobody"),
            "offers[0].supplier: unknown supplier",
        ),
        (
            lambda d: d["offers"][0]["tiers"][1].update(unit_price="3.00"),
            "offers[0].tiers[1].unit_price",
        ),
        (lambda d: d["needs"][2].pop("site"), "needs[2]: 'site' is a required property"),
        (lambda d: d["suppliers"][0].update(delivery_fee=[]), "suppliers[0].delivery_fee"),
        (
            lambda d: d["policy"]["weights"].update(cost=-1),
            "policy.weights.cost: must be a number >= 0",
        ),
        (lambda d: d["policy"]["rules"].update(min_local_share=2), "policy.rules.min_local_share"),
    ],
)
def test_a_malformed_problem_is_refused_with_its_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], change: Any, message: str
) -> None:
    data = sample()
    change(data)
    code, result = run(tmp_path, data)
    assert code == 2 and result is None
    assert message in capsys.readouterr().err


def test_invalid_json_names_line_and_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"needs": [\n  1,,\n]}', encoding="utf-8")
    assert main([str(path)]) == 2
    assert "line 2 column" in capsys.readouterr().err


def test_invalid_problem_errors_carry_the_path() -> None:
    with pytest.raises(InvalidProblem) as caught:
        Rules(max_suppliers_per_product=0)
    assert caught.value.path == "max_suppliers_per_product"


def test_the_module_runs_and_keeps_solver_noise_out_of_stdout(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "optimizer.cli", str(write(tmp_path, sample()))],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    result = json.loads(done.stdout)
    assert result["status"] == "optimal"
