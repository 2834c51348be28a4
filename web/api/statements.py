"""Statements: what a member company pays for a batch, at the price the group reached, against
what it would have paid alone. A member's token reads its own company's; a lead's any
company's, named with `member_id`."""

from __future__ import annotations

from typing import Any

from flask import Response
from marshmallow import Schema, fields

from infrastructure.csv_file import CONTENT_TYPE as CSV_CONTENT_TYPE
from infrastructure.documents import statement_csv, statement_pdf
from purchasing.statements.statements import Statement, statement_document, visible_statement
from web import db
from web.api import ID, blueprint
from web.api.auth import caller, members_and_leads
from web.api.schemas import DecimalString, Id
from web.outgoing import download

TAGS = ["statements"]


class StatementArgs(Schema):
    member_id = Id(
        strict=False,
        metadata={
            "description": "Leads: the member company (a member reads only its own company's)."
        },
    )


class StatementLineSchema(Schema):
    """One need served in the batch: units ordered and received, and what it costs."""

    need_id = fields.Integer(required=True)
    product = fields.String(required=True)
    supplier = fields.String(required=True)
    order_number = fields.String(required=True)
    ordered = DecimalString(places=3, required=True)
    received = DecimalString(
        places=3, required=True, metadata={"description": "Zero until the need is settled."}
    )
    unit = fields.String(required=True)
    unit_price = DecimalString(places=4, required=True)
    goods = DecimalString(places=2, required=True)
    shares = DecimalString(
        places=2, required=True, metadata={"description": "Its share of fees and delivery."}
    )
    settled = fields.Boolean(
        required=True, metadata={"description": "Nothing more will come for this need."}
    )


class StatementSchema(Schema):
    """A member's statement for one batch, in euros excluding VAT, with the transport CO2
    with and without pooling. Provisional while some of its needs still expect units: until
    then the goods are those allocated, afterwards those received."""

    batch_id = fields.Integer(required=True, attribute="batch.id")
    round = fields.String(required=True, attribute="batch.round.name")
    member_id = fields.Integer(required=True, attribute="member.id")
    member = fields.String(required=True, attribute="member.name")
    provisional = fields.Boolean(required=True)
    lines = fields.List(fields.Nested(StatementLineSchema), required=True)
    goods = DecimalString(places=2, required=True)
    fees = DecimalString(places=2, required=True)
    total = DecimalString(places=2, required=True)
    alone_total = DecimalString(
        places=2, required=True, metadata={"description": "The same purchase made alone."}
    )
    savings = DecimalString(places=2, signed=True, required=True)
    co2_kg = DecimalString(places=3, required=True)
    alone_co2_kg = DecimalString(places=3, required=True)
    co2_avoided_kg = DecimalString(places=3, signed=True, required=True)


def _statement(batch_id: int, args: dict[str, Any]) -> Statement:
    return visible_statement(db.session(), caller(), batch_id, args.get("member_id"))


@blueprint.route(f"/statements/<{ID}:batch_id>", tags=TAGS)
@members_and_leads
@blueprint.arguments(StatementArgs, location="query")
@blueprint.response(200, StatementSchema)
def show_statement(args: dict[str, Any], batch_id: int) -> Statement:
    """The statement of the token's company for the batch (a lead names the company with
    `member_id`); 404 when the company got nothing in the batch, or is another member's."""
    return _statement(batch_id, args)


@blueprint.route(f"/statements/<{ID}:batch_id>.pdf", tags=TAGS)
@members_and_leads
@blueprint.arguments(StatementArgs, location="query")
@blueprint.response(
    200,
    {"type": "string", "contentMediaType": "application/pdf"},
    content_type="application/pdf",
    description="The statement's PDF.",
)
def statement_as_pdf(args: dict[str, Any], batch_id: int) -> Response:
    """The statement as a PDF, as the member's page offers it."""
    found = _statement(batch_id, args)
    name = f"releve-{found.batch.id}-{found.member.id}.pdf"
    return download(statement_pdf(statement_document(found)), name, "application/pdf", private=True)


@blueprint.route(f"/statements/<{ID}:batch_id>.csv", tags=TAGS)
@members_and_leads
@blueprint.arguments(StatementArgs, location="query")
@blueprint.response(
    200,
    {"type": "string", "contentMediaType": "text/csv"},
    content_type="text/csv",
    description="The statement's CSV (UTF-8, semicolons).",
)
def statement_as_csv(args: dict[str, Any], batch_id: int) -> Response:
    """The statement as a CSV for a French spreadsheet, as the member's page offers it."""
    found = _statement(batch_id, args)
    name = f"releve-{found.batch.id}-{found.member.id}.csv"
    return download(statement_csv(statement_document(found)), name, CSV_CONTENT_TYPE, private=True)
