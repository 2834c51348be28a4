"""The three-way match of a stored supplier invoice: its purchase orders found (by the order
numbers it names, or proposed to the lead by supplier, date and amount), what was ordered and
what the deliveries recorded read, each line's outcome and reasons written, and the invoice's
status set: "to_pay" when everything agrees, "exception" otherwise.

The match runs when an invoice is received and again whenever something it reads changes
(a decision of the lead, an order linked, a credit note received); it reads everything
afresh, so running it twice changes nothing. The rules themselves are `money.three_way`'s.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from money.invoice_pairing import OrderCandidate, propose_orders, units_per_invoiced
from money.supplier_invoice_models import SupplierInvoice, SupplierInvoiceLine, SupplierInvoiceOrder
from money.supplier_match_models import (
    DEFAULT_PRICE_PERCENT,
    DEFAULT_QUANTITY_UNITS,
    SupplierMatchSettings,
)
from money.three_way import (
    InvoicedLine,
    LineKind,
    MatchResult,
    OrderedFee,
    OrderedLine,
    Outcome,
    Tolerances,
    match_invoice,
)
from persistence.audit import Actor, record_event
from purchasing.errors import N_, Message, NotFound
from purchasing.models import DeliveryLine, PurchaseOrder, PurchaseOrderLine
from purchasing.permissions import DECIDE_SUPPLIER_INVOICES, SEE_SUPPLIER_INVOICES, require
from suppliers.models import Offer, Product

ZERO = Decimal(0)
# Statuses the match may change; a refused or paid invoice keeps its outcome.
OPEN = ("received", "to_pay", "exception")
# Orders an invoice may bill: sent to the supplier, whatever happened since, but not cancelled.
BILLABLE_ORDERS = ("sent", "confirmed", "received")
NO_INVOICE = Message(N_("this credit note names no invoice received from the supplier"))


@dataclass(frozen=True)
class InvoiceMatch:
    """What the match found: the result line by line (None when the invoice bills no order
    the cooperative knows), and then the orders proposed for the lead to confirm."""

    invoice: SupplierInvoice
    result: MatchResult | None
    proposals: tuple[int, ...] = ()


def match_tolerances(session: Session) -> Tolerances:
    """The tolerances the lead set, or the defaults (±0.5 %, quantity exact)."""
    row = session.get(SupplierMatchSettings, 1)
    if row is None:
        return Tolerances(DEFAULT_PRICE_PERCENT, DEFAULT_QUANTITY_UNITS)
    return Tolerances(row.price_percent, row.quantity_units)


def line_reasons(line: SupplierInvoiceLine) -> list[Message]:
    """The reasons the match gave for a line, as messages to translate."""
    if not line.reason:
        return []
    return [Message.from_data(data) for data in json.loads(line.reason)]


def supplier_invoice_for_match(session: Session, invoice_id: int) -> SupplierInvoice:
    """The invoice with its lines and orders; `NotFound` when there is none."""
    # From the session when it holds it already (as at reception): no query then.
    invoice = session.get(SupplierInvoice, invoice_id)
    if invoice is None:
        raise NotFound(Message(N_("This supplier invoice does not exist.")))
    return invoice


def match_supplier_invoice(
    session: Session, invoice_id: int, *, actor: Actor | None
) -> InvoiceMatch:
    """Matches the invoice to its orders and deliveries and records the outcome.

    An invoice naming order numbers of its supplier is linked to them; one naming none the
    cooperative knows stays "received", with orders proposed by supplier, date and amount.
    A credit note is matched to the invoice it corrects (named by the file, or found by the
    number it gives), which is matched again with it. A refused or paid invoice is left as
    it is. Flushes; the caller commits."""
    require(actor, DECIDE_SUPPLIER_INVOICES)
    invoice = supplier_invoice_for_match(session, invoice_id)
    if invoice.status not in OPEN:
        return InvoiceMatch(invoice, None)
    if invoice.kind == "credit_note":
        return _match_credit_note(session, invoice, actor)
    if not invoice.order_links:
        _link_named_orders(session, invoice)
    if not invoice.order_links:
        proposals = tuple(proposed_orders(session, invoice))
        for line in invoice.lines:
            line.order_line_id, line.outcome, line.reason = None, None, None
        invoice.status = "received"
        session.flush()
        record_event(session, "supplier_invoice.match", "supplier_invoice", invoice.id,
                     actor=actor, status=invoice.status, proposals=list(proposals))  # fmt: skip
        return InvoiceMatch(invoice, None, proposals)
    result = _match(session, invoice)
    _write(session, invoice, result)
    session.flush()
    record_event(
        session,
        "supplier_invoice.match",
        "supplier_invoice",
        invoice.id,
        actor=actor,
        status=invoice.status,
        exceptions=len(result.exceptions),
        not_invoiced=len(result.not_invoiced),
    )
    return InvoiceMatch(invoice, result)


def match_invoices_of_order(session: Session, order_id: int, *, actor: Actor | None) -> int:
    """Matches again the open invoices billing the order, after its deliveries changed (an
    invoice that came before the goods agrees once they are received); how many. Flushes."""
    require(actor, DECIDE_SUPPLIER_INVOICES)
    invoice_ids = session.scalars(
        select(SupplierInvoice.id)
        .join(SupplierInvoiceOrder, SupplierInvoiceOrder.invoice_id == SupplierInvoice.id)
        .where(
            SupplierInvoiceOrder.order_id == order_id,
            SupplierInvoice.kind == "invoice",
            SupplierInvoice.status.in_(OPEN),
        )
        .order_by(SupplierInvoice.id)
    ).all()
    for invoice_id in invoice_ids:
        match_supplier_invoice(session, invoice_id, actor=actor)
    return len(invoice_ids)


def _write(session: Session, invoice: SupplierInvoice, result: MatchResult) -> None:
    """Each line's outcome, in one statement for all the lines that changed (an invoice has
    dozens: one UPDATE each would be most of the match's time), then the invoice's status."""
    by_key = {line.key: line for line in result.lines}
    changed = []
    for line in invoice.lines:
        match = by_key[line.id]
        values = {
            "order_line_id": match.order_line,
            "outcome": match.outcome.value,
            "reason": (
                json.dumps([reason.to_data() for reason in match.reasons])
                if match.reasons
                else None
            ),
            "accepted_by_id": line.accepted_by_id if match.outcome == Outcome.ACCEPTED else None,
            "accepted_at": line.accepted_at if match.outcome == Outcome.ACCEPTED else None,
        }
        if any(getattr(line, name) != value for name, value in values.items()):
            changed.append((line, values))
    if changed:
        session.flush()
        session.execute(
            update(SupplierInvoiceLine), [{"id": line.id, **values} for line, values in changed]
        )
        # The ORM's bulk update by primary key leaves the session's objects as they were: they
        # take the values written as their database state, without a reload or a second UPDATE.
        for line, values in changed:
            for name, value in values.items():
                set_committed_value(line, name, value)
    invoice.status = result.status


def _match(session: Session, invoice: SupplierInvoice) -> MatchResult:
    """The match of an invoice linked to its orders, read from the database."""
    order_ids = [link.order_id for link in invoice.order_links]
    ordered = ordered_lines(session, order_ids, before=invoice.id)
    credits = session.scalars(
        select(SupplierInvoiceLine)
        .join(SupplierInvoice, SupplierInvoiceLine.invoice_id == SupplierInvoice.id)
        .where(
            SupplierInvoice.corrects_id == invoice.id,
            SupplierInvoice.kind == "credit_note",
            SupplierInvoice.status != "refused",
        )
        .order_by(SupplierInvoiceLine.invoice_id, SupplierInvoiceLine.position)
    ).all()
    return match_invoice(
        [invoiced_line(line) for line in invoice.lines],
        ordered,
        order_fees(session, order_ids, before=invoice.id),
        match_tolerances(session),
        credits=[invoiced_line(line) for line in credits],
    )


def invoiced_line(line: SupplierInvoiceLine) -> InvoicedLine:
    """A stored invoice line as the match reads it."""
    return InvoicedLine(
        key=line.id,
        seller_ref=line.seller_ref,
        description=line.description,
        quantity=line.quantity,
        unit_price=line.unit_price,
        vat_rate=line.vat_rate,
        line_total=line.line_total,
        kind=LineKind(line.kind),
        accepted=line.outcome == Outcome.ACCEPTED,
        unit_code=line.unit_code,
    )


def _earlier_invoices(before: int) -> list[ColumnElement[bool]]:
    """Invoices received before this one that still count (neither refused nor a credit note)."""
    return [
        SupplierInvoice.id < before,
        SupplierInvoice.kind == "invoice",
        SupplierInvoice.status != "refused",
    ]


def ordered_lines(session: Session, order_ids: Iterable[int], *, before: int) -> list[OrderedLine]:
    """The lines of the orders, each with the units received (in good order or substituted,
    as members pay for them), the offer's pack size and the units earlier invoices billed (a
    line billing by the pack counts its packs' units): two queries."""
    received = (
        select(func.sum(DeliveryLine.received + DeliveryLine.substituted))
        .where(DeliveryLine.order_line_id == PurchaseOrderLine.id)
        .scalar_subquery()
    )
    columns = (
        PurchaseOrderLine.id, PurchaseOrderLine.order_id, Offer.supplier_ref, Offer.pack_size,
        Product.name, PurchaseOrderLine.quantity, PurchaseOrderLine.unit_price,
        PurchaseOrderLine.vat_rate, received.label("received"),
    )  # fmt: skip
    rows = session.execute(
        select(*columns)
        .join(Offer, PurchaseOrderLine.offer_id == Offer.id)
        .join(Product, Offer.product_id == Product.id)
        .where(PurchaseOrderLine.order_id.in_(list(order_ids)))
        .order_by(PurchaseOrderLine.order_id, PurchaseOrderLine.id)
    ).all()
    line = SupplierInvoiceLine
    earlier = session.execute(
        select(line.order_line_id, line.quantity, line.unit_code, line.unit_price)
        .join(SupplierInvoice, line.invoice_id == SupplierInvoice.id)
        .where(line.order_line_id.in_([row.id for row in rows]), *_earlier_invoices(before))
    ).all()
    ordered: dict[int | None, tuple[Decimal, Decimal]] = {
        r.id: (r.unit_price, r.pack_size) for r in rows
    }
    invoiced: dict[int | None, Decimal] = defaultdict(lambda: ZERO)
    for key, quantity, code, price in earlier:
        invoiced[key] += quantity * units_per_invoiced(code, price, *ordered[key])
    return [
        OrderedLine(
            key=row.id,
            order_key=row.order_id,
            supplier_ref=row.supplier_ref,
            name=row.name,
            quantity=row.quantity,
            unit_price=row.unit_price,
            vat_rate=row.vat_rate,
            received=Decimal(row.received or ZERO),
            already_invoiced=invoiced[row.id],
            pack_size=row.pack_size,
        )
        for row in rows
    ]


