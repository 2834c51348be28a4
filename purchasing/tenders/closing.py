"""Closing a tender, exactly once, and the scenarios it brings.

The close is a conditional update of the tender (`open` → `closed`): of two closings at once
(the scheduler and the lead, or two processes), one finds it open and the other is told. Each
quote line then becomes an offer valid for this tender only; the tender's problem is the
batch's problem as it stood at the close plus these offers, and its scenarios are queued under
keys of their own (the scheduler computes them), the batch's earlier scenarios being kept.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from persistence.audit import Actor
from purchasing.models import Scenario
from purchasing.rounds.policies import ScenarioPolicy
from purchasing.tenders.models import Tender


def close_tender(
    session: Session, tender_id: int, *, actor: Actor | None, now: datetime | None = None
) -> Tender:
    """Closes the tender now (before its closing time when the lead asks)."""
    raise NotImplementedError


def close_due_tenders(session: Session, *, now: datetime | None = None) -> list[int]:
    """Closes every open tender whose closing time has passed; returns their ids."""
    raise NotImplementedError


def request_tender_scenario(
    session: Session, tender_id: int, policy: ScenarioPolicy, *, actor: Actor | None
) -> Scenario:
    """Queues one more scenario on the closed tender's problem under `policy`."""
    raise NotImplementedError
