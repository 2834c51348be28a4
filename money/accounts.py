"""Each member's account as people read it: its invoices and credit notes with what is still
due on each, its payments, its balance, what is due and overdue, its credit, and the statement
of account. Every figure is read from the journal (`money.journal`); nothing here is stored.

A member company's users read only their own company's account; leads read every one
(`SEE_ACCOUNT`), and every member's balance (`SEE_BOOKS`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from money.formats.account_pdf import AccountRow, account_pdf
from money.invoicing import invoice_by_number
from money.journal import billing_settings, member_balance, member_balances, member_credit
from money.journal import open_amounts as journal_open_amounts
from money.models import JournalEntry, JournalLine, MemberInvoice, Payment, PaymentAllocation
from persistence.audit import Actor
from persistence.pages import Page
from purchasing.errors import N_, Message, NotFound
from purchasing.models import Member
from purchasing.people.cooperative import cooperative_record
from purchasing.permissions import SEE_ACCOUNT, SEE_BOOKS, require

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class DocumentRow:
    """An invoice or credit note with what is still due on it (always zero on a credit note,
    which is set against the invoice it corrects) and whether that is overdue."""

    document: MemberInvoice
    open: Decimal
    overdue: bool


@dataclass(frozen=True)
class Account:
    """A member's account: its documents and payments, newest first, and its figures."""

    member: Member
    documents: tuple[DocumentRow, ...]
    payments: tuple[Payment, ...]
    balance: Decimal  # what the member owes; negative when the cooperative owes it
    due: Decimal  # still open on its invoices
    overdue: Decimal  # of which past its due date
    credit: Decimal  # money received and not yet set against an invoice


def _member(session: Session, member_id: int) -> Member:
    member = session.get(Member, member_id)
    if member is None:
        raise NotFound(Message(N_("No such member.")))
    return member


def document_rows(
    session: Session, documents: Sequence[MemberInvoice], today: date
) -> list[DocumentRow]:
    """The documents with what is open on each, from the journal."""
    due = journal_open_amounts(session, [d.number for d in documents if d.kind == "invoice"])
    rows = []
    for document in documents:
        left = due.get(document.number, ZERO) if document.kind == "invoice" else ZERO
        rows.append(DocumentRow(document, left, left > 0 and document.due_date < today))
    return rows


def member_account(session: Session, viewer: Actor | None, member_id: int, today: date) -> Account:
    """The member's account as its page shows it; another company's user is told there is no
    such account."""
    require(viewer, SEE_ACCOUNT, member_id)
    member = _member(session, member_id)
    documents = list(
        session.scalars(
            select(MemberInvoice)
            .where(MemberInvoice.member_id == member_id)
            .options(selectinload(MemberInvoice.corrects))
            .order_by(MemberInvoice.issue_date.desc(), MemberInvoice.id.desc())
        )
    )
    rows = document_rows(session, documents, today)
    return Account(
        member=member,
        documents=tuple(rows),
        payments=tuple(payments_of_member(session, member_id)),
        balance=member_balance(session, member_id),
        due=sum((row.open for row in rows), ZERO),
        overdue=sum((row.open for row in rows if row.overdue), ZERO),
        credit=member_credit(session, member_id),
    )


def payments_of_member(session: Session, member_id: int | None) -> list[Payment]:
    query = select(Payment).options(
        selectinload(Payment.allocations).selectinload(PaymentAllocation.invoice),
        selectinload(Payment.member),
    )
    if member_id is not None:
        query = query.where(Payment.member_id == member_id)
    return list(session.scalars(query.order_by(Payment.received_on.desc(), Payment.id.desc())))


def visible_document(session: Session, viewer: Actor | None, number: str) -> MemberInvoice:
    """The invoice or credit note numbered `number`, for its member's users and the leads;
    `NotFound` for anyone else, as for a number that does not exist."""
    document = invoice_by_number(session, number)
    require(viewer, SEE_ACCOUNT, document.member_id)
    return document


def visible_documents(
    session: Session,
    viewer: Actor | None,
    *,
    member_id: int | None = None,
    batch_id: int | None = None,
    page: int = 1,
    per_page: int = 100,
) -> Page[MemberInvoice]:
    """Invoices and credit notes, newest first: a member's users name their own company (or
    none: theirs), leads any or none (all)."""
    own = getattr(viewer, "member_id", None)
    if member_id is None and own is not None and not getattr(viewer, "is_lead", False):
        member_id = own
    require(viewer, SEE_ACCOUNT, member_id)
    query = select(MemberInvoice).options(selectinload(MemberInvoice.member))
    if member_id is not None:
        query = query.where(MemberInvoice.member_id == member_id)
    if batch_id is not None:
        corrected = select(MemberInvoice.id).where(MemberInvoice.batch_id == batch_id)
        query = query.where(
            (MemberInvoice.batch_id == batch_id) | MemberInvoice.corrects_id.in_(corrected)
        )
    query = query.order_by(MemberInvoice.issue_date.desc(), MemberInvoice.id.desc())
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    items = list(session.scalars(query.offset((page - 1) * per_page).limit(per_page)))
    return Page(items, page, per_page, total)


