"""The cooperative's calendar: instants are UTC, days are counted in Europe/Paris."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from persistence import utcnow

COOPERATIVE_TIMEZONE = ZoneInfo("Europe/Paris")


def cooperative_today(now: datetime | None = None) -> date:
    """Today's date where the cooperative is, which is what deadlines are compared with."""
    return (now or utcnow()).astimezone(COOPERATIVE_TIMEZONE).date()
