"""How one invoice or credit note is issued: numbered in its series and year, drawn as its
Factur-X file, stored as issued, posted to the journal, set against the member's credit, and
sent. A batch's invoices take their numbers in order first, then their files are drawn (in
parallel when there are many), then each is stored and posted in the same order, in the
transaction of the one process that issues them."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from money.amounts import invoice_totals, to_cent
from money.documents import (
    BankAccount,
    CreditTransfer,
    DirectDebit,
    Invoice,
    InvoiceLine,
    InvoiceReference,
)
from money.formats.invoice_file import invoice_file
from money.invoice_files import drawn_files
from money.journal import billing_settings
from money.models import Mandate, MemberInvoice, MemberInvoiceLine
from money.parties import buyer, seller, ship_to
from money.payments import use_credit
from money.sales_entries import post_document
from money.sending import queue_document_emails, recipients_by_member
from persistence.audit import Actor, record_event
from persistence.numbering import next_number
from purchasing.errors import N_, Conflict, Message
from purchasing.models import Batch, Cooperative, Member, User
from purchasing.people.cooperative import cooperative_record

ZERO = Decimal(0)
HUNDRED = Decimal(100)
DUES_EXEMPTION = "Cotisation hors du champ d'application de la TVA"


@dataclass(frozen=True)
class DraftLine:
    """A line before it is issued."""

    kind: str
    name: str
    quantity: Decimal
    unit_code: str
    unit_price: Decimal
    vat_rate: Decimal  # percent
    need_id: int | None = None
    vat_category: str = "S"
    corrects_position: int | None = None


def _payment_means(
    session: Session, record: Cooperative, member: Member
) -> CreditTransfer | DirectDebit:
    """Paid by SEPA direct debit under the member's active mandate, else by transfer to the
    cooperative's account."""
    mandate = session.scalar(
        select(Mandate).where(Mandate.member_id == member.id, Mandate.active.is_(True))
    )
    if mandate is not None and record.sepa_creditor_id:
        return DirectDebit(
            creditor_identifier=record.sepa_creditor_id,
            mandate_reference=mandate.reference,
            debtor_account=BankAccount(iban=mandate.iban, bic=mandate.bic),
        )
    if not record.iban:
        raise Conflict(
            Message(N_("Give the cooperative's IBAN on its page before issuing invoices."))
        )
    return CreditTransfer(account=BankAccount(iban=record.iban, bic=record.bic or ""))


def _document(
    session: Session,
    *,
    kind: str,
    number: str,
    today: date,
    member: Member,
    batch: Batch | None,
    lines: Sequence[DraftLine],
    corrects: MemberInvoice | None = None,
    nature: str = "goods",
) -> Invoice:
    record = cooperative_record(session)
    settings = billing_settings(session)
    days = record.payment_terms_days if record.payment_terms_days is not None else 30
    # Stored as a fraction, like VAT rates; printed as a percentage.
    rate = record.late_penalty_rate if record.late_penalty_rate is not None else Decimal("0.12")
    penalty = rate * HUNDRED
    dues = all(line.vat_category == "O" for line in lines)
    return Invoice(
        kind="credit_note" if kind == "credit_note" else "invoice",
        number=number,
        issue_date=today,
        due_date=today + timedelta(days=days),
        seller=seller(record),
        buyer=buyer(member),
        ship_to=ship_to(session, member, batch),
        lines=tuple(
            InvoiceLine(
                line_id=str(position),
                name=line.name,
                quantity=line.quantity,
                unit_price=line.unit_price,
                vat_category="O" if line.vat_category == "O" else "S",
                vat_rate=ZERO if line.vat_category == "O" else line.vat_rate,
                unit_code=line.unit_code,
                vat_exemption_reason=DUES_EXEMPTION if line.vat_category == "O" else "",
            )
            for position, line in enumerate(lines, start=1)
        ),
        nature="services" if dues else nature,  # type: ignore[arg-type]
        payment=_payment_means(session, record, member),
        payment_terms=f"Paiement à {days} jours date de facture.",
        late_penalty=(
            f"Pénalités de retard au taux annuel de {penalty:.2f} % à compter du lendemain "
            "de l'échéance.".replace(f"{penalty:.2f}", f"{penalty:.2f}".replace(".", ","))
        ),
        vat_on_debits=settings.vat_on_debits and not dues and nature != "goods",
        delivery_date=None,
        preceding_invoice=(
            InvoiceReference(number=corrects.number, issue_date=corrects.issue_date)
            if corrects is not None
            else None
        ),
        buyer_reference=member.siret,
        order_reference=f"Lot {batch.id}" if batch is not None else "",
    )


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
) -> _Numbered:
    """Takes the document's number in its series and year and makes the typed document."""
    series = _year_series(kind)
    sequence = next_number(session, series, today.year)
    document = _document(
        session,
        kind=kind,
        number=f"{series}-{today.year}-{sequence:05d}",
        today=today,
        member=member,
        batch=batch,
        lines=lines,
        corrects=corrects,
    )
    return _Numbered(kind, sequence, document, member, tuple(lines))


