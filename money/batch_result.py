"""A batch's result: what its suppliers invoiced the cooperative beside what the cooperative
invoiced its members, and the difference explained.

Every figure is read as it was issued: the suppliers' side from the purchases journal (each
document's entries, found by `purchase_key`, so that a refused invoice, cancelled by its
reverse entry, counts for nothing), the members' side from the invoices and credit notes
issued for the batch (their lines' net amounts and VAT totals as stored). Credit notes count
negatively on both sides.

The difference (members' net less suppliers' net) is explained by: the cooperative's own fee;
accepted exceptions (what accepted supplier lines cost above the order); credit notes pending
(what lines still in exception bill above the order, requested from the supplier or not yet);
supplier invoices not yet received (the net of each order billed by none); member credit notes
not (yet) recovered from the supplier (goods given back to a member that no supplier credit
note gave back, `money.credit_recovery`); and rounding, what is left once these are counted
when it is at most a cent a line of the members' invoices and credit notes (each line's net is
rounded to the cent). Anything larger is shown as unexplained, never called rounding.

A batch is settled when every supplier document of its orders is paid or refused, every order
is billed by an invoice not refused, and every member of the batch has its invoice.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from money.amounts import to_cent
from money.credit_recovery import unrecovered_credits
from money.invoice_pairing import units_per_invoiced
from money.invoicing import invoiced_members
from money.journal import billing_settings
from money.models import JournalEntry, JournalLine, MemberInvoice
from money.purchase_entries import PURCHASES, purchase_key
from money.supplier_invoice_models import SupplierInvoice, SupplierInvoiceLine, SupplierInvoiceOrder
from money.three_way import Outcome
from persistence.audit import Actor, AuditEvent
from purchasing.errors import N_, Message, NotFound
from purchasing.models import Batch, PurchaseOrder, PurchaseOrderLine
from purchasing.permissions import SEE_BOOKS, require
from purchasing.statements.statements import members_of_batch

ZERO = Decimal(0)
CENT = Decimal("0.01")
# Orders a supplier bills: sent or further on, never a draft or a cancelled one.
BILLED_ORDERS = ("sent", "confirmed", "received")
FEE, ACCEPTED, PENDING, NOT_RECEIVED, NOT_RECOVERED, ROUNDING, UNEXPLAINED = (
    "fee",
    "accepted_exception",
    "credit_note_pending",
    "invoice_not_received",
    "member_credit_not_recovered",
    "rounding",
    "unexplained",
)
EXPLANATION_CATEGORIES = (
    FEE,
    ACCEPTED,
    PENDING,
    NOT_RECEIVED,
    NOT_RECOVERED,
    ROUNDING,
    UNEXPLAINED,
)


@dataclass(frozen=True)
class SupplierSide:
    """What the suppliers invoiced for the batch, net of their credit notes."""

    goods: Decimal
    fees: Decimal
    vat: Decimal

    @property
    def net(self) -> Decimal:
        return self.goods + self.fees

    @property
    def total(self) -> Decimal:
        return self.net + self.vat


@dataclass(frozen=True)
class MemberSide:
    """What the cooperative invoiced the batch's members, net of their credit notes."""

    goods: Decimal
    shares: Decimal
    fee: Decimal
    vat: Decimal

    @property
    def net(self) -> Decimal:
        return self.goods + self.shares + self.fee

    @property
    def total(self) -> Decimal:
        return self.net + self.vat


@dataclass(frozen=True)
class Explanation:
    """One line of the difference: its category, the amount it adds to the difference, and
    what it is about (an invoice or order number, a supplier); `requested` for a credit note
    pending that was asked of the supplier."""

    category: str
    amount: Decimal
    about: str = ""
    requested: bool = False


@dataclass(frozen=True)
class BatchResult:
    """A batch's result; `unsettled` says why it is not settled (messages to translate)."""

    batch_id: int
    suppliers: SupplierSide
    members: MemberSide
    refused: tuple[SupplierInvoice, ...]
    explanations: tuple[Explanation, ...]
    unsettled: tuple[Message, ...]

    @property
    def fee(self) -> Decimal:
        """The cooperative's own fee, as invoiced to the members."""
        return self.members.fee

    @property
    def difference(self) -> Decimal:
        """What the members were invoiced, net of VAT, less what the suppliers invoiced."""
        return self.members.net - self.suppliers.net

    @property
    def settled(self) -> bool:
        return not self.unsettled


