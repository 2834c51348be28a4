"""A batch's result: its suppliers' invoices beside its members' invoices, the difference
explained line by line, and settled once everything is paid and invoiced."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest

from money.amounts import to_cent
from money.bank_details import confirm_bank_details, propose_bank_details
from money.batch_result import (
    ACCEPTED,
    FEE,
    NOT_RECEIVED,
    NOT_RECOVERED,
    PENDING,
    ROUNDING,
    UNEXPLAINED,
    BatchResult,
    batch_result,
)
from money.credit_notes import CorrectionValues, issue_credit_note
from money.invoicing import issue_batch_invoices
from money.journal import billing_settings
from money.models import MemberInvoice
from money.supplier_credit_request import request_credit_note
from money.supplier_decisions import accept_invoice_line, refuse_supplier_invoice
from money.supplier_invoice_models import SupplierInvoiceOrder
from money.supplier_transfers import build_transfers
from purchasing.errors import NotAllowed, NotFound
from tests.money.matching_setup import deliver, file_for, orders_sent, receive
from tests.money.payables_setup import supplier_invoice
from tests.money.supplier_invoices import Line, cii

D = Decimal


class World:
    def __init__(self, session, approved):
        self.approved, self.paper = orders_sent(session, approved)
        self.lead = self.approved.lead
        self.batch = self.approved.batch
        self.orders = self.approved.orders(session)
        self.soap = next(order for order in self.orders if order.id != self.paper.id)
        for order in self.orders:
            deliver(session, order)
        billing_settings(session).fee_percent = D("5")
        session.flush()
        self.today = max(order.ordered_on for order in self.orders) + timedelta(days=10)
        issue_batch_invoices(session, self.batch.id, self.today, actor=self.lead)
        session.flush()

    def paper_invoice(self, session, **changes):
        return receive(session, self.lead, cii(file_for(self.paper, **changes)))

    def soap_invoice(self, session):
        """The soap supplier's invoice typed in beside its PDF, at the order's figures."""
        fee = self.soap.delivery_fee
        invoice = supplier_invoice(
            session,
            self.soap.supplier,
            "DR-2027-7",
            str(self.soap.total_excl_vat - fee),
            fee=str(fee),
            issued=self.soap.ordered_on + timedelta(days=2),
            due=self.soap.ordered_on + timedelta(days=30),
        )
        invoice.order_links.append(SupplierInvoiceOrder(order_id=self.soap.id))
        session.flush()
        return invoice


@pytest.fixture
def world(session, approved):
    return World(session, approved)


def explained(result: BatchResult) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = {}
    for line in result.explanations:
        totals[line.category] = totals.get(line.category, D(0)) + line.amount
    return totals


def assert_adds_up(result: BatchResult) -> None:
    assert sum((line.amount for line in result.explanations), D(0)) == result.difference
    assert UNEXPLAINED not in explained(result)
    assert abs(explained(result).get(ROUNDING, D(0))) <= D("0.05")


def test_the_members_side_is_what_their_invoices_say(session, world):
    result = batch_result(session, world.batch.id, actor=world.lead)
    invoices = session.query(MemberInvoice).filter_by(batch_id=world.batch.id).all()
    assert len(invoices) == 2
    assert result.members.total == sum((invoice.total_incl for invoice in invoices), D(0))
    assert result.members.vat == sum((invoice.total_vat for invoice in invoices), D(0))
    assert result.fee > 0
    assert result.fee == explained(result)[FEE]


def test_orders_not_yet_invoiced_explain_the_difference(session, world):
    result = batch_result(session, world.batch.id, actor=world.lead)
    assert result.suppliers.total == 0
    not_received = [line for line in result.explanations if line.category == NOT_RECEIVED]
    assert {line.about for line in not_received} == {order.number for order in world.orders}
    assert_adds_up(result)
    assert not result.settled
    texts = [reason.render() for reason in result.unsettled]
    assert f"Order {world.paper.number} has no invoice yet." in texts


def test_invoices_at_the_orders_figures_leave_the_fee_and_rounding(session, world):
    paper = world.paper_invoice(session)
    world.soap_invoice(session)
    result = batch_result(session, world.batch.id, actor=world.lead)
    assert result.suppliers.goods == paper.lines[0].line_total + world.soap.total_excl_vat - (
        world.soap.delivery_fee
    )
    assert result.suppliers.fees == D("12.50") + world.soap.delivery_fee
    assert set(explained(result)) <= {FEE, ROUNDING}
    assert_adds_up(result)


def test_a_price_above_the_order_is_a_credit_note_pending_then_an_accepted_exception(
    session, world
):
    world.soap_invoice(session)
    paper = world.paper_invoice(session, price="4.35")
    assert paper.status == "exception"
    result = batch_result(session, world.batch.id, actor=world.lead)
    assert explained(result)[PENDING] == D("-10.00")
    assert [line.requested for line in result.explanations if line.category == PENDING] == [False]
    assert_adds_up(result)

    paper.supplier.contact_email = "factures@papeterie.example"
    request_credit_note(session, paper.id, actor=world.lead)
    result = batch_result(session, world.batch.id, actor=world.lead)
    assert [line.requested for line in result.explanations if line.category == PENDING] == [True]

    accept_invoice_line(session, paper.lines[0].id, actor=world.lead)
    session.flush()
    result = batch_result(session, world.batch.id, actor=world.lead)
    assert explained(result)[ACCEPTED] == D("-10.00")
    assert PENDING not in explained(result)
    assert_adds_up(result)


def test_a_member_credit_note_is_not_recovered_until_the_supplier_credits_the_unit(session, world):
    paper = world.paper_invoice(session)
    world.soap_invoice(session)
    invoice, line = next(
        (invoice, line)
        for invoice in session.query(MemberInvoice).filter_by(batch_id=world.batch.id)
        for line in invoice.lines
        if line.kind == "goods" and world.paper.number in line.name
    )
    note = issue_credit_note(session, invoice.number,
                             CorrectionValues({line.position: D(1)}, "Unité abîmée"),
                             world.today, actor=world.lead)  # fmt: skip
    result = batch_result(session, world.batch.id, actor=world.lead)
    [unrecovered] = [ln for ln in result.explanations if ln.category == NOT_RECOVERED]
    assert unrecovered.amount == -note.lines[0].net < 0
    assert note.number in unrecovered.about and world.paper.supplier.name in unrecovered.about
    assert_adds_up(result)

    # The supplier's credit note for that unit, matched to its invoice, recovers it.
    credit = replace(
        file_for(world.paper, number="AV2027-0007"),
        type_code="381",
        preceding=(paper.number, paper.issue_date.isoformat()),
        lines=(Line("1", "PAP-A4", "Ramette A4 abîmée", "1", "4.15"),),
        adjustments=(),
        due_date=None,
    )
    supplier_note = receive(session, world.lead, cii(credit))
    assert supplier_note.corrects_id == paper.id
    after = batch_result(session, world.batch.id, actor=world.lead)
    assert NOT_RECOVERED not in explained(after)
    assert after.suppliers.goods == result.suppliers.goods - supplier_note.total_without_tax
    assert_adds_up(after)


def test_a_difference_above_a_cent_a_line_is_not_called_rounding(session, world):
    # 2 cents a unit below the order is within the price tolerance: the invoice agrees, but
    # the euro it leaves is no rounding of the members' invoices.
    paper = world.paper_invoice(session, price="4.13")
    world.soap_invoice(session)
    assert paper.status == "to_pay"
    result = batch_result(session, world.batch.id, actor=world.lead)
    below = to_cent(D(50) * D("4.15")) - paper.lines[0].line_total
    assert below == D("1.00")
    totals = explained(result)
    assert ROUNDING not in totals
    assert abs(totals[UNEXPLAINED] - below) <= D("0.05")
    assert sum(totals.values(), D(0)) == result.difference


def test_a_refused_invoice_counts_for_nothing_and_is_listed(session, world):
    paper = world.paper_invoice(session, price="4.35")
    refuse_supplier_invoice(session, paper.id, "Prix non convenu", actor=world.lead)
    session.flush()
    result = batch_result(session, world.batch.id, actor=world.lead)
    assert [invoice.number for invoice in result.refused] == [paper.number]
    assert result.suppliers.total == 0
    assert NOT_RECEIVED in explained(result)
    assert_adds_up(result)


def test_the_batch_is_settled_once_every_invoice_is_paid(session, make, world):
    world.paper_invoice(session)
    world.soap_invoice(session)
    result = batch_result(session, world.batch.id, actor=world.lead)
    assert not result.settled
    assert len(result.unsettled) == 2
    other = make.user("lead", name="Omar Other", email="omar@example.org")
    ibans = ["FR7630004000310000123456727", "FR1420041010050500013M02606"]
    for order, iban in zip(world.orders, ibans, strict=True):
        proposal = propose_bank_details(session, order.supplier_id, iban, "", actor=world.lead)
        confirm_bank_details(session, proposal.id, actor=other)
    build_transfers(session, world.today + timedelta(days=60), world.today, actor=world.lead)
    session.flush()
    result = batch_result(session, world.batch.id, actor=world.lead)
    assert result.unsettled == ()
    assert result.settled


def test_only_leads_see_it_and_an_unknown_batch_is_not_found(session, make, world):
    member = make.user("member", member=world.approved.members[0], email="m@example.org")
    with pytest.raises(NotAllowed):
        batch_result(session, world.batch.id, actor=member)
    with pytest.raises(NotFound):
        batch_result(session, 999_999, actor=world.lead)
