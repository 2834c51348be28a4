"""The optimizer sees the cooperative as the pages show it: open needs, offers, eco scores."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import optimizer
from purchasing.geography import delivery_points
from purchasing.rounds.problem import build_problem, open_needs
from suppliers.eco_display import offer_eco
from suppliers.models import Offer


def test_each_offer_carries_the_eco_score_shown_on_its_page(session, make, today):
    member = make.member()
    paper = make.product("Ramette papier A4 recyclé 80 g")
    offer = make.offer(
        paper, make.supplier(social_economy="ESAT"), label="FSC", recycled_content=100
    )
    make.offer(paper, price="1.00", active=False)
    need = make.need(member, paper, quantity="40", tolerance_percent=10)
    problem = build_problem(session, open_needs(session), optimizer.Policy(order_date=today))
    (seen,) = problem.offers
    assert seen.id == str(offer.id)
    shown = offer_eco(offer, today, delivery_points(session)).total
    assert seen.eco_score == Decimal(shown) and shown > 50
    (pooled,) = problem.needs
    assert (pooled.id, pooled.quantity, pooled.tolerance) == (
        str(need.id),
        Decimal("40"),
        Decimal("4"),
    )
    assert problem.suppliers[0].social_economy


def test_free_text_cancelled_and_expired_are_left_out(session, make, today):
    member = make.member()
    paper = make.product()
    make.offer(paper, valid_until=today - timedelta(days=1))
    free_text = make.need(member, paper, free_text="bâche de chantier")
    free_text.product = None
    session.flush()
    make.need(member, paper, status="cancelled")
    assert open_needs(session) == []
    make.need(member, paper)
    problem = build_problem(session, open_needs(session), optimizer.Policy(order_date=today))
    assert problem.offers == ()


def test_the_demo_cooperative_can_be_optimised(loaded_demo, session, today):
    needs = open_needs(session)
    problem = build_problem(
        session, needs, optimizer.Policy(order_date=today, weights=optimizer.Weights(0.6, 0.1, 0.3))
    )
    solution = optimizer.solve(problem)
    assert solution.report.status in (optimizer.Status.OPTIMAL, optimizer.Status.FEASIBLE)
    served = [n for n in solution.needs if n.status == "served"]
    assert len(served) >= len(needs) * 0.8
    assert session.get(Offer, int(solution.allocations[0].offer)) is not None
