"""What the members owe the cooperative, aged: every member's balance, what is not yet due, and
what is overdue by 0–30, 31–60, 61–90 and over 90 days, per member and per invoice.

Read from the journal only: a member's balance is the sum of its receivables lines, what is
open on an invoice the sum of the lines that name it (`money.journal`). An invoice is overdue
from the day after its due date; its days past due put it in one bucket.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from infrastructure.csv_file import csv_bytes
from money.books import amount_text
from money.journal import member_balances, open_amounts
from money.models import MemberInvoice
from persistence.audit import Actor, record_event
from purchasing.models import Member
from purchasing.permissions import SEE_BOOKS, require

ZERO = Decimal("0.00")
# The buckets' names and their last day past due (None: no end).
BUCKETS: tuple[tuple[str, int | None], ...] = (
    ("0-30", 30),
    ("31-60", 60),
    ("61-90", 90),
    ("90+", None),
)
_CHUNK = 500  # invoice numbers asked of the journal at a time
RECEIVABLES_HEADER = (
    "Membre",
    "SIRET",
    "Facture",
    "Date",
    "Échéance",
    "Montant TTC",
    "Reste dû",
    "Jours de retard",
    "Non échu",
    "Retard 0-30 j",
    "Retard 31-60 j",
    "Retard 61-90 j",
    "Retard +90 j",
)


def bucket_of(days_past_due: int) -> int | None:
    """The index in `BUCKETS` of an invoice `days_past_due` days past its due date; None
    while it is not yet due (its due date is today or later)."""
    if days_past_due <= 0:
        return None
    for index, (_name, last) in enumerate(BUCKETS):
        if last is None or days_past_due <= last:
            return index
    raise AssertionError("the last bucket has no end")


@dataclass(frozen=True)
class OpenInvoice:
    """An invoice with something still due on a given day."""

    invoice_id: int
    member_id: int
    member_name: str
    member_siret: str
    number: str
    issue_date: date
    due_date: date
    total: Decimal
    open: Decimal
    days_past_due: int

    @property
    def bucket(self) -> int | None:
        return bucket_of(self.days_past_due)


@dataclass(frozen=True)
class MemberReceivable:
    """A member's account on a given day: its balance (negative: its credit), what is not
    yet due, and what is overdue per bucket."""

    member_id: int
    name: str
    balance: Decimal
    not_due: Decimal
    overdue: tuple[Decimal, ...]

    @property
    def overdue_total(self) -> Decimal:
        return sum(self.overdue, ZERO)


@dataclass(frozen=True)
class AgedReceivables:
    """Every member's account, the open invoices behind it, and the totals."""

    today: date
    members: tuple[MemberReceivable, ...]
    invoices: tuple[OpenInvoice, ...]

    @property
    def balance(self) -> Decimal:
        return sum((member.balance for member in self.members), ZERO)

    @property
    def not_due(self) -> Decimal:
        return sum((member.not_due for member in self.members), ZERO)

    @property
    def overdue(self) -> tuple[Decimal, ...]:
        return tuple(
            sum((member.overdue[index] for member in self.members), ZERO)
            for index in range(len(BUCKETS))
        )


def open_invoices_on(session: Session, today: date) -> list[OpenInvoice]:
    """Every invoice issued by `today` with something still due, by member then due date."""
    rows = session.execute(
        select(MemberInvoice, Member.name, Member.siret)
        .join(Member, Member.id == MemberInvoice.member_id)
        .where(MemberInvoice.kind == "invoice", MemberInvoice.issue_date <= today)
        .order_by(Member.name, Member.id, MemberInvoice.due_date, MemberInvoice.id)
    ).all()
    numbers = [invoice.number for invoice, _name, _siret in rows]
    due: dict[str, Decimal] = {}
    for start in range(0, len(numbers), _CHUNK):
        due.update(open_amounts(session, numbers[start : start + _CHUNK]))
    return [
        OpenInvoice(
            invoice_id=invoice.id,
            member_id=invoice.member_id,
            member_name=name,
            member_siret=siret,
            number=invoice.number,
            issue_date=invoice.issue_date,
            due_date=invoice.due_date,
            total=invoice.total_incl,
            open=due[invoice.number],
            days_past_due=(today - invoice.due_date).days,
        )
        for invoice, name, siret in rows
        if due[invoice.number] > 0
    ]


def _members(
    session: Session, balances: dict[int, Decimal], invoices: Sequence[OpenInvoice]
) -> list[MemberReceivable]:
    shown = session.execute(
        select(Member.id, Member.name)
        .where(Member.active.is_(True) | Member.id.in_(list(balances)))
        .order_by(Member.name, Member.id)
    ).all()
    not_due: dict[int, Decimal] = {}
    overdue: dict[int, list[Decimal]] = {}
    for invoice in invoices:
        bucket = invoice.bucket
        if bucket is None:
            not_due[invoice.member_id] = not_due.get(invoice.member_id, ZERO) + invoice.open
        else:
            buckets = overdue.setdefault(invoice.member_id, [ZERO] * len(BUCKETS))
            buckets[bucket] += invoice.open
    return [
        MemberReceivable(
            member_id=member_id,
            name=name,
            balance=balances.get(member_id, ZERO),
            not_due=not_due.get(member_id, ZERO),
            overdue=tuple(overdue.get(member_id, [ZERO] * len(BUCKETS))),
        )
        for member_id, name in shown
    ]


def aged_receivables(session: Session, viewer: Actor | None, today: date) -> AgedReceivables:
    """Every member's balance on `today` with what is not yet due and what is overdue per
    bucket, and the open invoices behind them. For leads (`SEE_BOOKS`)."""
    require(viewer, SEE_BOOKS)
    invoices = open_invoices_on(session, today)
    members = _members(session, member_balances(session), invoices)
    return AgedReceivables(today, tuple(members), tuple(invoices))


def _invoice_row(invoice: OpenInvoice) -> list[object]:
    cells: list[object] = [""] * (1 + len(BUCKETS))
    bucket = invoice.bucket
    cells[0 if bucket is None else bucket + 1] = amount_text(invoice.open)
    return [
        invoice.member_name,
        invoice.member_siret,
        invoice.number,
        invoice.issue_date.isoformat(),
        invoice.due_date.isoformat(),
        amount_text(invoice.total),
        amount_text(invoice.open),
        max(invoice.days_past_due, 0),
        *cells,
    ]


def receivables_csv(session: Session, today: date, *, actor: Actor | None) -> bytes:
    """The open invoices on `today`, one row per member and invoice, with what is open in the
    column of its age (not yet due, or overdue 0–30, 31–60, 61–90, over 90 days), for a
    spreadsheet. Audited."""
    aged = aged_receivables(session, actor, today)
    rows: list[list[object]] = [list(RECEIVABLES_HEADER)]
    rows.extend(_invoice_row(invoice) for invoice in aged.invoices)
    rows.append(
        [
            "Total",
            "",
            "",
            "",
            "",
            "",
            amount_text(sum((invoice.open for invoice in aged.invoices), ZERO)),
            "",
            amount_text(aged.not_due),
            *(amount_text(amount) for amount in aged.overdue),
        ]
    )
    record_event(
        session,
        "books.receivables_csv",
        "receivables",
        None,
        actor=actor,
        day=today.isoformat(),
        invoices=len(aged.invoices),
    )
    return csv_bytes(rows)


def receivables_file_name(today: date) -> str:
    return f"creances-{today:%Y%m%d}.csv"
