"""Reading suppliers' invoices: one, or a page of them filtered by status and supplier."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from money.supplier_invoice_models import (
    SUPPLIER_INVOICE_STATUSES,
    SupplierInvoice,
    SupplierInvoiceOrder,
)
from persistence.audit import Actor
from persistence.pages import Page, paginate
from purchasing.errors import N_, Invalid, Message, NotFound
from purchasing.permissions import SEE_SUPPLIER_INVOICES, require


def supplier_invoice_by_id(
    session: Session, viewer: Actor | None, invoice_id: int
) -> SupplierInvoice:
    """The supplier invoice `invoice_id`, with its lines and orders."""
    require(viewer, SEE_SUPPLIER_INVOICES)
    invoice = session.scalar(
        select(SupplierInvoice)
        .where(SupplierInvoice.id == invoice_id)
        .options(
            selectinload(SupplierInvoice.lines),
            selectinload(SupplierInvoice.order_links).selectinload(SupplierInvoiceOrder.order),
            selectinload(SupplierInvoice.supplier),
        )
    )
    if invoice is None:
        raise NotFound(Message(N_("No such supplier invoice.")))
    return invoice


def supplier_invoices(
    session: Session,
    viewer: Actor | None,
    *,
    status: str | None = None,
    supplier_id: int | None = None,
    page: int = 1,
    per_page: int = 100,
) -> Page[SupplierInvoice]:
    """Suppliers' invoices and credit notes, latest received first; one status, one supplier."""
    require(viewer, SEE_SUPPLIER_INVOICES)
    if status is not None and status not in SUPPLIER_INVOICE_STATUSES:
        raise Invalid(
            {
                "status": Message(
                    N_("The status is one of %(statuses)s."),
                    {"statuses": ", ".join(SUPPLIER_INVOICE_STATUSES)},
                )
            }
        )
    query = select(SupplierInvoice).options(
        selectinload(SupplierInvoice.supplier),
        selectinload(SupplierInvoice.order_links).selectinload(SupplierInvoiceOrder.order),
    )
    if status is not None:
        query = query.where(SupplierInvoice.status == status)
    if supplier_id is not None:
        query = query.where(SupplierInvoice.supplier_id == supplier_id)
    query = query.order_by(SupplierInvoice.received_at.desc(), SupplierInvoice.id.desc())
    return paginate(session, query, page, per_page)
