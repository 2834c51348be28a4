"""Quantities a supplier can ship: the demo's case by hand. Two members ask 9 and 36 bottles of a
cleaner sold by the litre in packs of six 1 L bottles, accepting 5 % and 10 % more; every figure
that follows (allocations, order, a supplier's cut, deliveries) is whole bottles."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from optimizer import Policy
from purchasing.batches.batches import approve_batch
from purchasing.errors import Invalid
from purchasing.models import Allocation, PurchaseOrder
from purchasing.orders.confirmations import ChangeValues, answer_token, propose_change
from purchasing.orders.deliveries import (
    DeliveryLineValues,
    DeliveryValues,
    expected_by_site,
    record_delivery,
)
from purchasing.orders.order_document import order_document
from purchasing.orders.orders import accept_change, expected_at_sites, mark_sent_by_hand
from purchasing.rounds.problem import build_problem, open_needs
from purchasing.rounds.rounds import close_round
from scheduling.jobs import work_jobs

SECRET = "test-secret-key-0123456789"


def cleaner_batch(session, make, sessions, *, same_site=False):
    lead = make.user("lead")
    first = make.member("Atelier Vélo")
    second = first if same_site else make.member("Épicerie du Coin")
    cleaner = make.product("Nettoyant multi-surfaces 1 L", unit="l")
    make.offer(product=cleaner, price="3.10", pack_size="6", supplier_ref="NET-1L")
    make.need(first, cleaner, quantity="9", tolerance_percent=5)
    make.need(second, cleaner, quantity="36", tolerance_percent=10)
    result = close_round(session, actor=None)
    session.commit()
    assert work_jobs(sessions) == 1
    session.expire_all()
    approve_batch(session, result.batch_id, "1", actor=lead)
    session.commit()
    (order,) = session.scalars(select(PurchaseOrder))
    return order, lead, (first, second)


def allocated(session):
    rows = session.scalars(select(Allocation).order_by(Allocation.need_id))
    return [(a.quantity, a.packs) for a in rows]


def test_tolerances_are_whole_bottles(session, make, today):
    # 5 % of 9 bottles is no bottle more; 10 % of 36 is 3 (not 0.45 and 3.6)
    member = make.member()
    cleaner = make.product("Nettoyant multi-surfaces 1 L", unit="l")
    coffee = make.product("Café en grains", unit="kg", shipping_step=Decimal("0.5"))
    make.need(member, cleaner, quantity="9", tolerance_percent=5)
    make.need(member, cleaner, quantity="36", tolerance_percent=10)
    make.need(member, coffee, quantity="12.5", tolerance_percent=10)
    problem = build_problem(session, open_needs(session), Policy(order_date=today))
    assert [n.tolerance for n in problem.needs] == [0, 3, 1]
    steps = {p.id: p.shipping_step for p in problem.products}
    assert steps == {str(cleaner.id): 1, str(coffee.id): Decimal("0.5")}


def test_eight_packs_of_six_go_to_the_two_needs_in_whole_bottles(session, make, sessions):
    # 45 asked, 3 more accepted: eight packs (48); the 3 bottles of surplus go to the one
    # tolerance that takes them: 9 and 39 bottles (before: 9.45 and 38.55, packs 1.575/6.425)
    order, _lead, _members = cleaner_batch(session, make, sessions)
    assert allocated(session) == [(9, Decimal("1.5")), (39, Decimal("6.5"))]
    (line,) = order.lines
    assert (line.quantity, line.packs) == (48, 8)
    document = order_document(session, order)
    assert [site.units[0][2] for site in document.sites] == [9, 39]
    assert [doc_line.units for doc_line in document.lines] == [48]


def test_a_suppliers_cut_is_shared_in_whole_bottles(session, make, sessions):
    # the supplier can deliver 42 of 48: 42 x 9/48 = 7.875 and 42 x 39/48 = 34.125; whole
    # bottles by largest remainder give 8 and 34 (before: 7.998 and 34.002 expected at sites)
    order, lead, (first, second) = cleaner_batch(session, make, sessions)
    mark_sent_by_hand(session, order.id, actor=lead)
    (line,) = order.lines
    token = answer_token(order, SECRET)
    with pytest.raises(Invalid) as fractional:
        propose_change(
            session, order.number, token, SECRET, ChangeValues(quantities={line.id: "41,5"})
        )
    assert "whole number" in fractional.value.errors["lines.0.quantity"].render()
    propose_change(session, order.number, token, SECRET, ChangeValues(quantities={line.id: "42"}))
    accept_change(session, order.id, actor=lead)
    session.commit()
    session.expire_all()
    order = session.get(PurchaseOrder, order.id)
    assert (order.lines[0].quantity, order.lines[0].packs) == (42, 7)
    sites = (first.sites[0].id, second.sites[0].id)
    expected = expected_at_sites(session, order)
    assert {site: expected[site][order.lines[0].id] for site in sites} == dict(
        zip(sites, (8, 34), strict=True)
    )
    assert sorted(expected_by_site(session, order).values()) == [8, 34]


def test_units_received_at_a_site_are_shared_in_proportion_in_whole_bottles(
    session, make, sessions
):
    # both needs at one site, 42 bottles arrive of 48: 7.875 and 34.125, so 8 and 34 (before:
    # the first need took its 9 in full and the second the 33 left)
    order, lead, (member, _same) = cleaner_batch(session, make, sessions, same_site=True)
    mark_sent_by_hand(session, order.id, actor=lead)
    (line,) = order.lines
    site = member.sites[0].id
    with pytest.raises(Invalid) as fractional:
        record_delivery(
            session,
            order.id,
            DeliveryValues(site, [DeliveryLineValues(line.id, received="41,5")]),
            actor=lead,
        )
    assert "whole number" in fractional.value.errors["lines.0.received"].render()
    record_delivery(
        session,
        order.id,
        DeliveryValues(site, [DeliveryLineValues(line.id, received="42", missing="6")]),
        actor=lead,
    )
    session.commit()
    session.expire_all()
    received = session.scalars(select(Allocation.received_quantity).order_by(Allocation.need_id))
    assert list(received) == [8, 34]
