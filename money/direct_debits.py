"""Collecting members' invoices by SEPA B2B direct debit.

The lead builds a collection file (pain.008) of the open invoices, due by a date, of the
members who signed an active mandate. Building it is recording it: a `DirectDebitRun` keeps the
file as built, and each member's debit is a payment received on the collection date, set
against the invoices it collects and posted like any payment (`receive_payment`). So an
invoice in a run is no longer open and is never collected twice. A mandate's first collection
is FRST, the following ones RCUR.

Each member is told by e-mail, at least `BillingSettings.prenotice_days` before the collection
date, what will be debited, when and under which mandate: a nearer date is refused. A debit the
member's bank rejects (recorded by hand, or read from the bank statement) is posted back and its
invoices are due again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from infrastructure.documents import euros
from mailing.outbox import queue_email
from money.documents import BankAccount
from money.formats.sepa import Collection, Creditor, direct_debit_file
from money.journal import billing_settings
from money.models import DirectDebitRun, Mandate, MemberInvoice, Payment, PaymentAllocation
from money.payments import PaymentValues, open_invoices, receive_payment, reject_payment
from persistence.audit import Actor, record_event
from purchasing.errors import N_, Conflict, Invalid, Message, NotFound
from purchasing.models import Member, User
from purchasing.people.cooperative import cooperative_record
from purchasing.permissions import COLLECT_PAYMENTS, RECORD_PAYMENTS, require

ZERO = Decimal(0)
PURPOSE = "sepa_prenotice"


@dataclass(frozen=True)
class DebitPlan:
    """What one member's debit collects: its mandate, its invoices due and their open amounts."""

    member: Member
    mandate: Mandate
    invoices: tuple[tuple[MemberInvoice, Decimal], ...]
    contact: str | None

    @property
    def amount(self) -> Decimal:
        return sum((due for _invoice, due in self.invoices), ZERO)


@dataclass(frozen=True)
class CollectionRun:
    """A run as built: the run, its payments, and the members left out because no one at the
    company can be told (no user with an e-mail address)."""

    run: DirectDebitRun
    payments: tuple[Payment, ...]
    not_notified: tuple[str, ...]


def earliest_collection_date(session: Session, today: date) -> date:
    """The first day a collection may be made on: the pre-notice period after today."""
    return today + timedelta(days=billing_settings(session).prenotice_days)


def billing_contact(session: Session, member_id: int) -> str | None:
    """Whom the cooperative writes to about a member's money: its first active user."""
    return session.scalar(
        select(User.email)
        .where(User.member_id == member_id, User.active.is_(True))
        .order_by(User.id)
        .limit(1)
    )


def _in_live_runs(session: Session, invoice_ids: list[int]) -> set[int]:
    """Invoices set against a direct debit not rejected: they are in a run already."""
    if not invoice_ids:
        return set()
    return set(
        session.scalars(
            select(PaymentAllocation.invoice_id)
            .join(Payment, Payment.id == PaymentAllocation.payment_id)
            .where(
                PaymentAllocation.invoice_id.in_(invoice_ids),
                Payment.method == "direct_debit",
                Payment.status == "received",
            )
        )
    )


def collection_plan(session: Session, due_by: date) -> list[DebitPlan]:
    """Each member with an active mandate and open invoices due by `due_by`, with them."""
    plans = []
    for mandate in session.scalars(
        select(Mandate)
        .join(Member)
        .where(Mandate.active.is_(True))
        .options(selectinload(Mandate.member))
        .order_by(Member.name)
    ):
        due = [(inv, amount) for inv, amount in open_invoices(session, mandate.member_id)]
        due = [(inv, amount) for inv, amount in due if inv.due_date <= due_by]
        taken = _in_live_runs(session, [inv.id for inv, _amount in due])
        due = [(inv, amount) for inv, amount in due if inv.id not in taken]
        if due:
            contact = billing_contact(session, mandate.member_id)
            plans.append(DebitPlan(mandate.member, mandate, tuple(due), contact))
    return plans


