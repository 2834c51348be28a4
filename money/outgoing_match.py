"""Bank statement lines that concern suppliers: the transfers going out, and those coming back.

A debit line (money leaving the cooperative's account) is, in this order:
- a transfer of a run coachat built, by its end-to-end id: recognised (`known`), as it was
  posted when the run was built;
- else one whose remittance text names supplier invoices: a transfer of a run paying those
  invoices, for the same amount, is recognised; invoices of one supplier still owed, for
  exactly that amount together, are paid by it (a transfer made outside coachat, `matched`);
- else one to a supplier (its confirmed IBAN, or its name): a transfer of a run to it for that
  amount is recognised; else one of its invoices still owed of exactly that amount is paid.
A credit line bearing the end-to-end id of a supplier transfer is that transfer returned by the
bank: it is posted back and its invoices are to pay again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from money.bank_details import payees
from money.models import BankLine
from money.payables_models import SupplierBankAccount, SupplierPayment, SupplierPaymentAllocation
from money.purchase_entries import open_supplier_amounts, purchase_key
from money.supplier_invoice_models import SupplierInvoice
from money.supplier_payments import (
    SupplierDue,
    pay_from_bank_line,
    return_payment,
    stored_line_id,
)
from money.supplier_transfers import sepa_text
from persistence.audit import Actor
from suppliers.models import Supplier

ZERO = Decimal(0)


@dataclass
class OutgoingMatcher:
    """What matching outgoing lines needs, read once per statement: the transfers sent and not
    yet seen on a statement, the suppliers by IBAN and by name."""

    session: Session
    normalise: Callable[[str], str]  # a company name compared without case, accents, form

    def __post_init__(self) -> None:
        self.sent = list(
            self.session.scalars(
                select(SupplierPayment)
                .where(SupplierPayment.status == "sent", SupplierPayment.bank_line_id.is_(None))
                .options(
                    selectinload(SupplierPayment.allocations).selectinload(
                        SupplierPaymentAllocation.invoice
                    )
                )
            )
        )
        self.by_iban: dict[str, int] = {}
        for iban, supplier_id in self.session.execute(
            select(SupplierBankAccount.iban, SupplierBankAccount.supplier_id).where(
                SupplierBankAccount.state.in_(("active", "superseded"))
            )
        ):
            self.by_iban.setdefault(iban, supplier_id)
        self.by_name: dict[str, int] = {}
        for supplier_id, name in self.session.execute(select(Supplier.id, Supplier.name)):
            self.by_name.setdefault(self.normalise(name), supplier_id)

    def supplier_of(self, line: BankLine) -> int | None:
        if line.counterparty_iban and line.counterparty_iban in self.by_iban:
            return self.by_iban[line.counterparty_iban]
        name = self.normalise(line.counterparty_name)
        return self.by_name.get(name) if name else None

    def sent_payment(self, end_to_end_id: str) -> SupplierPayment | None:
        if not end_to_end_id:
            return None
        return self.session.scalar(
            select(SupplierPayment).where(SupplierPayment.end_to_end_id == end_to_end_id)
        )


def _recognise(line: BankLine, payment: SupplierPayment, matcher: OutgoingMatcher) -> None:
    payment.bank_line_id = stored_line_id(matcher.session, line)
    line.status = "known"
    if payment in matcher.sent:
        matcher.sent.remove(payment)


def _owed_invoices(session: Session, supplier_id: int | None = None) -> list[SupplierInvoice]:
    query = select(SupplierInvoice).where(
        SupplierInvoice.kind == "invoice", SupplierInvoice.status.in_(("to_pay", "received"))
    )
    if supplier_id is not None:
        query = query.where(SupplierInvoice.supplier_id == supplier_id)
    return list(
        session.scalars(
            query.options(selectinload(SupplierInvoice.supplier)).order_by(
                SupplierInvoice.issue_date, SupplierInvoice.id
            )
        )
    )


def _pay(
    session: Session,
    line: BankLine,
    invoices: list[tuple[SupplierInvoice, Decimal]],
    actor: Actor | None,
) -> None:
    supplier = invoices[0][0].supplier
    payee = payees(session, [supplier.id])[supplier.id]
    due = SupplierDue(supplier, payee, tuple(invoices), ())
    pay_from_bank_line(session, due, line, actor=actor)


def _by_remittance(
    session: Session, line: BankLine, matcher: OutgoingMatcher, actor: Actor | None
) -> bool:
    tokens = set(sepa_text(line.remittance).upper().split())
    if not tokens:
        return False
    for payment in matcher.sent:
        named = {sepa_text(a.invoice.number).upper() for a in payment.allocations}
        if named and named <= tokens and payment.amount == line.amount:
            _recognise(line, payment, matcher)
            return True
    named_invoices = [
        invoice
        for invoice in _owed_invoices(session)
        if sepa_text(invoice.number).upper() in tokens
    ]
    if len({invoice.supplier_id for invoice in named_invoices}) != 1:
        return False
    owed = open_supplier_amounts(session, named_invoices[0].supplier_id)
    items = [(i, owed.get(purchase_key(i.id), ZERO)) for i in named_invoices]
    items = [(i, due) for i, due in items if due > 0]
    if not items or sum((due for _i, due in items), ZERO) != line.amount:
        return False
    _pay(session, line, items, actor)
    return True


def _by_amount_and_creditor(
    session: Session, line: BankLine, matcher: OutgoingMatcher, actor: Actor | None
) -> bool:
    supplier_id = matcher.supplier_of(line)
    if supplier_id is None:
        return False
    for payment in matcher.sent:
        if payment.supplier_id == supplier_id and payment.amount == line.amount:
            _recognise(line, payment, matcher)
            return True
    owed = open_supplier_amounts(session, supplier_id)
    for invoice in _owed_invoices(session, supplier_id):
        if owed.get(purchase_key(invoice.id), ZERO) == line.amount:
            _pay(session, line, [(invoice, line.amount)], actor)
            return True
    return False


def match_outgoing(
    session: Session, line: BankLine, matcher: OutgoingMatcher, actor: Actor | None
) -> None:
    """Matches a debit line to a supplier payment (see the module's rules); it waits otherwise."""
    sent = matcher.sent_payment(line.end_to_end_id)
    if sent is not None and sent.status == "sent" and sent.amount == line.amount:
        _recognise(line, sent, matcher)
        return
    if not _by_remittance(session, line, matcher, actor):
        _by_amount_and_creditor(session, line, matcher, actor)


def match_returned_transfer(
    session: Session, line: BankLine, matcher: OutgoingMatcher, actor: Actor | None
) -> bool:
    """A credit bearing a supplier transfer's end-to-end id returns it; True when it did."""
    payment = matcher.sent_payment(line.end_to_end_id)
    if payment is None:
        return False
    if payment.status == "sent":
        return_payment(session, payment.id, line.booking_date, actor=actor)
        line.status = "matched"
    else:
        line.status = "known"
    return True
