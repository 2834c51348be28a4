"""Deliveries of a purchase order, for leads: what each site expects and has recorded, line by
line, and recording what arrived at a site (received, missing, damaged, substituted)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from functools import wraps
from typing import Any

from marshmallow import Schema, fields, validate

from money.supplier_matching import match_invoices_of_order
from purchasing.models import ORDER_STATUSES, Delivery
from purchasing.orders.deliveries import (
    KINDS,
    NOTE_MAX,
    DeliveryLineValues,
    DeliveryValues,
    LineReception,
    reception_by_site,
    record_delivery,
)
from purchasing.orders.orders import order_by_id
from web import db
from web.api import ID, answers, blueprint
from web.api.auth import caller, leads_only
from web.api.schemas import DecimalString, Id

TAGS = ["deliveries"]
MAX_LINES = 500


class ExpectedLineSchema(Schema):
    """Units of one order line expected at the site, and those recorded so far by kind."""

    line_id = fields.Integer(required=True)
    product = fields.String(required=True)
    unit = fields.String(required=True)
    expected = DecimalString(places=3, required=True)
    received = DecimalString(places=3, required=True)
    missing = DecimalString(places=3, required=True)
    damaged = DecimalString(places=3, required=True)
    substituted = DecimalString(places=3, required=True)
    remaining = DecimalString(places=3, required=True)


def _expected_row(row: LineReception) -> dict[str, Any]:
    product = row.line.offer.product
    return {
        "line_id": row.line.id,
        "product": product.name,
        "unit": product.unit,
        "expected": row.expected,
        "remaining": row.remaining,
        **row.done,
    }


class SiteReceptionSchema(Schema):
    site_id = fields.Integer(required=True)
    site = fields.String(required=True)
    member_id = fields.Integer(required=True)
    member = fields.String(required=True)
    lines = fields.List(fields.Nested(ExpectedLineSchema), required=True)


class DeliveryLineSchema(Schema):
    line_id = fields.Integer(required=True, attribute="order_line_id")
    product = fields.String(required=True, attribute="order_line.offer.product.name")
    received = DecimalString(places=3, required=True)
    missing = DecimalString(places=3, required=True)
    damaged = DecimalString(places=3, required=True)
    substituted = DecimalString(places=3, required=True)
    note = fields.String(required=True)


class DeliverySchema(Schema):
    """What arrived at one site for the order, as the lead recorded it."""

    id = fields.Integer(required=True)
    order_id = fields.Integer(required=True)
    site_id = fields.Integer(required=True)
    received_on = fields.Date(required=True)
    note = fields.String(required=True)
    recorded_by_id = fields.Integer(required=True, allow_none=True)
    recorded_at = fields.DateTime(required=True)
    lines = fields.List(fields.Nested(DeliveryLineSchema), required=True)
    order_status = fields.String(
        required=True,
        attribute="order.status",
        metadata={
            "enum": list(ORDER_STATUSES),
            "description": "`received` once every unit expected is accounted for.",
        },
    )


class DeliveriesSchema(Schema):
    """Where the order's deliveries stand: each site's lines, and the deliveries recorded."""

    order_id = fields.Integer(required=True)
    order_status = fields.String(required=True, metadata={"enum": list(ORDER_STATUSES)})
    sites = fields.List(fields.Nested(SiteReceptionSchema), required=True)
    deliveries = fields.List(fields.Nested(DeliverySchema), required=True)


class DeliveryLineIn(Schema):
    """Units of one order line that arrived, by kind (left out is zero)."""

    line_id = Id(required=True, metadata={"description": "The order line (`lines[].id`)."})
    received = DecimalString(metadata={"description": "In good order.", "examples": ["20"]})
    missing = DecimalString()
    damaged = DecimalString()
    substituted = DecimalString(metadata={"description": "Replaced by another product: say how."})
    note = fields.String(validate=validate.Length(max=NOTE_MAX))


class DeliveryIn(Schema):
    """What arrived at one site. More than is still expected, or a substitute, needs a note
    (on the line or the delivery)."""

    site_id = Id(required=True)
    received_on = fields.Date(metadata={"description": "Today when left out; not later."})
    note = fields.String(validate=validate.Length(max=NOTE_MAX))
    lines = fields.List(
        fields.Nested(DeliveryLineIn), required=True, validate=validate.Length(max=MAX_LINES)
    )


def _order_first(view: Callable[..., Any]) -> Callable[..., Any]:
    """An order that does not exist is not found (404) before the delivery is read (422)."""

    @wraps(view)
    def guarded(*args: Any, order_id: int, **kwargs: Any) -> Any:
        order_by_id(db.session(), order_id)
        return view(*args, order_id=order_id, **kwargs)

    return guarded


def _text(number: Decimal | None) -> str:
    return "" if number is None else f"{number:f}"


@blueprint.route(f"/orders/<{ID}:order_id>/deliveries", tags=TAGS)
@leads_only
@blueprint.response(200, DeliveriesSchema)
def list_deliveries(order_id: int) -> dict[str, Any]:
    """What each site expects of the order, line by line, with what was recorded, and every
    delivery recorded, oldest first."""
    session = db.session()
    order = order_by_id(session, order_id)
    return {
        "order_id": order.id,
        "order_status": order.status,
        "sites": [
            {
                "site_id": place.site.id,
                "site": place.site.name,
                "member_id": place.site.member_id,
                "member": place.site.member.name,
                "lines": [_expected_row(row) for row in place.lines],
            }
            for place in reception_by_site(session, order)
        ],
        "deliveries": order.deliveries,
    }


@blueprint.route(f"/orders/<{ID}:order_id>/deliveries", methods=["POST"], tags=TAGS)
@leads_only
@_order_first
@blueprint.arguments(DeliveryIn)
@blueprint.response(201, DeliverySchema)
@answers(409, "The order was not sent yet, or is closed.")
def record(data: dict[str, Any], order_id: int) -> Delivery:
    """Records what arrived at one site. Its needs are served in need order; the order is
    received once every unit expected is accounted for, and its batch closes with its last
    order."""
    values = DeliveryValues(
        site_id=data["site_id"],
        received_on=data["received_on"].isoformat() if data.get("received_on") else "",
        note=data.get("note", ""),
        lines=[
            DeliveryLineValues(
                line["line_id"],
                **{kind: _text(line.get(kind)) for kind in KINDS},
                note=line.get("note", ""),
            )
            for line in data["lines"]
        ],
    )
    delivery = record_delivery(db.session(), order_id, values, actor=caller())
    # An invoice that came before the goods is checked again against what arrived.
    match_invoices_of_order(db.session(), order_id, actor=caller())
    return delivery
