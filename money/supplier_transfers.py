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

from money.bank_details import payees
from money.documents import BankAccount
from money.formats.sepa import Payer, Transfer, credit_transfer_file
from money.payables_models import SupplierPayment, TransferRun
from money.purchase_entries import open_supplier_amounts, purchase_key
from money.supplier_invoice_models import SupplierInvoice
from money.supplier_payments import SupplierDue, actor_id, record_payment
from persistence.audit import Actor, record_event
from persistence.numbering import next_number
from purchasing.errors import N_, Conflict, Invalid, Message
from purchasing.people.cooperative import cooperative_record
from purchasing.permissions import PAY_SUPPLIERS, require

ZERO = Decimal(0)
_NOT_SEPA = re.compile(r"[^A-Za-z0-9/\-?:().,'+ ]")


def sepa_text(text: str) -> str:
    """A text in the SEPA character set a bank passes on unchanged: accents dropped, any other
    sign a hyphen (the statement shows the supplier's numbers so, and matching reads them so)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _NOT_SEPA.sub("-", ascii_text).strip()


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
        created_by_id=actor_id(actor),
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
        payments.append(
            record_payment(
                session,
                plan,
                SupplierPayment(
                    run_id=run.id,
                    bank_account_id=account.id,
                    iban=account.iban,
                    amount=transfer.amount,
                    paid_on=on,
                    end_to_end_id=transfer.end_to_end_id,
                    remittance=transfer.remittance,
                ),
                actor,
            )
        )
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
