"""Purchase orders: made from an approved batch (one per supplier), numbered without gaps per
calendar year, priced with the VAT of each product's category, and marked sent.

Numbers come from the `BC` series of `persistence.numbering` (one counter row per series and
year, locked in the approval's transaction): two approvals at once take consecutive numbers, and
an approval rolled back gives its numbers back. The unique number (and year, sequence) is the
backstop.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from infrastructure.order_documents import Totals, VatRow
from optimizer.allocate import fair_shares
from persistence import utcnow
from persistence.audit import Actor, record_event
from persistence.numbering import next_number
from persistence.pages import Page, paginate
from purchasing.clock import cooperative_today
from purchasing.errors import N_, Conflict, Invalid, Message, NotFound
from purchasing.models import (
    Allocation,
    Batch,
    DeliverySite,
    Need,
    PurchaseOrder,
    PurchaseOrderLine,
)
from purchasing.permissions import ANSWER_SUPPLIER, SEND_ORDERS, SET_VAT_RATES, require
from purchasing.results import read_result
from suppliers.models import Category, Offer, Product

CENT = Decimal("0.01")
ZERO = Decimal(0)
VAT_RATES = (Decimal("0.20"), Decimal("0.10"), Decimal("0.055"), Decimal("0.021"))
# Delivery is a service charged at the standard rate.
DELIVERY_VAT_RATE = Decimal("0.20")


def to_cents(amount: Decimal) -> Decimal:
    """Rounded to the cent, halves away from zero, as invoices are."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


ORDER_SERIES = "BC"


def order_number(year: int, sequence: int) -> str:
    return f"{ORDER_SERIES}-{year}-{sequence:04d}"


def totals_of(lines: list[tuple[Decimal, Decimal]], delivery_fee: Decimal) -> Totals:
    """Totals from `(line_total, vat_rate)` pairs and the delivery fee. Each line is already
    rounded; VAT is computed once per rate on the sum of its bases, so the figures printed
    add up to the cent."""
    bases: dict[Decimal, Decimal] = defaultdict(lambda: ZERO)
    for line_total, rate in lines:
        bases[rate.normalize()] += line_total
    if delivery_fee:
        bases[DELIVERY_VAT_RATE.normalize()] += delivery_fee
    goods = sum((total for total, _rate in lines), ZERO)
    rows = tuple(
        VatRow(rate=rate, base=base, vat=to_cents(base * rate))
        for rate, base in sorted(bases.items(), reverse=True)
    )
    excl = goods + delivery_fee
    return Totals(
        goods=goods,
        delivery_fee=delivery_fee,
        excl_vat=excl,
        vat=rows,
        incl_vat=excl + sum((row.vat for row in rows), ZERO),
    )


def order_totals(order: PurchaseOrder) -> Totals:
    return totals_of([(line.line_total, line.vat_rate) for line in order.lines], order.delivery_fee)


def _reprice(order: PurchaseOrder) -> None:
    for line in order.lines:
        line.line_total = to_cents(line.quantity * line.unit_price)
    totals = order_totals(order)
    order.total_excl_vat = totals.excl_vat
    order.total_incl_vat = totals.incl_vat


def create_orders(
    session: Session,
    batch: Batch,
    result: Mapping[str, Any],
    *,
    actor: Actor | None,
    now: datetime | None = None,
) -> list[PurchaseOrder]:
    """Makes the approved batch's purchase orders from its chosen scenario: one per supplier,
    with its lines at the tier the pool reached, its delivery fee, and the date it is expected
    (the order day plus the longest lead time). Idempotent: a batch that has orders gets no
    more. Flushes; the caller commits."""
    require(actor, SEND_ORDERS)
    existing = list(
        session.scalars(select(PurchaseOrder).where(PurchaseOrder.batch_id == batch.id))
    )
    if existing:
        return existing
    today = cooperative_today(now or utcnow())
    planned = read_result(result).orders
    offer_ids = {int(line.offer) for o in planned for line in o.lines}
    offers = {
        offer.id: offer
        for offer in session.scalars(
            select(Offer)
            .where(Offer.id.in_(offer_ids))
            .options(selectinload(Offer.product).selectinload(Product.category))
        )
    }
    made = []
    for planned_order in sorted(planned, key=lambda o: int(o.supplier)):
        lines = [line for line in planned_order.lines if int(line.offer) in offers]
        if not lines:
            continue
        sequence = next_number(session, ORDER_SERIES, today.year)
        lead = max(offers[int(line.offer)].lead_time_days for line in lines)
        order = PurchaseOrder(
            number=order_number(today.year, sequence),
            year=today.year,
            sequence=sequence,
            batch_id=batch.id,
            supplier_id=int(planned_order.supplier),
            status="draft",
            ordered_on=today,
            expected_on=today + timedelta(days=lead),
            delivery_fee=to_cents(planned_order.fee + planned_order.delivery),
            link_nonce=secrets.token_hex(8),
        )
        for line in sorted(lines, key=lambda line: int(line.offer)):
            offer = offers[int(line.offer)]
            order.lines.append(
                PurchaseOrderLine(
                    offer_id=offer.id,
                    quantity=line.quantity,
                    packs=line.packs,
                    unit_price=line.unit_price,
                    vat_rate=offer.product.category.vat_rate,
                    line_total=ZERO,
                )
            )
        _reprice(order)
        session.add(order)
        made.append(order)
    session.flush()
    for order in made:
        record_event(
            session,
            "order.create",
            "purchase_order",
            order.id,
            actor=actor,
            number=order.number,
            batch=batch.id,
            total_excl_vat=str(order.total_excl_vat),
        )
    return made


