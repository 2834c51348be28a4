"""Supplier invoices as stored: what a supplier billed the cooperative (an invoice or a credit
note), its lines and the purchase orders it is matched to.

A received invoice keeps the very bytes of its file and the figures read from it; they are
never changed. What the cooperative decides about it (matched, to pay, refused, paid) is its
`status` and, line by line, the `outcome` of the match with its `reason`.

VAT rates are fractions (0.20 for 20 %), as on offers and purchase order lines, so that an
invoice line compares with the order line it bills without conversion.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from persistence import Base, Money, UTCDateTime, utcnow
from purchasing.models import PurchaseOrder, PurchaseOrderLine
from suppliers.models import Supplier

SUPPLIER_DOCUMENT_KINDS = ("invoice", "credit_note")
SUPPLIER_INVOICE_SOURCES = ("facturx", "cii", "ubl", "manual")
SUPPLIER_INVOICE_STATUSES = ("received", "to_pay", "exception", "refused", "paid")
# A line is goods (or a service) billed at a quantity and price, or a document-level charge
# (a delivery fee) or allowance (a discount), stored as one line each so that the match sees
# the fees beside the goods.
SUPPLIER_LINE_KINDS = ("goods", "charge", "allowance")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN {values!r}"


def Exact() -> Numeric[Decimal]:
    """Quantities and unit prices as an invoice states them: a price per thousand divided to
    one unit, or a quantity in grams, needs more places than an order keeps."""
    return Numeric(18, 6, asdecimal=True)


class SupplierInvoice(Base):
    """An invoice or a credit note a supplier sent the cooperative, read from its file (Factur-X,
    CII, UBL) or typed in beside a plain PDF.

    A supplier's number is taken once per kind: the same number twice is a duplicate, whatever
    the file. A credit note names the invoice it corrects when the file says which."""

    __tablename__ = "supplier_invoice"
    __table_args__ = (
        UniqueConstraint("supplier_id", "number", "kind"),
        CheckConstraint(_one_of("kind", SUPPLIER_DOCUMENT_KINDS), name="kind_known"),
        CheckConstraint(_one_of("source", SUPPLIER_INVOICE_SOURCES), name="source_known"),
        CheckConstraint(_one_of("status", SUPPLIER_INVOICE_STATUSES), name="status_known"),
        CheckConstraint("due_date IS NULL OR due_date >= issue_date", name="due_after_issue"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("supplier.id"), index=True)
    number: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(12), default="invoice")
    issue_date: Mapped[date] = mapped_column(Date)
    due_date: Mapped[date | None] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    # BT-10 as the supplier wrote it, and the purchase order numbers it names (BT-13), space
    # separated, whether or not they are orders the cooperative knows.
    buyer_reference: Mapped[str] = mapped_column(String(200), default="")
    order_references: Mapped[str] = mapped_column(String(400), default="")
    # The invoice a credit note corrects, as the file names it (BT-25), found or not.
    corrected_number: Mapped[str] = mapped_column(String(60), default="")
    total_without_tax: Mapped[Decimal] = mapped_column(Money())
    tax_total: Mapped[Decimal] = mapped_column(Money())
    grand_total: Mapped[Decimal] = mapped_column(Money())
    amount_due: Mapped[Decimal] = mapped_column(Money())
    # The account the invoice asks to be paid to (BT-84): shown, never paid to by itself.
    payee_iban: Mapped[str] = mapped_column(String(34), default="")
    payment_reference: Mapped[str] = mapped_column(String(140), default="")
    source: Mapped[str] = mapped_column(String(8))
    profile: Mapped[str] = mapped_column(String(200), default="")
    file: Mapped[bytes] = mapped_column(LargeBinary)
    file_name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10), default="received")
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("supplier_invoice.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    received_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    supplier: Mapped[Supplier] = relationship()
    lines: Mapped[list[SupplierInvoiceLine]] = relationship(
        back_populates="invoice",
        cascade="all, delete-orphan",
        order_by="SupplierInvoiceLine.position",
    )
    order_links: Mapped[list[SupplierInvoiceOrder]] = relationship(
        back_populates="invoice",
        cascade="all, delete-orphan",
        order_by="SupplierInvoiceOrder.order_id",
    )
    corrects: Mapped[SupplierInvoice | None] = relationship(remote_side=[id])

    @property
    def orders(self) -> list[PurchaseOrder]:
        """The purchase orders the invoice is matched to."""
        return [link.order for link in self.order_links]

    @property
    def order_reference_list(self) -> list[str]:
        """The purchase order numbers the invoice names."""
        return self.order_references.split()


class SupplierInvoiceLine(Base):
    """A line of a supplier invoice: what was billed, at what net unit price and VAT rate, and
    the line's net amount as stated. `order_line_id`, `outcome` and `reason` are the match's:
    the order line it bills and what the lead is told about it."""

    __tablename__ = "supplier_invoice_line"
    __table_args__ = (
        UniqueConstraint("invoice_id", "position"),
        CheckConstraint(_one_of("kind", SUPPLIER_LINE_KINDS), name="kind_known"),
        CheckConstraint("vat_rate >= 0 AND vat_rate < 1", name="vat_rate_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_id: Mapped[int] = mapped_column(
        ForeignKey("supplier_invoice.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(10), default="goods")
    seller_ref: Mapped[str] = mapped_column(String(100), default="")
    description: Mapped[str] = mapped_column(String(300), default="")
    quantity: Mapped[Decimal] = mapped_column(Exact())
    unit_code: Mapped[str] = mapped_column(String(3), default="C62")
    # Net of the line's own allowances, per one unit of `unit_code`.
    unit_price: Mapped[Decimal] = mapped_column(Exact())
    vat_category: Mapped[str] = mapped_column(String(2), default="S")
    vat_rate: Mapped[Decimal] = mapped_column(Exact())
    line_total: Mapped[Decimal] = mapped_column(Money())
    # The order line number the supplier gave (BT-132), a hint for the match.
    order_line_ref: Mapped[str] = mapped_column(String(60), default="")
    order_line_id: Mapped[int | None] = mapped_column(
        ForeignKey("purchase_order_line.id"), index=True
    )
    outcome: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(String(300))

    invoice: Mapped[SupplierInvoice] = relationship(back_populates="lines")
    order_line: Mapped[PurchaseOrderLine | None] = relationship()


class WaitingPdf(Base):
    """A supplier's invoice that came as a plain PDF (no XML), kept until the lead types it in
    beside it; typing it in makes it a supplier invoice's file and removes it from here."""

    __tablename__ = "supplier_invoice_pdf"

    id: Mapped[int] = mapped_column(primary_key=True)
    file: Mapped[bytes] = mapped_column(LargeBinary)
    file_name: Mapped[str] = mapped_column(String(200))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class SupplierInvoiceOrder(Base):
    """A purchase order a supplier invoice bills (an invoice may bill several orders, and an
    order be billed by several invoices)."""

    __tablename__ = "supplier_invoice_order"

    invoice_id: Mapped[int] = mapped_column(
        ForeignKey("supplier_invoice.id", ondelete="CASCADE"), primary_key=True
    )
    order_id: Mapped[int] = mapped_column(
        ForeignKey("purchase_order.id"), primary_key=True, index=True
    )

    invoice: Mapped[SupplierInvoice] = relationship(back_populates="order_links")
    order: Mapped[PurchaseOrder] = relationship()
