"""The purchases journal (AC) and the supplier payments in the bank journal (BQ).

When an entry is posted. French accounting records a purchase invoice when the cooperative
receives it, at the invoice's date: the invoice is the document that justifies the charge in
the period it belongs to and the right to deduct its VAT, and the debt to the supplier exists
from then on, whether or not the three-way match later finds something to dispute. So a
supplier invoice (or credit note) is posted in the transaction that records it as received
(`post_purchase`), as every document of coachat is; what the match finds does not change the
entry: a disputed line is corrected by the supplier's credit note, posted the same way, and an
invoice the lead refuses outright is cancelled by the reverse entry (`reverse_purchase`), dated
the day it is refused. A payment is posted when the transfer file is built, at its execution
date, as the direct debits are when their file is built: the file handed to the bank is the
order to pay, and the invoice is no longer open, so it is never paid twice. The bank
statement then recognises the debit, and a transfer the bank returns is posted back.

The entries, in the chart of accounts the admin sets (`BillingSettings`):
- an invoice: its goods to purchases (607), its delivery fees to 6241, each VAT rate's tax to
  deductible VAT (44566), and the total to the supplier's account (401, sub-account `F00012`
  per supplier, as each member has one under 411); a credit note the reverse;
- a payment: the supplier's account debited, the bank (512) credited; a credit note set
  against the invoices it corrects is settled within the supplier's account in the same entry.

Each supplier document's lines on 401 name it by `purchase_key` (`SI-12`), so what is still
owed on each is read from the journal, like a member's invoices: nothing is kept twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from money.journal import Posting, billing_settings, post, supplier_sub_account
from money.models import JournalEntry, JournalLine
from money.supplier_invoice_models import SupplierInvoice
from suppliers.models import Supplier

ZERO = Decimal(0)
CENT = Decimal("0.01")
PURCHASES, BANK = "AC", "BQ"


def purchase_key(invoice_id: int) -> str:
    """How the supplier account's lines name a supplier invoice or credit note."""
    return f"SI-{invoice_id}"


def _supplier_posting(
    session: Session, supplier: Supplier, label: str, key: str, debit: Decimal, credit: Decimal
) -> Posting:
    return Posting(
        account=billing_settings(session).account_suppliers,
        account_label="Fournisseurs",
        label=label,
        sub_account=supplier_sub_account(supplier.id),
        sub_account_label=supplier.name,
        supplier_id=supplier.id,
        invoice_ref=key,
        debit=debit,
        credit=credit,
    )


def _side(amount: Decimal, debit: bool) -> tuple[Decimal, Decimal]:
    """An amount on the debit or the credit side; a negative one on the other side."""
    if amount < 0:
        amount, debit = -amount, not debit
    return (amount, ZERO) if debit else (ZERO, amount)


def _vat_by_rate(invoice: SupplierInvoice) -> dict[Decimal, Decimal]:
    """The VAT of each rate, from the lines' net amounts, made to add up to the VAT total the
    invoice states (that is the tax deductible): a difference of rounding goes to the rate
    with the largest basis."""
    basis: dict[Decimal, Decimal] = {}
    for line in invoice.lines:
        amount = -abs(line.line_total) if line.kind == "allowance" else line.line_total
        rate = Decimal(line.vat_rate).normalize()
        basis[rate] = basis.get(rate, ZERO) + amount
    vat = {
        rate: (net * rate).quantize(CENT, rounding=ROUND_HALF_UP)
        for rate, net in basis.items()
        if rate
    }
    if not vat:
        return {Decimal("0"): invoice.tax_total} if invoice.tax_total else {}
    largest = max(vat, key=lambda rate: (abs(basis[rate]), rate))
    vat[largest] += invoice.tax_total - sum(vat.values(), ZERO)
    return {rate: amount for rate, amount in vat.items() if amount}


def _charges(session: Session, invoice: SupplierInvoice) -> dict[tuple[str, str], Decimal]:
    """The net amount of each charge account: goods (less allowances) to purchases, delivery
    fees to their own account; what the lines leave of the stated net total goes to goods."""
    settings = billing_settings(session)
    goods = (settings.account_purchases, "Achats de marchandises")
    fees = (settings.account_purchase_fees, "Transports sur achats")
    amounts = {goods: ZERO, fees: ZERO}
    for line in invoice.lines:
        if line.kind == "charge":
            amounts[fees] += line.line_total
        else:
            amounts[goods] += -abs(line.line_total) if line.kind == "allowance" else line.line_total
    amounts[goods] += invoice.total_without_tax - sum(amounts.values(), ZERO)
    return {account: amount for account, amount in amounts.items() if amount}


def _label(invoice: SupplierInvoice, reversed_: bool = False) -> str:
    kind = "Avoir" if invoice.kind == "credit_note" else "Facture"
    prefix = "Annulation " if reversed_ else ""
    return f"{prefix}{kind} {invoice.number} {invoice.supplier.name}"


def _purchase_postings(
    session: Session, invoice: SupplierInvoice, label: str, reverse: bool
) -> list[Posting]:
    # An invoice debits charges and VAT and credits the supplier; a credit note, or the
    # cancellation of an invoice, the other way round.
    charge_side = (invoice.kind == "invoice") != reverse
    settings = billing_settings(session)
    postings = [
        _supplier_posting(
            session,
            invoice.supplier,
            label,
            purchase_key(invoice.id),
            *_side(invoice.grand_total, not charge_side),
        )
    ]
    for (account, account_label), amount in _charges(session, invoice).items():
        postings.append(Posting(account, account_label, label, *_side(amount, charge_side)))
    for rate, amount in sorted(_vat_by_rate(invoice).items()):
        postings.append(
            Posting(
                settings.account_vat_deductible,
                f"TVA déductible {_percent(rate)} %",
                label,
                *_side(amount, charge_side),
            )
        )
    return postings