def _record(
    session: Session,
    numbered: _Numbered,
    facturx: bytes,
    *,
    subject: str,
    batch: Batch | None,
    actor: Actor | None,
    corrects: MemberInvoice | None = None,
    dues_year: int | None = None,
    reason: str = "",
    users: Sequence[User] | None = None,
) -> MemberInvoice:
    """Stores a numbered document with its file, posts it, sets the member's credit against
    it, and queues its e-mails (to `users` when the caller read the member's already).
    Flushes."""
    kind, document, member, lines = (
        numbered.kind,
        numbered.document,
        numbered.member,
        numbered.lines,
    )
    totals = invoice_totals(document)
    invoice = MemberInvoice(
        kind=kind,
        subject=subject,
        number=document.number,
        year=document.issue_date.year,
        sequence=numbered.sequence,
        member_id=member.id,
        batch_id=batch.id if batch is not None else None,
        dues_year=dues_year,
        corrects_id=corrects.id if corrects is not None else None,
        issue_date=document.issue_date,
        due_date=document.due_date,
        total_excl=totals.tax_basis_total,
        total_vat=totals.vat_total,
        total_incl=totals.grand_total,
        reason=reason,
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
    session.add(invoice)
    session.flush()
    post_document(session, invoice, totals)
    if kind == "invoice":
        use_credit(session, invoice, actor=actor)
    record_event(
        session,
        "invoice.issue" if kind == "invoice" else "credit_note.issue",
        "member_invoice",
        invoice.id,
        actor=actor,
        number=document.number,
        member=member.name,
        total=str(invoice.total_incl),
    )
    queue_document_emails(session, invoice, actor=actor, users=users)
    return invoice


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
    return _record(
        session,
        numbered,
        facturx,
        subject=subject,
        batch=batch,
        actor=actor,
        corrects=corrects,
        dues_year=dues_year,
        reason=reason,
    )


def _issue_many(
    session: Session,
    drafts: Sequence[tuple[Member, Sequence[DraftLine]]],
    *,
    subject: str,
    batch: Batch | None,
    today: date,
    actor: Actor | None,
    dues_year: int | None = None,
) -> list[MemberInvoice]:
    """Issues one invoice per member and lines, as `_issue` does one after the other: every
    number taken in order first, then the files drawn (in parallel for a large batch), then
    each stored and posted in the same order. Flushes."""
    # Held for the whole batch: the session keeps only a weak reference to a row it loaded,
    # and each invoice reads both several times (its page, its entry, its e-mails); unheld,
    # each reading would load them again from the database.
    record, settings = cooperative_record(session), billing_settings(session)
    users = recipients_by_member(session, [member.id for member, _lines in drafts])
    numbered: list[_Numbered] = []

    def documents() -> Iterator[Invoice]:
        for member, lines in drafts:
            numbered.append(
                _numbered(
                    session, kind="invoice", member=member, batch=batch, lines=lines, today=today
                )
            )
            yield numbered[-1].document

    issued = []
    # The workers draw the first files while the next documents are made, and each invoice is
    # stored and posted while the next files are drawn.
    with closing(drawn_files(documents(), len(drafts), record.logo or b"")) as files:
        for position, facturx in enumerate(files):
            issued.append(
                _record(
                    session,
                    numbered[position],
                    facturx,
                    subject=subject,
                    batch=batch,
                    actor=actor,
                    dues_year=dues_year,
                    users=users[numbered[position].member.id],
                )
            )
    del record, settings  # held until every invoice is posted
    return issued
