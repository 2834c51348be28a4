"""Paying suppliers by SEPA credit transfer (pain.001).

The lead builds a transfer file of every supplier invoice to pay (`to_pay`) that is due by a
date, less the supplier's credit notes that correct them: one transfer per supplier, to the
account a second person confirmed, its remittance text naming the invoices. A supplier whose
bank details wait for confirmation (held) or that has none (missing) is left out and listed
with its reason; so is one whose credit notes outweigh what is due.

Building the file is paying: the run keeps the file as built, each transfer is a
`SupplierPayment` set against the invoices it pays, posted in the bank journal at the
execution date (`money.purchase_entries`), and an invoice paid in full becomes `paid`. What is
owed on each invoice is read from the journal after the run's number is taken: that number's
counter row stays locked until the run commits, so two leads building files at once build them
one after the other, and the second finds the first's invoices paid. The same invoice is never
paid twice. A transfer the bank returns is posted back and its invoices are to pay again.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from money.bank_details import Payee, Standing, payees
from money.documents import BankAccount
from money.formats.sepa import Payer, Transfer, credit_transfer_file
from money.models import (
    JournalEntry,
    SupplierInvoice,
    SupplierPayment,
    SupplierPaymentAllocation,
    TransferRun,
)
from money.purchase_entries import (
    Settled,
    open_supplier_amounts,
    post_supplier_payment,
    purchase_key,
)
from persistence.audit import Actor, record_event
from persistence.numbering import next_number
from purchasing.errors import N_, Conflict, Invalid, Message, NotFound
from purchasing.people.cooperative import cooperative_record
from purchasing.permissions import PAY_SUPPLIERS, require
from suppliers.models import Supplier

ZERO = Decimal(0)
_NOT_SEPA = re.compile(r"[^A-Za-z0-9/\-?:().,'+ ]")


def sepa_text(text: str) -> str:
    """A text in the SEPA character set a bank passes on unchanged: accents dropped, any other
    sign a hyphen (the statement shows the supplier's numbers so, and matching reads them so)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _NOT_SEPA.sub("-", ascii_text).strip()


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


@dataclass(frozen=True)
class TransferResult:
    """A run as built, its payments, and the suppliers left out with their reasons."""

    run: TransferRun
    payments: tuple[SupplierPayment, ...]
    skipped: tuple[SupplierDue, ...]


def transfer_plan(session: Session, due_by: date) -> list[SupplierDue]:
    """Each supplier with invoices to pay due by `due_by` (an invoice without a due date is due
    at once) and still open in the journal, with the credit notes that correct them, by name."""
    candidates = list(
        session.scalars(
            select(SupplierInvoice)
            .where(SupplierInvoice.kind == "invoice", SupplierInvoice.status == "to_pay")
            .options(selectinload(SupplierInvoice.supplier))
            .order_by(SupplierInvoice.issue_date, SupplierInvoice.id)
        )
    )
    due = [i for i in candidates if (i.due_date or i.issue_date) <= due_by]
    if not due:
        return []
    owed = open_supplier_amounts(session)
    by_supplier: dict[int, list[tuple[SupplierInvoice, Decimal]]] = {}
    for invoice in due:
        left = owed.get(purchase_key(invoice.id), ZERO)
        if left > 0:
            by_supplier.setdefault(invoice.supplier_id, []).append((invoice, left))
    ids = [invoice.id for items in by_supplier.values() for invoice, _left in items]
    notes: dict[int, list[tuple[SupplierInvoice, Decimal]]] = {}
    if ids:
        for note in session.scalars(
            select(SupplierInvoice)
            .where(
                SupplierInvoice.kind == "credit_note",
                SupplierInvoice.corrects_id.in_(ids),
                SupplierInvoice.status != "refused",
            )
            .order_by(SupplierInvoice.id)
        ):
            credit = -owed.get(purchase_key(note.id), ZERO)
            if credit > 0:
                notes.setdefault(note.supplier_id, []).append((note, credit))
    standing = payees(session, list(by_supplier))
    plans = [
        SupplierDue(
            items[0][0].supplier,
            standing[supplier_id],
            tuple(items),
            tuple(notes.get(supplier_id, [])),
        )
        for supplier_id, items in by_supplier.items()
    ]
    return sorted(plans, key=lambda plan: (plan.supplier.name, plan.supplier.id))


def _payer(session: Session) -> Payer:
    record = cooperative_record(session)
    if not record.iban or not record.bic:
        raise Conflict(
            Message(N_("Give the cooperative's IBAN and BIC on its page before paying suppliers."))
        )
    return Payer(name=record.name, account=BankAccount(iban=record.iban, bic=record.bic))


def remittance(documents: list[SupplierInvoice]) -> str:
    """The invoice and credit note numbers, as many as 140 characters hold, then how many more."""
    numbers = [sepa_text(document.number) for document in documents]
    text = ""
    for position, number in enumerate(numbers):
        more = len(numbers) - position - 1
        candidate = f"{text} {number}".strip()
        if len(candidate) + (len(f" +{more}") if more else 0) > 140:
            return f"{text} +{len(numbers) - position}"
        text = candidate
    return text


def build_transfers(
    session: Session,
    due_by: date,
    today: date,
    *,
    execution_date: date | None = None,
    actor: Actor | None,
) -> TransferResult:
    """Builds, records and posts the credit-transfer run of the supplier invoices to pay due by
    `due_by`, executed on `execution_date` (default today). Refused: an execution date in the
    past, without the cooperative's IBAN and BIC, or when no supplier can be paid (the
    suppliers held or missing are named). Flushes."""
    require(actor, PAY_SUPPLIERS)
    on = execution_date or today
    if on < today:
        raise Invalid(
            {"execution_date": Message(N_("A transfer is executed today or on a later day."))}
        )
    payer = _payer(session)
    # The run's number first: its counter row stays locked until this transaction ends, so a
    # second lead building a file at the same moment reads what is owed once this run is in.
    sequence = next_number(session, "VIR", on.year)
    plans = transfer_plan(session, due_by)
    paid = [plan for plan in plans if plan.reason is None]
    skipped = tuple(plan for plan in plans if plan.reason is not None)
    if not paid:
        raise Conflict(_nothing_to_pay(due_by, skipped))
    _lock(session, paid)
    run = TransferRun(
        number=f"VIR-{on.year}-{sequence:04d}",
        year=on.year,
        sequence=sequence,
        due_by=due_by,
        execution_date=on,
        total=sum((plan.amount for plan in paid), ZERO),
        count=len(paid),
        file=b"",
        created_by_id=_actor_id(actor),
    )
    session.add(run)
    session.flush()
    transfers = []
    payments = []
    for plan in paid:
        account = plan.payee.account
        assert account is not None
        documents = [invoice for invoice, _due in plan.invoices] + [
            note for note, _credit in plan.credit_notes
        ]
        transfer = Transfer(
            creditor_name=sepa_text(plan.supplier.name)[:70] or "Fournisseur",
            creditor_account=BankAccount(iban=account.iban, bic=account.bic),
            amount=plan.amount,
            execution_date=on,
            end_to_end_id=f"{run.number}-{plan.supplier.id}",
            remittance=remittance(documents),
        )
        transfers.append(transfer)
        payments.append(_pay(session, run, plan, transfer, account.id, actor))
    run.file = credit_transfer_file(payer, transfers)
    session.flush()
    record_event(
        session,
        "supplier_transfer.run",
        "transfer_run",
        run.id,
        actor=actor,
        number=run.number,
        due_by=due_by.isoformat(),
        execution_date=on.isoformat(),
        total=str(run.total),
        count=run.count,
        held=[plan.supplier.name for plan in skipped if plan.reason == "held"],
        missing=[plan.supplier.name for plan in skipped if plan.reason == "missing"],
    )
    return TransferResult(run, tuple(payments), skipped)


def transfer_file(session: Session, *, due_by: date, today: date, actor: Actor | None) -> bytes:
    """The pain.001 file of a new run of what is due by `due_by` (see `build_transfers`)."""
    return build_transfers(session, due_by, today, actor=actor).run.file


def _nothing_to_pay(due_by: date, skipped: tuple[SupplierDue, ...]) -> Message:
    held = [plan.supplier.name for plan in skipped if plan.reason == "held"]
    missing = [plan.supplier.name for plan in skipped if plan.reason == "missing"]
    if held or missing:
        return Message(
            N_(
                "No supplier can be paid by %(date)s: bank details waiting for confirmation "
                "(%(held)s), without bank details (%(missing)s)."
            ),
            {
                "date": due_by.strftime("%d/%m/%Y"),
                "held": ", ".join(held) or "-",
                "missing": ", ".join(missing) or "-",
            },
        )
    return Message(
        N_("No supplier invoice to pay is due by %(date)s."), {"date": due_by.strftime("%d/%m/%Y")}
    )


def _lock(session: Session, plans: list[SupplierDue]) -> None:
    """Locks the invoices paid, in the order of their ids, until the run commits."""
    ids = sorted(invoice.id for plan in plans for invoice, _due in plan.invoices)
    list(
        session.scalars(
            select(SupplierInvoice.id)
            .where(SupplierInvoice.id.in_(ids))
            .order_by(SupplierInvoice.id)
            .with_for_update()
        )
    )


def _actor_id(actor: Actor | None) -> int | None:
    return actor.id if actor is not None and isinstance(actor.id, int) else None


def _pay(
    session: Session,
    run: TransferRun | None,
    plan: SupplierDue,
    transfer: Transfer,
    account_id: int | None,
    actor: Actor | None,
) -> SupplierPayment:
    settled = [Settled(invoice, due) for invoice, due in plan.invoices]
    settled += [Settled(note, credit) for note, credit in plan.credit_notes]
    entry = post_supplier_payment(
        session, plan.supplier, transfer.execution_date, transfer.end_to_end_id, settled
    )
    payment = SupplierPayment(
        supplier_id=plan.supplier.id,
        run_id=run.id if run is not None else None,
        bank_account_id=account_id,
        iban=transfer.creditor_account.iban,
        amount=transfer.amount,
        paid_on=transfer.execution_date,
        end_to_end_id=transfer.end_to_end_id,
        remittance=transfer.remittance,
        entry_id=entry.id,
        recorded_by_id=_actor_id(actor),
        allocations=[
            SupplierPaymentAllocation(invoice_id=invoice.id, amount=due)
            for invoice, due in plan.invoices
        ],
    )
    session.add(payment)
    session.flush()
    _mark_paid(session, [item.invoice for item in settled])
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