def _percent(rate: Decimal) -> str:
    """A VAT rate as a French label writes it: 5,5 for 0.055, 20 for 0.20."""
    return f"{(rate * 100).normalize():f}".replace(".", ",")


def purchase_posted(session: Session, invoice: SupplierInvoice) -> bool:
    """Whether the document's purchase entry is posted and not cancelled by its reverse."""
    total = session.scalar(
        select(func.coalesce(func.sum(JournalLine.credit - JournalLine.debit), 0))
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .where(
            JournalEntry.journal == PURCHASES,
            JournalLine.account == billing_settings(session).account_suppliers,
            JournalLine.supplier_id == invoice.supplier_id,
            JournalLine.invoice_ref == purchase_key(invoice.id),
        )
    )
    return bool(total)


def _entry(session: Session, entry_id: int) -> JournalEntry:
    """The entry just posted, as a row (`post` writes it past the session and gives its id)."""
    entry = session.get(JournalEntry, entry_id)
    assert entry is not None
    return entry


def post_purchase(session: Session, invoice: SupplierInvoice) -> JournalEntry:
    """Posts a received supplier invoice or credit note to the purchases journal, at its date;
    called in the transaction that records it. A document posted already is refused (a bug)."""
    if purchase_posted(session, invoice):
        raise ValueError(f"supplier document {invoice.id} is posted already")
    label = _label(invoice)
    return _entry(
        session,
        post(
            session,
            PURCHASES,
            invoice.issue_date,
            invoice.number[:40],
            invoice.issue_date,
            label,
            _purchase_postings(session, invoice, label, reverse=False),
        ),
    )


def reverse_purchase(session: Session, invoice: SupplierInvoice, day: date) -> JournalEntry:
    """Cancels the purchase entry of an invoice the lead refuses, by the reverse entry dated the
    day it is refused. Refused (a bug) for a document not posted or paid in part."""
    if not purchase_posted(session, invoice):
        raise ValueError(f"supplier document {invoice.id} is not posted")
    owed = open_supplier_amounts(session, invoice.supplier_id).get(purchase_key(invoice.id), ZERO)
    expected = invoice.grand_total if invoice.kind == "invoice" else -invoice.grand_total
    if owed != expected:
        raise ValueError(f"supplier document {invoice.id} is settled in part")
    label = _label(invoice, reversed_=True)
    return _entry(
        session,
        post(
            session,
            PURCHASES,
            day,
            invoice.number[:40],
            invoice.issue_date,
            label,
            _purchase_postings(session, invoice, label, reverse=True),
        ),
    )


def open_supplier_amounts(session: Session, supplier_id: int | None = None) -> dict[str, Decimal]:
    """What the cooperative still owes on each supplier document, by `purchase_key`, from the
    supplier account's lines: positive on an invoice, negative on a credit note not yet set
    against one, zero once settled."""
    query = (
        select(JournalLine.invoice_ref, func.sum(JournalLine.credit - JournalLine.debit))
        .where(
            JournalLine.account == billing_settings(session).account_suppliers,
            JournalLine.supplier_id.is_not(None),
            JournalLine.invoice_ref.is_not(None),
        )
        .group_by(JournalLine.invoice_ref)
    )
    if supplier_id is not None:
        query = query.where(JournalLine.supplier_id == supplier_id)
    return {str(ref): Decimal(total or 0).quantize(CENT) for ref, total in session.execute(query)}


def supplier_balance(session: Session, supplier_id: int) -> Decimal:
    """What the cooperative owes the supplier, from its account in the journal."""
    total = session.scalar(
        select(func.coalesce(func.sum(JournalLine.credit - JournalLine.debit), 0)).where(
            JournalLine.account == billing_settings(session).account_suppliers,
            JournalLine.supplier_id == supplier_id,
        )
    )
    return Decimal(total or 0).quantize(CENT)


@dataclass(frozen=True)
class Settled:
    """A supplier document a payment settles, and by how much (a credit note's share is what
    it takes off the invoices it corrects)."""

    invoice: SupplierInvoice
    amount: Decimal


def post_supplier_payment(
    session: Session,
    supplier: Supplier,
    day: date,
    reference: str,
    settled: Sequence[Settled],
    *,
    reverse: bool = False,
) -> JournalEntry:
    """Posts a payment to a supplier in the bank journal: the supplier's account debited for
    each invoice paid and credited for each credit note set against them, the bank credited
    with the difference, the amount transferred; `reverse` posts a returned transfer back."""
    settings = billing_settings(session)
    numbers = " ".join(item.invoice.number for item in settled)
    label = f"{'Retour virement' if reverse else 'Virement'} {supplier.name} {numbers}"
    postings = []
    paid = ZERO
    for item in settled:
        is_invoice = item.invoice.kind == "invoice"
        paid += item.amount if is_invoice else -item.amount
        postings.append(
            _supplier_posting(
                session,
                supplier,
                label,
                purchase_key(item.invoice.id),
                *_side(item.amount, is_invoice != reverse),
            )
        )
    postings.append(Posting(settings.account_bank, "Banque", label, *_side(paid, reverse)))
    return _entry(session, post(session, BANK, day, reference[:40], day, label, postings))
