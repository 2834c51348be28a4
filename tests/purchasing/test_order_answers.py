"""The supplier confirms or changes an order through a signed link, without an account; the lead
accepts a change, which re-prices the members' shares."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from persistence.audit import AuditEvent
from purchasing.errors import Conflict, Invalid
from purchasing.models import Allocation, PurchaseOrder
from purchasing.orders.confirmations import (
    ChangeValues,
    LinkRefused,
    answer_token,
    confirm_order,
    order_for_link,
    propose_change,
)
from purchasing.orders.orders import accept_change, mark_sent_by_hand, refuse_change

SECRET = "test-secret-key-0123456789"


@pytest.fixture
def sent(session, approved):
    for order in approved.orders(session):
        mark_sent_by_hand(session, order.id, actor=approved.lead)
    session.commit()
    return approved


def test_the_supplier_confirms_through_the_link_once(session, sent):
    order = sent.orders(session)[0]
    token = answer_token(order, SECRET)
    confirm_order(session, order.number, token, SECRET)
    session.commit()
    session.refresh(order)
    assert (order.status, order.supplier_answer) == ("confirmed", "confirmed")
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "order.confirm"))
    assert event.details["by"] == "supplier"
    with pytest.raises(LinkRefused) as reused:
        confirm_order(session, order.number, token, SECRET)
    assert "already answered" in reused.value.message.render()


@pytest.mark.parametrize(
    "spoil",
    [
        lambda token, number: (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), number),
        lambda token, number: (token, number[:-1] + ("9" if number[-1] != "9" else "8")),
        lambda token, number: (token, "BC-1999-0001"),
    ],
    ids=["tampered", "changed number", "another order"],
)
def test_a_spoiled_link_is_refused_and_changes_nothing(session, sent, spoil):
    order = sent.orders(session)[0]
    token, number = spoil(answer_token(order, SECRET), order.number)
    with pytest.raises(LinkRefused):
        confirm_order(session, number, token, SECRET)
    session.rollback()
    session.refresh(order)
    assert order.supplier_answer == ""


def test_an_expired_link_is_refused(session, sent):
    order = sent.orders(session)[0]
    token = answer_token(order, SECRET)
    with pytest.raises(LinkRefused) as expired:
        order_for_link(session, order.number, token, SECRET, max_age=timedelta(seconds=-1))
    assert "expired" in expired.value.message.render()


def test_a_link_for_an_order_not_sent_is_refused(session, approved):
    order = approved.orders(session)[0]
    with pytest.raises(LinkRefused):
        confirm_order(session, order.number, answer_token(order, SECRET), SECRET)


def test_the_supplier_states_what_it_can_deliver_and_the_lead_accepts(session, sent):
    order = sent.orders(session)[0]
    (line,) = order.lines
    token = answer_token(order, SECRET)
    later = order.expected_on + timedelta(days=3)
    propose_change(
        session,
        order.number,
        token,
        SECRET,
        ChangeValues({line.id: "40"}, later.strftime("%d/%m/%Y"), "Rupture partielle"),
    )
    session.commit()
    session.refresh(order)
    assert order.supplier_answer == "changed" and order.proposed_date == later
    before = order.total_excl_vat
    accept_change(session, order.id, actor=sent.lead)
    session.commit()
    session.expire_all()
    order = session.get(PurchaseOrder, order.id)
    assert order.lines[0].quantity == Decimal(40)
    assert order.lines[0].line_total == Decimal("166.00")
    assert order.total_excl_vat < before and order.expected_on == later
    shares = list(
        session.scalars(select(Allocation).where(Allocation.offer_id == order.lines[0].offer_id))
    )
    assert sum(s.quantity for s in shares) == Decimal(40)
    assert sum(s.goods_total for s in shares) == Decimal("166.00")
    assert sum(s.fee_share + s.delivery_share for s in shares) == order.delivery_fee
    with pytest.raises(Conflict):
        accept_change(session, order.id, actor=sent.lead)


def test_the_lead_may_refuse_a_change(session, sent):
    order = sent.orders(session)[0]
    (line,) = order.lines
    propose_change(
        session, order.number, answer_token(order, SECRET), SECRET, ChangeValues({line.id: "45"})
    )
    refuse_change(session, order.id, actor=sent.lead)
    session.commit()
    session.refresh(order)
    assert order.supplier_answer == "change_refused" and order.lines[0].quantity == Decimal(50)


@pytest.mark.parametrize(
    "quantity, field",
    [
        ("-1", "lines.0.quantity"),
        ("60", "lines.0.quantity"),
        ("x", "lines.0.quantity"),
        ("50", "note"),
    ],
)
def test_a_wrong_change_is_refused(session, sent, quantity, field):
    order = sent.orders(session)[0]
    (line,) = order.lines
    with pytest.raises(Invalid) as refused:
        propose_change(
            session,
            order.number,
            answer_token(order, SECRET),
            SECRET,
            ChangeValues({line.id: quantity}),
        )
    assert field in refused.value.errors
    session.rollback()
    assert (
        session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "order.change"))
        == 0
    )
