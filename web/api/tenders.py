"""Tenders, for leads: list them, read one with its quotes side by side and what it saved, open
one on a proposed batch (the invited suppliers are sent their links by e-mail), close one
before its time."""

from __future__ import annotations

from typing import Any

from flask import current_app
from marshmallow import Schema, fields, validate

from persistence.pages import Page
from purchasing.tenders.closing import close_tender
from purchasing.tenders.models import EVIDENCE_KINDS, TENDER_RULES, TENDER_STATUSES, Tender
from purchasing.tenders.opening import open_tender
from purchasing.tenders.summary import TenderSummary, tender_summary, tenders
from purchasing.tenders.values import InvitationValues, TenderValues
from web import db
from web.api import ID, answers, blueprint
from web.api.auth import caller, leads_only
from web.api.schemas import DecimalString, Id, PageArgs, page_of
from web.outgoing import quote_link_for

TAGS = ["tenders"]


class TenderLineSchema(Schema):
    """A product put out to tender: the pooled quantity when it opened, the delivery towns."""

    product_id = fields.Integer(required=True)
    product = fields.Function(lambda line: line.product.name, required=True)
    unit = fields.Function(lambda line: line.product.unit, required=True)
    quantity = DecimalString(places=3, required=True)
    towns = fields.List(fields.String(), required=True)


class TenderSchema(Schema):
    """A request for quotes on some pooled lines of a proposed batch."""

    id = fields.Integer(required=True)
    batch_id = fields.Integer(required=True)
    status = fields.String(required=True, metadata={"enum": list(TENDER_STATUSES)})
    closes_at = fields.DateTime(required=True)
    wanted_date = fields.Date(required=True)
    rules = fields.String(required=True, metadata={"enum": list(TENDER_RULES)})
    evidence_wanted = fields.List(
        fields.String(metadata={"enum": list(EVIDENCE_KINDS)}), required=True
    )
    note = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    closed_at = fields.DateTime(required=True, allow_none=True)
    lines = fields.List(fields.Nested(TenderLineSchema), required=True)
    invited = fields.Function(lambda tender: len(tender.invitations), required=True)


TenderPage = page_of(TenderSchema, "TenderPage")


class TenderFilterArgs(PageArgs):
    batch_id = Id(strict=False, metadata={"description": "Only the tenders of this batch."})


class TierSchema(Schema):
    min_quantity = DecimalString(places=3, required=True)
    unit_price = DecimalString(places=4, required=True)


class QuotedLineSchema(Schema):
    """One supplier's terms for one line, and its cost for the whole pooled quantity (whole
    packs, the tier reached, delivery excluded), in euros excluding VAT."""

    supplier_id = fields.Integer(required=True, allow_none=True)
    supplier = fields.String(required=True)
    offer_id = fields.Integer(
        required=True,
        allow_none=True,
        metadata={"description": "The offer the close made of this quote (null before)."},
    )
    unit_price = DecimalString(places=4, required=True)
    whole_volume_cost = DecimalString(places=2, required=True)
    pack_size = DecimalString(places=3, required=True)
    min_order_quantity = DecimalString(places=3, required=True)
    lead_time_days = fields.Integer(required=True)
    tiers = fields.Function(
        lambda quoted: [{"min_quantity": low, "unit_price": price} for low, price in quoted.tiers],
        required=True,
        metadata={"description": "[{min_quantity, unit_price}] as decimal strings."},
    )
    label = fields.String(required=True)
    label_expires_on = fields.Date(required=True, allow_none=True)
    recycled_content = fields.Integer(required=True)
    has_document = fields.Boolean(required=True)
    eco_score = fields.Integer(required=True, allow_none=True)
    retained = fields.Boolean(
        required=True, metadata={"description": "The approved scenario buys this quote."}
    )


class SummaryLineSchema(Schema):
    tender_line_id = fields.Integer(required=True)
    product_id = fields.Integer(required=True)
    product = fields.String(required=True)
    unit = fields.String(required=True)
    quantity = DecimalString(places=3, required=True)
    towns = fields.List(fields.String(), required=True)
    quotes = fields.List(fields.Nested(QuotedLineSchema), required=True)
    catalog_unit_price = DecimalString(places=4, required=True, allow_none=True)


class InvitedSchema(Schema):
    invitation_id = fields.Integer(required=True)
    supplier_id = fields.Integer(required=True, allow_none=True)
    name = fields.String(required=True)
    email = fields.String(required=True)
    new_supplier = fields.Boolean(required=True)
    awaiting_check = fields.Boolean(required=True)
    answered = fields.String(required=True, metadata={"enum": ["", "quoted", "declined"]})
    decline_reason = fields.String(required=True)
    email_status = fields.String(required=True)


