"""Invoices and credit notes to members: a member's token reads its own company's, a lead's
every company's and has a batch's invoices issued (a job of the scheduler). What is still
due on an invoice is read from the journal."""

from __future__ import annotations

from typing import Any

from flask import Response, url_for
from marshmallow import Schema, fields, validate

from money.accounts import document_rows, visible_document, visible_documents
from money.invoice_requests import request_batch_invoices
from money.models import DOCUMENT_KINDS, MemberInvoice
from money.sending import document_file_name
from persistence.jobs import Job
from purchasing.clock import cooperative_today
from web import db
from web.api import ID, answers, blueprint
from web.api.auth import caller, leads_only, members_and_leads
from web.api.schemas import DecimalString, Id, JobSchema, PageArgs, page_of

TAGS = ["invoices"]
NUMBER = "string(maxlength=30)"
"""An invoice or credit note number, as `FA-2027-00001`."""


class InvoiceLineSchema(Schema):
    position = fields.Integer(required=True)
    kind = fields.String(
        required=True, validate=validate.OneOf(("goods", "shares", "fee", "dues", "correction"))
    )
    name = fields.String(required=True)
    quantity = DecimalString(places=3, required=True)
    unit_code = fields.String(required=True, metadata={"description": "UN/ECE rec. 20 code."})
    unit_price = DecimalString(places=4, required=True)
    vat_category = fields.String(required=True, metadata={"description": "S, or O outside VAT."})
    vat_rate = DecimalString(places=2, required=True, metadata={"description": "Percent."})
    net = DecimalString(places=2, required=True)
    corrects_position = fields.Integer(allow_none=True, required=True)


class InvoiceSchema(Schema):
    """An invoice or a credit note as issued (it never changes), with what is still due on
    it (zero on a credit note: it is set against the invoice it corrects)."""

    number = fields.String(required=True, attribute="document.number")
    kind = fields.String(
        required=True, attribute="document.kind", metadata={"enum": list(DOCUMENT_KINDS)}
    )
    member_id = fields.Integer(required=True, attribute="document.member_id")
    member = fields.String(required=True, attribute="document.member.name")
    batch_id = fields.Integer(allow_none=True, required=True, attribute="document.batch_id")
    corrects = fields.Function(
        lambda row: row.document.corrects.number if row.document.corrects else None,
        allow_none=True,
        required=True,
        metadata={"description": "A credit note: the invoice it corrects."},
    )
    issue_date = fields.Date(required=True, attribute="document.issue_date")
    due_date = fields.Date(required=True, attribute="document.due_date")
    total_excl = DecimalString(places=2, required=True, attribute="document.total_excl")
    total_vat = DecimalString(places=2, required=True, attribute="document.total_vat")
    total_incl = DecimalString(places=2, required=True, attribute="document.total_incl")
    open = DecimalString(places=2, required=True, metadata={"description": "Still due."})
    overdue = fields.Boolean(required=True)
    reason = fields.String(required=True, attribute="document.reason")
    pdf = fields.Function(
        lambda row: f"/api/v1/invoices/{row.document.number}.pdf",
        required=True,
        metadata={"description": "The Factur-X file (PDF/A-3 with its EN 16931 XML)."},
    )


class InvoiceWithLinesSchema(InvoiceSchema):
    lines = fields.List(fields.Nested(InvoiceLineSchema), required=True, attribute="document.lines")


InvoicePage = page_of(InvoiceSchema, "InvoicePage")


class InvoiceFilterArgs(PageArgs):
    member_id = Id(
        strict=False, metadata={"description": "Leads: one member company (members: their own)."}
    )
    batch_id = Id(strict=False, metadata={"description": "The batch's invoices and credit notes."})


@blueprint.route("/invoices", tags=TAGS)
@members_and_leads
@blueprint.arguments(InvoiceFilterArgs, location="query")
@blueprint.response(200, InvoicePage)
def list_invoices(args: dict[str, Any]) -> dict[str, Any]:
    """Invoices and credit notes, newest first: the token's company's, or every company's for
    a lead (one company's with `member_id`)."""
    session = db.session()
    page = visible_documents(
        session,
        caller(),
        member_id=args.get("member_id"),
        batch_id=args.get("batch_id"),
        page=args["page"],
        per_page=args["per_page"],
    )
    return {
        "items": document_rows(session, page.items, cooperative_today()),
        "page": page.page,
        "per_page": page.per_page,
        "total": page.total,
        "pages": page.pages,
    }


def _row(number: str) -> Any:
    session = db.session()
    return document_rows(
        session, [visible_document(session, caller(), number)], cooperative_today()
    )[0]


@blueprint.route(f"/invoices/<{NUMBER}:invoice_number>", tags=TAGS)
@members_and_leads
@blueprint.response(200, InvoiceWithLinesSchema)
def show_invoice(invoice_number: str) -> Any:
    """One invoice or credit note with its lines (404 when it is another company's)."""
    return _row(invoice_number)


@blueprint.route(f"/invoices/<{NUMBER}:invoice_number>.pdf", tags=TAGS)
@members_and_leads
@blueprint.response(
    200,
    {"type": "string", "contentMediaType": "application/pdf"},
    content_type="application/pdf",
    description="The Factur-X file, as issued.",
)
def invoice_pdf(invoice_number: str) -> Response:
    """The document's Factur-X file (a PDF/A-3 carrying its EN 16931 XML)."""
    document: MemberInvoice = visible_document(db.session(), caller(), invoice_number)
    return Response(
        document.facturx,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{document_file_name(document)}"',
            "Cache-Control": "no-store",
        },
    )


@blueprint.route(f"/batches/<{ID}:batch_id>/invoices", methods=["POST"], tags=TAGS)
@leads_only
@blueprint.response(
    202,
    JobSchema,
    description="The issuing is queued: follow the job at `Location`.",
    headers={"Location": {"description": "The job's state.", "schema": {"type": "string"}}},
)
@answers(409, "The batch was never ordered, or no invoice is left to issue now.")
def issue_batch(batch_id: int) -> tuple[Job, int, dict[str, str]]:
    """Queues the issuing of the invoice of each member whose goods are all received (every
    member's once the batch is closed) and who has none for it yet; the scheduler issues them
    and e-mails each to its member. Asking again while the issuing waits or runs gives the
    same job. Once the job is done, its `result` lists the invoices `issued` (their numbers),
    the members `waiting` for their goods and those invoiced `already`; a job that failed
    issued nothing and says why in `error`."""
    job = request_batch_invoices(db.session(), batch_id, actor=caller())
    return job, 202, {"Location": url_for("api.job", job_id=job.id)}
