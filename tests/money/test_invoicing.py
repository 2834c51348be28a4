"""Invoices to members: one per member and batch from what it received, numbered without gaps,
each a Factur-X file whose XML passes its schema and says the same as the journal."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import facturx
import pytest
from sqlalchemy import func, select

from money.credit_notes import CorrectionValues, issue_credit_note
from money.formats.facturx_checks import check_invoice_xml
from money.formats.fec import check_fec, fec_file
from money.invoicing import issue_batch_invoices
from money.journal import (
    as_fec_entries,
    debit_credit_totals,
    entries_of_year,
    member_balance,
    member_credit,
    open_amounts,
)
from money.models import JournalEntry, MemberInvoice
from money.payments import PaymentValues, receive_payment, reject_payment
from persistence.audit import AuditEvent
from purchasing.errors import Conflict, Invalid
from tests.money.billing_setup import with_cooperative

TODAY = date(2027, 1, 15)


def _issue(session, received):
    result = issue_batch_invoices(session, received.batch.id, TODAY, actor=received.lead)
    session.commit()
    return result


def test_each_member_gets_one_invoice_numbered_without_gaps(session, received):
    result = _issue(session, received)
    numbers = sorted(invoice.number for invoice in result.issued)
    assert numbers == ["FA-2027-00001", "FA-2027-00002"]
    again = _issue(session, received)
    assert again.issued == () and len(again.already) == 2
    assert session.scalar(select(func.count(MemberInvoice.id))) == 2


def test_an_invoice_says_what_the_member_received_at_the_price_reached(session, received):
    result = _issue(session, received)
    by_member = {invoice.member_id: invoice for invoice in result.issued}
    first, second = received.members
    velo = by_member[first.id]
    goods = [line for line in velo.lines if line.kind == "goods"]
    assert [line.quantity for line in goods] == [Decimal("20")]
    assert goods[0].unit_price == Decimal("4.15")
    assert goods[0].net == Decimal("83.00")
    epicerie = by_member[second.id]
    assert sorted(line.quantity for line in epicerie.lines if line.kind == "goods") == [
        Decimal("4"),
        Decimal("30"),
    ]
    for invoice in result.issued:
        vat = sum(line.net for line in invoice.lines) + invoice.total_vat
        assert invoice.total_incl == vat
        assert invoice.total_excl == sum(line.net for line in invoice.lines)


def test_the_facturx_file_carries_an_xml_that_passes_its_schema_and_checks(session, received):
    result = _issue(session, received)
    for invoice in result.issued:
        _name, xml = facturx.get_xml_from_pdf(invoice.facturx, check_xsd=False)
        facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
        assert check_invoice_xml(xml) == []
        text = xml.decode()
        assert f"<ram:GrandTotalAmount>{invoice.total_incl}</ram:GrandTotalAmount>" in text
        assert invoice.member.siret[:9] in text  # the buyer's SIREN
        assert "894127653" in text  # the seller's


def test_an_invoice_posts_a_balanced_entry_and_the_balance_is_read_from_it(session, received):
    result = _issue(session, received)
    for invoice in result.issued:
        assert member_balance(session, invoice.member_id) == invoice.total_incl
        assert open_amounts(session, [invoice.number])[invoice.number] == invoice.total_incl
    debit, credit = debit_credit_totals(session, 2027)
    assert debit == credit > 0
    events = session.scalars(select(AuditEvent.action).where(AuditEvent.action == "invoice.issue"))
    assert len(list(events)) == 2


def test_goods_still_on_their_way_wait_for_their_delivery(session, approved):
    with_cooperative(session)
    session.commit()
    with pytest.raises(Conflict):
        issue_batch_invoices(session, approved.batch.id, TODAY, actor=approved.lead)


def test_a_payment_above_what_is_due_is_kept_as_credit_and_used_next(session, received):
    result = _issue(session, received)
    invoice = min(result.issued, key=lambda i: i.number)
    paid = invoice.total_incl + Decimal("10.00")
    receive_payment(
        session,
        PaymentValues(invoice.member_id, paid, TODAY, "transfer", invoice.number),
        actor=received.lead,
    )
    session.commit()
    assert open_amounts(session, [invoice.number])[invoice.number] == 0
    assert member_credit(session, invoice.member_id) == Decimal("10.00")
    assert member_balance(session, invoice.member_id) == Decimal("-10.00")


def test_a_batch_sets_each_members_credit_against_its_invoice(session, received):
    first, second = received.members
    receive_payment(
        session,
        PaymentValues(first.id, Decimal("25.00"), TODAY, "transfer", "VIR-AVANCE"),
        actor=received.lead,
    )
    session.commit()
    assert member_credit(session, first.id) == Decimal("25.00")
    result = _issue(session, received)
    by_member = {invoice.member_id: invoice for invoice in result.issued}
    used, untouched = by_member[first.id], by_member[second.id]
    assert open_amounts(session, [used.number])[used.number] == used.total_incl - Decimal("25")
    assert member_credit(session, first.id) == 0
    assert member_balance(session, first.id) == used.total_incl - Decimal("25")
    assert open_amounts(session, [untouched.number])[untouched.number] == untouched.total_incl
    events = session.scalars(
        select(AuditEvent.object_id).where(AuditEvent.action == "payment.credit_used")
    )
    assert list(events) == [used.id]


def test_a_credit_note_names_its_invoice_and_lowers_what_is_due(session, received):
    result = _issue(session, received)
    invoice = next(i for i in result.issued if i.member_id == received.members[0].id)
    note = issue_credit_note(
        session,
        invoice.number,
        CorrectionValues({1: Decimal("2")}, "2 ramettes abîmées"),
        TODAY,
        actor=received.lead,
    )
    session.commit()
    assert note.number == "AV-2027-00001"
    assert note.corrects_id == invoice.id
    _name, xml = facturx.get_xml_from_pdf(note.facturx, check_xsd=False)
    assert check_invoice_xml(xml) == []
    assert invoice.number in xml.decode()
    assert open_amounts(session, [invoice.number])[invoice.number] == (
        invoice.total_incl - note.total_incl
    )
    with pytest.raises(Invalid) as refused:
        issue_credit_note(
            session,
            invoice.number,
            CorrectionValues({1: Decimal("19")}, "trop"),
            TODAY,
            actor=None,
        )
    assert "units.1" in refused.value.errors


def test_a_rejected_debit_makes_the_invoice_due_again(session, received):
    result = _issue(session, received)
    invoice = result.issued[0]
    payment = receive_payment(
        session,
        PaymentValues(invoice.member_id, invoice.total_incl, TODAY, "transfer", ""),
        actor=None,
    )
    assert open_amounts(session, [invoice.number])[invoice.number] == 0
    reject_payment(session, payment.id, TODAY, "AC04", actor=None)
    session.commit()
    assert open_amounts(session, [invoice.number])[invoice.number] == invoice.total_incl
    with pytest.raises(Conflict):
        reject_payment(session, payment.id, TODAY, "AC04", actor=None)


def test_the_year_gives_a_fec_that_passes_every_rule_of_the_format(session, received):
    result = _issue(session, received)
    receive_payment(
        session,
        PaymentValues(result.issued[0].member_id, Decimal("50.00"), TODAY, "cheque", "CHQ 1"),
        actor=None,
    )
    session.commit()
    text = fec_file(as_fec_entries(entries_of_year(session, 2027))).decode()
    assert check_fec(text) == []
    journals = set(session.scalars(select(JournalEntry.journal)))
    assert journals == {"VE", "BQ"}