def visible_payments(
    session: Session,
    viewer: Actor | None,
    *,
    member_id: int | None = None,
    page: int = 1,
    per_page: int = 100,
) -> Page[Payment]:
    """Payments, newest first, seen as `visible_documents` sees documents."""
    own = getattr(viewer, "member_id", None)
    if member_id is None and own is not None and not getattr(viewer, "is_lead", False):
        member_id = own
    require(viewer, SEE_ACCOUNT, member_id)
    found = payments_of_member(session, member_id)
    start = (page - 1) * per_page
    return Page(found[start : start + per_page], page, per_page, len(found))


@dataclass(frozen=True)
class MemberStanding:
    """One member's line on the lead's balances page."""

    member: Member
    balance: Decimal
    due: Decimal
    overdue: Decimal


def balances(session: Session, viewer: Actor | None, today: date) -> list[MemberStanding]:
    """Every member with an account (something posted), by name: its balance, what is due on
    its invoices and what of it is overdue, all from the journal."""
    require(viewer, SEE_BOOKS)
    by_member = member_balances(session)
    invoices = list(session.scalars(select(MemberInvoice).where(MemberInvoice.kind == "invoice")))
    due: dict[int, Decimal] = {}
    overdue: dict[int, Decimal] = {}
    for row in document_rows(session, invoices, today):
        member_id = row.document.member_id
        due[member_id] = due.get(member_id, ZERO) + row.open
        if row.overdue:
            overdue[member_id] = overdue.get(member_id, ZERO) + row.open
    members = session.scalars(
        select(Member).where(Member.id.in_(list(by_member))).order_by(Member.name)
    )
    return [
        MemberStanding(m, by_member[m.id], due.get(m.id, ZERO), overdue.get(m.id, ZERO))
        for m in members
    ]


@dataclass(frozen=True)
class StatementLine:
    """One entry on a member's account: an invoice, a credit note, a payment or its reject,
    with the balance after it."""

    day: date
    reference: str
    label: str
    debit: Decimal
    credit: Decimal
    balance: Decimal


@dataclass(frozen=True)
class AccountStatement:
    member: Member
    lines: tuple[StatementLine, ...]
    balance: Decimal
    credit: Decimal


def account_statement(session: Session, viewer: Actor | None, member_id: int) -> AccountStatement:
    """The statement of the member's account: every entry on its receivable account in the
    order posted, with a running balance. Moves within the account (its credit set against an
    invoice) change nothing and are left out."""
    require(viewer, SEE_ACCOUNT, member_id)
    member = _member(session, member_id)
    rows = session.execute(
        select(
            JournalEntry.entry_date,
            JournalEntry.document_ref,
            JournalEntry.label,
            func.sum(JournalLine.debit),
            func.sum(JournalLine.credit),
        )
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .where(
            JournalLine.account == billing_settings(session).account_members,
            JournalLine.member_id == member_id,
        )
        .group_by(
            JournalEntry.id,
            JournalEntry.entry_date,
            JournalEntry.validated_at,
            JournalEntry.document_ref,
            JournalEntry.label,
        )
        .order_by(JournalEntry.entry_date, JournalEntry.validated_at, JournalEntry.id)
    )
    lines = []
    running = ZERO
    for day, reference, label, debit, credit in rows:
        net = Decimal(debit or 0) - Decimal(credit or 0)
        if net == 0:
            continue
        running += net
        lines.append(
            StatementLine(
                day=day,
                reference=reference,
                label=label,
                debit=net if net > 0 else ZERO,
                credit=-net if net < 0 else ZERO,
                balance=running.quantize(Decimal("0.01")),
            )
        )
    return AccountStatement(
        member, tuple(lines), member_balance(session, member_id), member_credit(session, member_id)
    )


def account_statement_pdf(
    session: Session, viewer: Actor | None, member_id: int, today: date
) -> bytes:
    """The statement of account as a PDF/A-3 file."""
    statement = account_statement(session, viewer, member_id)
    record = cooperative_record(session)
    member = statement.member
    return account_pdf(
        cooperative=_lines(record.name, record.address, record.postcode, record.town),
        member=_lines(member.name, member.address, member.postcode, member.town),
        rows=[
            AccountRow(line.day, line.reference, line.label, line.debit, line.credit, line.balance)
            for line in statement.lines
        ],
        balance=statement.balance,
        credit=statement.credit,
        issued_on=today,
        logo=record.logo or b"",
    )


def _lines(name: str, address: str | None, postcode: str | None, town: str | None) -> list[str]:
    """A name and address as a document prints them, leaving out what is not known."""
    street = [part.strip() for part in (address or "").splitlines() if part.strip()]
    place = f"{postcode or ''} {town or ''}".strip()
    return [name, *street, *([place] if place else [])]
