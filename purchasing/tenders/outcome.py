"""What follows a tender once the batch is decided: approval refused while a tender is open,
the suppliers not retained told, and a retained quote kept in the catalog."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from persistence.audit import Actor
from suppliers.models import Offer


def check_approval(session: Session, batch_id: int, result: Mapping[str, Any]) -> None:
    """Refuses to approve a batch while one of its tenders is open, or a scenario that buys
    from a supplier awaiting the lead's check."""
    raise NotImplementedError


def after_approval(
    session: Session, batch_id: int, result: Mapping[str, Any], *, actor: Actor | None
) -> None:
    """Tells the suppliers whose quotes were not used (one e-mail each, once)."""
    raise NotImplementedError


def add_quote_to_catalog(session: Session, offer_id: int, *, actor: Actor | None) -> Offer:
    """A quote the approved scenario used becomes a standing catalog offer."""
    raise NotImplementedError
