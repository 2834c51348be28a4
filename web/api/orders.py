"""Purchase orders, for leads: list and read them with their lines, totals, the supplier's
answer and their e-mails; download their PDF and CSV; send a batch's orders by e-mail (queued
for the scheduler), send one again, record one sent by hand, accept or refuse the supplier's
change, and close one when nothing more will come."""

from __future__ import annotations

from typing import Any

from flask import Response, url_for
from marshmallow import Schema, fields, validate

from purchasing.models import EMAIL_STATUSES, ORDER_STATUSES, SUPPLIER_ANSWERS, PurchaseOrder
from purchasing.orders.deliveries import close_order
from purchasing.orders.mail import resend_order, send_orders
from purchasing.orders.orders import (
    accept_change,
    mark_sent_by_hand,
    order_by_id,
    order_totals,
    orders_page,
    refuse_change,
)
from web import db
from web.api import ID, answers, blueprint
from web.api.auth import caller, leads_only
from web.api.schemas import DecimalString, Derived, Id, PageArgs, page_of
from web.outgoing import answer_link, order_file, smtp

TAGS = ["orders"]
SENDING_REFUSED = (
    "E-mail is off (download the documents and record the order sent by hand), or a "
    "supplier has no e-mail address (named in `fields`)."
)


class DocumentsSchema(Schema):
    """Where to download the order as the supplier receives it (same token)."""

    pdf = fields.String(required=True, metadata={"example": "/api/v1/orders/12.pdf"})
    csv = fields.String(required=True, metadata={"example": "/api/v1/orders/12.csv"})


def _documents(order: PurchaseOrder) -> dict[str, str]:
    return {
        "pdf": url_for("api.order_pdf", order_id=order.id),
        "csv": url_for("api.order_csv", order_id=order.id),
    }


class OrderSchema(Schema):
    """A purchase order to one supplier for one batch, numbered without gaps per year; money
    in euros."""

    id = fields.Integer(required=True)
    number = fields.String(required=True, metadata={"example": "BC-2027-0012"})
    batch_id = fields.Integer(required=True)
    supplier_id = fields.Integer(required=True)
    supplier = fields.String(required=True, attribute="supplier.name")
    status = fields.String(required=True, metadata={"enum": list(ORDER_STATUSES)})
    ordered_on = fields.Date(required=True)
    expected_on = fields.Date(required=True)
    delivery_fee = DecimalString(places=2, required=True)
    total_excl_vat = DecimalString(places=2, required=True)
    total_incl_vat = DecimalString(places=2, required=True)
    sent_at = fields.DateTime(required=True, allow_none=True)
    received_at = fields.DateTime(required=True, allow_none=True)
    supplier_answer = fields.String(
        required=True,
        metadata={"enum": list(SUPPLIER_ANSWERS), "description": "Empty until it answers."},
    )
    email_status = fields.Function(
        lambda order: order.emails[-1].status if order.emails else None,
        required=True,
        allow_none=True,
        metadata={
            "type": ["string", "null"],
            "enum": [*EMAIL_STATUSES, None],
            "description": "Of its latest e-mail.",
        },
    )
    documents = Derived(DocumentsSchema, _documents, required=True)


OrderPage = page_of(OrderSchema, "OrderPage")


class OrderFilterArgs(PageArgs):
    status = fields.String(validate=validate.OneOf(ORDER_STATUSES))
    batch_id = Id(strict=False)
    supplier_id = Id(strict=False)


class OrderLineSchema(Schema):
    """Units of one offer, in whole packs, at the price the group reached."""

    id = fields.Integer(required=True)
    offer_id = fields.Integer(required=True)
    product_id = fields.Integer(required=True, attribute="offer.product_id")
    product = fields.String(required=True, attribute="offer.product.name")
    supplier_ref = fields.String(required=True, attribute="offer.supplier_ref")
    unit = fields.String(required=True, attribute="offer.product.unit")
    packs = fields.Integer(required=True)
    quantity = DecimalString(places=3, required=True)
    unit_price = DecimalString(places=4, required=True)
    vat_rate = DecimalString(places=3, required=True, metadata={"examples": ["0.200", "0.055"]})
    line_total = DecimalString(places=2, required=True)
    proposed_quantity = DecimalString(
        places=3,
        required=True,
        allow_none=True,
        metadata={"description": "What the supplier said it can deliver, when it changed."},
    )


class VatSchema(Schema):
    rate = DecimalString(places=3, required=True)
    base = DecimalString(places=2, required=True)
    vat = DecimalString(places=2, required=True)


class TotalsSchema(Schema):
    """Goods and delivery excluding VAT, VAT once per rate on the sum of its bases, and the
    total including VAT: the figures printed on the order, to the cent."""

    goods = DecimalString(places=2, required=True)
    delivery_fee = DecimalString(places=2, required=True)
    excl_vat = DecimalString(places=2, required=True)
    vat = fields.List(fields.Nested(VatSchema), required=True)
    incl_vat = DecimalString(places=2, required=True)


class EmailSchema(Schema):
    """One sending of an order by e-mail, done by the scheduler: queued, waiting after a
    temporary failure (tried again at `next_attempt_at`), sent, failed for good, or uncertain
    (interrupted while the SMTP server received it: it may have arrived, and is sent again only
    when the lead asks)."""

    id = fields.Integer(required=True)
    order_id = fields.Integer(required=True)
    recipient = fields.String(required=True)
    status = fields.String(required=True, metadata={"enum": list(EMAIL_STATUSES)})
    attempts = fields.Integer(required=True)
    last_error = fields.String(required=True)
    next_attempt_at = fields.DateTime(required=True, allow_none=True)
    created_at = fields.DateTime(required=True)
    sent_at = fields.DateTime(required=True, allow_none=True)


