"""Invoices and credit notes to members: issued from what each member received, numbered
without gaps, posted to the journal, and never changed afterwards.

One invoice per member and batch, once the member's part is received (every line of its
statement settled) or the batch is closed: its goods at the prices the group reached, its
share of the suppliers' fees and delivery, and the cooperative's own fee when it sets one.
A correction is a credit note naming the invoice it corrects. Each document is a Factur-X
file (the PDF/A-3 with its EN 16931 XML), built once and stored as issued.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from money.amounts import invoice_totals, to_cent
from money.documents import (
    BankAccount,
    CreditTransfer,
    DirectDebit,
    Invoice,
    InvoiceLine,
    InvoiceReference,
)
from money.formats.facturx import facturx_pdf, invoice_xml
from money.formats.invoice_pdf import invoice_pdf
from money.journal import billing_settings
from money.models import Mandate, MemberInvoice, MemberInvoiceLine
from money.parties import buyer, seller, ship_to
from money.payments import use_credit
from money.sales_entries import post_document
from money.sending import queue_document_emails
from persistence.audit import Actor, record_event
from persistence.numbering import next_number
from purchasing.errors import N_, Conflict, Message, NotFound
from purchasing.models import Batch, Cooperative, Member, Need
from purchasing.people.cooperative import cooperative_record
from purchasing.permissions import ISSUE_INVOICES, require
from purchasing.statements.statements import members_of_batch, statement_for
from suppliers.models import Product

ZERO = Decimal(0)
DEFAULT_VAT = Decimal("0.20")
HUNDRED = Decimal(100)
SHARED_VAT_RATE = Decimal("20")
UNIT_CODES = {"kg": "KGM", "l": "LTR", "m": "MTR"}
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


def _percent(rate: Decimal) -> Decimal:
    """A stored rate (0.055) as a percentage (5.5)."""
    return (rate * HUNDRED).normalize()


def batch_lines(session: Session, batch: Batch, member: Member) -> list[DraftLine]:
    """What the member is invoiced for the batch: each received line at the price reached,
    its share of fees and delivery, and the cooperative's fee. `Conflict` while some of the
    member's goods are still on their way and the batch is not closed."""
    statement = statement_for(session, batch.id, member.id)
    if statement.provisional and batch.status != "closed":
        raise Conflict(
            Message(
                N_("%(member)s's goods are not all received yet: invoice them once they are."),
                {"member": member.name},
            )
        )
    needs = {
        need.id: need
        for need in session.scalars(
            select(Need)
            .where(Need.id.in_([line.need_id for line in statement.lines]))
            .options(selectinload(Need.product).selectinload(Product.category))
        )
    }
    lines: list[DraftLine] = []
    for line in statement.lines:
        units = min(line.received, line.ordered) if line.settled else ZERO
        if units <= 0:
            continue
        product = needs[line.need_id].product
        rate = product.category.vat_rate if product is not None else DEFAULT_VAT
        lines.append(
            DraftLine(
                kind="goods",
                name=f"{line.product} — {line.supplier}, {line.order_number}"[:200],
                quantity=units,
                unit_code=UNIT_CODES.get(line.unit, "C62"),
                unit_price=line.unit_price,
                vat_rate=_percent(rate),
                need_id=line.need_id,
            )
        )
    shares = to_cent(sum((line.shares for line in statement.lines if line.settled), ZERO))
    if shares > 0:
        lines.append(_one("shares", "Quote-part des frais de commande et de livraison", shares))
    settings = billing_settings(session)
    goods = sum((to_cent(line.quantity * line.unit_price) for line in lines), ZERO)
    fee = to_cent(goods * settings.fee_percent / HUNDRED) + settings.fee_per_invoice
    if lines and fee > 0:
        lines.append(_one("fee", "Frais de fonctionnement de la coopérative", fee))
    return lines


