"""Invoices and credit notes to members: issued from what each member received, numbered
without gaps, posted to the journal, and never changed afterwards.

One invoice per member and batch, once the member's part is received (every line of its
statement settled) or the batch is closed: its goods at the prices the group reached, its
share of the suppliers' fees and delivery, and the cooperative's own fee when it sets one.
A correction is a credit note naming the invoice it corrects. Each document is a Factur-X
file (the PDF/A-3 with its EN 16931 XML), built once and stored as issued (`money.issuing`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from money.amounts import to_cent
from money.drafting import DraftLine
from money.issuing import IssuingProgress, _issue_many
from money.journal import billing_settings
from money.models import MemberInvoice
from persistence.audit import Actor
from purchasing.errors import N_, Conflict, Message, NotFound
from purchasing.models import Batch, Member, Need
from purchasing.permissions import ISSUE_INVOICES, require
from purchasing.statements.statements import members_of_batch, statement_for
from suppliers.models import Product

ZERO = Decimal(0)
DEFAULT_VAT = Decimal("0.20")
HUNDRED = Decimal(100)
SHARED_VAT_RATE = Decimal("20")
UNIT_CODES = {"kg": "KGM", "l": "LTR", "m": "MTR"}


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
    session: Session,
    batch_id: int,
    today: date,
    *,
    actor: Actor | None,
    progress: IssuingProgress | None = None,
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
    drafts: list[tuple[Member, Sequence[DraftLine]]] = []
    waiting, already = [], []
    for member in members_of_batch(session, batch.id):
        if member.id in done:
            already.append(member.name)
            continue
        try:
            lines = batch_lines(session, batch, member)
        except Conflict:
            waiting.append(member.name)
            continue
        if lines:
            drafts.append((member, lines))
    issued = _issue_many(
        session, drafts, subject="batch", batch=batch, today=today, actor=actor, progress=progress
    )
    return BatchInvoicing(tuple(issued), tuple(waiting), tuple(already))
