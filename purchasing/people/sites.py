"""A member's delivery sites: added, changed, closed and reopened by an admin.

A site still expecting goods (a need not yet received or given up) cannot be closed: its needs
would lose their address. A closed site is kept for the history; no new need can name it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from persistence.audit import Actor, record_event
from purchasing.errors import N_, Conflict, Invalid, Message, NotFound
from purchasing.models import DeliverySite, Member, Need
from purchasing.parsing import parse_decimal
from purchasing.permissions import MANAGE_MEMBERS, require

OPEN_NEED_STATUSES = ("draft", "submitted", "pooled", "allocated", "ordered")


@dataclass(frozen=True)
class SiteValues:
    name: str
    address: str
    postcode: str
    town: str
    latitude: float
    longitude: float


def read_site(raw: Mapping[str, object]) -> SiteValues:
    """Checks a site's fields; raises `Invalid` naming every field that is wrong."""
    errors: dict[str, Message] = {}
    name = " ".join(str(raw.get("name") or "").split())
    if not name or len(name) > 120:
        errors["name"] = Message(N_("Give the site a name of at most 120 characters."))
    town = " ".join(str(raw.get("town") or "").split())
    if not town or len(town) > 120:
        errors["town"] = Message(N_("Give the town."))
    address = " ".join(str(raw.get("address") or "").split())[:300]
    postcode = str(raw.get("postcode") or "").strip()
    if len(postcode) > 10:
        errors["postcode"] = Message(N_("A postcode has at most 10 characters."))
    coordinates = {}
    for field, limit in (("latitude", 90), ("longitude", 180)):
        value = parse_decimal(raw.get(field))
        if value is None or not -limit <= value <= limit:
            errors[field] = Message(
                N_("Enter decimal degrees between -%(limit)d and %(limit)d."), {"limit": limit}
            )
        else:
            coordinates[field] = float(value)
    if errors:
        raise Invalid(errors)
    return SiteValues(
        name, address, postcode, town, coordinates["latitude"], coordinates["longitude"]
    )


def site_by_id(session: Session, site_id: int) -> DeliverySite:
    site = session.get(DeliverySite, site_id)
    if site is None:
        raise NotFound(Message(N_("No such delivery site.")))
    return site


def _same_name(session: Session, member_id: int, name: str, site_id: int | None) -> None:
    taken = session.scalar(
        select(DeliverySite.id).where(
            DeliverySite.member_id == member_id,
            func.lower(DeliverySite.name) == name.lower(),
            DeliverySite.id != (site_id or 0),
        )
    )
    if taken is not None:
        raise Invalid({"name": Message(N_("This member already has a site of that name."))})


def add_site(
    session: Session, member_id: int, values: SiteValues, *, actor: Actor | None
) -> DeliverySite:
    """Adds a delivery site to a member company."""
    require(actor, MANAGE_MEMBERS)
    if session.get(Member, member_id) is None:
        raise NotFound(Message(N_("No such member.")))
    _same_name(session, member_id, values.name, None)
    site = DeliverySite(member_id=member_id, active=True, **values.__dict__)
    session.add(site)
    session.flush()
    record_event(session, "site.create", "delivery_site", site.id, actor=actor, member=member_id)
    return site


def update_site(
    session: Session, site_id: int, values: SiteValues, *, actor: Actor | None
) -> DeliverySite:
    """Changes a site's name, address or coordinates."""
    require(actor, MANAGE_MEMBERS)
    site = site_by_id(session, site_id)
    _same_name(session, site.member_id, values.name, site.id)
    for name, value in values.__dict__.items():
        setattr(site, name, value)
    session.flush()
    record_event(session, "site.update", "delivery_site", site.id, actor=actor)
    return site


def open_needs_at(session: Session, site_id: int) -> int:
    """How many needs still expect goods at the site."""
    return (
        session.scalar(
            select(func.count(Need.id)).where(
                Need.delivery_site_id == site_id, Need.status.in_(OPEN_NEED_STATUSES)
            )
        )
        or 0
    )


def set_site_active(
    session: Session, site_id: int, active: bool, *, actor: Actor | None
) -> DeliverySite:
    """Closes or reopens a site; a site with open needs, a member's last open site, or the
    collection point, stays."""
    require(actor, MANAGE_MEMBERS)
    site = site_by_id(session, site_id)
    if not active and site.collection_point:
        raise Conflict(
            Message(
                N_(
                    "%(name)s is the cooperative's collection point: declare another one, or "
                    "clear it, before closing the site."
                ),
                {"name": site.name},
            )
        )
    if not active:
        waiting = open_needs_at(session, site.id)
        if waiting:
            raise Conflict(
                Message(
                    N_("%(count)d needs still expect goods at %(name)s: it cannot be closed."),
                    {"count": waiting, "name": site.name},
                )
            )
        others = session.scalar(
            select(func.count(DeliverySite.id)).where(
                DeliverySite.member_id == site.member_id,
                DeliverySite.active.is_(True),
                DeliverySite.id != site.id,
            )
        )
        if not others:
            raise Conflict(Message(N_("A member keeps at least one open delivery site.")))
    site.active = active
    session.flush()
    record_event(
        session, "site.open" if active else "site.close", "delivery_site", site.id, actor=actor
    )
    return site


def open_sites_of(session: Session, member_id: int) -> list[DeliverySite]:
    """The member's open delivery sites, where a new need can be delivered."""
    return list(
        session.scalars(
            select(DeliverySite)
            .where(DeliverySite.member_id == member_id, DeliverySite.active.is_(True))
            .order_by(DeliverySite.id)
        )
    )
