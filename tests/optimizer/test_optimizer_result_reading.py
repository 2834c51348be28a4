"""A stored result read back into the optimizer's own dataclasses (``result_from_dict``)."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from typing import Any

import pytest
from optimizer_factories import make_need, make_offer, make_problem, make_supplier
from test_optimizer_cli import documented_example

import optimizer
from optimizer.jsonfields import InvalidResult
from optimizer.jsonio import load_problem, result_from_dict
from optimizer.jsonout import result_to_dict
from optimizer.solution import Solution


def solved(problem: optimizer.Problem) -> dict[str, Any]:
    solution = optimizer.solve(problem, optimizer.SolveOptions(time_limit=20))
    # As the database gives it back: plain JSON.
    return json.loads(json.dumps(result_to_dict(solution)))


def sample() -> dict[str, Any]:
    return solved(
        make_problem(
            [
                make_need("a", quantity=6, member="m1"),
                make_need("b", quantity=6, member="m2", tolerance=2),
                make_need("c", product="ink", member="m2"),
            ],
            [
                make_offer(tiers=[(0, "2.00"), (10, "1.50")], pack=2),
                make_offer("o2", supplier="s2", price="2.40"),
            ],
            [make_supplier(fee="9.99"), make_supplier("s2")],
        )
    )


@pytest.mark.parametrize(
    "stored", [sample, lambda: solved(load_problem(json.dumps(documented_example())))]
)
def test_every_key_written_is_read_back(stored: Any) -> None:
    """Reading then writing again gives the same document: a key renamed on one side only
    would come back as zero, absent or refused."""
    data = stored()
    read = result_from_dict(data)
    assert isinstance(read, Solution)
    assert result_to_dict(read) == data


def test_the_figures_read_are_the_optimizer_s_own() -> None:
    read = result_from_dict(sample())
    assert read.report.status is optimizer.Status.OPTIMAL
    assert read.indicators.total_cost == sum((m.total for m in read.members), Decimal(0))
    assert read.indicators.suppliers_used == len(read.orders) >= 1
    assert [(n.need, n.reason) for n in read.needs if n.status != "served"] == [
        ("c", optimizer.Reason.NO_OFFER)
    ]
    assert any(a.runner_up is not None for a in read.allocations)


def test_keys_left_out_read_as_absent_and_unknown_keys_are_ignored() -> None:
    data = sample()
    data["explanation"] = "kept by someone else"
    for row in data["allocations"]:
        del row["runner_up"], row["total"]
    del data["orders"], data["transport"], data["report"]
    data["indicators"] = {"goods": "1.00"}
    read = result_from_dict(data)
    assert read.orders == () and read.tours == ()
    assert all(a.runner_up is None for a in read.allocations)
    assert read.indicators.goods == Decimal("1.00") and read.indicators.eco_score is None
    assert read.indicators.suppliers_used == len({a.supplier for a in read.allocations})
    assert read.report.variables == 0 and read.report.objective is None
    # a result kept before the road-detour coefficient counted the crow's flight
    assert read.transport.road_detour == Decimal(1)


def test_the_road_detour_the_tours_were_counted_with_is_read_back() -> None:
    data = sample()
    data["transport"]["road_detour"] = "1.3"
    assert result_from_dict(data).transport.road_detour == Decimal("1.3")


@pytest.mark.parametrize(
    ("change", "place", "reason"),
    [
        (lambda d: d.update(status="done"), "status", "must be one of 'optimal'"),
        (lambda d: d.pop("status"), "status", "must be one of"),
        (lambda d: d.update(allocations={}), "allocations", "must be a list"),
        (
            lambda d: d["allocations"][0].update(quantity="many"),
            "allocations[0].quantity",
            "decimal",
        ),
        (lambda d: d["allocations"][0].pop("need"), "allocations[0].need", "must be an id"),
        (lambda d: d["needs"][2].update(reason="weather"), "needs[2].reason", "one of"),
        (lambda d: d["needs"][0].update(status="late"), "needs[0].status", "one of"),
        (
            lambda d: d["orders"][0]["lines"][0].update(packs="2"),
            "orders[0].lines[0].packs",
            "whole",
        ),
        (lambda d: d["members"].append(7), "members[2]", "must be an object"),
        (lambda d: d["indicators"].update(needs_served=True), "indicators.needs_served", "whole"),
        (
            lambda d: d["transport"].update(tours=[{"kind": "boat"}]),
            "transport.tours[0].kind",
            "one of",
        ),
    ],
)
def test_a_malformed_result_is_refused_naming_the_place(
    change: Any, place: str, reason: str
) -> None:
    data = copy.deepcopy(sample())
    change(data)
    with pytest.raises(InvalidResult) as refused:
        result_from_dict(data)
    assert refused.value.path == place
    assert reason in refused.value.reason


def test_a_document_that_is_no_object_is_refused() -> None:
    with pytest.raises(InvalidResult, match=r"\(document\): must be an object"):
        result_from_dict(["optimal"])