def _one(kind: str, name: str, amount: Decimal, rate: Decimal = SHARED_VAT_RATE) -> DraftLine:
    return DraftLine(kind, name, Decimal(1), "C62", amount, rate)


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
    series = _year_series(kind)
    sequence = next_number(session, series, today.year)
    number = f"{series}-{today.year}-{sequence:05d}"
    document = _document(
        session,
        kind=kind,
        number=number,
        today=today,
        member=member,
        batch=batch,
        lines=lines,
        corrects=corrects,
    )
    totals = invoice_totals(document)
    xml = invoice_xml(document)
    pdf = facturx_pdf(invoice_pdf(document, totals, cooperative_record(session).logo or b""), xml)
    invoice = MemberInvoice(
        kind=kind,
        subject=subject,
        number=number,
        year=today.year,
        sequence=sequence,
        member_id=member.id,
        batch_id=batch.id if batch is not None else None,
        dues_year=dues_year,
        corrects_id=corrects.id if corrects is not None else None,
        issue_date=today,
        due_date=document.due_date,
        total_excl=totals.tax_basis_total,
        total_vat=totals.vat_total,
        total_incl=totals.grand_total,
        reason=reason,
        facturx=pdf,
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
        number=number,
        member=member.name,
        total=str(invoice.total_incl),
    )
    queue_document_emails(session, invoice, actor=actor)
    return invoice


def invoice_by_number(session: Session, number: str) -> MemberInvoice:
    """The invoice or credit note numbered `number`; `NotFound` otherwise."""
    found = session.scalar(
        select(MemberInvoice)
        .where(MemberInvoice.number == number.strip().upper())
        .options(selectinload(MemberInvoice.lines), selectinload(MemberInvoice.member))
    )
    if found is None:
        raise NotFound(Message(N_("No such invoice.")))
    return found


def invoices(session: Session, member_id: int | None = None) -> list[MemberInvoice]:
    """Invoices and credit notes, newest first; one member's when `member_id` is given."""
    query = select(MemberInvoice).options(selectinload(MemberInvoice.member))
    if member_id is not None:
        query = query.where(MemberInvoice.member_id == member_id)
    return list(session.scalars(query.order_by(MemberInvoice.id.desc())))


def invoiced_members(session: Session, batch_id: int) -> set[int]:
    return set(
        session.scalars(
            select(MemberInvoice.member_id).where(
                MemberInvoice.batch_id == batch_id, MemberInvoice.kind == "invoice"
            )
        )
    )


@dataclass(frozen=True)
class BatchInvoicing:
    """What issuing a batch's invoices did: the invoices issued now, and the members left
    out with the reason (goods still on their way, invoiced already)."""

    issued: tuple[MemberInvoice, ...]
    waiting: tuple[str, ...]
    already: tuple[str, ...]


def issue_batch_invoices(
    session: Session, batch_id: int, today: date, *, actor: Actor | None
) -> BatchInvoicing:
    """Issues the invoice of each member of the batch whose goods are all received (every
    member's when the batch is closed) and who has none for it yet. Issuing again issues only
    what is new. `Conflict` for a batch that was never ordered. Flushes."""
    require(actor, ISSUE_INVOICES)
    batch = session.get(Batch, batch_id, with_for_update=True)
    if batch is None:
        raise NotFound(Message(N_("No such batch.")))
    if batch.status not in ("ordered", "closed"):
        raise Conflict(Message(N_("Only the batch of an order placed can be invoiced.")))
    done = invoiced_members(session, batch.id)
    issued, waiting, already = [], [], []
    for member in members_of_batch(session, batch.id):
        if member.id in done:
            already.append(member.name)
            continue
        try:
            lines = batch_lines(session, batch, member)
        except Conflict:
            waiting.append(member.name)
            continue
        if not lines:
            continue
        issued.append(
            _issue(
                session,
                kind="invoice",
                subject="batch",
                member=member,
                batch=batch,
                lines=lines,
                today=today,
                actor=actor,
            )
        )
    return BatchInvoicing(tuple(issued), tuple(waiting), tuple(already))
