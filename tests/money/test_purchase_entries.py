"""The purchases journal: a supplier invoice received is posted at its date (goods to 607, fees
to 6241, deductible VAT, the supplier's own sub-account of 401), a credit note the reverse, a
refused invoice cancelled; what is owed on each is read from the journal."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from money.models import JournalEntry
from money.purchase_entries import (
    open_supplier_amounts,
    post_purchase,
    purchase_key,
    purchase_posted,
    reverse_purchase,
    supplier_balance,
)
from money.supplier_entry import SupplierInvoiceLineValues, SupplierInvoiceValues
from money.supplier_invoices import enter_supplier_invoice
from tests.money.payables_setup import payables, supplier_invoice

D = Decimal


def lines_of(entry: JournalEntry) -> list[tuple[str, str, Decimal, Decimal]]:
    return [(line.account, line.sub_account, line.debit, line.credit) for line in entry.lines]


def test_an_invoice_is_posted_at_its_date_to_purchases_fees_vat_and_the_suppliers_account(
    session, make
):
    world = payables(session, make)
    rhone = world.suppliers["Papeterie du Rhône"]

    invoice = supplier_invoice(session, rhone, "F-2027-118", "240.00", fee="15.00")

    [entry] = session.scalars(select(JournalEntry).where(JournalEntry.journal == "AC"))
    assert (entry.number, entry.entry_date, entry.document_ref) == (
        1,
        date(2027, 2, 1),
        "F-2027-118",
    )
    sub = f"F{rhone.id:05d}"
    assert lines_of(entry) == [
        ("401", sub, D("0"), D("306.00")),
        ("607", "", D("240.00"), D("0")),
        ("6241", "", D("15.00"), D("0")),
        ("44566", "", D("51.00"), D("0")),
    ]
    assert entry.lines[0].sub_account_label == "Papeterie du Rhône"
    assert open_supplier_amounts(session, rhone.id) == {purchase_key(invoice.id): D("306.00")}
    assert supplier_balance(session, rhone.id) == D("306.00")
    with pytest.raises(ValueError, match="posted already"):
        post_purchase(session, invoice)


def test_a_credit_note_is_the_reverse_and_lowers_what_is_owed(session, make):
    world = payables(session, make)
    rhone = world.suppliers["Papeterie du Rhône"]
    invoice = supplier_invoice(session, rhone, "F-118", "240.00")

    note = supplier_invoice(session, rhone, "AV-7", "20.00", kind="credit_note", corrects=invoice)

    entry = session.scalars(select(JournalEntry).order_by(JournalEntry.id.desc())).first()
    assert (entry.journal, entry.number) == ("AC", 2)
    assert lines_of(entry) == [
        ("401", f"F{rhone.id:05d}", D("24.00"), D("0")),
        ("607", "", D("0"), D("20.00")),
        ("44566", "", D("0"), D("4.00")),
    ]
    assert open_supplier_amounts(session, rhone.id)[purchase_key(note.id)] == D("-24.00")
    assert supplier_balance(session, rhone.id) == D("264.00")


def test_vat_rounding_differences_keep_the_stated_vat_and_the_entry_balanced(session, make):
    world = payables(session, make)
    supplier = world.suppliers["Cartons Solidaires"]

    # 5.5 % of 10.01 is 0.55; the supplier's software stated 0.56: that is the VAT deductible.
    supplier_invoice(session, supplier, "C-1", "10.01", rate="0.055", vat="0.56")

    [entry] = session.scalars(select(JournalEntry).where(JournalEntry.journal == "AC"))
    assert lines_of(entry) == [
        ("401", f"F{supplier.id:05d}", D("0"), D("10.57")),
        ("607", "", D("10.01"), D("0")),
        ("44566", "", D("0.56"), D("0")),
    ]
    assert entry.lines[2].account_label == "TVA déductible 5,5 %"


def test_a_refused_invoice_is_cancelled_by_the_reverse_entry_on_the_day_it_is_refused(
    session, make
):
    world = payables(session, make)
    rhone = world.suppliers["Papeterie du Rhône"]
    invoice = supplier_invoice(session, rhone, "F-9", "100.00", status="received")

    cancel = reverse_purchase(session, invoice, date(2027, 2, 20))

    assert cancel.entry_date == date(2027, 2, 20) and cancel.label.startswith("Annulation")
    assert lines_of(cancel)[0] == ("401", f"F{rhone.id:05d}", D("120.00"), D("0"))
    assert not purchase_posted(session, invoice)
    assert supplier_balance(session, rhone.id) == 0
    with pytest.raises(ValueError, match="not posted"):
        reverse_purchase(session, invoice, date(2027, 2, 21))


def test_an_invoice_typed_in_is_posted_in_the_transaction_that_receives_it(session, make):
    world = payables(session, make)
    rhone = world.suppliers["Papeterie du Rhône"]
    values = SupplierInvoiceValues(
        supplier_id=rhone.id,
        number="F-2027-200",
        issue_date=date(2027, 2, 5),
        lines=(
            SupplierInvoiceLineValues("Ramettes", D("10"), D("4.50"), D("0.20")),
            SupplierInvoiceLineValues("Livraison", D("1"), D("9.00"), D("0.20"), kind="charge"),
        ),
        total_without_tax=D("54.00"),
        tax_total=D("10.80"),
        grand_total=D("64.80"),
        file=b"%PDF-1.7",
        file_name="f200.pdf",
    )

    invoice = enter_supplier_invoice(session, values, actor=world.lead)

    [entry] = session.scalars(select(JournalEntry).where(JournalEntry.journal == "AC"))
    assert entry.document_ref == "F-2027-200" and entry.entry_date == date(2027, 2, 5)
    assert lines_of(entry) == [
        ("401", f"F{rhone.id:05d}", D("0"), D("64.80")),
        ("607", "", D("45.00"), D("0")),
        ("6241", "", D("9.00"), D("0")),
        ("44566", "", D("10.80"), D("0")),
    ]
    assert open_supplier_amounts(session, rhone.id) == {purchase_key(invoice.id): D("64.80")}