def order_by_id(session: Session, order_id: int) -> PurchaseOrder:
    """The purchase order with its lines; `NotFound` when there is none."""
    order = session.scalar(
        select(PurchaseOrder)
        .where(PurchaseOrder.id == order_id)
        .options(
            selectinload(PurchaseOrder.lines)
            .selectinload(PurchaseOrderLine.offer)
            .selectinload(Offer.product),
            selectinload(PurchaseOrder.supplier),
        )
    )
    if order is None:
        raise NotFound(Message(N_("No such purchase order.")))
    return order


def order_by_number(session: Session, number: str) -> PurchaseOrder:
    found = session.scalar(select(PurchaseOrder.id).where(PurchaseOrder.number == number))
    if found is None:
        raise NotFound(Message(N_("No such purchase order.")))
    return order_by_id(session, found)


def _orders_query(
    batch_id: int | None = None, supplier_id: int | None = None, status: str | None = None
) -> Select[PurchaseOrder]:
    query = (
        select(PurchaseOrder)
        .options(selectinload(PurchaseOrder.supplier), selectinload(PurchaseOrder.emails))
        .order_by(PurchaseOrder.year.desc(), PurchaseOrder.sequence.desc())
    )
    if batch_id is not None:
        query = query.where(PurchaseOrder.batch_id == batch_id)
    if supplier_id is not None:
        query = query.where(PurchaseOrder.supplier_id == supplier_id)
    if status:
        query = query.where(PurchaseOrder.status == status)
    return query


def orders(session: Session, batch_id: int | None = None) -> list[PurchaseOrder]:
    """Purchase orders, newest first (those of one batch when `batch_id` is given)."""
    return list(session.scalars(_orders_query(batch_id)))


def orders_page(
    session: Session,
    *,
    batch_id: int | None = None,
    supplier_id: int | None = None,
    status: str | None = None,
    page: int = 1,
    per_page: int = 20,
) -> Page[PurchaseOrder]:
    """A page of the purchase orders, newest first: all of them, or those of one batch, one
    supplier or one status."""
    return paginate(session, _orders_query(batch_id, supplier_id, status), page, per_page)


def allocations_of(session: Session, order: PurchaseOrder) -> list[Allocation]:
    """The members' allocations an order serves, in need order."""
    offer_ids = [line.offer_id for line in order.lines]
    return list(
        session.scalars(
            select(Allocation)
            .where(Allocation.batch_id == order.batch_id, Allocation.offer_id.in_(offer_ids))
            .options(
                selectinload(Allocation.need).selectinload(Need.delivery_site),
                selectinload(Allocation.need).selectinload(Need.member),
            )
            .order_by(Allocation.need_id, Allocation.offer_id)
        )
    )


