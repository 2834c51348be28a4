"""Suppliers' invoices, for a lead's token: receive an invoice file (Factur-X PDF, CII or UBL
XML), list them by status and supplier, read one with its lines and orders; and the lead's
decisions on an invoice the match did not clear (accept a line, ask for a credit note,
refuse), through the same use cases as the invoice's page."""

from __future__ import annotations

from typing import Any

from flask_smorest.fields import Upload
from marshmallow import Schema, fields, validate

from money.formats.received import MAX_INVOICE_BYTES
from money.supplier_credit_request import request_credit_note
from money.supplier_decisions import (
    MAX_REASON,
    accept_invoice_line,
    invoice_line_at,
    refuse_supplier_invoice,
)
from money.supplier_invoice_models import (
    SUPPLIER_DOCUMENT_KINDS,
    SUPPLIER_INVOICE_SOURCES,
    SUPPLIER_INVOICE_STATUSES,
    SUPPLIER_LINE_KINDS,
)
from money.supplier_invoice_queries import supplier_invoice_by_id, supplier_invoices
from money.supplier_invoices import receive_supplier_invoice
from web import db
from web.api import ID, answers, blueprint
from web.api.auth import caller, leads_only
from web.api.schemas import DecimalString, Id, PageArgs, page_of

# Positions as a person reads them on the invoice; more lines than any invoice has is refused
# by the schema, so that no number the database cannot hold reaches a query.
MAX_POSITION = 100_000
Position = validate.Range(min=1, max=MAX_POSITION)
CLOSED = "The invoice is refused or paid: nothing more to decide."

TAGS = ["supplier invoices"]
REFUSED = (
    "The file is not an invoice coachat can take, its seller is no known supplier, its buyer is "
    "not the cooperative, or the supplier's number was already received."
)


class SupplierInvoiceLineSchema(Schema):
    position = fields.Integer(required=True)
    kind = fields.String(required=True, metadata={"enum": list(SUPPLIER_LINE_KINDS)})
    seller_ref = fields.String(required=True, metadata={"description": "The supplier's reference."})
    description = fields.String(required=True)
    quantity = DecimalString(places=6, required=True)
    unit_code = fields.String(required=True, metadata={"description": "UN/ECE rec. 20 code."})
    unit_price = DecimalString(places=6, required=True, metadata={"description": "Net, per unit."})
    vat_rate = DecimalString(places=6, required=True, metadata={"description": "A fraction."})
    line_total = DecimalString(
        places=2, required=True, metadata={"description": "Negative for an allowance."}
    )
    order_line_id = fields.Integer(required=True, allow_none=True)
    outcome = fields.String(required=True, allow_none=True)
    reason = fields.String(required=True, allow_none=True)


class SupplierInvoiceSchema(Schema):
    """A supplier's invoice or credit note as received (its figures never change)."""

    id = fields.Integer(required=True)
    supplier_id = fields.Integer(required=True)
    supplier = fields.String(required=True, attribute="supplier.name")
    number = fields.String(required=True, metadata={"description": "The supplier's number."})
    kind = fields.String(required=True, metadata={"enum": list(SUPPLIER_DOCUMENT_KINDS)})
    status = fields.String(required=True, metadata={"enum": list(SUPPLIER_INVOICE_STATUSES)})
    source = fields.String(required=True, metadata={"enum": list(SUPPLIER_INVOICE_SOURCES)})
    issue_date = fields.Date(required=True)
    due_date = fields.Date(required=True, allow_none=True)
    currency = fields.String(required=True)
    orders = fields.Function(
        lambda invoice: [order.number for order in invoice.orders],
        required=True,
        metadata={"description": "The cooperative's purchase orders it is linked to."},
    )
    order_references = fields.Function(
        lambda invoice: invoice.order_reference_list,
        required=True,
        metadata={"description": "Every order reference the invoice names."},
    )
    corrects = fields.String(
        required=True, allow_none=True, attribute="corrected_number",
        metadata={"description": "A credit note: the number of the invoice it corrects."},
    )  # fmt: skip
    total_without_tax = DecimalString(places=2, required=True)
    tax_total = DecimalString(places=2, required=True)
    grand_total = DecimalString(places=2, required=True)
    amount_due = DecimalString(places=2, required=True)
    file_name = fields.String(required=True)
    received_at = fields.DateTime(required=True)


class SupplierInvoiceWithLinesSchema(SupplierInvoiceSchema):
    lines = fields.List(fields.Nested(SupplierInvoiceLineSchema), required=True)


SupplierInvoicePage = page_of(SupplierInvoiceSchema, "SupplierInvoicePage")


class SupplierInvoiceFilterArgs(PageArgs):
    status = fields.String(validate=validate.OneOf(SUPPLIER_INVOICE_STATUSES))
    supplier_id = Id(strict=False, metadata={"description": "One supplier's invoices."})


