"""Money received from members: recorded by hand (transfer, cheque, cash), collected by SEPA
direct debit or read from a bank statement, set against invoices, and posted to the journal.

A payment settles the member's invoices oldest first unless the lead picks them; what is left
is the member's credit, said so, and set against its next invoices as they are issued. A
rejected direct debit is posted back: the invoice it paid is due again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from money.journal import (
    Posting,
    billing_settings,
    member_credit,
    member_sub_account,
    open_amounts,
    open_invoice_amounts,
    post,
)
from money.models import PAYMENT_METHODS, MemberInvoice, Payment, PaymentAllocation
from persistence.audit import Actor, record_event
from purchasing.errors import N_, Conflict, Invalid, Message, NotFound
from purchasing.models import Member
from purchasing.permissions import RECORD_PAYMENTS, require

ZERO = Decimal(0)
CENT = Decimal("0.01")
METHOD_LABELS = {
    "transfer": "Virement",
    "cheque": "Chèque",
    "cash": "Espèces",
    "direct_debit": "Prélèvement SEPA",
}


@dataclass(frozen=True)
class PaymentValues:
    """A payment as typed by the lead."""

    member_id: int
    amount: Decimal
    received_on: date
    method: str
    reference: str
    invoice_numbers: tuple[str, ...] = ()


def read_payment(raw: Mapping[str, object], today: date) -> PaymentValues:
    """Checks what the lead typed; `Invalid` names every wrong field."""
    errors: dict[str, Message] = {}
    member_id = 0
    try:
        member_id = int(str(raw.get("member_id", "")).strip())
    except ValueError:
        errors["member_id"] = Message(N_("Choose the member who paid."))
    amount = ZERO
    text = str(raw.get("amount", "")).strip().replace(" ", "").replace(",", ".")
    try:
        amount = Decimal(text)
        if not amount.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors["amount"] = Message(N_("Give the amount in euros, such as 120,50."))
    else:
        if amount <= 0:
            errors["amount"] = Message(N_("The amount must be above zero."))
        elif amount != amount.quantize(CENT):
            errors["amount"] = Message(N_("Give the amount to the cent."))
        elif amount > Decimal("1000000"):
            errors["amount"] = Message(N_("The amount is too large."))
    received_on = today
    raw_date = raw.get("received_on")
    if isinstance(raw_date, date):
        received_on = raw_date
    elif raw_date:
        try:
            received_on = date.fromisoformat(str(raw_date).strip())
        except ValueError:
            errors["received_on"] = Message(N_("Give the date as YYYY-MM-DD."))
    if received_on > today:
        errors["received_on"] = Message(N_("A payment cannot be received in the future."))
    method = str(raw.get("method", "")).strip()
    if method not in PAYMENT_METHODS or method == "direct_debit":
        errors["method"] = Message(N_("Choose transfer, cheque or cash."))
    reference = str(raw.get("reference", "")).strip()
    if len(reference) > 140:
        errors["reference"] = Message(N_("The reference is at most 140 characters."))
    picked = raw.get("invoices") or ()
    numbers = tuple(
        str(n).strip().upper()
        for n in (picked.split(",") if isinstance(picked, str) else picked)  # type: ignore[attr-defined]
        if str(n).strip()
    )
    if errors:
        raise Invalid(errors)
    return PaymentValues(member_id, amount, received_on, method, reference, numbers)


def open_invoices(session: Session, member_id: int) -> list[tuple[MemberInvoice, Decimal]]:
    """The member's invoices with something still due, oldest first, with what is due."""
    found = list(
        session.scalars(
            select(MemberInvoice)
            .where(MemberInvoice.member_id == member_id, MemberInvoice.kind == "invoice")
            .order_by(MemberInvoice.due_date, MemberInvoice.id)
        )
    )
    due = open_amounts(session, [invoice.number for invoice in found])
    return [(invoice, due[invoice.number]) for invoice in found if due[invoice.number] > 0]


