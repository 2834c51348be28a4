"""Supplier invoices written as real files (CII and UBL) for the orders of a small batch,
received and matched against the orders and what the deliveries recorded; the lead's
decisions; the credit-note request; a credit note clearing an exception."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from mailing.models import OutgoingEmail
from money.purchase_entries import open_supplier_amounts, purchase_key
from money.supplier_credit_request import request_credit_note
from money.supplier_decisions import (
    ToleranceValues,
    accept_invoice_line,
    link_supplier_invoice_order,
    refuse_supplier_invoice,
    set_match_tolerances,
)
from money.supplier_invoice_models import SupplierInvoice
from money.supplier_invoices import receive_supplier_invoice
from money.supplier_matching import line_reasons, match_supplier_invoice, not_invoiced_lines
from persistence.audit import AuditEvent
from purchasing.errors import Conflict, Invalid
from tests.money.billing_setup import COOPERATIVE
from tests.money.matching_setup import deliver, file_for, orders_sent, receive
from tests.money.supplier_invoices import cii, ubl


@pytest.fixture
def world(session, approved):
    return orders_sent(session, approved)


def reasons(invoice: SupplierInvoice) -> list[list[str]]:
    return [[reason.render() for reason in line_reasons(line)] for line in invoice.lines]


def events(session, action: str) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_an_invoice_of_what_was_ordered_and_received_is_to_pay_at_reception(session, world):
    approved, order = world
    deliver(session, order)
    invoice = receive(session, approved.lead, cii(file_for(order)))
    assert invoice.status == "to_pay"
    assert [line.outcome for line in invoice.lines] == ["agrees", "agrees"]
    assert invoice.lines[0].order_line_id == order.lines[0].id
    assert events(session, "supplier_invoice.match")[-1].details["status"] == "to_pay"
    assert not_invoiced_lines(session, invoice, approved.lead) == []


def test_a_price_above_the_order_is_an_exception_saying_both_prices(session, world):
    approved, order = world
    deliver(session, order)
    invoice = receive(session, approved.lead, ubl(file_for(order, price="4.35")), "f.xml")
    assert invoice.status == "exception"
    assert [line.outcome for line in invoice.lines] == ["exception", "agrees"]
    assert reasons(invoice)[0] == ["price 4.35 € instead of 4.15 € ordered"]


def test_invoicing_more_than_was_received_is_an_exception(session, world):
    approved, order = world
    deliver(session, order, received="46")
    invoice = receive(session, approved.lead, cii(file_for(order)))
    assert invoice.status == "exception"
    assert reasons(invoice) == [["invoiced 50, received 46"], []]


def test_a_fee_above_the_orders_is_an_exception(session, world):
    approved, order = world
    deliver(session, order)
    invoice = receive(session, approved.lead, cii(file_for(order, fee="20.00")))
    assert reasons(invoice) == [[], ["fees 20.00 € instead of 12.50 € on the order"]]


def test_an_invoice_for_an_unknown_order_gets_orders_proposed_then_confirmed(session, world):
    approved, order = world
    deliver(session, order)
    invoice = receive(session, approved.lead, cii(file_for(order, reference="BC-2099-0042")))
    assert invoice.status == "received"
    assert invoice.order_links == []
    found = match_supplier_invoice(session, invoice.id, actor=approved.lead)
    assert found.proposals == (order.id,)
    link_supplier_invoice_order(session, invoice.id, order.id, actor=approved.lead)
    session.expire_all()
    invoice = session.get(SupplierInvoice, invoice.id)
    assert invoice.status == "to_pay"
    assert events(session, "supplier_invoice.link_order")[0].details["order"] == order.number
    with pytest.raises(Conflict):
        link_supplier_invoice_order(session, invoice.id, order.id, actor=approved.lead)
    other = next(o for o in approved.orders(session) if o.id != order.id)
    with pytest.raises(Invalid) as refused:
        link_supplier_invoice_order(session, invoice.id, other.id, actor=approved.lead)
    assert set(refused.value.errors) == {"order_id"}


def test_accepting_every_exception_makes_the_invoice_to_pay(session, world):
    approved, order = world
    deliver(session, order)
    invoice = receive(session, approved.lead, cii(file_for(order, price="4.35")))
    line = accept_invoice_line(session, invoice.lines[0].id, actor=approved.lead)
    session.expire_all()
    invoice = session.get(SupplierInvoice, invoice.id)
    assert invoice.status == "to_pay"
    assert invoice.lines[0].outcome == "accepted"
    assert invoice.lines[0].accepted_by_id == approved.lead.id
    assert invoice.lines[0].accepted_at is not None
    assert reasons(invoice)[0] == ["price 4.35 € instead of 4.15 € ordered"]
    (event,) = events(session, "supplier_invoice.accept_line")
    assert event.details["reasons"] == ["price 4.35 € instead of 4.15 € ordered"]
    # Matching again keeps what the lead accepted.
    match_supplier_invoice(session, invoice.id, actor=approved.lead)
    assert session.get(SupplierInvoice, invoice.id).status == "to_pay"
    with pytest.raises(Conflict):
        accept_invoice_line(session, line.id, actor=approved.lead)


def test_refusing_an_invoice_needs_a_reason_and_ends_its_decisions(session, world):
    approved, order = world
    deliver(session, order)
    invoice = receive(session, approved.lead, cii(file_for(order, price="4.35")))
    with pytest.raises(Invalid) as refused:
        refuse_supplier_invoice(session, invoice.id, "  ", actor=approved.lead)
    assert set(refused.value.errors) == {"reason"}
    assert session.get(SupplierInvoice, invoice.id).status == "exception"
    owed = open_supplier_amounts(session, invoice.supplier_id)
    assert owed[purchase_key(invoice.id)] == invoice.grand_total  # posted when received
    refuse_supplier_invoice(session, invoice.id, "Prix non conforme", actor=approved.lead)
    assert invoice.status == "refused" and invoice.refusal_reason == "Prix non conforme"
    # It will not be paid: the journal owes nothing on it any more.
    owed = open_supplier_amounts(session, invoice.supplier_id)
    assert owed.get(purchase_key(invoice.id), 0) == 0
    assert events(session, "supplier_invoice.refuse")[0].details["reason"] == "Prix non conforme"
    with pytest.raises(Conflict):
        accept_invoice_line(session, invoice.lines[0].id, actor=approved.lead)
    assert match_supplier_invoice(session, invoice.id, actor=approved.lead).result is None
    assert invoice.status == "refused"


def test_the_credit_note_request_lists_the_lines_in_question_once(session, world):
    approved, order = world
    deliver(session, order, received="46")
    invoice = receive(session, approved.lead, cii(file_for(order, price="4.35")))
    email = request_credit_note(session, invoice.id, actor=approved.lead)
    assert email.recipient == "commandes@papeterie.example"
    assert email.reply_to == f"{COOPERATIVE['name']} <{COOPERATIVE['email']}>"
    assert email.subject == f"Demande d’avoir – facture F2027-0101 – {COOPERATIVE['name']}"
    assert (
        "- ligne 1, Ramette A4 recyclée 80 g (réf. PAP-A4), 217,50 € HT : "
        "prix 4,35 € au lieu de 4,15 € commandé ; facturé 50, reçu 46"
    ) in email.body
    assert "ligne 2" not in email.body
    again = request_credit_note(session, invoice.id, actor=approved.lead)
    assert again.id == email.id
    assert session.scalar(select(func.count(OutgoingEmail.id))) == 1
    assert len(events(session, "supplier_invoice.request_credit_note")) == 2


def test_the_invoice_received_carries_its_lines_outcomes_in_the_same_transaction(session, world):
    # A batch import or the demo asks for the credit note right after receiving the invoice,
    # before any commit: the lines' outcomes are those written, not the ones before the match.
    approved, order = world
    deliver(session, order, received="46")
    invoice = receive_supplier_invoice(
        session, cii(file_for(order, price="4.35")), "f.xml", actor=approved.lead
    )
    assert invoice.status == "exception"
    assert [line.outcome for line in invoice.lines] == ["exception", "agrees"]
    assert reasons(invoice)[0] == [
        "price 4.35 € instead of 4.15 € ordered",
        "invoiced 50, received 46",
    ]
    email = request_credit_note(session, invoice.id, actor=approved.lead)
    assert "ligne 1," in email.body and "ligne 2" not in email.body


def test_no_credit_note_is_asked_without_an_exception_or_an_address(session, world):
    approved, order = world
    deliver(session, order)
    agreeing = receive(session, approved.lead, cii(file_for(order)))
    with pytest.raises(Conflict):
        request_credit_note(session, agreeing.id, actor=approved.lead)
    disputed = receive(session, approved.lead, cii(file_for(order, number="F2", price="5")))
    disputed.supplier.contact_email = ""
    with pytest.raises(Invalid) as refused:
        request_credit_note(session, disputed.id, actor=approved.lead)
    assert set(refused.value.errors) == {"contact_email"}
    assert session.scalar(select(func.count(OutgoingEmail.id))) == 0


def test_a_credit_note_received_later_clears_the_exception_it_corrects(session, world):
    approved, order = world
    deliver(session, order)
    invoice = receive(session, approved.lead, cii(file_for(order, price="4.35")))
    assert invoice.status == "exception"
    issued = (order.ordered_on + timedelta(days=3)).isoformat()
    credit = replace(
        file_for(order, number="AV-0007", quantity="50", price="0.20"),
        type_code="381",
        preceding=("F2027-0101", issued),
        adjustments=(),
    )
    note = receive(session, approved.lead, ubl(credit), "avoir.xml")
    assert note.kind == "credit_note" and note.corrects_id == invoice.id
    assert note.status == "to_pay"
    session.expire_all()
    invoice = session.get(SupplierInvoice, invoice.id)
    assert invoice.status == "to_pay"
    assert [line.outcome for line in invoice.lines] == ["credited", "agrees"]
    # Refused, the credit note no longer clears it.
    refuse_supplier_invoice(session, note.id, "Avoir en double", actor=approved.lead)
    session.expire_all()
    assert session.get(SupplierInvoice, invoice.id).status == "exception"


def test_a_short_credit_note_leaves_the_exception(session, world):
    approved, order = world
    deliver(session, order)
    invoice = receive(session, approved.lead, cii(file_for(order, price="4.35")))
    credit = replace(
        file_for(order, number="AV-0008", quantity="50", price="0.10"),
        type_code="381",
        preceding=("F2027-0101", (order.ordered_on + timedelta(days=3)).isoformat()),
        adjustments=(),
    )
    receive(session, approved.lead, ubl(credit), "avoir.xml")
    session.expire_all()
    assert session.get(SupplierInvoice, invoice.id).status == "exception"


def test_the_tolerances_set_by_the_lead_rematch_open_invoices(session, world):
    approved, order = world
    deliver(session, order, received="48")
    invoice = receive(session, approved.lead, cii(file_for(order, price="4.16", quantity="48")))
    assert invoice.status == "to_pay"  # +0.24 %, within the default 0.5 %
    other = receive(
        session, approved.lead, cii(file_for(order, number="F2", quantity="2", fee="0.00"))
    )
    assert reasons(other)[0] == ["invoiced 50 (48 on earlier invoices), received 48"]
    with pytest.raises(Invalid) as refused:
        set_match_tolerances(session, ToleranceValues("80", "-1"), actor=approved.lead)
    assert set(refused.value.errors) == {"price_percent", "quantity_units"}
    set_match_tolerances(session, ToleranceValues("0", "4"), actor=approved.lead)
    # The lines in the session show what the match wrote, without a reload.
    assert [line.outcome for line in invoice.lines] == ["exception", "agrees"]
    session.expire_all()
    assert reasons(session.get(SupplierInvoice, invoice.id))[0] == [
        "price 4.16 € instead of 4.15 € ordered"
    ]
    assert session.get(SupplierInvoice, other.id).status == "to_pay"
    (event,) = events(session, "supplier_match.tolerances")
    assert event.details["price_percent"] == ["0.5", "0"]


def test_reasons_are_stored_as_messages_to_translate(session, world):
    approved, order = world
    deliver(session, order, received="46")
    invoice = receive(session, approved.lead, cii(file_for(order)))
    (stored,) = json.loads(invoice.lines[0].reason)
    assert stored == {
        "text": "invoiced %(invoiced)s, received %(received)s",
        "params": {"invoiced": {"units": "50"}, "received": {"units": "46.000"}},
    }


def test_the_credit_request_words_each_reason_as_the_interface_does():
    from pathlib import Path

    from babel.messages.pofile import read_po

    from money.supplier_credit_request import FRENCH_REASONS

    po = Path(__file__).resolve().parents[2] / "web/translations/fr/LC_MESSAGES/messages.po"
    with po.open("rb") as file:
        catalog = read_po(file)
    for english, french in FRENCH_REASONS.items():
        assert catalog[english].string == french