def order_fees(session: Session, order_ids: Iterable[int], *, before: int) -> list[OrderedFee]:
    """Each order's delivery fee, and the charges earlier invoices billing it stated."""
    charged = (
        select(func.sum(SupplierInvoiceLine.line_total))
        .join(SupplierInvoice, SupplierInvoiceLine.invoice_id == SupplierInvoice.id)
        .join(SupplierInvoiceOrder, SupplierInvoiceOrder.invoice_id == SupplierInvoice.id)
        .where(
            SupplierInvoiceOrder.order_id == PurchaseOrder.id,
            SupplierInvoiceLine.kind == "charge",
            *_earlier_invoices(before),
        )
        .scalar_subquery()
    )
    rows = session.execute(
        select(PurchaseOrder.id, PurchaseOrder.delivery_fee, charged.label("charged")).where(
            PurchaseOrder.id.in_(list(order_ids))
        )
    ).all()
    return [OrderedFee(row.id, row.delivery_fee, Decimal(row.charged or ZERO)) for row in rows]


def _link_named_orders(session: Session, invoice: SupplierInvoice) -> None:
    """Links the invoice to the orders of its supplier whose numbers it names."""
    numbers = invoice.order_reference_list
    if not numbers:
        return
    orders = session.scalars(
        select(PurchaseOrder).where(
            PurchaseOrder.number.in_(numbers),
            PurchaseOrder.supplier_id == invoice.supplier_id,
            PurchaseOrder.status.in_(BILLABLE_ORDERS),
        )
    ).all()
    for order in orders:
        invoice.order_links.append(SupplierInvoiceOrder(order_id=order.id))
    session.flush()