def _creditor(session: Session) -> Creditor:
    record = cooperative_record(session)
    if not record.sepa_creditor_id:
        raise Conflict(
            Message(
                N_(
                    "Give the cooperative's SEPA creditor identifier on its page before "
                    "collecting direct debits."
                )
            )
        )
    if not record.iban or not record.bic:
        raise Conflict(
            Message(N_("Give the cooperative's IBAN and BIC on its page before collecting."))
        )
    return Creditor(
        name=record.name,
        account=BankAccount(iban=record.iban, bic=record.bic),
        creditor_identifier=record.sepa_creditor_id,
    )


def _remittance(invoices: tuple[tuple[MemberInvoice, Decimal], ...]) -> str:
    """The invoice numbers, as many as 140 characters hold, then how many more."""
    numbers = [invoice.number for invoice, _due in invoices]
    text = ""
    for position, number in enumerate(numbers):
        more = len(numbers) - position - 1
        candidate = f"{text} {number}".strip()
        if len(candidate) + (len(f" +{more}") if more else 0) > 140:
            return f"{text} +{len(numbers) - position}"
        text = candidate
    return text


def _prenotice(
    session: Session,
    run: DirectDebitRun,
    plan: DebitPlan,
    creditor: Creditor,
    actor: Actor | None,
) -> None:
    assert plan.contact is not None
    lines = [
        "Bonjour,",
        "",
        f"Conformément au mandat de prélèvement SEPA interentreprises (B2B) "
        f"{plan.mandate.reference} signé le {plan.mandate.signed_on:%d/%m/%Y}, "
        f"{creditor.name} prélèvera {euros(plan.amount)} sur le compte "
        f"se terminant par {plan.mandate.iban[-4:]} le {run.collection_date:%d/%m/%Y}, "
        "pour les factures suivantes :",
        "",
        *(
            f"- {inv.number} du {inv.issue_date:%d/%m/%Y} : {euros(due)}"
            for inv, due in plan.invoices
        ),
        "",
        f"Identifiant créancier SEPA : {creditor.creditor_identifier}",
        "Pensez à enregistrer ce mandat auprès de votre banque si ce n'est déjà fait : "
        "sans cela, un prélèvement interentreprises est rejeté.",
        "",
        "Cordialement,",
        creditor.name,
    ]
    queue_email(
        session,
        to=plan.contact,
        subject=f"Prélèvement SEPA du {run.collection_date:%d/%m/%Y} – {creditor.name}",
        body="\n".join(lines) + "\n",
        idempotency_key=f"{PURPOSE}/{run.id}/{plan.member.id}",
        actor=actor,
        purpose=PURPOSE,
        sender_name=creditor.name,
    )


