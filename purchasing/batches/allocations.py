"""What the batches have made of the catalog's offers."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from purchasing.models import Allocation


def offers_in_use(session: Session, offer_ids: Collection[int]) -> set[int]:
    """The offers among `offer_ids` that an allocation of a batch refers to."""
    if not offer_ids:
        return set()
    found: set[int] = set()
    ids = list(offer_ids)
    # bound parameters are limited (SQLite: 32766); an import may touch 20,000 offers
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        found.update(
            session.scalars(
                select(Allocation.offer_id).where(Allocation.offer_id.in_(chunk)).distinct()
            )
        )
    return found
