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

from money.amounts import Totals, invoice_totals, to_cent
from money.documents import (
    Address,
    BankAccount,
    CreditTransfer,
    DirectDebit,
    Invoice,
    InvoiceLine,
    InvoiceReference,
    Party,
)
from money.formats.facturx import facturx_pdf, invoice_xml
from money.formats.invoice_pdf import invoice_pdf
from money.journal import Posting, billing_settings, member_sub_account, post
from money.models import Mandate, MemberDues, MemberInvoice, MemberInvoiceLine
from money.payments import use_credit
from money.sending import queue_document_emails
from persistence.audit import Actor, record_event
from persistence.numbering import next_number
from purchasing.errors import N_, Conflict, Invalid, Message, NotFound
from purchasing.models import Allocation, Batch, Cooperative, Member, Need
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


def _address(text: str, postcode: str, town: str, country: str = "FR") -> Address:
    lines = tuple(part.strip() for part in text.splitlines() if part.strip())[:3]
    return Address(
        lines=lines or (town or "-",),
        postcode=postcode or "-",
        city=town or "-",
        country_code=country or "FR",
    )


def seller(record: Cooperative) -> Party:
    """The cooperative as the seller of its invoices."""
    return Party(
        name=record.name,
        address=_address(record.address, record.postcode, record.town, record.country),
        legal_form=record.legal_form,
        siren=record.siren,
        siret=record.siret,
        vat_number=record.vat_number,
        email=record.email,
        phone=record.phone,
    )


def buyer(member: Member) -> Party:
    """The member as the buyer: its name, address, SIREN and SIRET."""
    return Party(
        name=member.name,
        address=_address(member.address, member.postcode, member.town),
        siren=member.siret[:9],
        siret=member.siret,
    )


def ship_to(session: Session, member: Member, batch: Batch | None) -> Party:
    """Where the goods were delivered: the member's first site served in the batch, else its
    first open site, else its own address."""
    sites = [site for site in member.sites if site.active] or list(member.sites)
    if batch is not None:
        used = set(
            session.scalars(
                select(Need.delivery_site_id)
                .join(Allocation, Allocation.need_id == Need.id)
                .where(Allocation.batch_id == batch.id, Need.member_id == member.id)
            )
        )
        sites = [site for site in member.sites if site.id in used] or sites
    if not sites:
        return buyer(member)
    site = sites[0]
    return Party(
        name=f"{member.name} — {site.name}"[:200],
        address=_address(site.address, site.postcode, site.town),
    )


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


def post_document(session: Session, invoice: MemberInvoice, totals: Totals) -> None:
    """The sales entry of an invoice (the member's account debited with the total, sales and
    VAT credited), or its reverse for a credit note, set against the invoice it corrects."""
    settings = billing_settings(session)
    accounts = {
        "goods": (settings.account_goods, "Ventes de marchandises"),
        "shares": (settings.account_services, "Frais de livraison refacturés"),
        "fee": (settings.account_fee, "Frais de fonctionnement"),
        "dues": (settings.account_dues, "Cotisations"),
    }
    sales: dict[tuple[str, str], Decimal] = {}
    for line in invoice.lines:
        key = accounts.get(line.kind, accounts["goods"])
        sales[key] = sales.get(key, ZERO) + line.net
    credit_note = invoice.kind == "credit_note"
    member = invoice.member
    sub, sub_label = member_sub_account(member.id), member.name
    ref = invoice.corrects.number if credit_note and invoice.corrects else invoice.number
    label = f"{'Avoir' if credit_note else 'Facture'} {invoice.number} {member.name}"

    def side(amount: Decimal, debit: bool) -> tuple[Decimal, Decimal]:
        return (amount, ZERO) if debit else (ZERO, amount)

    postings = [
        Posting(
            account=settings.account_members,
            account_label="Membres",
            label=label,
            sub_account=sub,
            sub_account_label=sub_label,
            member_id=member.id,
            invoice_ref=ref,
            debit=side(invoice.total_incl, not credit_note)[0],
            credit=side(invoice.total_incl, not credit_note)[1],
        )
    ]
    for (account, account_label), amount in sorted(sales.items()):
        postings.append(
            Posting(
                account=account,
                account_label=account_label,
                label=label,
                debit=side(amount, credit_note)[0],
                credit=side(amount, credit_note)[1],
            )
        )
    for row in totals.vat_breakdown:
        if row.vat:
            postings.append(
                Posting(
                    account=settings.account_vat_collected,
                    account_label=f"TVA collectée {row.rate} %",
                    label=label,
                    debit=side(row.vat, credit_note)[0],
                    credit=side(row.vat, credit_note)[1],
                )
            )
    post(session, "VE", invoice.issue_date, invoice.number, invoice.issue_date, label, postings)


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


