"""The supply side as stored: categories, products, suppliers, labels, offers, price tiers."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from persistence import Base, Money, Quantity, UnitPrice, UTCDateTime, utcnow

UNITS = ("unit", "ream", "box", "pack", "roll", "kg", "l", "m")


class Category(Base):
    """A family of products the cooperative buys (paper, cleaning, packaging…)."""

    __tablename__ = "category"
    __table_args__ = (CheckConstraint("vat_rate >= 0 AND vat_rate < 1", name="vat_rate_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    # The VAT rate of the category's products on purchase orders (20 %, 10 %, 5.5 %, 2.1 %).
    vat_rate: Mapped[Decimal] = mapped_column(UnitPrice(), default=Decimal("0.20"))

    products: Mapped[list[Product]] = relationship(back_populates="category")


class Product(Base):
    """A canonical catalog entry: needs and offers both point to one.

    `shipping_step` is the smallest quantity a supplier ships of it, in its unit: 1 for counted
    goods (bottles, reams, cups, even when the unit is the litre), a fraction for bulk sold by
    weight or volume. Every quantity of the product (needs, packs, allocations, orders, cuts,
    deliveries) is a whole multiple of it."""

    __tablename__ = "product"
    __table_args__ = (
        CheckConstraint(f"unit IN {UNITS!r}", name="unit_known"),
        CheckConstraint("shipping_step > 0", name="shipping_step_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("category.id"), index=True)
    unit: Mapped[str] = mapped_column(String(10), default="unit")
    shipping_step: Mapped[Decimal] = mapped_column(
        Quantity(), default=Decimal(1), server_default=text("1")
    )
    description: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    category: Mapped[Category] = relationship(back_populates="products")
    offers: Mapped[list[Offer]] = relationship(back_populates="product")


class Supplier(Base):
    """A company the cooperative can buy from, with its delivery terms."""

    __tablename__ = "supplier"
    __table_args__ = (
        CheckConstraint("delivery_fee >= 0", name="delivery_fee_not_negative"),
        CheckConstraint(
            "fee_waived_above IS NULL OR fee_waived_above >= 0", name="waiver_not_negative"
        ),
        CheckConstraint("latitude BETWEEN -90 AND 90", name="latitude_range"),
        CheckConstraint("longitude BETWEEN -180 AND 180", name="longitude_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    siret: Mapped[str | None] = mapped_column(String(14), unique=True)
    # How an incoming e-invoice names its seller: its SIREN (from the SIRET when there is one)
    # or its VAT number, never its name. Several suppliers may be establishments of one SIREN.
    # The VAT number is unique through an index, which SQLite adds without rebuilding the table.
    siren: Mapped[str | None] = mapped_column(String(9), index=True)
    vat_number: Mapped[str | None] = mapped_column(String(20), unique=True, index=True)
    address: Mapped[str] = mapped_column(String(300), default="")
    postcode: Mapped[str] = mapped_column(String(10), default="")
    town: Mapped[str] = mapped_column(String(120))
    latitude: Mapped[float] = mapped_column()
    longitude: Mapped[float] = mapped_column()
    social_economy: Mapped[str | None] = mapped_column(String(40))
    contact_name: Mapped[str] = mapped_column(String(120), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    delivery_fee: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    fee_waived_above: Mapped[Decimal | None] = mapped_column(Money())
    delivery_cost_per_km: Mapped[Decimal] = mapped_column(UnitPrice(), default=Decimal("0"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    labels: Mapped[list[SupplierLabel]] = relationship(
        back_populates="supplier", cascade="all, delete-orphan", order_by="SupplierLabel.name"
    )
    offers: Mapped[list[Offer]] = relationship(back_populates="supplier")

    @validates("siret")
    def _siren_of_siret(self, _key: str, siret: str | None) -> str | None:
        """A SIRET is an establishment of the company whose SIREN is its first nine digits."""
        if siret:
            self.siren = siret[:9]
        return siret


class SupplierLabel(Base):
    """A certification or label held by a supplier, valid until its expiry date."""

    __tablename__ = "supplier_label"
    __table_args__ = (UniqueConstraint("supplier_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("supplier.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(80))
    expires_on: Mapped[date | None] = mapped_column(Date)

    supplier: Mapped[Supplier] = relationship(back_populates="labels")


class Offer(Base):
    """What a supplier sells for a product, on what terms."""

    __tablename__ = "offer"
    __table_args__ = (
        UniqueConstraint("supplier_id", "supplier_ref"),
        CheckConstraint("pack_size > 0", name="pack_size_positive"),
        CheckConstraint("min_order_quantity >= 0", name="min_order_not_negative"),
        CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
        CheckConstraint("lead_time_days >= 0", name="lead_time_not_negative"),
        CheckConstraint("recycled_content BETWEEN 0 AND 100", name="recycled_content_percent"),
        CheckConstraint("vat_rate >= 0 AND vat_rate < 1", name="vat_rate_range"),
        CheckConstraint(
            "valid_until IS NULL OR valid_from IS NULL OR valid_until >= valid_from",
            name="validity_ordered",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("supplier.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"), index=True)
    supplier_ref: Mapped[str] = mapped_column(String(60))
    description: Mapped[str] = mapped_column(String(300), default="")
    pack_size: Mapped[Decimal] = mapped_column(Quantity(), default=Decimal("1"))
    min_order_quantity: Mapped[Decimal] = mapped_column(Quantity(), default=Decimal("0"))
    capacity: Mapped[Decimal | None] = mapped_column(Quantity())
    lead_time_days: Mapped[int] = mapped_column(Integer, default=3)
    label: Mapped[str | None] = mapped_column(String(80))
    recycled_content: Mapped[int] = mapped_column(Integer, default=0)
    vat_rate: Mapped[Decimal] = mapped_column(UnitPrice(), default=Decimal("0.20"))
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    supplier: Mapped[Supplier] = relationship(back_populates="offers")
    product: Mapped[Product] = relationship(back_populates="offers")
    tiers: Mapped[list[PriceTier]] = relationship(
        back_populates="offer", cascade="all, delete-orphan", order_by="PriceTier.min_quantity"
    )

    def unit_price_for(self, quantity: Decimal) -> Decimal:
        """All-units price: the tier reached by `quantity` prices every unit."""
        reached = [tier for tier in self.tiers if tier.min_quantity <= quantity]
        tier = reached[-1] if reached else self.tiers[0]
        return tier.unit_price


class PriceTier(Base):
    """From `min_quantity` units on, every unit costs `unit_price` (excluding VAT)."""

    __tablename__ = "price_tier"
    __table_args__ = (
        UniqueConstraint("offer_id", "min_quantity"),
        CheckConstraint("min_quantity >= 0", name="min_quantity_not_negative"),
        CheckConstraint("unit_price >= 0", name="unit_price_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offer.id", ondelete="CASCADE"), index=True)
    min_quantity: Mapped[Decimal] = mapped_column(Quantity())
    unit_price: Mapped[Decimal] = mapped_column(UnitPrice())

    offer: Mapped[Offer] = relationship(back_populates="tiers")


UPLOAD_STATUSES = ("analysing", "ready", "invalid", "imported", "failed", "undone")
MATCH_STATUSES = ("pending", "confirmed", "changed", "new_product")


class CatalogUpload(Base):
    """A supplier's price list as uploaded, kept until it is imported (or abandoned).

    The file stays in the database so that any web worker can show its preview and import it.
    Once imported, `journal` keeps what the import did so that it can be undone as a whole.
    """

    __tablename__ = "catalog_upload"
    __table_args__ = (
        CheckConstraint(f"status IN {UPLOAD_STATUSES!r}", name="status_known"),
        CheckConstraint("progress_done >= 0 AND progress_total >= 0", name="progress_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("supplier.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    mapping: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10), default="analysing")
    progress_done: Mapped[int] = mapped_column(Integer, default=0)
    progress_total: Mapped[int] = mapped_column(Integer, default=0)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    imported_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    journal: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    supplier: Mapped[Supplier] = relationship()


class ProductMatch(Base):
    """An imported catalog line whose product the lead should confirm, with the candidates."""

    __tablename__ = "product_match"
    __table_args__ = (CheckConstraint(f"status IN {MATCH_STATUSES!r}", name="status_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("offer.id", ondelete="CASCADE"), unique=True)
    text: Mapped[str] = mapped_column(String(300))
    candidates: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    #: why the line waits for the lead: messages as `suppliers.errors.Message.to_data` stores them
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(12), default="pending", index=True)
    decided_by_id: Mapped[int | None] = mapped_column(Integer)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    offer: Mapped[Offer] = relationship()
