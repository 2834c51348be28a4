"""Where the cooperative takes delivery: its members' sites, for distances to suppliers."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from purchasing.models import DeliverySite, Member
from suppliers.eco import GeoPoint


def delivery_points(session: Session) -> list[GeoPoint]:
    """Every delivery site of the active member companies, each counted once."""
    rows = session.execute(
        select(DeliverySite.latitude, DeliverySite.longitude)
        .join(Member, DeliverySite.member_id == Member.id)
        .where(Member.active.is_(True))
        .order_by(DeliverySite.id)
    )
    return [GeoPoint(latitude, longitude) for latitude, longitude in rows]


def cooperative_centroid(session: Session) -> GeoPoint | None:
    """The mean position of the active members' delivery sites; None without any.

    Averaging degrees is fine at the scale of a region. For a supplier's transport score the
    mean of its distances to the sites is fairer (see `suppliers.eco.offer_eco_score`).
    """
    points = delivery_points(session)
    if not points:
        return None
    return GeoPoint(
        sum(point.latitude for point in points) / len(points),
        sum(point.longitude for point in points) / len(points),
    )
