"""Supplier payments as recorded: what a payment settles, posted in the bank journal and set
against the invoices it pays (an invoice paid in full becomes `paid`); a transfer seen only on
the bank statement, recorded from its line; a transfer the bank returned, posted back; and the
transfer runs with their payments, as the pages show them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from money.bank_details import Payee, Standing
from money.models import BankLine, JournalEntry
from money.payables_models import SupplierPayment, SupplierPaymentAllocation, TransferRun
from money.purchase_entries import (
    Settled,
    open_supplier_amounts,
    post_supplier_payment,
    purchase_key,
)
from money.supplier_invoice_models import SupplierInvoice
from persistence.audit import Actor, record_event
from purchasing.errors import N_, Conflict, Message, NotFound
from purchasing.permissions import PAY_SUPPLIERS, require
from suppliers.models import Supplier

ZERO = Decimal(0)


@dataclass(frozen=True)
class SupplierDue:
    """What one supplier is owed by a date: its invoices due with what is open on each, the
    credit notes set against them, its standing (payable, held, missing) and the amount."""

    supplier: Supplier
    payee: Payee
    invoices: tuple[tuple[SupplierInvoice, Decimal], ...]
    credit_notes: tuple[tuple[SupplierInvoice, Decimal], ...]

    @property
    def amount(self) -> Decimal:
        owed = sum((due for _invoice, due in self.invoices), ZERO)
        return owed - sum((credit for _note, credit in self.credit_notes), ZERO)

    @property
    def reason(self) -> str | None:
        """Why it is left out of a transfer file (None when it is paid)."""
        if self.payee.standing is Standing.HELD:
            return "held"
        if self.payee.standing is Standing.MISSING:
            return "missing"
        if self.amount <= 0:
            return "credit"
        return None


def actor_id(actor: Actor | None) -> int | None:
    return actor.id if actor is not None and isinstance(actor.id, int) else None


def record_payment(
    session: Session, plan: SupplierDue, payment: SupplierPayment, actor: Actor | None
) -> SupplierPayment:
    """Records and posts the payment of what the plan settles; each document settled in full
    becomes paid."""
    settled = [Settled(invoice, due) for invoice, due in plan.invoices]
    settled += [Settled(note, credit) for note, credit in plan.credit_notes]
    reference = payment.end_to_end_id or f"BQ-{payment.paid_on:%Y%m%d}"
    entry = post_supplier_payment(session, plan.supplier, payment.paid_on, reference, settled)
    payment.supplier_id = plan.supplier.id
    payment.entry_id = entry.id
    payment.recorded_by_id = actor_id(actor)
    payment.allocations = [
        SupplierPaymentAllocation(invoice_id=invoice.id, amount=due)
        for invoice, due in plan.invoices
    ]
    session.add(payment)
    session.flush()
    _mark_paid(session, [item.invoice for item in settled])
    return payment


def stored_line_id(session: Session, line: BankLine) -> int:
    """The bank line's id. A statement's lines are inserted together once all are matched, so a
    line a supplier payment points to is inserted here first."""
    if line.id is None:
        session.add(line)
        session.flush()
    return line.id


def pay_from_bank_line(
    session: Session, plan: SupplierDue, line: BankLine, *, actor: Actor | None
) -> SupplierPayment:
    """Records a transfer to a supplier that the bank statement shows and coachat did not make
    (paid from the bank's website), as the payment of the invoices the plan names. The caller
    asked who may; audited."""
    payment = record_payment(
        session,
        plan,
        SupplierPayment(
            iban=line.counterparty_iban,
            amount=line.amount,
            paid_on=line.booking_date,
            end_to_end_id=line.end_to_end_id,
            remittance=line.remittance[:140],
            bank_line_id=stored_line_id(session, line),
        ),
        actor,
    )
    line.status = "matched"
    record_event(
        session,
        "supplier_payment.from_bank",
        "supplier",
        plan.supplier.id,
        actor=actor,
        supplier=plan.supplier.name,
        amount=str(line.amount),
        invoices=[invoice.number for invoice, _due in plan.invoices],
    )
    return payment


def _mark_paid(session: Session, documents: list[SupplierInvoice]) -> None:
    """Each invoice left with nothing owed, and each credit note used up, becomes paid."""
    owed = open_supplier_amounts(session)
    for document in documents:
        if owed.get(purchase_key(document.id), ZERO) == 0:
            document.status = "paid"


def return_payment(
    session: Session, payment_id: int, returned_on: date, *, actor: Actor | None
) -> SupplierPayment:
    """Records a transfer the bank returned (a closed account): its entry is posted back, and its
    invoices and credit notes are to pay again. Flushes."""
    require(actor, PAY_SUPPLIERS)
    payment = session.get(SupplierPayment, payment_id, with_for_update=True)
    if payment is None:
        raise NotFound(Message(N_("No such supplier payment.")))
    if payment.status == "returned":
        raise Conflict(Message(N_("This transfer is recorded as returned already.")))
    entry = session.get(JournalEntry, payment.entry_id) if payment.entry_id else None
    settled = _settled_by(session, entry)
    post_supplier_payment(
        session,
        payment.supplier,
        returned_on,
        payment.end_to_end_id or f"RET-{payment.id}",
        settled,
        reverse=True,
    )
    payment.status, payment.returned_on = "returned", returned_on
    for item in settled:
        item.invoice.status = "to_pay"
    session.flush()
    record_event(
        session,
        "supplier_payment.return",
        "supplier",
        payment.supplier_id,
        actor=actor,
        supplier=payment.supplier.name,
        amount=str(payment.amount),
        end_to_end_id=payment.end_to_end_id,
    )
    return payment


def _settled_by(session: Session, entry: JournalEntry | None) -> list[Settled]:
    """The supplier documents a payment's entry settled, read back from its lines."""
    if entry is None:
        return []
    keys = {
        int(line.invoice_ref.removeprefix("SI-")): line.debit or line.credit
        for line in entry.lines
        if line.invoice_ref and line.invoice_ref.startswith("SI-")
    }
    documents = session.scalars(select(SupplierInvoice).where(SupplierInvoice.id.in_(keys)))
    return [Settled(document, keys[document.id]) for document in documents]


def runs(session: Session) -> list[TransferRun]:
    """The transfer runs, newest first."""
    return list(session.scalars(select(TransferRun).order_by(TransferRun.id.desc())))


def run_by_id(session: Session, run_id: int) -> TransferRun:
    run = session.get(TransferRun, run_id)
    if run is None:
        raise NotFound(Message(N_("No such transfer run.")))
    return run


def run_payments(session: Session, run_id: int) -> list[SupplierPayment]:
    """The transfers of a run, by supplier, with the invoices they pay."""
    return list(
        session.scalars(
            select(SupplierPayment)
            .join(Supplier, Supplier.id == SupplierPayment.supplier_id)
            .where(SupplierPayment.run_id == run_id)
            .options(
                selectinload(SupplierPayment.allocations).selectinload(
                    SupplierPaymentAllocation.invoice
                ),
                selectinload(SupplierPayment.supplier),
            )
            .order_by(Supplier.name, SupplierPayment.id)
        )
    )
