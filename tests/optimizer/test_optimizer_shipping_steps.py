"""Shipping steps: every quantity of a product is a whole number of the smallest quantity a
supplier ships of it; the problem refuses data that is not, and shares come out in steps."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from optimizer_factories import D, make_need, make_offer, make_problem

from optimizer import InvalidProblem, Product, solve
from optimizer.jsonio import problem_from_dict
from optimizer.jsonout import problem_to_dict
from optimizer.money import split_exactly


def test_the_demos_cleaner_is_shared_in_whole_bottles() -> None:
    # 9 and 36 bottles asked, 0 and 3 more accepted, packs of six: eight packs, 9 and 39
    needs = [make_need("n1", quantity=9, member="m1"), make_need("n2", quantity=36, tolerance=3)]
    solution = solve(make_problem(needs, [make_offer(pack=6)]))
    assert {n.need: n.received for n in solution.needs} == {"n1": 9, "n2": 39}
    assert [(a.quantity, a.packs) for a in solution.allocations] == [
        (9, D("1.5")),
        (39, D("6.5")),
    ]


@pytest.mark.parametrize(
    ("need", "offer", "place"),
    [
        ({"quantity": "2.5"}, {}, "needs[0].quantity"),
        ({"tolerance": "0.45"}, {}, "needs[0].tolerance"),
        ({}, {"pack": "1.5"}, "offers[0].pack_size"),
    ],
)
def test_a_quantity_off_its_products_step_is_refused(need, offer, place) -> None:
    with pytest.raises(InvalidProblem) as refused:
        make_problem([make_need(**need)], [make_offer(**offer)])
    assert refused.value.path == place
    assert "multiple of the shipping step 1 of product 'paper'" in refused.value.reason


def test_a_step_must_be_above_zero() -> None:
    with pytest.raises(InvalidProblem) as refused:
        Product("paper", D(0))
    assert refused.value.path == "shipping_step"


def test_bulk_is_shared_in_its_own_step() -> None:
    # coffee by the half kilo: 2.5 + 1.5 kg asked, 1 kg more accepted by each, sacks of 5 kg:
    # the 1 kg of surplus is shared 2.5:1.5 in half kilos (0.625 and 0.375): 0.5 each
    needs = [
        make_need("n1", quantity="2.5", tolerance=1, member="m1"),
        make_need("n2", quantity="1.5", tolerance=1, member="m2"),
    ]
    problem = make_problem(needs, [make_offer(pack=5)], steps={"paper": "0.5"})
    solution = solve(problem)
    assert {n.need: n.received for n in solution.needs} == {"n1": 3, "n2": 2}
    with pytest.raises(InvalidProblem) as refused:
        make_problem([make_need(quantity="2.25")], [make_offer()], steps={"paper": "0.5"})
    assert "shipping step 0.5" in refused.value.reason


def test_shares_in_a_step_that_is_not_a_power_of_ten_add_up() -> None:
    # shares by the half kilo: 2.5 kg among three is 0.83 each, rounded down to 0.5 (not to the
    # tenth, 0.8, which is what quantizing to 0.5's exponent gave), the half kilos left to the
    # largest remainders
    shares = split_exactly(D(3), [D(1), D(1), D(1)], D("0.5"))
    assert shares == [1, 1, 1]
    shares = split_exactly(D("2.5"), [D(1), D(1), D(1)], D("0.5"))
    assert sum(shares) == D("2.5") and all(s % D("0.5") == 0 for s in shares)


def test_steps_go_through_the_json_format() -> None:
    problem = make_problem([make_need(quantity="2.5")], [make_offer()], steps={"paper": "0.5"})
    data = json.loads(json.dumps(problem_to_dict(problem)))
    assert data["products"] == [{"id": "paper", "shipping_step": "0.5"}]
    assert problem_from_dict(data).step_of("paper") == Decimal("0.5")
    data["products"] = [{"id": "paper", "shipping_step": "0"}]
    with pytest.raises(InvalidProblem) as refused:
        problem_from_dict(data)
    assert refused.value.path == "products[0].shipping_step"
    data["products"] = [{"id": "paper"}]
    with pytest.raises(InvalidProblem) as missing:
        problem_from_dict(data)
    assert "shipping_step" in missing.value.reason
