"""Deliveries per order and site, what follows for needs, orders and batches, and each member's
statement following what it received."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from persistence.audit import AuditEvent
from purchasing.errors import Conflict, Invalid, NotFound
from purchasing.models import Batch, Delivery, Need, PurchaseOrder
from purchasing.orders.deliveries import (
    DeliveryLineValues,
    DeliveryValues,
    close_order,
    reception_by_site,
    record_delivery,
)
from purchasing.orders.orders import mark_sent_by_hand
from purchasing.statements.need_paths import need_paths
from purchasing.statements.statements import (
    statement_for,
    statements_of_batch,
    visible_statement,
    year_totals,
)


@pytest.fixture
def sent(session, approved):
    for order in approved.orders(session):
        mark_sent_by_hand(session, order.id, actor=approved.lead)
    session.commit()
    return approved


def _site(member):
    return member.sites[0].id


def _receive(session, order, site_id, **amounts):
    (line,) = order.lines
    return record_delivery(
        session,
        order.id,
        DeliveryValues(
            site_id=site_id,
            lines=[DeliveryLineValues(line.id, **amounts)],
            note=amounts.pop("note", "") if "note" in amounts else "",
        ),
        actor=None,
    )


def test_a_partial_delivery_leaves_the_rest_expected(session, sent):
    paper = sent.orders(session)[0]
    first, second = sent.members
    _receive(session, paper, _site(first), received="20")
    _receive(session, paper, _site(second), received="25", missing="5")
    session.commit()
    session.expire_all()
    needs = {n.id: n for n in session.scalars(select(Need))}
    assert needs[sent.needs[0].id].status == "received"
    assert needs[sent.needs[1].id].status == "received"
    assert needs[sent.needs[1].id].status_reason == "partly received"
    assert session.get(PurchaseOrder, paper.id).status == "received"
    assert session.get(Batch, sent.batch.id).status == "ordered"  # the soap is still expected


def test_the_batch_closes_when_all_its_orders_are_received(session, sent):
    paper, soap = sent.orders(session)
    first, second = sent.members
    _receive(session, paper, _site(first), received="20")
    _receive(session, paper, _site(second), received="10")
    close_order(session, paper.id, actor=sent.lead)
    _receive(session, soap, _site(second), received="4")
    session.commit()
    session.expire_all()
    assert session.get(Batch, sent.batch.id).status == "closed"
    closes = session.scalar(
        select(func.count(AuditEvent.id)).where(AuditEvent.action == "order.close")
    )
    assert closes == 1


@pytest.mark.parametrize(
    "amounts, field",
    [
        ({"received": "-1"}, "lines.0.received"),
        ({"damaged": "-2"}, "lines.0.damaged"),
        ({"received": "25"}, "lines.0.received"),
        ({"received": "abc"}, "lines.0.received"),
        ({"substituted": "3"}, "lines.0.substituted"),
        ({"received": "1000000000", "note": "a typing slip"}, "lines.0.received"),
        ({"missing": "1.2345"}, "lines.0.missing"),
        ({}, "lines"),
    ],
)
def test_a_wrong_delivery_is_refused_and_changes_nothing(session, sent, amounts, field):
    paper = sent.orders(session)[0]
    with pytest.raises(Invalid) as refused:
        _receive(session, paper, _site(sent.members[0]), **amounts)
    assert field in refused.value.errors
    session.rollback()
    assert session.scalar(select(func.count(Delivery.id))) == 0


def test_more_than_ordered_is_accepted_with_a_note(session, sent):
    paper = sent.orders(session)[0]
    (line,) = paper.lines
    first = sent.members[0]
    with pytest.raises(Invalid) as refused:
        _receive(session, paper, _site(first), received="22")
    assert "lines.0.received" in refused.value.errors  # 20 expected: more needs a note
    session.rollback()
    delivery = record_delivery(
        session,
        paper.id,
        DeliveryValues(
            site_id=_site(first),
            lines=[DeliveryLineValues(line.id, received="22", note="2 ramettes offertes")],
        ),
        actor=None,
    )
    session.commit()
    session.expire_all()
    (recorded,) = session.get(Delivery, delivery.id).lines
    assert (recorded.order_line_id, recorded.received, recorded.note) == (
        line.id,
        Decimal(22),
        "2 ramettes offertes",
    )
    assert (recorded.missing, recorded.damaged, recorded.substituted) == (0, 0, 0)
    here = next(
        place for place in reception_by_site(session, paper) if place.site.id == _site(first)
    )
    (shown,) = here.lines
    assert (shown.expected, shown.done["received"], shown.remaining) == (20, 22, 0)
    need = session.get(Need, sent.needs[0].id)
    assert (need.status, need.status_reason) == ("received", "")
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "delivery.record"))
    assert Decimal(event.details["lines"][str(line.id)]["received"]) == 22


def test_each_site_shows_what_it_expects_and_what_was_recorded(session, sent):
    paper = sent.orders(session)[0]
    first, second = sent.members
    _receive(session, paper, _site(second), received="25", damaged="2")
    session.commit()
    reception = reception_by_site(session, paper)
    assert [place.site.id for place in reception] == [_site(first), _site(second)]
    (untouched,) = reception[0].lines
    assert (untouched.expected, untouched.remaining) == (Decimal(20), Decimal(20))
    (partly,) = reception[1].lines
    assert partly.line.id == paper.lines[0].id
    assert partly.done["received"] == 25 and partly.done["damaged"] == 2
    assert (partly.expected, partly.remaining) == (Decimal(30), Decimal(3))


def test_a_member_reads_its_companys_statement_and_a_lead_anyones(session, sent):
    first, second = sent.members
    member = sent.users[0]
    batch = sent.batch.id
    assert visible_statement(session, member, batch).member.id == first.id
    assert visible_statement(session, member, batch, first.id).member.id == first.id
    with pytest.raises(NotFound):
        visible_statement(session, member, batch, second.id)
    assert visible_statement(session, sent.lead, batch, second.id).member.id == second.id
    with pytest.raises(Invalid) as unnamed:
        visible_statement(session, sent.lead, batch)
    assert set(unnamed.value.errors) == {"member_id"}


def test_an_order_not_sent_cannot_be_received(session, approved):
    paper = approved.orders(session)[0]
    with pytest.raises(Conflict):
        _receive(session, paper, _site(approved.members[0]), received="20")


def test_the_statement_follows_what_was_received(session, sent):
    paper, soap = sent.orders(session)
    second = sent.members[1]
    before = statement_for(session, sent.batch.id, second.id)
    assert before.provisional
    assert before.goods == Decimal("124.50") + Decimal("47.60")
    _receive(session, paper, _site(second), received="24", damaged="6")
    close_order(session, paper.id, actor=sent.lead)
    _receive(session, soap, _site(second), received="4")
    session.commit()
    after = statement_for(session, sent.batch.id, second.id)
    assert not after.provisional
    assert after.goods == Decimal("99.60") + Decimal("47.60")
    assert after.total == after.goods + after.fees
    assert after.alone_total >= after.total and after.savings == after.alone_total - after.total
    everyone = statements_of_batch(session, None, sent.batch.id)
    assert [s.member.name for s in everyone] == ["Atelier Vélo", "Épicerie du Coin"]
    fees = sum(s.fees for s in everyone)
    assert fees == sum(o.delivery_fee for o in sent.orders(session))
    totals = year_totals(session, second.id)
    assert totals.paid == after.total and totals.saved == after.savings


def test_year_totals_shown_before_a_delivery_follow_it(session, sent):
    """The dashboard's totals are kept between visits: a delivery recorded since must show."""
    paper, _soap = sent.orders(session)
    second = sent.members[1]
    before = year_totals(session, second.id)
    assert before.paid == statement_for(session, sent.batch.id, second.id).total
    assert year_totals(session, second.id) == before
    _receive(session, paper, _site(second), received="24", damaged="6")
    close_order(session, paper.id, actor=sent.lead)
    session.commit()
    after = year_totals(session, second.id)
    assert after.paid == statement_for(session, sent.batch.id, second.id).total
    assert after.paid < before.paid


