"""The path of each of a member's needs on its dashboard: the dates it went through, the unit
price the group reached, the goods it pays for and what it pays with its share of fees and
delivery, by the statement's own rule (`statements.settled`)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from purchasing.models import Allocation, Batch, Need, PurchaseOrder, Round
from purchasing.orders.deliveries import expected_units
from purchasing.statements.statements import ZERO, cents, settled


@dataclass(frozen=True)
class NeedPath:
    """The dates a need went through: submitted → pooled → allocated → ordered → received; the
    unit price reached, the goods paid for and what is `paid` with the need's share of fees
    and delivery."""

    submitted: datetime | None
    pooled: datetime | None
    allocated: datetime | None
    ordered: datetime | None
    received: date | None
    ordered_units: Decimal | None
    received_units: Decimal | None
    unit_price: Decimal | None
    paid: Decimal | None
    goods: Decimal | None


def _goods_paid(allocation: Allocation) -> Decimal:
    """What the member pays for the goods of one allocation: those received once some came."""
    due = expected_units(allocation)
    if not settled(allocation, None) or due <= 0:
        return allocation.goods_total
    units = min(allocation.received_quantity or ZERO, due)
    return cents(allocation.goods_total * units / due)


def _paid(allocation: Allocation) -> Decimal:
    """What the member pays for one allocation: its goods, and its share of fees and delivery."""
    return _goods_paid(allocation) + allocation.fee_share + allocation.delivery_share


def need_paths(session: Session, needs: list[Need]) -> dict[int, NeedPath]:
    """Each need's path with its dates, the price reached and what the member pays for it."""
    ids = [need.id for need in needs]
    if not ids:
        return {}
    allocations: dict[int, list[Allocation]] = defaultdict(list)
    for allocation in session.scalars(
        select(Allocation)
        .where(Allocation.need_id.in_(ids))
        .options(
            # Only the dates: a batch's problem and results are large and not needed here.
            selectinload(Allocation.batch).load_only(
                Batch.id, Batch.status, Batch.decided_at, Batch.version
            ),
            selectinload(Allocation.offer),
        )
    ):
        allocations[allocation.need_id].append(allocation)
    batch_ids = {a.batch_id for rows in allocations.values() for a in rows}
    orders: dict[tuple[int, int], PurchaseOrder] = {}
    batches_orders = (
        session.scalars(
            select(PurchaseOrder)
            .where(PurchaseOrder.batch_id.in_(batch_ids))
            .options(selectinload(PurchaseOrder.lines), selectinload(PurchaseOrder.deliveries))
        )
        if batch_ids
        else ()
    )
    for order in batches_orders:
        for line in order.lines:
            orders[(order.batch_id, line.offer_id)] = order
    # The open round is usually in the session already: `get` reads it without a query.
    rounds = {
        round_id: session.get(Round, round_id)
        for round_id in {n.round_id for n in needs if n.round_id}
    }
    paths = {}
    for need in needs:
        rows = allocations.get(need.id, [])
        pooled_round = rounds.get(need.round_id) if need.round_id else None
        batch = rows[0].batch if rows else None
        need_orders = [
            orders[(a.batch_id, a.offer_id)] for a in rows if (a.batch_id, a.offer_id) in orders
        ]
        sent = [o.sent_at for o in need_orders if o.sent_at]
        delivered = [d.received_on for o in need_orders for d in o.deliveries]
        received_units = (
            sum((a.received_quantity or ZERO for a in rows), ZERO)
            if any(a.received_quantity is not None for a in rows)
            else None
        )
        paths[need.id] = NeedPath(
            submitted=need.created_at,
            pooled=pooled_round.closed_at if pooled_round else None,
            allocated=batch.decided_at if batch else None,
            ordered=min(sent) if sent else None,
            received=max(delivered) if delivered and need.status == "received" else None,
            ordered_units=sum((expected_units(a) for a in rows), ZERO) if rows else None,
            received_units=received_units,
            unit_price=rows[0].unit_price if rows else None,
            paid=sum((_paid(a) for a in rows), ZERO) if rows else None,
            goods=sum((_goods_paid(a) for a in rows), ZERO) if rows else None,
        )
    return paths