def build_collection(
    session: Session, due_by: date, collection_date: date, today: date, *, actor: Actor | None
) -> CollectionRun:
    """Builds and records the direct-debit run of the open invoices due by `due_by` of every
    member with an active mandate, collected on `collection_date`, and queues each member's
    pre-notice. Refused when the date is nearer than the pre-notice period, without the
    cooperative's creditor identifier, or when nothing is due. Flushes."""
    require(actor, COLLECT_PAYMENTS)
    earliest = earliest_collection_date(session, today)
    if collection_date < earliest:
        raise Invalid(
            {
                "collection_date": Message(
                    N_("Members are told %(days)d days ahead: collect on %(date)s or later."),
                    {
                        "days": billing_settings(session).prenotice_days,
                        "date": earliest.strftime("%d/%m/%Y"),
                    },
                )
            }
        )
    creditor = _creditor(session)
    plans = collection_plan(session, due_by)
    reachable = [plan for plan in plans if plan.contact]
    not_notified = tuple(plan.member.name for plan in plans if not plan.contact)
    if not reachable:
        raise Conflict(
            Message(
                N_("No open invoice of a member with an active mandate is due by %(date)s."),
                {"date": due_by.strftime("%d/%m/%Y")},
            )
            if not plans
            else Message(
                N_("No one can be told of the debit: %(members)s have no user with an e-mail."),
                {"members": ", ".join(not_notified)},
            )
        )
    run = DirectDebitRun(
        collection_date=collection_date,
        total=sum((plan.amount for plan in reachable), ZERO),
        count=len(reachable),
        file=b"",
        created_by_id=actor.id if actor is not None and isinstance(actor.id, int) else None,
    )
    session.add(run)
    session.flush()
    collections = []
    for plan in reachable:
        mandate = plan.mandate
        collections.append(
            Collection(
                debtor_name=plan.member.name,
                debtor_account=BankAccount(iban=mandate.iban, bic=mandate.bic),
                mandate_reference=mandate.reference,
                mandate_signed_on=mandate.signed_on,
                sequence_type="FRST" if mandate.first_collected_on is None else "RCUR",
                collection_date=collection_date,
                amount=plan.amount,
                end_to_end_id=f"COACHAT-{run.id}-{plan.member.id}",
                remittance=_remittance(plan.invoices),
            )
        )
    run.file = direct_debit_file(creditor, collections)
    payments = []
    for plan, collection in zip(reachable, collections, strict=True):
        payment = receive_payment(
            session,
            PaymentValues(
                member_id=plan.member.id,
                amount=plan.amount,
                received_on=collection_date,
                method="direct_debit",
                reference=collection.remittance,
                invoice_numbers=tuple(inv.number for inv, _due in plan.invoices),
            ),
            actor=actor,
            end_to_end_id=collection.end_to_end_id,
        )
        payment.direct_debit_run_id = run.id
        payment.mandate_id = plan.mandate.id
        if plan.mandate.first_collected_on is None:
            plan.mandate.first_collected_on = collection_date
        _prenotice(session, run, plan, creditor, actor)
        payments.append(payment)
    session.flush()
    record_event(
        session,
        "direct_debit.run",
        "direct_debit_run",
        run.id,
        actor=actor,
        collection_date=collection_date.isoformat(),
        due_by=due_by.isoformat(),
        total=str(run.total),
        count=run.count,
        not_notified=list(not_notified),
    )
    return CollectionRun(run, tuple(payments), not_notified)


def reject_debit(
    session: Session, payment_id: int, rejected_on: date, reason: str, *, actor: Actor | None
) -> Payment:
    """Records a direct debit (or any payment) that came back: `reject_payment` posts it back
    and its invoices are due again. A mandate whose only collection came back is collected as
    a first one (FRST) next time."""
    require(actor, RECORD_PAYMENTS)
    if not reason.strip():
        raise Invalid({"reason": Message(N_("Say why the payment came back (the bank's code)."))})
    payment = reject_payment(session, payment_id, rejected_on, reason, actor=actor)
    if payment.mandate_id is not None:
        mandate = session.get(Mandate, payment.mandate_id)
        still_collected = session.scalar(
            select(Payment.id).where(
                Payment.mandate_id == payment.mandate_id, Payment.status == "received"
            )
        )
        if mandate is not None and still_collected is None:
            mandate.first_collected_on = None
    session.flush()
    return payment


def runs(session: Session) -> list[DirectDebitRun]:
    """The direct-debit runs, newest first."""
    return list(session.scalars(select(DirectDebitRun).order_by(DirectDebitRun.id.desc())))


def run_by_id(session: Session, run_id: int) -> DirectDebitRun:
    run = session.get(DirectDebitRun, run_id)
    if run is None:
        raise NotFound(Message(N_("No such direct-debit run.")))
    return run


def run_payments(session: Session, run_id: int) -> list[Payment]:
    """The debits of a run, by member, with their invoices."""
    return list(
        session.scalars(
            select(Payment)
            .join(Member, Member.id == Payment.member_id)
            .where(Payment.direct_debit_run_id == run_id)
            .options(
                selectinload(Payment.allocations).selectinload(PaymentAllocation.invoice),
                selectinload(Payment.member),
            )
            .order_by(Member.name)
        )
    )
