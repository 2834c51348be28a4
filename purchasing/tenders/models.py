"""Tenders as stored: the request for quotes, its lines, the suppliers invited, their quotes.

The supply side knows a quote only as an offer valid for one tender (`Offer.tender_id`, a plain
number there, since suppliers know nothing of the demand side); these tables hold the rest.
"""

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
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from persistence import Base, Money, Quantity, UnitPrice, UTCDateTime, utcnow
from purchasing.models import Batch, Scenario, User
from suppliers.models import Offer, Product, Supplier

TENDER_STATUSES = ("open", "closed")
TENDER_RULES = ("per_line", "whole_lot")
EVIDENCE_KINDS = ("labels", "recycled_content", "social_economy")
DECLINE_MAX = 1000
DOCUMENT_MAX_BYTES = 5 * 1024 * 1024


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN {values!r}"


class Tender(Base):
    """A request for quotes on some pooled lines of a proposed batch.

    A product of a batch is in at most one open tender at a time (`opening.open_tender` checks
    it under the batch's row lock; several open tenders of a batch differ in their products).
    `problem` is
    the batch's problem as it stood at the close plus the quoted offers: the tender's
    scenarios are computed on it."""

    __tablename__ = "tender"
    __table_args__ = (
        CheckConstraint(_one_of("status", TENDER_STATUSES), name="status_known"),
        CheckConstraint(_one_of("rules", TENDER_RULES), name="rules_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("batch.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime())
    wanted_date: Mapped[date] = mapped_column(Date)
    evidence_wanted: Mapped[list[str]] = mapped_column(JSON, default=list)
    rules: Mapped[str] = mapped_column(String(10), default="per_line")
    note: Mapped[str] = mapped_column(Text, default="")
    problem: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # When the suppliers not retained were told (once, after the batch's approval).
    outcome_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    batch: Mapped[Batch] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    lines: Mapped[list[TenderLine]] = relationship(
        back_populates="tender", cascade="all, delete-orphan", order_by="TenderLine.position"
    )
    invitations: Mapped[list[TenderInvitation]] = relationship(
        back_populates="tender", cascade="all, delete-orphan", order_by="TenderInvitation.id"
    )
    scenarios: Mapped[list[TenderScenario]] = relationship(
        back_populates="tender", cascade="all, delete-orphan", order_by="TenderScenario.id"
    )


class TenderLine(Base):
    """A product put out to tender: the pooled quantity when the tender opened and the towns
    it is delivered to."""

    __tablename__ = "tender_line"
    __table_args__ = (
        UniqueConstraint("tender_id", "product_id"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tender.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id"))
    quantity: Mapped[Decimal] = mapped_column(Quantity())
    towns: Mapped[list[str]] = mapped_column(JSON, default=list)

    tender: Mapped[Tender] = relationship(back_populates="lines")
    product: Mapped[Product] = relationship()


class TenderInvitation(Base):
    """A supplier asked to quote: a catalog supplier, or a new one known by name, e-mail and
    SIRET until it quotes (then `supplier_id` is the inactive supplier record made for it,
    awaiting the lead's check). `nonce` is part of the signed link: a link of another
    invitation, or of another tender, is refused."""

    __tablename__ = "tender_invitation"
    __table_args__ = (
        UniqueConstraint("tender_id", "supplier_id"),
        UniqueConstraint("tender_id", "email"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tender.id", ondelete="CASCADE"), index=True)
    supplier_id: Mapped[int | None] = mapped_column(ForeignKey("supplier.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    siret: Mapped[str | None] = mapped_column(String(14))
    new_supplier: Mapped[bool] = mapped_column(Boolean, default=False)
    nonce: Mapped[str] = mapped_column(String(32))
    email_id: Mapped[int | None] = mapped_column(ForeignKey("outgoing_email.id"))
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    tender: Mapped[Tender] = relationship(back_populates="invitations")
    supplier: Mapped[Supplier | None] = relationship()
    quote: Mapped[TenderQuote | None] = relationship(
        back_populates="invitation", cascade="all, delete-orphan", uselist=False
    )


class TenderQuote(Base):
    """An invited supplier's answer: its delivery terms and validity for the whole quote, and
    its lines; or a refusal to quote, with the reason. Changed in place until the close."""

    __tablename__ = "tender_quote"
    __table_args__ = (
        CheckConstraint("delivery_fee >= 0", name="delivery_fee_not_negative"),
        CheckConstraint(
            "fee_waived_above IS NULL OR fee_waived_above >= 0", name="waiver_not_negative"
        ),
        CheckConstraint(f"length(decline_reason) <= {DECLINE_MAX}", name="reason_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(
        ForeignKey("tender_invitation.id", ondelete="CASCADE"), unique=True
    )
    declined: Mapped[bool] = mapped_column(Boolean, default=False)
    decline_reason: Mapped[str] = mapped_column(Text, default="")
    delivery_fee: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    fee_waived_above: Mapped[Decimal | None] = mapped_column(Money())
    valid_until: Mapped[date | None] = mapped_column(Date)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    invitation: Mapped[TenderInvitation] = relationship(back_populates="quote")
    lines: Mapped[list[TenderQuoteLine]] = relationship(
        back_populates="quote", cascade="all, delete-orphan", order_by="TenderQuoteLine.id"
    )


class TenderQuoteLine(Base):
    """What a supplier quotes for one tender line, with its eco evidence; `offer_id` is the
    offer the close made of it (valid for this tender only)."""

    __tablename__ = "tender_quote_line"
    __table_args__ = (
        UniqueConstraint("quote_id", "tender_line_id"),
        CheckConstraint("pack_size > 0", name="pack_size_positive"),
        CheckConstraint("min_order_quantity >= 0", name="min_order_not_negative"),
        CheckConstraint("lead_time_days >= 0", name="lead_time_not_negative"),
        CheckConstraint("recycled_content BETWEEN 0 AND 100", name="recycled_content_percent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quote_id: Mapped[int] = mapped_column(
        ForeignKey("tender_quote.id", ondelete="CASCADE"), index=True
    )
    tender_line_id: Mapped[int] = mapped_column(ForeignKey("tender_line.id", ondelete="CASCADE"))
    pack_size: Mapped[Decimal] = mapped_column(Quantity(), default=Decimal("1"))
    min_order_quantity: Mapped[Decimal] = mapped_column(Quantity(), default=Decimal("0"))
    lead_time_days: Mapped[int] = mapped_column(Integer, default=3)
    label: Mapped[str] = mapped_column(String(80), default="")
    label_expires_on: Mapped[date | None] = mapped_column(Date)
    recycled_content: Mapped[int] = mapped_column(Integer, default=0)
    document_name: Mapped[str] = mapped_column(String(255), default="")
    document: Mapped[bytes | None] = mapped_column(LargeBinary)
    offer_id: Mapped[int | None] = mapped_column(ForeignKey("offer.id"))

    quote: Mapped[TenderQuote] = relationship(back_populates="lines")
    tender_line: Mapped[TenderLine] = relationship()
    offer: Mapped[Offer | None] = relationship()
    tiers: Mapped[list[TenderQuoteTier]] = relationship(
        back_populates="line",
        cascade="all, delete-orphan",
        order_by="TenderQuoteTier.min_quantity",
    )


class TenderQuoteTier(Base):
    """From `min_quantity` units on, every unit costs `unit_price` excluding VAT."""

    __tablename__ = "tender_quote_tier"
    __table_args__ = (
        UniqueConstraint("line_id", "min_quantity"),
        CheckConstraint("min_quantity >= 0", name="min_quantity_not_negative"),
        CheckConstraint("unit_price >= 0", name="unit_price_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(
        ForeignKey("tender_quote_line.id", ondelete="CASCADE"), index=True
    )
    min_quantity: Mapped[Decimal] = mapped_column(Quantity())
    unit_price: Mapped[Decimal] = mapped_column(UnitPrice())

    line: Mapped[TenderQuoteLine] = relationship(back_populates="tiers")


class TenderScenario(Base):
    """A scenario of the batch computed with the tender's quotes, and the catalog scenario of
    the same policy it is compared with (what the tender saved)."""

    __tablename__ = "tender_scenario"

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tender.id", ondelete="CASCADE"), index=True)
    scenario_id: Mapped[int] = mapped_column(
        ForeignKey("scenario.id", ondelete="CASCADE"), unique=True
    )
    baseline_id: Mapped[int | None] = mapped_column(ForeignKey("scenario.id", ondelete="SET NULL"))

    tender: Mapped[Tender] = relationship(back_populates="scenarios")
    scenario: Mapped[Scenario] = relationship(foreign_keys=[scenario_id])
    baseline: Mapped[Scenario | None] = relationship(foreign_keys=[baseline_id])