def issue_dues(
    session: Session, year: int, today: date, *, actor: Actor | None
) -> list[MemberInvoice]:
    """Issues the year's membership dues of each member the admin set an amount for and who
    has no dues invoice for that year yet."""
    require(actor, ISSUE_INVOICES)
    if not 2000 <= year <= 2100:
        raise Invalid({"year": Message(N_("Give a year such as %(year)s."), {"year": today.year})})
    billed = set(
        session.scalars(
            select(MemberInvoice.member_id).where(
                MemberInvoice.dues_year == year, MemberInvoice.kind == "invoice"
            )
        )
    )
    issued = []
    for dues in session.scalars(select(MemberDues).order_by(MemberDues.member_id)):
        if dues.member_id in billed:
            continue
        member = session.get(Member, dues.member_id)
        if member is None or not member.active:
            continue
        line = DraftLine(
            kind="dues",
            name=f"Cotisation annuelle {year}",
            quantity=Decimal(1),
            unit_code="C62",
            unit_price=dues.amount,
            vat_rate=_percent(dues.vat_rate) if dues.vat_category == "S" else ZERO,
            vat_category=dues.vat_category,
        )
        issued.append(
            _issue(
                session,
                kind="invoice",
                subject="dues",
                member=member,
                batch=None,
                lines=[line],
                today=today,
                actor=actor,
                dues_year=year,
            )
        )
    return issued


@dataclass(frozen=True)
class CorrectionValues:
    """What a credit note gives back: units of some lines (by position), or a whole line."""

    units: dict[int, Decimal]
    reason: str


def already_credited(session: Session, invoice: MemberInvoice) -> dict[int, Decimal]:
    """Units of each line of `invoice` given back by its credit notes so far, by position."""
    credited: dict[int, Decimal] = {}
    notes = session.scalars(
        select(MemberInvoice)
        .where(MemberInvoice.corrects_id == invoice.id)
        .options(selectinload(MemberInvoice.lines))
    )
    for note in notes:
        for line in note.lines:
            if line.corrects_position is not None:
                position = line.corrects_position
                credited[position] = credited.get(position, ZERO) + line.quantity
    return credited


def issue_credit_note(
    session: Session,
    invoice_number: str,
    values: CorrectionValues,
    today: date,
    *,
    actor: Actor | None,
) -> MemberInvoice:
    """Issues a credit note on the invoice for the units given back (goods found missing or
    damaged after invoicing, a supplier's cut accepted late): each at the invoiced price and
    VAT. Refused for more units than were invoiced less those credited already, for a credit
    note on a credit note, and without a reason."""
    require(actor, ISSUE_INVOICES)
    invoice = invoice_by_number(session, invoice_number)
    errors: dict[str, Message] = {}
    if invoice.kind != "invoice":
        raise Conflict(Message(N_("A credit note corrects an invoice, not another credit note.")))
    if not values.reason.strip():
        errors["reason"] = Message(N_("Say why the credit note is issued."))
    lines_by_position = {line.position: line for line in invoice.lines}
    credited = already_credited(session, invoice)
    drafts: list[DraftLine] = []
    for position, units in sorted(values.units.items()):
        line = lines_by_position.get(position)
        field = f"units.{position}"
        if line is None:
            errors[field] = Message(N_("The invoice has no line %(line)s."), {"line": position})
            continue
        left = line.quantity - credited.get(position, ZERO)
        if units <= 0 or units > left:
            errors[field] = Message(
                N_("Give between 0 and %(left)s units back."), {"left": _number_text(left)}
            )
            continue
        drafts.append(
            DraftLine(
                kind=line.kind,
                name=f"Avoir : {line.name}"[:200],
                quantity=units,
                unit_code=line.unit_code,
                unit_price=line.unit_price,
                vat_rate=line.vat_rate,
                need_id=line.need_id,
                vat_category=line.vat_category,
                corrects_position=position,
            )
        )
    if not drafts and "reason" not in errors and not errors:
        errors["units"] = Message(N_("Give back at least one unit of one line."))
    if errors:
        raise Invalid(errors)
    batch = session.get(Batch, invoice.batch_id) if invoice.batch_id else None
    return _issue(
        session,
        kind="credit_note",
        subject="correction",
        member=invoice.member,
        batch=batch,
        lines=drafts,
        today=today,
        actor=actor,
        corrects=invoice,
        reason=values.reason.strip()[:2000],
    )


def _number_text(value: Decimal) -> str:
    return f"{value.normalize():f}".replace(".", ",")
