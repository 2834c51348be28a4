"""The journal: every accounting figure coachat shows is read from its lines.

Each invoice, credit note and payment posts one balanced entry in the transaction that makes
it. An entry takes the next number of its journal in its fiscal year (`next_number`, locked
until the transaction ends), so entries are numbered without gaps in the order they are
posted, and never renumbered. A member's balance, what is open on each invoice, the
receivables and the FEC are sums over these lines: nothing is kept twice.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import cast

from sqlalchemy import Table, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, selectinload

from money.formats.fec import FecLine
from money.journal_lines import Entry
from money.journal_lines import JournalLine as EntryLine
from money.models import JOURNALS, BillingSettings, JournalEntry, JournalLine
from persistence import utcnow
from persistence.numbering import next_number

ZERO = Decimal(0)


@dataclass(frozen=True)
class Posting:
    """One line to post: an amount on an account, on the debit or the credit side."""

    account: str
    account_label: str
    label: str
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    sub_account: str = ""
    sub_account_label: str = ""
    member_id: int | None = None
    supplier_id: int | None = None
    invoice_ref: str | None = None


# Built once: a bank statement posts thousands of entries in one transaction.
_ENTRIES = cast(Table, JournalEntry.__table__)
_INSERT_ENTRY = insert(_ENTRIES).returning(_ENTRIES.c.id)
_INSERT_LINES = insert(cast(Table, JournalLine.__table__))


class Unbalanced(ValueError):
    """An entry whose debits and credits differ: a bug, never something a user can cause."""


def billing_settings(session: Session) -> BillingSettings:
    """The billing settings, with French defaults until the admin changes them."""
    settings = session.get(BillingSettings, 1)
    if settings is None:
        # Two transactions may ask for the first time at once (two leads issuing invoices):
        # the row is inserted unless it exists, so neither fails on the other's insert.
        dialect = session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        session.execute(insert(BillingSettings).values(id=1).on_conflict_do_nothing())
        settings = session.get(BillingSettings, 1)
        assert settings is not None
    return settings


def fiscal_year_of(day: date, start_month: int) -> int:
    """The fiscal year a day belongs to, named by the calendar year it ends in (a year from
    July 2026 to June 2027 is 2027); the calendar year when it starts in January."""
    if start_month == 1:
        return day.year
    return day.year + 1 if day.month >= start_month else day.year


def fiscal_year_bounds(year: int, start_month: int) -> tuple[date, date]:
    """The first and last days of fiscal year `year`."""
    if start_month == 1:
        return date(year, 1, 1), date(year, 12, 31)
    first = date(year - 1, start_month, 1)
    last = date(year, start_month, 1).toordinal() - 1
    return first, date.fromordinal(last)


def member_sub_account(member_id: int) -> str:
    """A member's sub-account of the receivables account, stable for the member's life."""
    return f"M{member_id:05d}"


def supplier_sub_account(supplier_id: int) -> str:
    return f"F{supplier_id:05d}"


def post(
    session: Session,
    journal: str,
    entry_date: date,
    document_ref: str,
    document_date: date,
    label: str,
    postings: Sequence[Posting],
) -> int:
    """Posts one balanced entry and returns its id; raises `Unbalanced` otherwise. The entry is
    written at once (not left pending in the session)."""
    if journal not in JOURNALS:
        raise ValueError(f"unknown journal {journal!r}")
    lines = [p for p in postings if p.debit or p.credit]
    debit = sum((p.debit for p in lines), ZERO)
    credit = sum((p.credit for p in lines), ZERO)
    if debit != credit or len(lines) < 2:
        raise Unbalanced(f"{document_ref}: debit {debit} and credit {credit} must balance")
    for p in lines:
        if p.debit < 0 or p.credit < 0 or (p.debit and p.credit):
            raise Unbalanced(f"{document_ref}: a line is a positive debit or credit, not both")
    year = fiscal_year_of(entry_date, billing_settings(session).fiscal_year_start)
    # Written straight on the transaction's connection, not through the session's unit of
    # work: nothing in the session points at an entry, and a bank statement posts thousands.
    connection = session.connection()
    entry_id = connection.execute(
        _INSERT_ENTRY,
        {
            "journal": journal,
            "fiscal_year": year,
            "number": next_number(session, f"J{journal}", year),
            "entry_date": entry_date,
            "document_ref": document_ref,
            "document_date": document_date,
            "label": label[:200],
            "validated_at": utcnow(),
        },
    ).scalar_one()
    connection.execute(
        _INSERT_LINES,
        [
            {
                "entry_id": entry_id,
                "position": position,
                "account": p.account,
                "account_label": p.account_label[:100],
                "sub_account": p.sub_account,
                "sub_account_label": p.sub_account_label[:100],
                "label": p.label[:200],
                "debit": p.debit,
                "credit": p.credit,
                "member_id": p.member_id,
                "supplier_id": p.supplier_id,
                "invoice_ref": p.invoice_ref,
            }
            for position, p in enumerate(lines, start=1)
        ],
    )
    return int(entry_id)


def _receivable(session: Session) -> str:
    return billing_settings(session).account_members


def member_balance(session: Session, member_id: int) -> Decimal:
    """What the member owes the cooperative (negative: the member's credit), from the
    receivables lines of the journal."""
    total = session.scalar(
        select(func.coalesce(func.sum(JournalLine.debit - JournalLine.credit), 0)).where(
            JournalLine.account == _receivable(session), JournalLine.member_id == member_id
        )
    )
    return Decimal(total or 0).quantize(Decimal("0.01"))


def member_credit(session: Session, member_id: int) -> Decimal:
    """The member's credit: money received and not yet set against an invoice."""
    return member_credits(session, [member_id])[member_id]


def member_credits(session: Session, member_ids: Collection[int]) -> dict[int, Decimal]:
    """`member_credit` of each of the members, read at once (0 for a member without)."""
    credits = dict.fromkeys(member_ids, ZERO)
    if not credits:
        return credits
    rows = session.execute(
        select(JournalLine.member_id, func.sum(JournalLine.credit - JournalLine.debit))
        .where(
            JournalLine.account == _receivable(session),
            JournalLine.member_id.in_(list(credits)),
            JournalLine.invoice_ref.is_(None),
        )
        .group_by(JournalLine.member_id)
    )
    for member_id, total in rows:
        if member_id is not None:  # always, as the query asks for these members only
            credits[member_id] = max(Decimal(total or 0).quantize(Decimal("0.01")), ZERO)
    return credits


def open_amounts(session: Session, invoice_numbers: Sequence[str]) -> dict[str, Decimal]:
    """What is still due on each invoice (0 when settled), from the receivables lines that
    name it: the invoice's debit, less the payments and credit notes set against it."""
    if not invoice_numbers:
        return {}
    rows = session.execute(
        select(JournalLine.invoice_ref, func.sum(JournalLine.debit - JournalLine.credit))
        .where(
            JournalLine.account == _receivable(session),
            JournalLine.invoice_ref.in_(list(invoice_numbers)),
        )
        .group_by(JournalLine.invoice_ref)
    )
    found = {ref: Decimal(total or 0).quantize(Decimal("0.01")) for ref, total in rows}
    return {number: found.get(number, ZERO) for number in invoice_numbers}


def open_invoice_amounts(session: Session) -> dict[str, Decimal]:
    """What is still due on every invoice that has something due, by number, read in one
    query: `open_amounts` of the whole journal, for work that asks about many invoices (a
    bank statement's import)."""
    rows = session.execute(
        select(JournalLine.invoice_ref, func.sum(JournalLine.debit - JournalLine.credit))
        .where(JournalLine.account == _receivable(session), JournalLine.invoice_ref.is_not(None))
        .group_by(JournalLine.invoice_ref)
    )
    due = {str(ref): Decimal(total or 0).quantize(Decimal("0.01")) for ref, total in rows}
    return {ref: amount for ref, amount in due.items() if amount > 0}


def member_balances(session: Session) -> dict[int, Decimal]:
    """Every member's balance, from the journal."""
    rows = session.execute(
        select(JournalLine.member_id, func.sum(JournalLine.debit - JournalLine.credit))
        .where(JournalLine.account == _receivable(session), JournalLine.member_id.is_not(None))
        .group_by(JournalLine.member_id)
    )
    return {int(m): Decimal(t or 0).quantize(Decimal("0.01")) for m, t in rows if m is not None}


def entries_of_year(session: Session, year: int) -> list[JournalEntry]:
    """The fiscal year's entries, each journal in the order posted."""
    return list(
        session.scalars(
            select(JournalEntry)
            .where(JournalEntry.fiscal_year == year)
            .options(selectinload(JournalEntry.lines))
            .order_by(JournalEntry.validated_at, JournalEntry.journal, JournalEntry.number)
        )
    )


def fec_lines_of_year(session: Session, year: int) -> list[FecLine]:
    """Every line of the fiscal year's entries as the FEC writes it, read in one query, each
    journal in the order posted (the way `entries_of_year` and `as_fec_entries` read it, for a
    year of a hundred thousand lines)."""
    rows = session.execute(
        select(
            JournalEntry.journal,
            JournalEntry.fiscal_year,
            JournalEntry.number,
            JournalEntry.entry_date,
            JournalLine.account,
            JournalLine.account_label,
            JournalLine.sub_account,
            JournalLine.sub_account_label,
            JournalEntry.document_ref,
            JournalEntry.document_date,
            JournalLine.label,
            JournalEntry.label,
            JournalLine.debit,
            JournalLine.credit,
            JournalEntry.validated_at,
        )
        .join(JournalLine, JournalLine.entry_id == JournalEntry.id)
        .where(JournalEntry.fiscal_year == year)
        .order_by(
            JournalEntry.validated_at,
            JournalEntry.journal,
            JournalEntry.number,
            JournalLine.position,
        )
    )
    return [
        FecLine(
            journal,
            JOURNALS[journal],
            f"{journal}{fiscal_year}-{number:06d}",
            entry_date,
            account,
            account_label,
            sub_account,
            sub_account_label,
            document_ref,
            document_date,
            line_label or entry_label,
            debit,
            credit,
            validated_at.date(),
        )
        for (
            journal,
            fiscal_year,
            number,
            entry_date,
            account,
            account_label,
            sub_account,
            sub_account_label,
            document_ref,
            document_date,
            line_label,
            entry_label,
            debit,
            credit,
            validated_at,
        ) in rows
    ]


def as_fec_entries(entries: Sequence[JournalEntry]) -> list[Entry]:
    """The stored entries as the FEC writer takes them."""
    return [
        Entry(
            journal_code=entry.journal,
            journal_label=JOURNALS[entry.journal],
            number=f"{entry.journal}{entry.fiscal_year}-{entry.number:06d}",
            entry_date=entry.entry_date,
            document_reference=entry.document_ref,
            document_date=entry.document_date,
            label=entry.label,
            validation_date=entry.validated_at.date(),
            lines=tuple(
                EntryLine(
                    account_number=line.account,
                    account_label=line.account_label,
                    debit=line.debit,
                    credit=line.credit,
                    sub_account_number=line.sub_account,
                    sub_account_label=line.sub_account_label,
                    label=line.label,
                )
                for line in entry.lines
            ),
        )
        for entry in entries
    ]


def debit_credit_totals(session: Session, year: int) -> tuple[Decimal, Decimal]:
    """The year's total debits and credits (equal when every entry balances)."""
    row = session.execute(
        select(
            func.coalesce(func.sum(JournalLine.debit), 0),
            func.coalesce(func.sum(JournalLine.credit), 0),
        )
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .where(JournalEntry.fiscal_year == year)
    ).one()
    return Decimal(row[0]), Decimal(row[1])
