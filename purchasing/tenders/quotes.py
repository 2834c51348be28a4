"""A supplier's quote through its signed link, without an account, and the lead's check of a
supplier that came by a tender.

A quote is taken while the tender is open and its closing time has not come (a quote one
second before the close is kept, one at the close or after is refused); it can be changed until
then, the last one counting. The tender's row is locked while a quote is stored, so that a
quote and the closing never pass each other. A new supplier (invited by e-mail) who quotes
becomes an inactive supplier record awaiting the lead's check.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from persistence.audit import Actor
from purchasing.tenders.models import TenderInvitation, TenderQuote
from purchasing.tenders.values import QuoteValues
from suppliers.models import Supplier


def quote_request(
    session: Session, token: str, *, secret: str, now: datetime | None = None
) -> TenderInvitation:
    """What the supplier's page shows: its invitation, the tender's lines and its quote so far.
    `LinkRefused` for a tampered, foreign or expired link."""
    raise NotImplementedError


def submit_quote(
    session: Session,
    token: str,
    values: QuoteValues,
    *,
    secret: str,
    now: datetime | None = None,
) -> TenderQuote:
    """Stores the supplier's quote (or its refusal to quote), replacing the one before."""
    raise NotImplementedError


def check_new_supplier(
    session: Session,
    supplier_id: int,
    *,
    actor: Actor | None,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
) -> Supplier:
    """The lead has checked a supplier that came by a tender: it becomes active."""
    raise NotImplementedError