def expected_at_sites(session: Session, order: PurchaseOrder) -> dict[int, dict[int, Decimal]]:
    """Units of each order line expected at each site: `{site_id: {line_id: units}}`, from the
    members' shares of whole packs."""
    line_of = {line.offer_id: line for line in order.lines}
    expected: dict[int, dict[int, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for allocation in allocations_of(session, order):
        line = line_of[allocation.offer_id]
        units = allocation.quantity
        expected[allocation.need.delivery_site_id][line.id] += units
    return {site: dict(lines) for site, lines in expected.items()}


def sites_of(session: Session, order: PurchaseOrder) -> list[DeliverySite]:
    ids = set(expected_at_sites(session, order))
    return list(
        session.scalars(
            select(DeliverySite)
            .where(DeliverySite.id.in_(ids))
            .options(selectinload(DeliverySite.member))
            .order_by(DeliverySite.member_id, DeliverySite.id)
        )
    )


def read_vat_rate(raw: object) -> Decimal:
    """A VAT rate typed as a percentage ("20", "5,5", "2.1 %"); `Invalid` on `vat_rate` when it
    is not one of the French rates."""
    text = str(raw or "").replace("%", "").replace(",", ".").strip()
    try:
        rate = (Decimal(text) / 100).normalize()
    except ArithmeticError:
        rate = Decimal(-1)
    if rate not in {r.normalize() for r in VAT_RATES}:
        raise Invalid(
            {"vat_rate": Message(N_("Choose a VAT rate among 20 %, 10 %, 5.5 % and 2.1 %."))}
        )
    return rate


def set_vat_rate(
    session: Session, category_id: int, raw_rate: object, *, actor: Actor | None
) -> Category:
    """The lead sets a category's VAT rate; the lines of orders not yet sent follow it.
    Flushes; the caller commits."""
    require(actor, SET_VAT_RATES)
    rate = read_vat_rate(raw_rate)
    category = session.get(Category, category_id)
    if category is None:
        raise NotFound(Message(N_("No such category.")))
    before = category.vat_rate
    category.vat_rate = rate
    drafts = session.scalars(
        select(PurchaseOrder)
        .join(PurchaseOrderLine)
        .join(Offer, Offer.id == PurchaseOrderLine.offer_id)
        .join(Product, Product.id == Offer.product_id)
        .where(PurchaseOrder.status == "draft", Product.category_id == category.id)
        .distinct()
    )
    for order in drafts:
        for line in order.lines:
            if line.offer.product.category_id == category.id:
                line.vat_rate = rate
        _reprice(order)
    session.flush()
    record_event(
        session,
        "category.vat_rate",
        "category",
        category.id,
        actor=actor,
        before=str(before),
        after=str(rate),
    )
    return category


def categories(session: Session) -> list[Category]:
    return list(session.scalars(select(Category).order_by(Category.name)))


def mark_sent(
    session: Session,
    order: PurchaseOrder,
    *,
    actor: Actor | None,
    now: datetime | None = None,
    by_hand: bool = False,
) -> bool:
    """The order has gone to the supplier: it becomes `sent`, its members' needs `ordered`,
    and its batch `ordered` once all its orders are, and it is issued (its PDF and CSV kept as
    they are now, unless the e-mail that sent it kept the ones it carried). Returns False when
    it was sent already (nothing changes). Flushes; the caller commits."""
    # Imported here: the order's document is drawn from this module's reads.
    from purchasing.orders.order_document import issue_order

    if order.status != "draft":
        return False
    when = now or utcnow()
    issue_order(session, order, now=when)
    order.status = "sent"
    order.sent_at = when
    order.sent_by_id = actor.id if actor is not None else None
    for allocation in allocations_of(session, order):
        if allocation.need.status == "allocated":
            allocation.need.status = "ordered"
    session.flush()
    batch = session.get(Batch, order.batch_id)
    assert batch is not None
    unsent = session.scalar(
        select(PurchaseOrder.id).where(
            PurchaseOrder.batch_id == batch.id, PurchaseOrder.status == "draft"
        )
    )
    if unsent is None and batch.status == "approved":
        batch.status = "ordered"
    session.flush()
    record_event(
        session,
        "order.sent_by_hand" if by_hand else "order.sent",
        "purchase_order",
        order.id,
        actor=actor,
        number=order.number,
    )
    return True


def mark_sent_by_hand(
    session: Session, order_id: int, *, actor: Actor | None, now: datetime | None = None
) -> PurchaseOrder:
    """The lead sent the order without coachat's e-mail (downloaded and sent it): it is
    recorded as sent. Refused when it was sent already."""
    require(actor, SEND_ORDERS)
    order = order_by_id(session, order_id)
    if not mark_sent(session, order, actor=actor, now=now, by_hand=True):
        raise Conflict(Message(N_("This purchase order was already sent.")))
    return order


def accept_change(session: Session, order_id: int, *, actor: Actor | None) -> PurchaseOrder:
    """The lead accepts what the supplier said it can deliver: each changed line takes the
    quantity proposed, at the tier that quantity reaches, and the members' shares of it are
    cut in proportion, in whole shipping steps, and re-priced (goods, fee and delivery shares
    to the cent)."""
    require(actor, ANSWER_SUPPLIER)
    order = order_by_id(session, order_id)
    if order.supplier_answer != "changed":
        raise Conflict(Message(N_("The supplier proposed no change to this order.")))
    allocations = allocations_of(session, order)
    with session.no_autoflush:  # a share cut to nothing is deleted, never written as zero
        for line in order.lines:
            if line.proposed_quantity is None or line.proposed_quantity == line.quantity:
                continue
            shares = [a for a in allocations if a.offer_id == line.offer_id]
            _cut_shares(shares, line.proposed_quantity, line.offer.product.shipping_step)
            line.quantity = line.proposed_quantity
            pack = line.offer.pack_size
            line.packs = int((line.quantity / pack).to_integral_value(rounding="ROUND_CEILING"))
            line.unit_price = line.offer.unit_price_for(line.quantity) if line.quantity else ZERO
            for share in shares:
                share.unit_price = line.unit_price
                share.goods_total = to_cents(share.quantity * line.unit_price)
        if order.proposed_date is not None:
            order.expected_on = order.proposed_date
        _reprice(order)
        gone = [a for a in allocations if a.quantity <= 0]
        for allocation in gone:
            # nothing of this order comes for the need: its share goes (an allocation holds units)
            allocations.remove(allocation)
            allocation.need.status_reason = N_("the supplier cannot deliver it")
            session.delete(allocation)
    session.flush()
    for allocation in gone:
        other = select(Allocation.id).where(
            Allocation.need_id == allocation.need_id, Allocation.batch_id == order.batch_id
        )
        if session.scalar(other) is None:
            allocation.need.status = "unfulfilled"
    _share_fee(allocations, order.delivery_fee)
    order.supplier_answer = "change_accepted"
    order.status = "confirmed" if order.status == "sent" else order.status
    session.flush()
    record_event(
        session,
        "order.change_accept",
        "purchase_order",
        order.id,
        actor=actor,
        number=order.number,
        total_excl_vat=str(order.total_excl_vat),
    )
    return order


def refuse_change(session: Session, order_id: int, *, actor: Actor | None) -> PurchaseOrder:
    """The lead keeps the order as sent; the supplier's proposal stays on record."""
    require(actor, ANSWER_SUPPLIER)
    order = order_by_id(session, order_id)
    if order.supplier_answer != "changed":
        raise Conflict(Message(N_("The supplier proposed no change to this order.")))
    order.supplier_answer = "change_refused"
    session.flush()
    record_event(
        session, "order.change_refuse", "purchase_order", order.id, actor=actor, number=order.number
    )
    return order


def _cut_shares(shares: list[Allocation], after: Decimal, step: Decimal) -> None:
    """Cuts the members' units of a line to the `after` units the supplier delivers: shared in
    proportion to what each was allocated, each within it, in whole shipping steps by largest
    remainder (the optimizer's fair shares, ties in an order drawn from the needs' ids), so
    that the shares add up to `after`."""
    asked = [share.quantity for share in shares]
    cut = fair_shares(after, asked, asked, [str(share.need_id) for share in shares], step)
    for share, units in zip(shares, cut, strict=True):
        if share.quantity:
            share.packs = share.packs * units / share.quantity
        share.quantity = units


def _share_fee(allocations: list[Allocation], fee: Decimal) -> None:
    """Shares the order's delivery fee among its allocations in proportion to their goods,
    to the cent, the cents left to the largest remainders."""
    goods = sum((a.goods_total for a in allocations), ZERO)
    if goods <= 0:
        for a in allocations:
            a.fee_share = ZERO
            a.delivery_share = ZERO
        return
    exact = [fee * a.goods_total / goods for a in allocations]
    cents = [e.quantize(CENT, rounding="ROUND_FLOOR") for e in exact]
    rest = int((fee - sum(cents, ZERO)) / CENT)
    ranked = sorted(range(len(exact)), key=lambda i: (-(exact[i] - cents[i]), i))
    for i in ranked[:rest]:
        cents[i] += CENT
    for allocation, share in zip(allocations, cents, strict=True):
        allocation.fee_share = share
        allocation.delivery_share = ZERO
