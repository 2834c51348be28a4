"""What the lead types to open a tender and what a supplier types to quote, as plain values.

Pages, the API and commands parse their input into these; the use cases check the rules and
refuse with `Invalid`, naming each wrong field as the module docstring of `purchasing.tenders`
lists them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from purchasing.errors import Refused
from purchasing.tenders.models import TenderInvitation
from suppliers.offers import TierValues as TierValues

QuoteLinkFor = Callable[[TenderInvitation], str]
"""Gives an invitation's signed link under the configured base URL (`/tenders/quote/<token>`)."""


class LinkRefused(Refused):
    """A quote link that cannot be used: tampered, expired, of another tender, or closed."""


@dataclass(frozen=True)
class InvitationValues:
    """A new supplier invited by e-mail: its name, address and SIRET (14 digits, spaces
    allowed)."""

    name: str
    email: str
    siret: str


@dataclass(frozen=True)
class TenderValues:
    """A tender as the lead asks for it. `product_ids` empty puts every pooled product out to
    tender; `closes_at` is an aware instant (the interface reads it in Paris time with
    `opening.read_closes_at`); `evidence_wanted` holds codes of `models.EVIDENCE_KINDS`;
    `rules` is `per_line` (a supplier may quote some lines) or `whole_lot` (every line)."""

    closes_at: datetime
    wanted_date: date
    product_ids: Sequence[int] = ()
    evidence_wanted: Sequence[str] = ()
    rules: str = "per_line"
    supplier_ids: Sequence[int] = ()
    invitations: Sequence[InvitationValues] = ()
    note: str = ""


@dataclass(frozen=True)
class QuoteLineValues:
    """A supplier's terms for one tender line, with its eco evidence (a label with its expiry,
    the recycled content in percent, a document as bytes with its file name)."""

    tender_line_id: int
    tiers: Sequence[TierValues]
    pack_size: Decimal = Decimal("1")
    min_order_quantity: Decimal = Decimal("0")
    lead_time_days: int = 3
    label: str = ""
    label_expires_on: date | None = None
    recycled_content: int = 0
    document_name: str = ""
    document: bytes | None = None


@dataclass(frozen=True)
class CompanyValues:
    """Where a new supplier is: asked once, when it quotes. Coordinates are optional: without
    them the supplier is placed at the centre of the tender's sites until the lead checks it."""

    town: str
    postcode: str = ""
    address: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None


@dataclass(frozen=True)
class QuoteValues:
    """A quote: lines, delivery terms and validity for the whole quote; or `declined` with a
    reason (then the lines are ignored). `company` is required of a new supplier."""

    lines: Sequence[QuoteLineValues] = ()
    delivery_fee: Decimal = Decimal("0")
    fee_waived_above: Decimal | None = None
    valid_until: date | None = None
    declined: bool = False
    decline_reason: str = ""
    company: CompanyValues | None = None