class SavingsSchema(Schema):
    """A scenario with the quotes against the catalog scenario of the same policy; positive
    figures are what the tender saved."""

    scenario_number = fields.Integer(required=True)
    baseline_number = fields.Integer(required=True, allow_none=True)
    computed = fields.Boolean(required=True)
    cost = DecimalString(places=2, signed=True, required=True, allow_none=True)
    baseline_cost = DecimalString(places=2, signed=True, required=True, allow_none=True)
    euros_saved = DecimalString(places=2, signed=True, required=True, allow_none=True)
    co2_kg = DecimalString(places=3, signed=True, required=True, allow_none=True)
    baseline_co2_kg = DecimalString(places=3, signed=True, required=True, allow_none=True)
    co2_kg_saved = DecimalString(places=3, signed=True, required=True, allow_none=True)


class TenderSummarySchema(Schema):
    """A tender as the lead compares its quotes: the fields of
    `purchasing.tenders.summary.TenderSummary`, one for one."""

    tender_id = fields.Integer(required=True)
    batch_id = fields.Integer(required=True)
    status = fields.String(required=True, metadata={"enum": list(TENDER_STATUSES)})
    closes_at = fields.DateTime(required=True)
    wanted_date = fields.Date(required=True)
    rules = fields.String(required=True, metadata={"enum": list(TENDER_RULES)})
    evidence_wanted = fields.List(fields.String(), required=True)
    lines = fields.List(fields.Nested(SummaryLineSchema), required=True)
    invited = fields.List(fields.Nested(InvitedSchema), required=True)
    savings = fields.List(fields.Nested(SavingsSchema), required=True)


class InvitationIn(Schema):
    name = fields.String(required=True, validate=validate.Length(max=200))
    email = fields.String(required=True, validate=validate.Length(max=254))
    siret = fields.String(
        required=True, validate=validate.Length(max=20), metadata={"description": "14 digits."}
    )


class TenderIn(Schema):
    """What the lead asks; the use case checks the rules (a closing in the future, a wanted
    date after it, pooled products, at least one supplier)."""

    closes_at = fields.AwareDateTime(
        required=True, metadata={"description": "When quotes stop being taken (with its offset)."}
    )
    wanted_date = fields.Date(required=True)
    product_ids = fields.List(
        Id(),
        load_default=list,
        validate=validate.Length(max=500),
        metadata={"description": "Pooled products put out to tender; empty: every one."},
    )
    evidence_wanted = fields.List(
        fields.String(validate=validate.OneOf(EVIDENCE_KINDS)),
        load_default=list,
        validate=validate.Length(max=len(EVIDENCE_KINDS)),
    )
    rules = fields.String(load_default="per_line", validate=validate.OneOf(TENDER_RULES))
    supplier_ids = fields.List(
        Id(),
        load_default=list,
        validate=validate.Length(max=100),
        metadata={"description": "Catalog suppliers invited."},
    )
    invitations = fields.List(
        fields.Nested(InvitationIn),
        load_default=list,
        validate=validate.Length(max=100),
        metadata={"description": "New suppliers invited by e-mail."},
    )
    note = fields.String(load_default="", validate=validate.Length(max=2000))


@blueprint.route("/tenders", tags=TAGS)
@leads_only
@blueprint.arguments(TenderFilterArgs, location="query")
@blueprint.response(200, TenderPage)
def list_tenders(args: dict[str, Any]) -> Page[Tender]:
    """The tenders, newest first (of one batch with `batch_id`)."""
    found = tenders(db.session(), args.get("batch_id"))
    page, per_page = args["page"], args["per_page"]
    # A batch has few tenders: the whole list is read, then cut into pages.
    return Page(found[(page - 1) * per_page : page * per_page], page, per_page, len(found))


@blueprint.route(f"/tenders/<{ID}:tender_id>", tags=TAGS)
@leads_only
@blueprint.response(200, TenderSummarySchema)
def show_tender(tender_id: int) -> TenderSummary:
    """A tender: its lines with the quotes side by side, the suppliers invited and their
    answers, and once closed what each scenario with the quotes saved."""
    return tender_summary(db.session(), tender_id)


@blueprint.route(f"/batches/<{ID}:batch_id>/tenders", methods=["POST"], tags=TAGS)
@leads_only
@blueprint.arguments(TenderIn)
@blueprint.response(201, TenderSchema)
@answers(409, "The batch is not waiting for approval.")
def open_one(data: dict[str, Any], batch_id: int) -> Tender:
    """Opens a tender: each supplier invited is sent an e-mail with its own quote link."""
    values = TenderValues(
        closes_at=data["closes_at"],
        wanted_date=data["wanted_date"],
        product_ids=data["product_ids"],
        evidence_wanted=data["evidence_wanted"],
        rules=data["rules"],
        supplier_ids=data["supplier_ids"],
        invitations=[InvitationValues(**invited) for invited in data["invitations"]],
        note=data["note"],
    )
    return open_tender(
        db.session(),
        batch_id,
        values,
        actor=caller(),
        link_for=quote_link_for(current_app.config),
    )


@blueprint.route(f"/tenders/<{ID}:tender_id>/close", methods=["POST"], tags=TAGS)
@leads_only
@blueprint.response(200, TenderSchema)
@answers(409, "The tender is closed already.")
def close_one(tender_id: int) -> Tender:
    """Closes the tender now: quotes stop, each becomes an offer for this tender only, and
    the batch's scenarios with the quotes are queued."""
    return close_tender(db.session(), tender_id, actor=caller())