class SupplierInvoiceFile(Schema):
    file = Upload(
        required=True,
        metadata={
            "description": f"Factur-X PDF, CII or UBL XML, {MAX_INVOICE_BYTES} bytes at most."
        },
    )


@blueprint.route("/supplier-invoices", tags=TAGS)
@leads_only
@blueprint.arguments(SupplierInvoiceFilterArgs, location="query")
@blueprint.response(200, SupplierInvoicePage)
def list_supplier_invoices(args: dict[str, Any]) -> Any:
    """Suppliers' invoices and credit notes, latest received first."""
    return supplier_invoices(
        db.session(),
        caller(),
        status=args.get("status"),
        supplier_id=args.get("supplier_id"),
        page=args["page"],
        per_page=args["per_page"],
    )


@blueprint.route("/supplier-invoices", methods=["POST"], tags=TAGS)
@leads_only
@blueprint.arguments(SupplierInvoiceFile, location="files")
@blueprint.response(201, SupplierInvoiceWithLinesSchema)
@answers(422, REFUSED)
def receive(files: dict[str, Any]) -> Any:
    """Receives one invoice file. A plain PDF (without XML) is refused: type it in on the page."""
    upload = files["file"]
    data = upload.read(MAX_INVOICE_BYTES + 1)
    return receive_supplier_invoice(db.session(), data, upload.filename or "", actor=caller())


@blueprint.route(f"/supplier-invoices/<{ID}:invoice_id>", tags=TAGS)
@leads_only
@blueprint.response(200, SupplierInvoiceWithLinesSchema)
def show_supplier_invoice(invoice_id: int) -> Any:
    """One supplier invoice with its lines and orders."""
    return supplier_invoice_by_id(db.session(), caller(), invoice_id)


class AcceptLineIn(Schema):
    line = fields.Integer(
        required=True, strict=True, validate=Position,
        metadata={"description": "The line's position on the invoice (1 for the first)."},
    )  # fmt: skip
    note = fields.String(
        load_default="", validate=validate.Length(max=MAX_REASON),
        metadata={"description": "Why it is accepted, for the audit trail."},
    )  # fmt: skip


class CreditRequestIn(Schema):
    lines = fields.List(
        fields.Integer(strict=True, validate=Position), load_default=list,
        validate=validate.Length(max=1000),
        metadata={"description": "Positions of lines in exception; none: every one of them."},
    )  # fmt: skip
    note = fields.String(
        load_default="", validate=validate.Length(max=MAX_REASON),
        metadata={"description": "A word to the supplier, added to the e-mail."},
    )  # fmt: skip


class RefuseIn(Schema):
    reason = fields.String(
        required=True, validate=validate.Length(max=MAX_REASON),
        metadata={"description": "Why the invoice will not be paid."},
    )  # fmt: skip


class CreditRequestSchema(Schema):
    """The e-mail asking the supplier for a credit note, sent by the scheduler."""

    id = fields.Integer(required=True)
    recipient = fields.String(required=True)
    subject = fields.String(required=True)
    status = fields.String(required=True)
    created_at = fields.DateTime(required=True)


@blueprint.route(f"/supplier-invoices/<{ID}:invoice_id>/accept", methods=["POST"], tags=TAGS)
@leads_only
@blueprint.arguments(AcceptLineIn)
@blueprint.response(200, SupplierInvoiceWithLinesSchema)
@answers(409, f"The line is not in exception. {CLOSED}")
def accept_line(data: dict[str, Any], invoice_id: int) -> Any:
    """Accepts a line in exception as the supplier billed it; the invoice is to be paid once
    every exception is accepted."""
    session = db.session()
    line = invoice_line_at(session, invoice_id, data["line"])
    accept_invoice_line(session, line.id, actor=caller(), note=data["note"])
    return line.invoice


@blueprint.route(
    f"/supplier-invoices/<{ID}:invoice_id>/credit-note-request", methods=["POST"], tags=TAGS
)
@leads_only
@blueprint.arguments(CreditRequestIn)
@blueprint.response(202, CreditRequestSchema)
@answers(409, f"No line of the invoice is in exception. {CLOSED}")
def credit_note_request(data: dict[str, Any], invoice_id: int) -> Any:
    """Queues the e-mail asking the supplier for a credit note for lines in exception, with
    their reasons (asking again for the same lines queues nothing more)."""
    return request_credit_note(
        db.session(), invoice_id, actor=caller(), lines=data["lines"], note=data["note"]
    )


@blueprint.route(f"/supplier-invoices/<{ID}:invoice_id>/refuse", methods=["POST"], tags=TAGS)
@leads_only
@blueprint.arguments(RefuseIn)
@blueprint.response(200, SupplierInvoiceWithLinesSchema)
@answers(409, CLOSED)
def refuse(data: dict[str, Any], invoice_id: int) -> Any:
    """Refuses the invoice for the reason given: it will not be paid."""
    return refuse_supplier_invoice(db.session(), invoice_id, data["reason"], actor=caller())
