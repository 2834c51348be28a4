"""Member credit notes recovered from the suppliers, or not (yet).

When the cooperative credits a member for goods (a unit found damaged or missing after
invoicing), it gives back money the supplier was paid for those goods: a careful purchasing
team asks the supplier for the same credit. A member credit note's goods line concerns the
order line that served its need (the need's allocation in the batch, the order line of that
offer). A supplier's credit note recovers, on an order line, what its lines paired with the
corrected invoice's lines on that order line give back (paired as the three-way match pairs
them: by reference, then description), less what offsets those lines' own exception (a price
above the order, a quantity not received): that part corrects the supplier's bill, not the
member's. What a member credit note gives back on an order line beyond what the suppliers'
credit notes recovered there, in the order the member credit notes were issued, is not
recovered.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from money.amounts import to_cent
from money.invoice_pairing import pair_lines
from money.models import MemberInvoice
from money.supplier_invoice_models import SupplierInvoice, SupplierInvoiceLine
from money.three_way import Outcome
from purchasing.models import Allocation, PurchaseOrder

ZERO = Decimal(0)


@dataclass(frozen=True)
class Unrecovered:
    """A member credit note and what of its goods no supplier credit note gave back."""

    credit_note: str
    suppliers: tuple[str, ...]
    amount: Decimal


def unrecovered_credits(
    session: Session,
    batch_id: int,
    orders: Sequence[PurchaseOrder],
    documents: Sequence[SupplierInvoice],
) -> list[Unrecovered]:
    """The member credit notes of the batch whose goods the suppliers' credit notes among
    `documents` (those not refused) did not give back, in the order they were issued."""
    notes = list(
        session.scalars(
            select(MemberInvoice)
            .where(MemberInvoice.batch_id == batch_id, MemberInvoice.kind == "credit_note")
            .order_by(MemberInvoice.issue_date, MemberInvoice.id)
            .options(selectinload(MemberInvoice.lines))
        )
    )
    if not notes:
        return []
    order_line_of = _order_lines_of_needs(session, batch_id, orders)
    supplier_of = {line.id: order.supplier.name for order in orders for line in order.lines}
    recovered = _recovered(documents)
    found = []
    for note in notes:
        amount, suppliers = ZERO, set()
        for line in note.lines:
            if line.kind != "goods" or line.need_id is None:
                continue
            order_line = order_line_of.get((line.need_id, line.unit_price))
            order_line = order_line or order_line_of.get((line.need_id, None))
            taken = min(recovered[order_line], line.net) if order_line is not None else ZERO
            if order_line is not None:
                recovered[order_line] -= taken
                suppliers.add(supplier_of[order_line])
            amount += line.net - taken
        if amount > 0:
            found.append(Unrecovered(note.number, tuple(sorted(suppliers)), amount))
    return found


def _order_lines_of_needs(
    session: Session, batch_id: int, orders: Iterable[PurchaseOrder]
) -> dict[tuple[int, Decimal | None], int]:
    """The order line serving each need of the batch, by need and unit price (a need split
    between offers has one line per price), and by need alone (its first allocation)."""
    by_offer = {line.offer_id: line.id for order in orders for line in order.lines}
    found: dict[tuple[int, Decimal | None], int] = {}
    for need_id, offer_id, unit_price in session.execute(
        select(Allocation.need_id, Allocation.offer_id, Allocation.unit_price)
        .where(Allocation.batch_id == batch_id)
        .order_by(Allocation.id)
    ):
        if offer_id in by_offer:
            found.setdefault((need_id, unit_price), by_offer[offer_id])
            found.setdefault((need_id, None), by_offer[offer_id])
    return found


def _recovered(documents: Sequence[SupplierInvoice]) -> dict[int | None, Decimal]:
    """What the suppliers' credit notes give back on each order line beyond the exceptions of
    the invoice lines they offset."""
    invoices = {
        document.id: document
        for document in documents
        if document.kind == "invoice" and document.status != "refused"
    }
    offsets: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for note in documents:
        corrected = invoices.get(note.corrects_id or 0)
        if note.kind != "credit_note" or note.status == "refused" or corrected is None:
            continue
        pairs = pair_lines(_items(note.lines), _items(corrected.lines))
        for line in note.lines:
            if (target := pairs.get(line.id)) is not None:
                offsets[target] += abs(line.line_total)
    recovered: dict[int | None, Decimal] = defaultdict(lambda: ZERO)
    for invoice in invoices.values():
        for line in invoice.lines:
            if line.order_line_id is None or not offsets[line.id]:
                continue
            recovered[line.order_line_id] += max(offsets[line.id] - _exception(line), ZERO)
    return recovered


def _exception(line: SupplierInvoiceLine) -> Decimal:
    """What a line in exception (or credited, or accepted) bills above its order line."""
    if line.outcome == Outcome.AGREES or line.order_line is None:
        return ZERO
    return max(line.line_total - to_cent(line.quantity * line.order_line.unit_price), ZERO)


def _items(lines: Iterable[SupplierInvoiceLine]) -> list[tuple[int, str, str]]:
    return [(line.id, line.seller_ref, line.description) for line in lines if line.kind == "goods"]
