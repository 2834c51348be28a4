"""The open round as a member sees it: the group's position against price tiers and minimums."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from purchasing.rounds.open_round import member_pools, pools, summary, too_late
from purchasing.rounds.rounds import ensure_open_round
from suppliers.models import PriceTier


def _tiered(make, product, **values):
    offer = make.offer(product=product, price="2.40", **values)
    offer.tiers.append(PriceTier(min_quantity=Decimal(50), unit_price=Decimal("2.10")))
    make.session.flush()
    return offer


def test_the_group_sees_how_many_more_units_reach_the_next_tier(session, make):
    product = make.product("Ramette A4 recyclée")
    _tiered(make, product, supplier=make.supplier("Papeterie de l'Est"))
    one, two = make.member(), make.member()
    make.need(one, product, quantity="30")
    make.need(two, product, quantity="17")
    (pool,) = member_pools(session, one.id)
    assert pool.pooled == Decimal(47) and pool.members == 2
    assert pool.best_price == Decimal("2.40")
    assert pool.next_step is not None
    assert pool.next_step.missing == Decimal(3)
    assert (pool.next_step.price_now, pool.next_step.price_then) == (
        Decimal("2.40"),
        Decimal("2.10"),
    )
    assert pool.next_step.supplier == "Papeterie de l'Est"


def test_whole_packs_count_towards_the_tier(session, make):
    product = make.product()
    _tiered(make, product, pack_size=Decimal(10))
    make.need(make.member(), product, quantity="41")  # five packs of ten: 50 units bought
    (pool,) = pools(session)
    assert pool.best_price == Decimal("2.10") and pool.next_step is None


def test_a_minimum_order_out_of_reach_is_shown_when_it_would_be_cheaper(session, make):
    product = make.product()
    make.offer(product=product, price="3.00")
    make.offer(product=product, price="2.00", min_order_quantity=Decimal(100))
    make.need(make.member(), product, quantity="60")
    (pool,) = pools(session)
    assert pool.best_price == Decimal("3.00")
    assert pool.minimum is not None and pool.minimum.missing == Decimal(40)
    assert pool.minimum.price_then == Decimal("2.00")


def test_the_lead_sees_the_open_round_in_figures(session, make):
    product = make.product()
    make.offer(product=product, price="2.50")
    member = make.member()
    make.need(member, product, quantity="4")
    make.need(member, product, quantity="6")
    ensure_open_round(session)
    figures = summary(session)
    assert (figures.needs, figures.members, figures.products) == (2, 1, 1)
    assert figures.estimated_value == Decimal("25.00")


def test_a_date_no_offer_can_meet_after_the_cutoff_is_flagged(session, make, today):
    product = make.product()
    make.offer(product=product, lead_time_days=10)
    assert too_late(session, product.id, today + timedelta(days=5))
    assert not too_late(session, product.id, today + timedelta(days=30))
    assert not too_late(session, make.product().id, today + timedelta(days=5))
