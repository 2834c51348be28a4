"""How far a supplier invoice may stray from the order and still be paid: the tolerances of the
three-way match, one row set by the purchasing lead."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Numeric
from sqlalchemy.orm import Mapped, mapped_column

from persistence import Base, Quantity, UTCDateTime, utcnow

DEFAULT_PRICE_PERCENT = Decimal("0.5")
DEFAULT_QUANTITY_UNITS = Decimal("0")


class SupplierMatchSettings(Base):
    """The match's tolerances: a unit price within `price_percent` % of the price ordered
    (either way) agrees, and a quantity at most `quantity_units` above what was received.
    Without the row, the defaults hold (±0.5 %, quantity exact)."""

    __tablename__ = "supplier_match_settings"
    __table_args__ = (
        CheckConstraint("id = 1", name="one_row"),
        CheckConstraint("price_percent >= 0 AND price_percent <= 50", name="price_percent_range"),
        CheckConstraint("quantity_units >= 0", name="quantity_units_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    price_percent: Mapped[Decimal] = mapped_column(Numeric(5, 2), default=DEFAULT_PRICE_PERCENT)
    quantity_units: Mapped[Decimal] = mapped_column(Quantity(), default=DEFAULT_QUANTITY_UNITS)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
