"""How one invoice or credit note is issued: numbered in its series and year, drawn as its
Factur-X file, stored as issued, posted to the journal, set against the member's credit, and
sent. A batch's invoices take their numbers in order first, then their files are drawn (in
parallel when there are many), then each is stored and posted in the same order, in the
transaction of the one process that issues them."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import batched

from sqlalchemy.orm import Session

from money.amounts import Totals, invoice_totals, to_cent
from money.documents import Invoice
from money.drafting import DraftLine, Shared, shared_by, typed_document
from money.formats.invoice_file import invoice_file
from money.invoice_files import drawn_files
from money.journal import member_credits
from money.models import MemberInvoice, MemberInvoiceLine
from money.payments import use_credit
from money.sales_entries import post_document
from money.sending import queue_document_emails, recipients_by_member
from persistence.audit import Actor, record_event
from persistence.numbering import next_number, next_numbers
from purchasing.models import Batch, Member, User
from purchasing.people.cooperative import cooperative_record

ZERO = Decimal(0)
# Invoices stored in one flush: the files come back one by one, and a flush per invoice costs
# more than the invoice's own statements.
STORED_AT_ONCE = 50
# Told how many of the invoices are issued so far, and how many in all.
IssuingProgress = Callable[[int, int], None]


def _year_series(kind: str) -> str:
    return "AV" if kind == "credit_note" else "FA"


@dataclass(frozen=True)
class _Numbered:
    """A document given its number, before its file is drawn and its row stored: the typed
    document is plain data, which a worker process can draw the file from."""

    kind: str
    sequence: int
    document: Invoice
    member: Member
    lines: tuple[DraftLine, ...]


def _numbered(
    session: Session,
    *,
    kind: str,
    member: Member,
    batch: Batch | None,
    lines: Sequence[DraftLine],
    today: date,
    corrects: MemberInvoice | None = None,
    sequence: int | None = None,
    shared: Shared | None = None,
) -> _Numbered:
    """Takes the document's number in its series and year (unless the caller took it, as
    `sequence`) and makes the typed document."""
    series = _year_series(kind)
    if sequence is None:
        sequence = next_number(session, series, today.year)
    document = typed_document(
        session,
        kind=kind,
        number=f"{series}-{today.year}-{sequence:05d}",
        today=today,
        member=member,
        batch=batch,
        lines=lines,
        corrects=corrects,
        shared=shared,
    )
    return _Numbered(kind, sequence, document, member, tuple(lines))


@dataclass(frozen=True)
class _Issuing:
    """What the documents issued together share: what they are for and who issues them."""

    subject: str
    batch: Batch | None
    actor: Actor | None
    corrects: MemberInvoice | None = None
    dues_year: int | None = None
    reason: str = ""


def _stored(numbered: _Numbered, facturx: bytes, issuing: _Issuing) -> tuple[MemberInvoice, Totals]:
    """The row of a numbered document with its file and lines, and its totals."""
    document, lines, actor = numbered.document, numbered.lines, issuing.actor
    totals = invoice_totals(document)
    invoice = MemberInvoice(
        kind=numbered.kind,
        subject=issuing.subject,
        number=document.number,
        year=document.issue_date.year,
        sequence=numbered.sequence,
        member_id=numbered.member.id,
        member=numbered.member,
        batch_id=issuing.batch.id if issuing.batch is not None else None,
        dues_year=issuing.dues_year,
        corrects_id=issuing.corrects.id if issuing.corrects is not None else None,
        issue_date=document.issue_date,
        due_date=document.due_date,
        total_excl=totals.tax_basis_total,
        total_vat=totals.vat_total,
        total_incl=totals.grand_total,
        reason=issuing.reason,
        facturx=facturx,
        issued_by_id=actor.id if actor is not None and isinstance(actor.id, int) else None,
        lines=[
            MemberInvoiceLine(
                position=position,
                kind=line.kind,
                name=line.name,
                quantity=line.quantity,
                unit_code=line.unit_code,
                unit_price=line.unit_price,
                vat_category=item.vat_category,
                vat_rate=item.vat_rate,
                net=to_cent(line.quantity * line.unit_price),
                need_id=line.need_id,
                corrects_position=line.corrects_position,
            )
            for position, (line, item) in enumerate(zip(lines, document.lines, strict=True), 1)
        ],
    )
    return invoice, totals


def _record_many(
    session: Session,
    drawn: Sequence[tuple[_Numbered, bytes]],
    issuing: _Issuing,
    *,
    users: Mapping[int, Sequence[User]] | None = None,
    credits: dict[int, Decimal] | None = None,
) -> list[MemberInvoice]:
    """Stores numbered documents with their files (in one flush), then, in their order, posts
    each, sets its member's credit against it and queues its e-mails. `users` and `credits`:
    each member's recipients and credit, when the caller read them already (`credits` is
    lowered by what is used). Flushes."""
    actor = issuing.actor
    stored = [_stored(numbered, facturx, issuing) for numbered, facturx in drawn]
    session.add_all(invoice for invoice, _totals in stored)
    session.flush()
    for invoice, totals in stored:
        post_document(session, invoice, totals)
        if invoice.kind == "invoice":
            if credits is None:
                use_credit(session, invoice, actor=actor)
            elif credits.get(invoice.member_id, ZERO) > 0:
                credits[invoice.member_id] -= use_credit(
                    session, invoice, actor=actor, credit=credits[invoice.member_id]
                )
        record_event(
            session,
            "invoice.issue" if invoice.kind == "invoice" else "credit_note.issue",
            "member_invoice",
            invoice.id,
            actor=actor,
            number=invoice.number,
            member=invoice.member.name,
            total=str(invoice.total_incl),
        )
        queue_document_emails(
            session,
            invoice,
            actor=actor,
            users=users[invoice.member_id] if users is not None else None,
        )
    session.flush()
    return [invoice for invoice, _totals in stored]


def _issue(
    session: Session,
    *,
    kind: str,
    subject: str,
    member: Member,
    batch: Batch | None,
    lines: Sequence[DraftLine],
    today: date,
    actor: Actor | None,
    corrects: MemberInvoice | None = None,
    dues_year: int | None = None,
    reason: str = "",
) -> MemberInvoice:
    """Numbers, draws, stores and posts one document. Flushes."""
    numbered = _numbered(
        session, kind=kind, member=member, batch=batch, lines=lines, today=today, corrects=corrects
    )
    facturx = invoice_file(numbered.document, cooperative_record(session).logo or b"")
    issuing = _Issuing(subject, batch, actor, corrects, dues_year, reason)
    (invoice,) = _record_many(session, [(numbered, facturx)], issuing)
    return invoice


def _issue_many(
    session: Session,
    drafts: Sequence[tuple[Member, Sequence[DraftLine]]],
    *,
    subject: str,
    batch: Batch | None,
    today: date,
    actor: Actor | None,
    dues_year: int | None = None,
    progress: IssuingProgress | None = None,
) -> list[MemberInvoice]:
    """Issues one invoice per member and lines, as `_issue` does one after the other: every
    number taken in order first, then the files drawn (in parallel for a large batch), then
    each stored and posted in the same order; `progress` is told after each few. Flushes."""
    if not drafts:
        return []
    member_ids = [member.id for member, _lines in drafts]
    # Read once for the whole batch: the cooperative, its settings, the members' mandates,
    # sites, recipients and credit (each invoice reads them several times: its page, its
    # entry, its e-mails).
    shared = shared_by(session, batch, member_ids)
    users = recipients_by_member(session, member_ids)
    credits = member_credits(session, member_ids)
    # The batch's numbers in one update of the counter, which stays locked until the end.
    numbers = next_numbers(session, _year_series("invoice"), today.year, len(drafts))
    issuing = _Issuing(subject, batch, actor, dues_year=dues_year)
    numbered: list[_Numbered] = []

    def documents() -> Iterator[Invoice]:
        for (member, lines), sequence in zip(drafts, numbers, strict=True):
            numbered.append(
                _numbered(
                    session,
                    kind="invoice",
                    member=member,
                    batch=batch,
                    lines=lines,
                    today=today,
                    sequence=sequence,
                    shared=shared,
                )
            )
            yield numbered[-1].document

    issued: list[MemberInvoice] = []
    # The workers draw the first files while the next documents are made, and the invoices
    # are stored and posted, a few at a time, while the next files are drawn.
    with closing(drawn_files(documents(), len(drafts), shared.record.logo or b"")) as files:
        for chunk in batched(enumerate(files), STORED_AT_ONCE):
            issued += _record_many(
                session,
                [(numbered[position], facturx) for position, facturx in chunk],
                issuing,
                users=users,
                credits=credits,
            )
            if progress is not None:
                progress(len(issued), len(drafts))
    return issued
