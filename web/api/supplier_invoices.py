"""Suppliers' invoices, for a lead's token: receive an invoice file (Factur-X PDF, CII or UBL
XML), list them by status and supplier, read one with its lines and orders."""

from __future__ import annotations

from typing import Any

from flask_smorest.fields import Upload
from marshmallow import Schema, fields, validate

from money.formats.received import MAX_INVOICE_BYTES
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
