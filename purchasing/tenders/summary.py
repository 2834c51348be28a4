"""What pages, the API and commands show of tenders: the list, one tender, and its summary
(quotes side by side per line, what each would cost for the whole volume, eco evidence, and
what the tender saved against the catalog scenario of the same policy)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from purchasing.tenders.models import Tender


@dataclass(frozen=True)
class QuotedLine:
    """One supplier's terms for one tender line, and what it would cost for the whole
    pooled quantity (whole packs, the tier reached, excluding delivery)."""

    supplier_id: int | None
    supplier: str
    offer_id: int | None
    unit_price: Decimal
    whole_volume_cost: Decimal
    pack_size: Decimal
    min_order_quantity: Decimal
    lead_time_days: int
    tiers: tuple[tuple[Decimal, Decimal], ...]
    label: str
    label_expires_on: date | None
    recycled_content: int
    has_document: bool
    eco_score: int | None
    retained: bool


@dataclass(frozen=True)
class SummaryLine:
    tender_line_id: int
    product_id: int
    product: str
    unit: str
    quantity: Decimal
    towns: tuple[str, ...]
    quotes: tuple[QuotedLine, ...]
    catalog_unit_price: Decimal | None


@dataclass(frozen=True)
class Invited:
    invitation_id: int
    supplier_id: int | None
    name: str
    email: str
    new_supplier: bool
    awaiting_check: bool
    answered: str  # "" (not yet), "quoted" or "declined"
    decline_reason: str
    email_status: str


@dataclass(frozen=True)
class Savings:
    """The tender's scenario against the catalog scenario of the same policy (positive: the
    tender saves)."""

    scenario_number: int
    baseline_number: int | None
    computed: bool
    cost: Decimal | None
    baseline_cost: Decimal | None
    euros_saved: Decimal | None
    co2_kg: Decimal | None
    baseline_co2_kg: Decimal | None
    co2_kg_saved: Decimal | None


@dataclass(frozen=True)
class TenderSummary:
    tender_id: int
    batch_id: int
    status: str
    closes_at: datetime
    wanted_date: date
    rules: str
    evidence_wanted: tuple[str, ...]
    lines: tuple[SummaryLine, ...]
    invited: tuple[Invited, ...]
    savings: tuple[Savings, ...]


def tender_by_id(session: Session, tender_id: int) -> Tender:
    """The tender; `NotFound` when there is none."""
    raise NotImplementedError


def tenders(session: Session, batch_id: int | None = None) -> list[Tender]:
    """The tenders (of one batch, or all), newest first."""
    raise NotImplementedError


def open_tender_of(session: Session, batch_id: int) -> Tender | None:
    """The batch's open tender, if any."""
    raise NotImplementedError


def tender_summary(session: Session, tender_id: int) -> TenderSummary:
    """The tender as the lead compares its quotes."""
    raise NotImplementedError