class OrderDetailSchema(OrderSchema):
    """An order with its lines and totals, the supplier's answer and its e-mails."""

    supplier_email = fields.String(required=True, attribute="supplier.contact_email")
    lines = fields.List(fields.Nested(OrderLineSchema), required=True)
    totals = Derived(TotalsSchema, order_totals, required=True)
    answered_at = fields.DateTime(required=True, allow_none=True)
    proposed_date = fields.Date(
        required=True, allow_none=True, metadata={"description": "When the supplier changed."}
    )
    supplier_note = fields.String(required=True)
    emails = fields.List(fields.Nested(EmailSchema), required=True)


class SentSchema(Schema):
    queued = fields.List(
        fields.Nested(EmailSchema),
        required=True,
        metadata={"description": "Empty when every order was already sent or on its way."},
    )


@blueprint.route("/orders", tags=TAGS)
@leads_only
@blueprint.arguments(OrderFilterArgs, location="query")
@blueprint.response(200, OrderPage)
def list_orders(args: dict[str, Any]) -> Any:
    """The purchase orders, newest first: all, or those of a batch, a supplier or a status."""
    return orders_page(
        db.session(),
        batch_id=args.get("batch_id"),
        supplier_id=args.get("supplier_id"),
        status=args.get("status"),
        page=args["page"],
        per_page=args["per_page"],
    )


@blueprint.route(f"/orders/<{ID}:order_id>", tags=TAGS)
@leads_only
@blueprint.response(200, OrderDetailSchema)
def show_order(order_id: int) -> PurchaseOrder:
    """An order with its lines, totals, the supplier's answer and the state of its e-mails."""
    return order_by_id(db.session(), order_id)


PDF = {"type": "string", "contentMediaType": "application/pdf"}
CSV = {"type": "string", "contentMediaType": "text/csv"}


@blueprint.route(f"/orders/<{ID}:order_id>.pdf", tags=TAGS)
@leads_only
@blueprint.response(200, PDF, content_type="application/pdf", description="The order's PDF.")
def order_pdf(order_id: int) -> Response:
    """The order as the supplier receives it, in PDF."""
    return order_file(order_id, "pdf")


@blueprint.route(f"/orders/<{ID}:order_id>.csv", tags=TAGS)
@leads_only
@blueprint.response(
    200, CSV, content_type="text/csv", description="The order's CSV (UTF-8, semicolons)."
)
def order_csv(order_id: int) -> Response:
    """The order as the supplier receives it, in CSV for a French spreadsheet."""
    return order_file(order_id, "csv")


@blueprint.route(f"/batches/<{ID}:batch_id>/orders/send", methods=["POST"], tags=TAGS)
@leads_only
@blueprint.response(202, SentSchema)
@answers(409, "The batch is not approved.")
@answers(422, SENDING_REFUSED)
def send_batch_orders(batch_id: int) -> dict[str, Any]:
    """Queues the e-mail of each of the batch's orders not sent or on its way yet: the
    scheduler sends them with their PDF, CSV and the supplier's answer link. Follow each
    e-mail on its order; an order counts as sent once its e-mail has gone."""
    queued = send_orders(
        db.session(), batch_id, actor=caller(), link_for=answer_link, settings=smtp()
    )
    return {"queued": queued}


@blueprint.route(f"/orders/<{ID}:order_id>/resend", methods=["POST"], tags=TAGS)
@leads_only
@blueprint.response(202, EmailSchema)
@answers(409, "The order's e-mail is still on its way, or its batch is not approved.")
@answers(422, SENDING_REFUSED)
def resend(order_id: int) -> Any:
    """Queues the order's e-mail once more (the supplier lost it), recorded as a re-send."""
    return resend_order(
        db.session(), order_id, actor=caller(), link_for=answer_link, settings=smtp()
    )


@blueprint.route(f"/orders/<{ID}:order_id>/sent", methods=["POST"], tags=TAGS)
@leads_only
@blueprint.response(200, OrderDetailSchema)
@answers(409, "The order was already sent.")
def sent_by_hand(order_id: int) -> PurchaseOrder:
    """Records the order sent without coachat's e-mail (downloaded and sent by the lead)."""
    return mark_sent_by_hand(db.session(), order_id, actor=caller())


@blueprint.route(f"/orders/<{ID}:order_id>/accept", methods=["POST"], tags=TAGS)
@leads_only
@blueprint.response(200, OrderDetailSchema)
@answers(409, "The supplier proposed no change to this order.")
def accept(order_id: int) -> PurchaseOrder:
    """Accepts what the supplier said it can deliver: the lines take the quantities proposed
    and the members' shares are cut in proportion and re-priced."""
    return accept_change(db.session(), order_id, actor=caller())


@blueprint.route(f"/orders/<{ID}:order_id>/refuse", methods=["POST"], tags=TAGS)
@leads_only
@blueprint.response(200, OrderDetailSchema)
@answers(409, "The supplier proposed no change to this order.")
def refuse(order_id: int) -> PurchaseOrder:
    """Keeps the order as sent; the supplier's proposal stays on record."""
    return refuse_change(db.session(), order_id, actor=caller())


@blueprint.route(f"/orders/<{ID}:order_id>/close", methods=["POST"], tags=TAGS)
@leads_only
@blueprint.response(200, OrderDetailSchema)
@answers(409, "The order was not sent, or is closed already.")
def close(order_id: int) -> PurchaseOrder:
    """Closes the order although units are still expected: nothing more will come, and each
    need is settled with what it received."""
    return close_order(db.session(), order_id, actor=caller())