def test_a_need_shows_its_path_with_dates(session, sent):
    paper = sent.orders(session)[0]
    first = sent.members[0]
    _receive(session, paper, _site(first), received="20")
    session.commit()
    need = session.get(Need, sent.needs[0].id)
    path = need_paths(session, [need])[need.id]
    assert path.submitted and path.pooled and path.allocated and path.ordered and path.received
    assert path.unit_price == Decimal("4.15")
    assert path.received_units == Decimal(20)


def test_a_site_not_delivered_yet_still_pays_what_was_allocated(session, sent):
    paper = sent.orders(session)[0]
    first, second = sent.members
    _receive(session, paper, _site(first), received="18", missing="2")
    session.commit()
    session.expire_all()
    needs = {n.id: n for n in session.scalars(select(Need))}
    assert needs[sent.needs[0].id].status == "received"  # nothing more will come to that site
    assert needs[sent.needs[0].id].status_reason == "partly received"
    assert needs[sent.needs[1].id].status == "ordered"
    waiting = statement_for(session, sent.batch.id, second.id)
    assert waiting.provisional and waiting.goods == Decimal("124.50") + Decimal("47.60")
    short = statement_for(session, sent.batch.id, first.id)
    assert short.goods == Decimal("74.70")  # 18 of the 20 ramettes at 4.15 €
