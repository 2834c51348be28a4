"""The supplier's answer to a purchase order, without an account: the e-mail carries a signed,
expiring link to a page where the supplier confirms the order or says what it can deliver.

The link names the order's number and carries a token signed with the application's secret
(`itsdangerous`), holding the order's id, number and a nonce kept on the order. A link whose
signature does not match (tampered), whose time is up (expired), whose number is not the one
in the token (a changed order number) or whose order has already been answered (reused) is
refused, and nothing changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from persistence import utcnow
from persistence.audit import Process, record_event
from purchasing.errors import N_, Invalid, Message, Refused
from purchasing.models import PurchaseOrder
from purchasing.orders.orders import order_by_id
from purchasing.parsing import parse_date, parse_decimal
from suppliers.shipping import off_step

SALT = "coachat.purchase-order.answer"
LINK_VALID_FOR = timedelta(days=30)
NOTE_MAX = 2000
SUPPLIER = Process("supplier")


class LinkRefused(Refused):
    """A supplier's link that cannot be used: tampered, expired, reused or for another order."""


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=SALT)


def answer_token(order: PurchaseOrder, secret: str) -> str:
    """The signed token of the order's answer link."""
    return str(_serializer(secret).dumps({"o": order.id, "n": order.number, "k": order.link_nonce}))


def link_expires_on(sent: datetime) -> date:
    return (sent + LINK_VALID_FOR).date()


def order_for_link(
    session: Session,
    number: str,
    token: str,
    secret: str,
    *,
    max_age: timedelta = LINK_VALID_FOR,
    answering: bool = True,
) -> PurchaseOrder:
    """The order a supplier's link is for; `LinkRefused` when the link cannot be used.
    `answering=False` reads an order already answered (to show the supplier its answer)."""
    serializer = _serializer(secret)
    try:
        payload = serializer.loads(token, max_age=int(max_age.total_seconds()))
    except SignatureExpired:
        raise LinkRefused(
            Message(N_("This link has expired. Ask the cooperative for a new one."))
        ) from None
    except BadSignature:
        raise LinkRefused(Message(N_("This link is not valid."))) from None
    if not isinstance(payload, dict) or payload.get("n") != number:
        raise LinkRefused(Message(N_("This link is not valid.")))
    try:
        order = order_by_id(session, int(payload["o"]))
    except (Refused, KeyError, TypeError, ValueError):
        raise LinkRefused(Message(N_("This link is not valid."))) from None
    if order.number != number or order.link_nonce != payload.get("k"):
        raise LinkRefused(Message(N_("This link is not valid.")))
    if order.status not in ("sent", "confirmed"):
        raise LinkRefused(Message(N_("This order is not waiting for your answer.")))
    if answering and order.supplier_answer:
        raise LinkRefused(
            Message(N_("This order was already answered on %(date)s."), {"date": _day(order)})
        )
    return order


def _day(order: PurchaseOrder) -> str:
    return order.answered_at.strftime("%d/%m/%Y") if order.answered_at else ""


def confirm_order(
    session: Session, number: str, token: str, secret: str, *, now: datetime | None = None
) -> PurchaseOrder:
    """The supplier confirms the order as sent. Flushes; the caller commits."""
    order = order_for_link(session, number, token, secret)
    order.supplier_answer = "confirmed"
    order.answered_at = now or utcnow()
    order.status = "confirmed"
    session.flush()
    record_event(
        session,
        "order.confirm",
        "purchase_order",
        order.id,
        actor=SUPPLIER,
        number=order.number,
        supplier=order.supplier.name,
    )
    return order


@dataclass(frozen=True)
class ChangeValues:
    """What the supplier says it can deliver: units per order line (by line id, as typed),
    the date, and a note."""

    quantities: Mapping[int, str]
    delivery_date: str = ""
    note: str = ""


def propose_change(
    session: Session,
    number: str,
    token: str,
    secret: str,
    values: ChangeValues,
    *,
    now: datetime | None = None,
) -> PurchaseOrder:
    """The supplier states what it can deliver instead: each line's units (never more than
    ordered, a whole number of the product's shipping step) and a date. The lead accepts or
    refuses the change on the batch page. Flushes; the caller commits."""
    order = order_for_link(session, number, token, secret)
    errors: dict[str, Message] = {}
    proposed: dict[int, Decimal] = {}
    for index, line in enumerate(order.lines):
        raw = str(values.quantities.get(line.id, "")).strip()
        field = f"lines.{index}.quantity"
        if raw == "":
            proposed[line.id] = line.quantity
            continue
        quantity = parse_decimal(raw)
        if quantity is None:
            errors[field] = Message(N_("Enter a number."))
            continue
        if quantity < 0:
            errors[field] = Message(N_("The quantity cannot be negative."))
        elif quantity > line.quantity:
            errors[field] = Message(
                N_("You cannot deliver more than the %(count)s units ordered."),
                {"count": f"{line.quantity.normalize():f}"},
            )
        elif (off := off_step(line.offer.product, quantity)) is not None:
            errors[field] = off
        else:
            proposed[line.id] = quantity
    when: date | None = None
    if values.delivery_date.strip():
        when = parse_date(values.delivery_date)
        if when is None:
            errors["delivery_date"] = Message(N_("Enter a date as DD/MM/YYYY."))
        elif when < order.ordered_on:
            errors["delivery_date"] = Message(N_("The date cannot be before the order."))
    note = " ".join(values.note.split())
    if len(note) > NOTE_MAX:
        errors["note"] = Message(
            N_("Keep the note under %(count)d characters."), {"count": NOTE_MAX}
        )
    unchanged = all(proposed.get(line.id) == line.quantity for line in order.lines)
    if not errors and unchanged and (when is None or when == order.expected_on):
        errors["note"] = Message(N_("Nothing differs from the order: confirm it instead."))
    if errors:
        raise Invalid(errors)
    for line in order.lines:
        line.proposed_quantity = proposed[line.id]
    order.proposed_date = when
    order.supplier_note = note
    order.supplier_answer = "changed"
    order.answered_at = now or utcnow()
    session.flush()
    record_event(
        session,
        "order.change",
        "purchase_order",
        order.id,
        actor=SUPPLIER,
        number=order.number,
        supplier=order.supplier.name,
        quantities={str(k): str(v) for k, v in proposed.items()},
        date=when.isoformat() if when else None,
        note=note,
    )
    return order
