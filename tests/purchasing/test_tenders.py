"""Tenders: opening one on a proposed batch, quoting through the signed link, closing it into
offers valid for the tender only and scenarios of its own, and what approval does then."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from tenders_setup import (
    SECRET,
    closed_and_computed,
    link_for,
    opened,
    proposed_batch,
    quote,
    tender_values,
    token_of,
)

from mailing.models import OutgoingEmail
from persistence.audit import AuditEvent
from purchasing.batches.batches import approve_batch
from purchasing.clock import cooperative_today
from purchasing.errors import Conflict, Invalid
from purchasing.models import Batch, Need, PurchaseOrder
from purchasing.rounds.problem import build_problem
from purchasing.rounds.transport_settings import base_policy
from purchasing.tenders.closing import close_due_tenders, close_tender
from purchasing.tenders.models import Tender, TenderInvitation, TenderQuote
from purchasing.tenders.opening import open_tender
from purchasing.tenders.outcome import add_quote_to_catalog
from purchasing.tenders.quotes import check_new_supplier, submit_quote
from purchasing.tenders.summary import tender_summary
from purchasing.tenders.values import CompanyValues, InvitationValues, LinkRefused, QuoteValues
from suppliers.catalog import product_offers
from suppliers.models import Offer, Supplier


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_a_tender_asks_for_the_pooled_volume_and_invites_each_supplier_by_email(
    session, make, sessions
):
    world = proposed_batch(session, make, sessions)
    invited = InvitationValues("Atelier Nouveau", "contact@nouveau.example", "732 829 320 00074")
    tender = opened(session, world, invitations=[invited], evidence_wanted=["labels"])
    session.commit()
    (line,) = tender.lines
    assert line.product_id == world["product"].id
    assert line.quantity == Decimal(40)  # 10 + 30 reams pooled
    assert line.towns == ["Metz", "Nancy"]
    assert [i.email for i in tender.invitations] == ["devis@verte.example", invited.email]
    emails = session.scalars(select(OutgoingEmail).order_by(OutgoingEmail.id)).all()
    assert [e.idempotency_key for e in emails] == [
        f"tender/{tender.id}/{i.id}" for i in tender.invitations
    ]
    assert link_for(tender.invitations[0]) in emails[0].body
    assert "/tenders/quote/" in emails[0].body and "40 ramettes" in emails[0].body
    assert session.scalar(select(AuditEvent.action).where(AuditEvent.object_type == "tender"))


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"closes_at": "past"}, "closes_at"),
        ({"supplier_ids": []}, "suppliers"),
        ({"product_ids": [999999]}, "product_ids"),
        ({"rules": "cheapest"}, "rules"),
        ({"evidence_wanted": ["horoscope"]}, "evidence_wanted"),
        ({"invitations": [InvitationValues("X", "x@x.example", "123")]}, "invitations.0.siret"),
        (
            {"invitations": [InvitationValues("X", "not-an-address", "73282932000074")]},
            "invitations.0.email",
        ),
        ({"wanted_date": "before closing"}, "wanted_date"),
    ],
)
def test_a_tender_with_a_wrong_field_is_refused_and_stores_nothing(
    session, make, sessions, changes, field
):
    world = proposed_batch(session, make, sessions)
    from persistence import utcnow

    if changes.get("closes_at") == "past":
        changes["closes_at"] = utcnow() - timedelta(minutes=1)
    if changes.get("wanted_date") == "before closing":
        changes["wanted_date"] = cooperative_today()
    values = tender_values(**{"supplier_ids": [world["other"].id], **changes})
    with pytest.raises(Invalid) as refused:
        open_tender(session, world["batch"].id, values, actor=world["lead"], link_for=link_for)
    assert field in refused.value.errors
    session.rollback()
    assert _count(session, Tender) == 0 and _count(session, OutgoingEmail) == 0


def test_a_tender_is_refused_while_another_is_open_and_on_an_approved_batch(
    session, make, sessions
):
    world = proposed_batch(session, make, sessions)
    tender = opened(session, world)
    session.commit()
    with pytest.raises(Conflict):
        opened(session, world)
    session.rollback()
    close_tender(session, tender.id, actor=world["lead"])
    approve_batch(session, world["batch"].id, "1", actor=world["lead"])
    session.commit()
    with pytest.raises(Conflict):
        opened(session, world)
    session.rollback()
    assert _count(session, Tender) == 1


def test_approving_while_a_tender_is_open_is_refused_with_a_message(session, make, sessions):
    world = proposed_batch(session, make, sessions)
    opened(session, world)
    session.commit()
    with pytest.raises(Conflict) as refused:
        approve_batch(session, world["batch"].id, "1", actor=world["lead"])
    assert "close it before approving" in refused.value.message.text
    session.rollback()
    assert session.get(Batch, world["batch"].id).status == "proposed"


def test_a_quote_one_second_before_the_close_is_kept_one_after_is_refused(session, make, sessions):
    world = proposed_batch(session, make, sessions)
    tender = opened(session, world)
    session.commit()
    token = token_of(tender.invitations[0])
    before = tender.closes_at - timedelta(seconds=1)
    submit_quote(session, token, quote(tender), secret=SECRET, now=before)
    session.commit()
    after = tender.closes_at + timedelta(seconds=1)
    with pytest.raises(LinkRefused):
        submit_quote(session, token, quote(tender, price="1.00"), secret=SECRET, now=after)
    session.rollback()
    kept = session.scalar(select(TenderQuote))
    assert kept.lines[0].tiers[0].unit_price == Decimal("2.00")


def test_a_tampered_or_foreign_link_is_refused(session, make, sessions):
    world = proposed_batch(session, make, sessions)
    tender = opened(session, world)
    session.commit()
    token = token_of(tender.invitations[0])
    for bad in (token[:-2] + "xx", token_of(tender.invitations[0]).replace(".", "-", 1)):
        with pytest.raises(LinkRefused):
            submit_quote(session, bad, quote(tender), secret=SECRET)
    with pytest.raises(LinkRefused):  # signed with another secret
        submit_quote(session, token, quote(tender), secret="another-secret-0123456789")
    invitation = tender.invitations[0]
    invitation.nonce = "0" * 32  # the invitation's link was replaced: the old one is foreign
    session.commit()
    with pytest.raises(LinkRefused):
        submit_quote(session, token, quote(tender), secret=SECRET)
    assert _count(session, TenderQuote) == 0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"price": "-1"}, "lines.0.tiers.0.unit_price"),
        ({"pack": "0"}, "lines.0.pack_size"),
        ({"minimum": "-3"}, "lines.0.min_order_quantity"),
        ({"delivery_fee": Decimal("-5")}, "delivery_fee"),
        ({"lines": []}, "lines"),
        ({"valid_until": "yesterday"}, "valid_until"),
    ],
)
def test_a_quote_with_a_wrong_field_is_refused_by_field(session, make, sessions, changes, field):
    world = proposed_batch(session, make, sessions)
    tender = opened(session, world)
    session.commit()
    if changes.get("valid_until") == "yesterday":
        changes["valid_until"] = cooperative_today() - timedelta(days=1)
    with pytest.raises(Invalid) as refused:
        submit_quote(
            session, token_of(tender.invitations[0]), quote(tender, **changes), secret=SECRET
        )
    assert field in refused.value.errors
    session.rollback()
    assert _count(session, TenderQuote) == 0


def test_a_supplier_may_decline_with_a_reason_and_change_its_mind(session, make, sessions):
    world = proposed_batch(session, make, sessions)
    tender = opened(session, world)
    session.commit()
    token = token_of(tender.invitations[0])
    with pytest.raises(Invalid) as refused:
        submit_quote(session, token, QuoteValues(declined=True), secret=SECRET)
    assert "decline_reason" in refused.value.errors
    submit_quote(
        session, token, QuoteValues(declined=True, decline_reason="Rupture"), secret=SECRET
    )
    submit_quote(session, token, quote(tender, price="1.90"), secret=SECRET)
    session.commit()
    (kept,) = session.scalars(select(TenderQuote)).all()
    assert not kept.declined and kept.lines[0].tiers[0].unit_price == Decimal("1.90")


def test_a_new_supplier_who_quotes_awaits_the_leads_check(session, make, sessions):
    world = proposed_batch(session, make, sessions)
    invited = InvitationValues("Atelier Nouveau", "contact@nouveau.example", "73282932000074")
    tender = opened(session, world, supplier_ids=[], invitations=[invited])
    session.commit()
    token = token_of(tender.invitations[0])
    with pytest.raises(Invalid) as refused:
        submit_quote(session, token, quote(tender), secret=SECRET)
    assert "company.town" in refused.value.errors
    submit_quote(session, token, quote(tender, company=CompanyValues(town="Toul")), secret=SECRET)
    session.commit()
    supplier = session.scalar(select(Supplier).where(Supplier.siret == "73282932000074"))
    assert supplier is not None and not supplier.active and supplier.town == "Toul"
    check_new_supplier(session, supplier.id, actor=world["lead"])
    session.commit()
    assert supplier.active
    with pytest.raises(Conflict):
        check_new_supplier(session, supplier.id, actor=world["lead"])


def test_closing_makes_offers_valid_for_the_tender_only_and_a_scenario_of_its_own(
    session, make, sessions
):
    world = proposed_batch(session, make, sessions)
    tender = opened(session, world)
    session.commit()
    submit_quote(session, token_of(tender.invitations[0]), quote(tender), secret=SECRET)
    session.commit()
    tender = closed_and_computed(session, sessions, tender, world["lead"])
    (offer,) = session.scalars(select(Offer).where(Offer.tender_id == tender.id)).all()
    assert offer.supplier_id == world["other"].id and offer.label == "Ange bleu"
    assert [t.unit_price for t in offer.tiers] == [Decimal("2.00")]
    batch = session.get(Batch, world["batch"].id)
    assert [s.number for s in batch.scenarios] == [1, 2]  # the catalog scenario is kept
    (link,) = tender.scenarios
    assert link.baseline.number == 1 and link.scenario.computed
    used = {a["offer"] for a in link.scenario.result["allocations"]}
    assert used == {str(offer.id)}
    # the quote never reaches the catalog nor another round
    _, listed = product_offers(session, world["product"].id)
    assert offer not in listed
    member = session.scalar(select(Need)).member
    later = make.need(member, world["product"], quantity="5")
    problem = build_problem(session, [later], base_policy(session, cooperative_today()))
    assert str(offer.id) not in {o.id for o in problem.offers}
    with pytest.raises(Conflict):
        close_tender(session, tender.id, actor=world["lead"])


@pytest.mark.parametrize(
    ("catalog_price", "quoted_price", "quoted_fee", "quote_wins"),
    [
        ("2.40", "2.00", "5", True),  # 40 × 2.00 + 5 = 85 < 40 × 2.40 + 10 = 106
        ("2.40", "2.40", "30", False),  # 96 + 30 = 126 > 106
        ("2.00", "2.10", "0", True),  # 84 + 0 = 84 < 80 + 10 = 90
        ("2.00", "2.30", "0", False),  # 92 > 90
    ],
)
def test_the_optimizer_uses_a_quote_only_when_it_is_better_under_the_policy(
    session, make, sessions, catalog_price, quoted_price, quoted_fee, quote_wins
):
    world = proposed_batch(session, make, sessions, price=catalog_price)
    tender = opened(session, world)
    session.commit()
    values = quote(tender, price=quoted_price, delivery_fee=Decimal(quoted_fee))
    submit_quote(session, token_of(tender.invitations[0]), values, secret=SECRET)
    session.commit()
    tender = closed_and_computed(session, sessions, tender, world["lead"])
    result = tender.scenarios[0].scenario.result
    quoted = session.scalar(select(Offer.id).where(Offer.tender_id == tender.id))
    used = {a["offer"] for a in result["allocations"]}
    # by brute force: one supplier serves all 40 units (both serve everything, no tiers)
    by_catalog = 40 * Decimal(catalog_price) + 10
    by_quote = 40 * Decimal(quoted_price) + Decimal(quoted_fee)
    assert (by_quote < by_catalog) == quote_wins
    assert used == ({str(quoted)} if quote_wins else {str(world["catalog"].id)})
    summary = tender_summary(session, tender.id)
    (saving,) = summary.savings
    assert saving.euros_saved == by_catalog - min(by_quote, by_catalog)


def test_approving_the_tender_scenario_orders_from_the_quote_and_tells_the_others(
    session, make, sessions
):
    world = proposed_batch(session, make, sessions)
    loser = make.supplier("Papiers du Nord", contact_email="devis@nord.example")
    session.commit()
    tender = opened(session, world, supplier_ids=[world["other"].id, loser.id])
    session.commit()
    winner_invitation, loser_invitation = tender.invitations
    submit_quote(session, token_of(winner_invitation), quote(tender), secret=SECRET)
    submit_quote(session, token_of(loser_invitation), quote(tender, price="3.00"), secret=SECRET)
    session.commit()
    tender = closed_and_computed(session, sessions, tender, world["lead"])
    approve_batch(session, world["batch"].id, "2", actor=world["lead"])
    session.commit()
    (order,) = session.scalars(select(PurchaseOrder)).all()
    assert order.supplier_id == world["other"].id
    not_retained = session.scalars(
        select(OutgoingEmail).where(OutgoingEmail.purpose == "tender_outcome")
    ).all()
    assert [e.recipient for e in not_retained] == ["devis@nord.example"]
    winning = order.lines[0].offer_id
    add_quote_to_catalog(session, winning, actor=world["lead"])
    session.commit()
    _, listed = product_offers(session, world["product"].id)
    assert winning in {o.id for o in listed}
    losing = session.scalar(
        select(Offer.id).where(Offer.tender_id == tender.id, Offer.supplier_id == loser.id)
    )
    with pytest.raises(Conflict):
        add_quote_to_catalog(session, losing, actor=world["lead"])


def test_a_scenario_buying_from_a_supplier_not_checked_cannot_be_approved(session, make, sessions):
    world = proposed_batch(session, make, sessions)
    invited = InvitationValues("Atelier Nouveau", "contact@nouveau.example", "73282932000074")
    tender = opened(session, world, supplier_ids=[], invitations=[invited])
    session.commit()
    values = quote(tender, price="1.00", company=CompanyValues(town="Toul"))
    submit_quote(session, token_of(tender.invitations[0]), values, secret=SECRET)
    session.commit()
    closed_and_computed(session, sessions, tender, world["lead"])
    with pytest.raises(Conflict) as refused:
        approve_batch(session, world["batch"].id, "2", actor=world["lead"])
    assert refused.value.message.params["supplier"] == "Atelier Nouveau"
    session.rollback()
    supplier = session.scalar(select(Supplier).where(Supplier.siret == "73282932000074"))
    check_new_supplier(session, supplier.id, actor=world["lead"])
    approve_batch(session, world["batch"].id, "2", actor=world["lead"])
    session.commit()
    assert session.scalar(select(PurchaseOrder.supplier_id)) == supplier.id


def test_the_scheduler_closes_only_the_tenders_whose_time_has_come(session, make, sessions):
    world = proposed_batch(session, make, sessions)
    tender = opened(session, world)
    session.commit()
    assert close_due_tenders(session, actor=None, now=tender.closes_at - timedelta(seconds=1)) == []
    assert close_due_tenders(session, actor=None, now=tender.closes_at) == [tender.id]
    session.commit()
    assert close_due_tenders(session, actor=None, now=tender.closes_at) == []
    assert session.get(Tender, tender.id).status == "closed"
    assert session.scalar(select(func.count(TenderInvitation.id))) == 1