def proposed_orders(session: Session, invoice: SupplierInvoice) -> list[int]:
    """The orders of the invoice's supplier it most likely bills (at most three, best first),
    for the lead to confirm: sent on or before the invoice's date, nearest in amount."""
    candidates = session.execute(
        select(PurchaseOrder.id, PurchaseOrder.ordered_on, PurchaseOrder.total_excl_vat).where(
            PurchaseOrder.supplier_id == invoice.supplier_id,
            PurchaseOrder.status.in_(BILLABLE_ORDERS),
        )
    ).all()
    return propose_orders(
        invoice.issue_date,
        invoice.total_without_tax,
        [OrderCandidate(key, ordered_on, total) for key, ordered_on, total in candidates],
    )


def corrected_invoice(session: Session, credit_note: SupplierInvoice) -> SupplierInvoice | None:
    """The invoice a credit note corrects: the one it is tied to, else the supplier's invoice
    whose number it names."""
    if credit_note.corrects_id is not None:
        return session.get(SupplierInvoice, credit_note.corrects_id)
    if not credit_note.corrected_number:
        return None
    return session.scalar(
        select(SupplierInvoice).where(
            SupplierInvoice.supplier_id == credit_note.supplier_id,
            SupplierInvoice.kind == "invoice",
            SupplierInvoice.number == credit_note.corrected_number,
        )
    )