def open_invoices_by_member(session: Session) -> dict[int, list[tuple[MemberInvoice, Decimal]]]:
    """`open_invoices` of every member with something due, read at once."""
    due = open_invoice_amounts(session)
    numbers = sorted(due)
    found: list[MemberInvoice] = []
    for start in range(0, len(numbers), 500):
        found.extend(
            session.scalars(
                select(MemberInvoice).where(
                    MemberInvoice.number.in_(numbers[start : start + 500]),
                    MemberInvoice.kind == "invoice",
                )
            )
        )
    found.sort(key=lambda invoice: (invoice.due_date, invoice.id))
    by_member: dict[int, list[tuple[MemberInvoice, Decimal]]] = {}
    for invoice in found:
        by_member.setdefault(invoice.member_id, []).append((invoice, due[invoice.number]))
    return by_member


def _plan(
    open_: Sequence[tuple[MemberInvoice, Decimal]], amount: Decimal, picked: Sequence[str]
) -> list[tuple[MemberInvoice, Decimal]]:
    """How `amount` settles the open invoices: the picked ones first in the order given,
    then the others oldest first."""
    order = sorted(
        open_,
        key=lambda pair: (
            picked.index(pair[0].number) if pair[0].number in picked else len(picked),
        ),
    )
    if picked:
        order = [pair for pair in order if pair[0].number in picked]
    plan = []
    left = amount
    for invoice, due in order:
        if left <= 0:
            break
        part = min(due, left)
        plan.append((invoice, part))
        left -= part
    return plan


def receive_payment(
    session: Session,
    values: PaymentValues,
    *,
    actor: Actor | None,
    method_detail: str = "",
    end_to_end_id: str = "",
    open_: Sequence[tuple[MemberInvoice, Decimal]] | None = None,
) -> Payment:
    """Records money received from a member, sets it against its invoices (those picked, else
    oldest first) and posts it: the bank debited, the member's account credited per invoice,
    the rest as the member's credit. `open_` is the member's `open_invoices` when the caller
    has read them already in this transaction (a statement's import reads every member's at
    once); they are read here otherwise. Flushes."""
    require(actor, RECORD_PAYMENTS)
    member = session.get(Member, values.member_id)
    if member is None:
        raise NotFound(Message(N_("No such member.")))
    if open_ is None:
        open_ = open_invoices(session, member.id)
    known = {invoice.number for invoice, _due in open_}
    unknown = [n for n in values.invoice_numbers if n not in known]
    if unknown:
        raise Invalid(
            {
                "invoices": Message(
                    N_("%(numbers)s: not an open invoice of this member."),
                    {"numbers": ", ".join(unknown)},
                )
            }
        )
    plan = _plan(open_, values.amount, values.invoice_numbers)
    payment = Payment(
        member_id=member.id,
        method=values.method,
        amount=values.amount,
        received_on=values.received_on,
        reference=values.reference,
        end_to_end_id=end_to_end_id,
        recorded_by_id=actor.id if actor is not None and isinstance(actor.id, int) else None,
        allocations=[PaymentAllocation(invoice_id=inv.id, amount=part) for inv, part in plan],
    )
    session.add(payment)
    session.flush()
    settings = billing_settings(session)
    label = f"{METHOD_LABELS[values.method]} {member.name} {values.reference}".strip()
    sub = member_sub_account(member.id)
    postings = [
        Posting(
            account=settings.account_bank,
            account_label="Banque",
            label=label,
            debit=values.amount,
        )
    ]
    for invoice, part in plan:
        postings.append(
            Posting(
                account=settings.account_members,
                account_label="Membres",
                label=label,
                credit=part,
                sub_account=sub,
                sub_account_label=member.name,
                member_id=member.id,
                invoice_ref=invoice.number,
            )
        )
    rest = values.amount - sum((part for _inv, part in plan), ZERO)
    if rest > 0:
        postings.append(
            Posting(
                account=settings.account_members,
                account_label="Membres",
                label=f"{label} (avoir du membre)",
                credit=rest,
                sub_account=sub,
                sub_account_label=member.name,
                member_id=member.id,
            )
        )
    post(
        session, "BQ", values.received_on, f"PAY-{payment.id}", values.received_on, label, postings
    )
    record_event(
        session,
        "payment.receive",
        "member_payment",
        payment.id,
        actor=actor,
        member=member.name,
        amount=str(values.amount),
        method=values.method,
        invoices=[inv.number for inv, _part in plan],
        credit=str(rest),
    )
    return payment


