"""The bank statement and the suppliers: a transfer of a run is recognised by its end-to-end id;
one made from the bank's website is matched by the invoice numbers of its remittance text, or by
its amount and its creditor, and recorded as the payment; a returned transfer is posted back."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from money.bank_import import import_bank_statement
from money.formats.camt_writer import StatementLine, statement_file
from money.models import BankLine, JournalEntry
from money.payables_models import SupplierPayment
from money.purchase_entries import supplier_balance
from money.supplier_transfers import build_transfers
from persistence.audit import AuditEvent
from tests.money.billing_setup import COOPERATIVE
from tests.money.payables_setup import IBANS, TODAY, payables, supplier_invoice

D = Decimal
BOOKED = date(2027, 3, 2)


@pytest.fixture
def world(session, make):
    world = payables(session, make)
    rhone = world.suppliers["Papeterie du Rhône"]
    eco = world.suppliers["Éco-Entretien Lorraine"]
    supplier_invoice(session, rhone, "F-2027/118", "100.00")  # 120.00
    supplier_invoice(session, eco, "E-55", "50.00")  # 60.00
    supplier_invoice(session, eco, "E-56", "25.00")  # 30.00
    session.commit()
    return world


def statement(*lines: StatementLine, number: str = "REL-2027-03") -> bytes:
    return statement_file(
        account_iban=COOPERATIVE["iban"],
        statement_id=number,
        created_at=datetime(2027, 3, 2, 18, 0),
        opening_balance=D("5000.00"),
        lines=lines,
    )


def debit(reference: str, amount: str, **values) -> StatementLine:
    return StatementLine(
        booked_on=BOOKED, amount=D(amount), credit=False, bank_reference=reference, **values
    )


def bank_entries(session) -> int:
    return session.scalar(select(func.count(JournalEntry.id)).where(JournalEntry.journal == "BQ"))


def test_the_transfers_of_a_run_are_recognised_by_their_end_to_end_ids(session, world):
    rhone = world.suppliers["Papeterie du Rhône"]
    result = build_transfers(session, date(2027, 3, 10), TODAY, actor=world.lead)
    session.commit()
    entries = bank_entries(session)
    sent = {p.supplier_id: p for p in result.payments}
    data = statement(
        debit("B1", "120.00", end_to_end_id=sent[rhone.id].end_to_end_id),
        # The bank lost the end-to-end id of the other, but kept the remittance text.
        debit("B2", "90.00", remittance="E-55 E-56", counterparty_name="ECO ENTRETIEN"),
    )

    outcome = import_bank_statement(session, data, actor=world.lead)

    assert (outcome.recognised, outcome.matched, outcome.waiting) == (2, 0, 0)
    assert {line.status for line in session.scalars(select(BankLine))} == {"known"}
    assert all(p.bank_line_id is not None for p in result.payments)
    # Posted once, when the run was built: the statement adds nothing to the journal.
    assert bank_entries(session) == entries


def test_a_transfer_made_from_the_banks_website_is_matched_by_its_invoice_numbers(session, world):
    eco = world.suppliers["Éco-Entretien Lorraine"]
    data = statement(debit("W1", "90.00", remittance="Reglement factures E-55 et E-56"))

    outcome = import_bank_statement(session, data, actor=world.lead)

    assert outcome.matched == 1
    [payment] = session.scalars(select(SupplierPayment))
    assert (payment.supplier_id, payment.amount, payment.paid_on) == (eco.id, D("90.00"), BOOKED)
    assert sorted(a.invoice.number for a in payment.allocations) == ["E-55", "E-56"]
    assert {a.invoice.status for a in payment.allocations} == {"paid"}
    assert supplier_balance(session, eco.id) == 0
    [entry] = session.scalars(select(JournalEntry).where(JournalEntry.journal == "BQ"))
    assert [(line.account, line.debit, line.credit) for line in entry.lines] == [
        ("401", D("60.00"), D("0")),
        ("401", D("30.00"), D("0")),
        ("512", D("0"), D("90.00")),
    ]
    event = session.scalar(
        select(AuditEvent).where(AuditEvent.action == "supplier_payment.from_bank")
    )
    assert event.details["invoices"] == ["E-55", "E-56"]


def test_else_by_its_amount_and_its_creditors_iban(session, world):
    rhone = world.suppliers["Papeterie du Rhône"]
    iban = IBANS["Papeterie du Rhône"][0]
    data = statement(
        debit("W2", "120.00", remittance="VIR SEPA", counterparty_iban=iban),
        # The same amount to an unknown account, and an amount owed to no one: both wait.
        debit("W3", "120.00", counterparty_iban="FR7699999000000000123456783"),
        debit("W4", "77.00", counterparty_iban=iban),
    )

    outcome = import_bank_statement(session, data, actor=world.lead)

    assert (outcome.matched, outcome.waiting) == (1, 2)
    assert supplier_balance(session, rhone.id) == 0
    waiting = session.scalars(select(BankLine).where(BankLine.status == "waiting")).all()
    assert sorted(line.amount for line in waiting) == [D("77.00"), D("120.00")]
    # Importing the statement again changes nothing.
    again = import_bank_statement(session, data, actor=world.lead)
    assert (again.new, again.already) == (0, 3)
    assert session.scalar(select(func.count(SupplierPayment.id))) == 1


def test_a_returned_transfer_is_posted_back_and_its_invoices_are_due_again(session, world):
    rhone = world.suppliers["Papeterie du Rhône"]
    result = build_transfers(session, date(2027, 3, 10), TODAY, actor=world.lead)
    session.commit()
    payment = next(p for p in result.payments if p.supplier_id == rhone.id)
    data = statement(
        StatementLine(
            booked_on=date(2027, 3, 5),
            amount=D("120.00"),
            credit=True,
            bank_reference="R1",
            end_to_end_id=payment.end_to_end_id,
            return_reason="AC04",
        )
    )

    outcome = import_bank_statement(session, data, actor=world.lead)

    assert outcome.matched == 1
    assert payment.status == "returned" and payment.returned_on == date(2027, 3, 5)
    assert supplier_balance(session, rhone.id) == D("120.00")
    assert {a.invoice.status for a in payment.allocations} == {"to_pay"}
