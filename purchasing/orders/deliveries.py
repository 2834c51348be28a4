"""Deliveries: what arrived at a site for an order, line by line (received, missing, damaged,
substituted), and what follows for the members' needs, the order and the batch.

A partial delivery leaves the rest expected. Every quantity is a whole number of the product's
shipping step. The units received at a site (substitutes the site accepted included) are
shared among the site's needs in proportion to what each expects, in whole shipping steps by
largest remainder (the optimizer's fair shares); a need fully served becomes `received`, one
partly served says so. An order is received when every unit expected is
accounted for, or when the lead closes it; then each of its needs is settled: `received`, with
the difference told when it got less. The batch closes when all its orders are received.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from optimizer.allocate import fair_shares
from persistence import utcnow
from persistence.audit import Actor, record_event
from purchasing.clock import cooperative_today
from purchasing.errors import N_, Conflict, Invalid, Message
from purchasing.models import (
    Allocation,
    Batch,
    Delivery,
    DeliveryLine,
    DeliverySite,
    PurchaseOrder,
    PurchaseOrderLine,
)
from purchasing.orders.orders import allocations_of, order_by_id, sites_of
from purchasing.parsing import parse_date, parse_decimal
from purchasing.permissions import RECORD_DELIVERIES, require
from suppliers.checks import MAX_QUANTITY, fits
from suppliers.shipping import off_step

ZERO = Decimal(0)
NOTE_MAX = 2000
KINDS = ("received", "missing", "damaged", "substituted")


@dataclass(frozen=True)
class DeliveryLineValues:
    """What arrived for one order line, as typed (blank is zero)."""

    line_id: int
    received: str = ""
    missing: str = ""
    damaged: str = ""
    substituted: str = ""
    note: str = ""


@dataclass(frozen=True)
class DeliveryValues:
    site_id: int
    lines: Sequence[DeliveryLineValues]
    received_on: str = ""
    note: str = ""


def expected_units(allocation: Allocation) -> Decimal:
    """The units a need's share of whole packs comes to (a whole number of shipping steps):
    what its site should receive."""
    return allocation.quantity


def expected_by_site(session: Session, order: PurchaseOrder) -> dict[tuple[int, int], Decimal]:
    """Units expected per `(site_id, line_id)`."""
    line_of = {line.offer_id: line.id for line in order.lines}
    expected: dict[tuple[int, int], Decimal] = defaultdict(lambda: ZERO)
    for allocation in allocations_of(session, order):
        key = (allocation.need.delivery_site_id, line_of[allocation.offer_id])
        expected[key] += expected_units(allocation)
    return dict(expected)


def accounted_by_site(order: PurchaseOrder) -> dict[tuple[int, int], dict[str, Decimal]]:
    """Units already recorded per `(site_id, line_id)`, by kind."""
    done: dict[tuple[int, int], dict[str, Decimal]] = defaultdict(
        lambda: dict.fromkeys(KINDS, ZERO)
    )
    for delivery in order.deliveries:
        for line in delivery.lines:
            sums = done[(delivery.site_id, line.order_line_id)]
            for kind in KINDS:
                sums[kind] += getattr(line, kind)
    return dict(done)


def _total(sums: dict[str, Decimal]) -> Decimal:
    return sum(sums.values(), ZERO)


@dataclass(frozen=True)
class LineReception:
    """Where one order line stands at one site: units expected, and those recorded by kind."""

    line: PurchaseOrderLine
    expected: Decimal
    done: dict[str, Decimal]

    @property
    def remaining(self) -> Decimal:
        """Units still expected (never below zero: a surplus recorded with a note counts too)."""
        return max(self.expected - _total(self.done), ZERO)


@dataclass(frozen=True)
class SiteReception:
    """What an order delivers to one site, line by line."""

    site: DeliverySite
    lines: tuple[LineReception, ...]


def reception_by_site(session: Session, order: PurchaseOrder) -> list[SiteReception]:
    """For each site the order delivers to (by member, then site), each line expected there
    with the units expected and those already recorded."""
    expected = expected_by_site(session, order)
    accounted = accounted_by_site(order)
    return [
        SiteReception(
            site=site,
            lines=tuple(
                LineReception(
                    line=line,
                    expected=expected[(site.id, line.id)],
                    done=accounted.get((site.id, line.id), dict.fromkeys(KINDS, ZERO)),
                )
                for line in order.lines
                if (site.id, line.id) in expected
            ),
        )
        for site in sites_of(session, order)
    ]


def _must_be_receivable(order: PurchaseOrder) -> None:
    if order.status == "draft":
        raise Conflict(Message(N_("This order was not sent: it cannot be received yet.")))
    if order.status in ("received", "cancelled"):
        raise Conflict(Message(N_("This order is closed: nothing more can be received.")))


def record_delivery(
    session: Session,
    order_id: int,
    values: DeliveryValues,
    *,
    actor: Actor | None,
    now: datetime | None = None,
) -> Delivery:
    """Records what arrived at one site for an order. Quantities cannot be negative and are
    whole numbers of the product's shipping step; more than is still expected needs a note,
    and so does a substitute. Flushes; the caller commits."""
    require(actor, RECORD_DELIVERIES)
    order = order_by_id(session, order_id)
    _must_be_receivable(order)
    now = now or utcnow()
    expected = expected_by_site(session, order)
    accounted = accounted_by_site(order)
    errors: dict[str, Message] = {}
    sites = {site for site, _line in expected}
    if values.site_id not in sites:
        errors["site_id"] = Message(N_("This order delivers nothing to that site."))
    received_on = cooperative_today(now)
    if values.received_on.strip():
        parsed = parse_date(values.received_on)
        if parsed is None:
            errors["received_on"] = Message(N_("Enter a date as DD/MM/YYYY."))
        elif parsed > received_on:
            errors["received_on"] = Message(N_("A delivery cannot be in the future."))
        else:
            received_on = parsed
    note = " ".join(values.note.split())
    if len(note) > NOTE_MAX:
        errors["note"] = Message(
            N_("Keep the note under %(count)d characters."), {"count": NOTE_MAX}
        )
    lines_by_id = {line.id: line for line in order.lines}
    rows: list[DeliveryLine] = []
    for index, typed in enumerate(values.lines):
        line = lines_by_id.get(typed.line_id)
        if line is None:
            errors[f"lines.{index}.received"] = Message(N_("This line is not in the order."))
            continue
        amounts: dict[str, Decimal] = {}
        for kind in KINDS:
            raw = str(getattr(typed, kind) or "").strip()
            number = ZERO if raw == "" else parse_decimal(raw)
            if number is None:
                errors[f"lines.{index}.{kind}"] = Message(N_("Enter a number."))
            elif number < 0:
                errors[f"lines.{index}.{kind}"] = Message(N_("The quantity cannot be negative."))
            else:
                fits(errors, f"lines.{index}.{kind}", number, 3, MAX_QUANTITY)
                off = off_step(line.offer.product, number)
                if f"lines.{index}.{kind}" not in errors and off is not None:
                    errors[f"lines.{index}.{kind}"] = off
                if f"lines.{index}.{kind}" not in errors:
                    amounts[kind] = number
        if len(amounts) != len(KINDS):
            continue
        line_note = " ".join(typed.note.split())
        key = (values.site_id, line.id)
        remaining = expected.get(key, ZERO) - _total(accounted.get(key, dict.fromkeys(KINDS, ZERO)))
        if sum(amounts.values(), ZERO) > remaining and not (line_note or note):
            errors[f"lines.{index}.received"] = Message(
                N_("That is more than the %(count)s units still expected: add a note."),
                {"count": f"{max(remaining, ZERO).normalize():f}"},
            )
        if amounts["substituted"] > 0 and not (line_note or note):
            errors[f"lines.{index}.substituted"] = Message(
                N_("Say in a note what replaced the units ordered.")
            )
        if any(amounts.values()):
            rows.append(DeliveryLine(order_line_id=line.id, note=line_note, **amounts))
    if not errors and not rows:
        errors["lines"] = Message(N_("Enter the units that arrived for at least one line."))
    if errors:
        raise Invalid(errors)
    delivery = Delivery(
        order_id=order.id,
        site_id=values.site_id,
        received_on=received_on,
        note=note,
        recorded_by_id=actor.id if actor is not None else None,
        recorded_at=now,
        lines=rows,
    )
    order.deliveries.append(delivery)
    session.flush()
    complete = _apply(session, order, expected)
    record_event(
        session,
        "delivery.record",
        "purchase_order",
        order.id,
        actor=actor,
        number=order.number,
        delivery=delivery.id,
        site=values.site_id,
        lines={
            str(row.order_line_id): {kind: str(getattr(row, kind)) for kind in KINDS}
            for row in rows
        },
        note=note,
    )
    if complete:
        _close(session, order, actor, now, by_lead=False)
    return delivery


def close_order(
    session: Session, order_id: int, *, actor: Actor | None, now: datetime | None = None
) -> PurchaseOrder:
    """The lead closes an order although units are still expected: nothing more will come,
    and each need is settled with what it received. Flushes; the caller commits."""
    require(actor, RECORD_DELIVERIES)
    order = order_by_id(session, order_id)
    _must_be_receivable(order)
    _apply(session, order, expected_by_site(session, order))
    _close(session, order, actor, now or utcnow(), by_lead=True)
    return order


def _apply(
    session: Session, order: PurchaseOrder, expected: dict[tuple[int, int], Decimal]
) -> bool:
    """Shares the units received at each site among its needs and moves the needs on;
    returns whether everything expected is accounted for."""
    accounted = accounted_by_site(order)
    line_of = {line.offer_id: line.id for line in order.lines}
    by_key: dict[tuple[int, int], list[Allocation]] = defaultdict(list)
    for allocation in allocations_of(session, order):
        key = (allocation.need.delivery_site_id, line_of[allocation.offer_id])
        by_key[key].append(allocation)
    for key, allocations in by_key.items():
        sums = accounted.get(key, dict.fromkeys(KINDS, ZERO))
        # Every unit expected at the site is accounted for: nothing more will come there.
        settled = _total(sums) >= expected.get(key, ZERO)
        shares = received_shares(sums["received"] + sums["substituted"], allocations)
        for allocation, got in zip(allocations, shares, strict=True):
            allocation.received_quantity = got
            if got >= expected_units(allocation) or settled:
                _settle(allocation)
            elif got > 0:
                allocation.need.status_reason = N_("partly received")
    session.flush()
    return all(
        _total(accounted.get(key, dict.fromkeys(KINDS, ZERO))) >= units
        for key, units in expected.items()
    )


def received_shares(arrived: Decimal, allocations: Sequence[Allocation]) -> list[Decimal]:
    """The units that arrived at a site for one line, shared among its needs' allocations in
    proportion to the units each expects, in whole shipping steps by largest remainder: each
    within what it expects while fewer arrived, the surplus in the same proportion when more
    did. They add up to what arrived."""
    if not allocations:
        return []
    step = allocations[0].offer.product.shipping_step
    due = [expected_units(allocation) for allocation in allocations]
    surplus = max(arrived - sum(due, ZERO), ZERO)
    ids = [str(allocation.need_id) for allocation in allocations]
    return fair_shares(arrived, due, [units + surplus for units in due], ids, step)


def _settle(allocation: Allocation) -> None:
    """Nothing more will come for the need: it is received, in part when it got less (the
    member is told the difference), or not delivered at all."""
    need = allocation.need
    got = allocation.received_quantity or ZERO
    if got <= 0:
        need.status = "unfulfilled"
        need.status_reason = N_("not delivered")
    else:
        need.status = "received"
        need.status_reason = "" if got >= expected_units(allocation) else N_("partly received")


def _close(
    session: Session, order: PurchaseOrder, actor: Actor | None, now: datetime, *, by_lead: bool
) -> None:
    order.status = "received"
    order.received_at = now
    order.closed_by_id = actor.id if actor is not None and by_lead else None
    for allocation in allocations_of(session, order):
        _settle(allocation)
    session.flush()
    record_event(
        session,
        "order.close" if by_lead else "order.received",
        "purchase_order",
        order.id,
        actor=actor,
        number=order.number,
    )
    batch = session.get(Batch, order.batch_id)
    assert batch is not None
    still_open = session.scalar(
        select(PurchaseOrder.id).where(
            PurchaseOrder.batch_id == batch.id,
            PurchaseOrder.status.not_in(("received", "cancelled")),
        )
    )
    if still_open is None and batch.status in ("approved", "ordered"):
        batch.status = "closed"
        session.flush()
        record_event(session, "batch.close", "batch", batch.id, actor=actor)
