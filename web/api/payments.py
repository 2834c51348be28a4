"""Payments from members and each member's balance: a member's token reads its own company's,
a lead's every company's and records payments received by hand."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from money.accounts import member_account, visible_payments
from money.models import PAYMENT_METHODS, Payment
from money.payments import read_payment, receive_payment
from purchasing.clock import cooperative_today
from web import db
from web.api import ID, blueprint
from web.api.auth import caller, leads_only, members_and_leads
from web.api.schemas import DecimalString, Id, PageArgs, page_of

TAGS = ["payments"]


class PaymentAllocationSchema(Schema):
    invoice = fields.String(required=True, attribute="invoice.number")
    amount = DecimalString(places=2, required=True)


class PaymentSchema(Schema):
    """Money received from a member, and the invoices it settles; the rest is its credit."""

    id = fields.Integer(required=True)
    member_id = fields.Integer(required=True)
    member = fields.String(required=True, attribute="member.name")
    method = fields.String(required=True, metadata={"enum": list(PAYMENT_METHODS)})
    amount = DecimalString(places=2, required=True)
    received_on = fields.Date(required=True)
    reference = fields.String(required=True)
    status = fields.String(required=True, metadata={"enum": ["received", "rejected"]})
    allocations = fields.List(fields.Nested(PaymentAllocationSchema), required=True)


PaymentPage = page_of(PaymentSchema, "PaymentPage")


class PaymentFilterArgs(PageArgs):
    member_id = Id(
        strict=False, metadata={"description": "Leads: one member company (members: their own)."}
    )


@blueprint.route("/payments", tags=TAGS)
@members_and_leads
@blueprint.arguments(PaymentFilterArgs, location="query")
@blueprint.response(200, PaymentPage)
def list_payments(args: dict[str, Any]) -> dict[str, Any]:
    """Payments, newest first: the token's company's, or every company's for a lead."""
    page = visible_payments(
        db.session(),
        caller(),
        member_id=args.get("member_id"),
        page=args["page"],
        per_page=args["per_page"],
    )
    return {
        "items": page.items,
        "page": page.page,
        "per_page": page.per_page,
        "total": page.total,
        "pages": page.pages,
    }


class PaymentIn(Schema):
    """A payment received by transfer, cheque or cash."""

    member_id = Id(required=True)
    amount = DecimalString(required=True, metadata={"examples": ["120.50"]})
    received_on = fields.Date(metadata={"description": "Today when left out."})
    method = fields.String(required=True, validate=validate.OneOf(("transfer", "cheque", "cash")))
    reference = fields.String(validate=validate.Length(max=140))
    invoices = fields.List(
        fields.String(validate=validate.Length(max=30)),
        validate=validate.Length(max=100),
        metadata={"description": "Invoice numbers to settle first; else the oldest first."},
    )


@blueprint.route("/payments", methods=["POST"], tags=TAGS)
@leads_only
@blueprint.arguments(PaymentIn)
@blueprint.response(201, PaymentSchema)
def record_payment(data: dict[str, Any]) -> Payment:
    """Records a payment received; what exceeds the member's open invoices is its credit."""
    today = cooperative_today()
    values = read_payment({**data, "received_on": data.get("received_on") or today}, today)
    return receive_payment(db.session(), values, actor=caller())


class BalanceSchema(Schema):
    """A member's account, read from the journal."""

    member_id = fields.Integer(required=True, attribute="member.id")
    member = fields.String(required=True, attribute="member.name")
    balance = DecimalString(
        places=2, signed=True, required=True, metadata={"description": "Negative: in its favour."}
    )
    due = DecimalString(places=2, required=True)
    overdue = DecimalString(places=2, required=True)
    credit = DecimalString(places=2, required=True)


@blueprint.route(f"/members/<{ID}:member_id>/balance", tags=TAGS)
@members_and_leads
@blueprint.response(200, BalanceSchema)
def balance(member_id: int) -> Any:
    """The member company's balance, what is due and overdue, and its credit (404 for another
    company's)."""
    return member_account(db.session(), caller(), member_id, cooperative_today())
