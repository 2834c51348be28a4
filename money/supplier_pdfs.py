"""Plain PDF invoices (no XML) waiting to be typed in: kept when uploaded, shown beside the
form, and made the file of the invoice the lead types from them."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from money.formats.received import MAX_INVOICE_BYTES
from money.supplier_entry import SupplierInvoiceValues
from money.supplier_invoice_models import SupplierInvoice, WaitingPdf
from money.supplier_invoices import enter_supplier_invoice, file_name_of
from persistence.audit import Actor, record_event
from purchasing.errors import N_, Invalid, Message, NotFound
from purchasing.models import User
from purchasing.permissions import RECEIVE_SUPPLIER_INVOICES, SEE_SUPPLIER_INVOICES, require


def keep_plain_pdf(
    session: Session, data: bytes, file_name: str, *, actor: Actor | None
) -> WaitingPdf:
    """Keeps a PDF invoice that carries no XML until the lead types it in. Refused unless it
    is a PDF of at most 20 MB. Flushes."""
    require(actor, RECEIVE_SUPPLIER_INVOICES)
    if not data.startswith(b"%PDF-"):
        raise Invalid({"file": Message(N_("Attach the invoice's PDF."))})
    if len(data) > MAX_INVOICE_BYTES:
        raise Invalid({"file": Message(N_("The PDF is larger than 20 MB."))})
    pdf = WaitingPdf(
        file=bytes(data),
        file_name=file_name_of(file_name),
        uploaded_by_id=actor.id if isinstance(actor, User) else None,
    )
    session.add(pdf)
    session.flush()
    record_event(
        session, "supplier_invoice.pdf", "supplier_invoice_pdf", pdf.id, actor=actor,
        file=pdf.file_name,
    )  # fmt: skip
    return pdf


def waiting_pdf_by_id(session: Session, viewer: Actor | None, pdf_id: int) -> WaitingPdf:
    require(viewer, SEE_SUPPLIER_INVOICES)
    pdf = session.get(WaitingPdf, pdf_id)
    if pdf is None:
        raise NotFound(Message(N_("No such PDF waiting to be typed in.")))
    return pdf


def waiting_pdfs(session: Session, viewer: Actor | None) -> list[WaitingPdf]:
    """The PDFs waiting to be typed in, oldest first."""
    require(viewer, SEE_SUPPLIER_INVOICES)
    return list(session.scalars(select(WaitingPdf).order_by(WaitingPdf.id)))


def enter_waiting_pdf(
    session: Session, pdf_id: int, values: SupplierInvoiceValues, *, actor: Actor | None
) -> SupplierInvoice:
    """Stores the invoice typed in from a waiting PDF, with that PDF as its file (whatever file
    `values` names), and the PDF waits no longer."""
    pdf = waiting_pdf_by_id(session, actor, pdf_id)
    invoice = enter_supplier_invoice(
        session, replace(values, file=pdf.file, file_name=pdf.file_name), actor=actor
    )
    session.delete(pdf)
    session.flush()
    return invoice