def _match_credit_note(
    session: Session, credit_note: SupplierInvoice, actor: Actor | None
) -> InvoiceMatch:
    """A credit note is tied to the invoice it corrects and counts in that invoice's match;
    one that names no invoice of the supplier is an exception for the lead."""
    corrected = corrected_invoice(session, credit_note)
    if corrected is None:
        reason = json.dumps([NO_INVOICE.to_data()])
        for line in credit_note.lines:
            accepted = line.outcome == Outcome.ACCEPTED
            line.outcome = Outcome.ACCEPTED.value if accepted else Outcome.EXCEPTION.value
            line.reason = reason
        credit_note.status = "to_pay" if all(
            line.outcome == Outcome.ACCEPTED for line in credit_note.lines
        ) else "exception"  # fmt: skip
    else:
        credit_note.corrects_id = corrected.id
        for line in credit_note.lines:
            line.outcome, line.reason = Outcome.AGREES.value, None
        credit_note.status = "to_pay"
    session.flush()
    record_event(session, "supplier_invoice.match", "supplier_invoice", credit_note.id,
                 actor=actor, status=credit_note.status,
                 corrects=corrected.number if corrected else None)  # fmt: skip
    if corrected is not None and corrected.status in OPEN:
        session.expire(corrected)
        match_supplier_invoice(session, corrected.id, actor=actor)
    return InvoiceMatch(credit_note, None)


def not_invoiced_lines(session: Session, invoice: SupplierInvoice, viewer: Actor) -> list[int]:
    """The lines of the invoice's orders that no invoice of the supplier bills yet (noted
    for the lead: another invoice may bill them)."""
    require(viewer, SEE_SUPPLIER_INVOICES)
    order_ids = [link.order_id for link in invoice.order_links]
    billed = (
        select(SupplierInvoiceLine.order_line_id)
        .join(SupplierInvoice, SupplierInvoiceLine.invoice_id == SupplierInvoice.id)
        .where(SupplierInvoice.status != "refused", SupplierInvoiceLine.order_line_id.is_not(None))
    )
    return list(
        session.scalars(
            select(PurchaseOrderLine.id).where(
                PurchaseOrderLine.order_id.in_(order_ids), PurchaseOrderLine.id.not_in(billed)
            )
        )
    )