def batch_result(session: Session, batch_id: int, *, actor: Actor | None) -> BatchResult:
    """The batch's result, read from the journal and the documents issued. `NotFound` for an
    unknown batch."""
    require(actor, SEE_BOOKS)
    batch = session.get(Batch, batch_id)
    if batch is None:
        raise NotFound(Message(N_("No such batch.")))
    orders = list(
        session.scalars(
            select(PurchaseOrder)
            .where(PurchaseOrder.batch_id == batch.id, PurchaseOrder.status.in_(BILLED_ORDERS))
            .order_by(PurchaseOrder.number)
            .options(selectinload(PurchaseOrder.lines))
        )
    )
    documents = _supplier_documents(session, [order.id for order in orders])
    counted = [document for document in documents if document.status != "refused"]
    suppliers = _supplier_side(session, counted)
    members = _member_side(session, batch.id)
    explanations = _explanations(session, orders, counted, members)
    for unrecovered in unrecovered_credits(session, batch.id, orders, counted):
        names = ", ".join(unrecovered.suppliers)
        about = f"{unrecovered.credit_note} ({names})" if names else unrecovered.credit_note
        explanations.append(Explanation(NOT_RECOVERED, -unrecovered.amount, about))
    difference = members.net - suppliers.net
    left = difference - sum((line.amount for line in explanations), ZERO)
    if left:
        category = ROUNDING if abs(left) <= CENT * max(members.lines, 1) else UNEXPLAINED
        explanations.append(Explanation(category, left))
    return BatchResult(
        batch_id=batch.id,
        suppliers=suppliers,
        members=MemberSide(members.goods, members.shares, members.fee, members.vat),
        refused=tuple(document for document in documents if document.status == "refused"),
        explanations=tuple(explanations),
        unsettled=tuple(_unsettled(session, batch, orders, documents)),
    )


def _supplier_documents(session: Session, order_ids: list[int]) -> list[SupplierInvoice]:
    """The invoices billing the orders, and the credit notes correcting them or naming the
    orders."""
    if not order_ids:
        return []
    billing = select(SupplierInvoiceOrder.invoice_id).where(
        SupplierInvoiceOrder.order_id.in_(order_ids)
    )
    invoice_ids = (
        select(SupplierInvoice.id)
        .where(SupplierInvoice.id.in_(billing), SupplierInvoice.kind == "invoice")
        .scalar_subquery()
    )
    return list(
        session.scalars(
            select(SupplierInvoice)
            .where(
                or_(SupplierInvoice.id.in_(billing), SupplierInvoice.corrects_id.in_(invoice_ids))
            )
            .order_by(SupplierInvoice.issue_date, SupplierInvoice.id)
            .options(
                selectinload(SupplierInvoice.lines)
                .selectinload(SupplierInvoiceLine.order_line)
                .selectinload(PurchaseOrderLine.offer),
                selectinload(SupplierInvoice.order_links).selectinload(SupplierInvoiceOrder.order),
                selectinload(SupplierInvoice.supplier),
            )
        )
    )


def _supplier_side(session: Session, documents: list[SupplierInvoice]) -> SupplierSide:
    """Each document's purchase entries summed by account: goods, delivery fees, VAT."""
    if not documents:
        return SupplierSide(ZERO, ZERO, ZERO)
    settings = billing_settings(session)
    keys = [purchase_key(document.id) for document in documents]
    entries = select(JournalLine.entry_id).where(
        JournalLine.account == settings.account_suppliers, JournalLine.invoice_ref.in_(keys)
    )
    sums: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for account, debit, credit in session.execute(
        select(JournalLine.account, JournalLine.debit, JournalLine.credit)
        .join(JournalEntry, JournalEntry.id == JournalLine.entry_id)
        .where(JournalEntry.journal == PURCHASES, JournalLine.entry_id.in_(entries))
    ):
        sums[account] += debit - credit
    return SupplierSide(
        goods=sums[settings.account_purchases],
        fees=sums[settings.account_purchase_fees],
        vat=sums[settings.account_vat_deductible],
    )