def use_credit(
    session: Session, invoice: MemberInvoice, *, actor: Actor | None, credit: Decimal | None = None
) -> Decimal:
    """Sets the member's credit (money received and not yet set against an invoice) against
    a newly issued invoice; returns the amount used. Posted as a transfer within the member's
    account, so its balance does not move. `credit`: the member's credit when the caller read
    it already (`member_credits`)."""
    if credit is None:
        credit = member_credit(session, invoice.member_id)
    if credit <= 0:
        return ZERO
    due = open_amounts(session, [invoice.number])[invoice.number]
    used = min(credit, due)
    if used <= 0:
        return ZERO
    settings = billing_settings(session)
    member = invoice.member
    label = f"Avoir du membre sur {invoice.number}"
    common = {
        "account": settings.account_members,
        "account_label": "Membres",
        "label": label,
        "sub_account": member_sub_account(member.id),
        "sub_account_label": member.name,
        "member_id": member.id,
    }
    post(
        session,
        "OD",
        invoice.issue_date,
        invoice.number,
        invoice.issue_date,
        label,
        [Posting(debit=used, **common), Posting(credit=used, invoice_ref=invoice.number, **common)],  # type: ignore[arg-type]
    )
    record_event(
        session, "payment.credit_used", "member_invoice", invoice.id, actor=actor, amount=str(used)
    )
    return used


def reject_payment(
    session: Session, payment_id: int, rejected_on: date, reason: str, *, actor: Actor | None
) -> Payment:
    """Records that a payment came back (a direct debit rejected by the member's bank): the
    entry is posted back, so what it paid is due again. Refused twice."""
    require(actor, RECORD_PAYMENTS)
    payment = session.get(
        Payment, payment_id, options=[selectinload(Payment.allocations)], with_for_update=True
    )
    if payment is None:
        raise NotFound(Message(N_("No such payment.")))
    if payment.status == "rejected":
        raise Conflict(Message(N_("This payment was recorded as rejected already.")))
    payment.status = "rejected"
    payment.rejected_on = rejected_on
    payment.reject_reason = reason.strip()[:140]
    settings = billing_settings(session)
    member = payment.member
    sub = member_sub_account(member.id)
    label = f"Rejet {METHOD_LABELS[payment.method]} {member.name} {payment.reject_reason}".strip()
    postings = [
        Posting(
            account=settings.account_bank,
            account_label="Banque",
            label=label,
            credit=payment.amount,
        )
    ]
    allocated = ZERO
    for allocation in payment.allocations:
        invoice = session.get(MemberInvoice, allocation.invoice_id)
        assert invoice is not None
        allocated += allocation.amount
        postings.append(
            Posting(
                account=settings.account_members,
                account_label="Membres",
                label=label,
                debit=allocation.amount,
                sub_account=sub,
                sub_account_label=member.name,
                member_id=member.id,
                invoice_ref=invoice.number,
            )
        )
    if payment.amount > allocated:
        postings.append(
            Posting(
                account=settings.account_members,
                account_label="Membres",
                label=label,
                debit=payment.amount - allocated,
                sub_account=sub,
                sub_account_label=member.name,
                member_id=member.id,
            )
        )
    post(session, "BQ", rejected_on, f"PAY-{payment.id}-R", rejected_on, label, postings)
    record_event(
        session,
        "payment.reject",
        "member_payment",
        payment.id,
        actor=actor,
        member=member.name,
        amount=str(payment.amount),
        reason=payment.reject_reason,
    )
    return payment


def payments_of(session: Session, member_id: int | None = None) -> list[Payment]:
    """Payments, newest first; one member's when `member_id` is given."""
    query = select(Payment).options(
        selectinload(Payment.allocations).selectinload(PaymentAllocation.invoice),
        selectinload(Payment.member),
    )
    if member_id is not None:
        query = query.where(Payment.member_id == member_id)
    return list(session.scalars(query.order_by(Payment.received_on.desc(), Payment.id.desc())))