@dataclass(frozen=True)
class _Members:
    goods: Decimal
    shares: Decimal
    fee: Decimal
    vat: Decimal
    lines: int

    @property
    def net(self) -> Decimal:
        return self.goods + self.shares + self.fee


def _member_side(session: Session, batch_id: int) -> _Members:
    """The lines of the batch's member invoices and credit notes, as issued."""
    amounts: dict[str, Decimal] = defaultdict(lambda: ZERO)
    vat, count = ZERO, 0
    for document in session.scalars(
        select(MemberInvoice)
        .where(MemberInvoice.batch_id == batch_id)
        .options(selectinload(MemberInvoice.lines))
    ):
        sign = -1 if document.kind == "credit_note" else 1
        vat += sign * document.total_vat
        for line in document.lines:
            amounts[line.kind if line.kind in ("shares", "fee") else "goods"] += sign * line.net
            count += 1
    return _Members(amounts["goods"], amounts["shares"], amounts["fee"], vat, count)


def _excess(line: SupplierInvoiceLine, fees: Decimal) -> Decimal:
    """What a supplier line bills above the order: a goods line above its order line's price
    (all of it for a line not ordered), a delivery fee above the orders' fees `fees`."""
    amount = -abs(line.line_total) if line.kind == "allowance" else line.line_total
    if line.kind == "charge":
        return amount - fees
    if line.order_line is None:
        return amount
    ordered = line.order_line
    # A line billing by the pack counts its packs' units at the price ordered.
    units = line.quantity * units_per_invoiced(
        line.unit_code, line.unit_price, ordered.unit_price, ordered.offer.pack_size
    )
    return amount - to_cent(units * ordered.unit_price)


def _explanations(
    session: Session,
    orders: list[PurchaseOrder],
    documents: list[SupplierInvoice],
    members: _Members,
) -> list[Explanation]:
    lines = [Explanation(FEE, members.fee)] if members.fee else []
    requested = set(
        session.scalars(
            select(AuditEvent.object_id).where(
                AuditEvent.action == "supplier_invoice.request_credit_note",
                AuditEvent.object_id.in_([document.id for document in documents]),
            )
        )
    )
    for document in documents:
        if document.kind != "invoice":
            continue
        fees = sum((link.order.delivery_fee for link in document.order_links), ZERO)
        accepted = sum(
            (_excess(line, fees) for line in document.lines if line.outcome == Outcome.ACCEPTED),
            ZERO,
        )
        if accepted:
            lines.append(Explanation(ACCEPTED, -accepted, document.number))
        pending = sum(
            (_excess(line, fees) for line in document.lines if line.outcome == Outcome.EXCEPTION),
            ZERO,
        )
        if pending:
            lines.append(Explanation(PENDING, -pending, document.number, document.id in requested))
    billed = {
        link.order_id
        for document in documents
        if document.kind == "invoice"
        for link in document.order_links
    }
    for order in orders:
        if order.id not in billed:
            lines.append(Explanation(NOT_RECEIVED, order.total_excl_vat, order.number))
    return lines


def _unsettled(
    session: Session, batch: Batch, orders: list[PurchaseOrder], documents: list[SupplierInvoice]
) -> list[Message]:
    reasons = []
    billed = {
        link.order_id
        for document in documents
        if document.kind == "invoice" and document.status != "refused"
        for link in document.order_links
    }
    if not orders:
        reasons.append(Message(N_("No purchase order of this batch was sent.")))
    for order in orders:
        if order.id not in billed:
            reasons.append(
                Message(N_("Order %(order)s has no invoice yet."), {"order": order.number})
            )
    for document in documents:
        if document.status not in ("paid", "refused"):
            reasons.append(
                Message(
                    N_("%(supplier)s's document %(number)s is not paid."),
                    {"supplier": document.supplier.name, "number": document.number},
                )
            )
    invoiced = invoiced_members(session, batch.id)
    waiting = [
        member.name for member in members_of_batch(session, batch.id) if member.id not in invoiced
    ]
    if waiting:
        reasons.append(
            Message(
                N_("Not invoiced yet: %(members)s."),
                {"members": ", ".join(waiting)},
            )
        )
    return reasons
