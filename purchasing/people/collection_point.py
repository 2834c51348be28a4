"""The cooperative's collection point: one of its delivery sites where suppliers can deliver the
whole batch and from which each member fetches its goods.

Declared by an admin among the open sites, at most one at a time (declaring another moves it);
the lead then chooses, scenario by scenario, whether suppliers deliver there (see
`purchasing.rounds.policies.ScenarioPolicy.deliver_to_collection_point`). Its coordinates place the
point on the map, so the optimizer counts the suppliers' trips to it and the members' pick-ups.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from persistence.audit import Actor, record_event
from purchasing.errors import N_, Conflict, Message, Refused
from purchasing.models import DeliverySite
from purchasing.people.sites import site_by_id
from purchasing.permissions import SET_COLLECTION_POINT, require

NO_COLLECTION_POINT = N_(
    "The cooperative has no collection point: an admin declares one among the members' "
    "delivery sites."
)


DECLARED_MEANWHILE = N_(
    "Another site was made the collection point at the same moment: reload the page to see it."
)


class NoCollectionPoint(Refused):
    """Suppliers were asked to deliver to the collection point, and there is none."""


def collection_point(session: Session) -> DeliverySite | None:
    """The site declared as the cooperative's collection point, with its member; None without."""
    return session.scalar(
        select(DeliverySite)
        .where(DeliverySite.collection_point.is_(True))
        .options(selectinload(DeliverySite.member))
    )


def declare_collection_point(
    session: Session, site_id: int, *, actor: Actor | None
) -> DeliverySite:
    """Makes an open site the cooperative's collection point, in place of the one declared
    before (if any). Declaring the point again changes nothing."""
    require(actor, SET_COLLECTION_POINT)
    site = site_by_id(session, site_id)
    if site.collection_point:
        return site
    if not site.active:
        raise Conflict(
            Message(
                N_("%(name)s is closed: only an open site can be the collection point."),
                {"name": site.name},
            )
        )
    if not site.member.active:
        raise Conflict(
            Message(
                N_(
                    "%(member)s is no longer an active member: its sites cannot be the "
                    "collection point."
                ),
                {"member": site.member.name},
            )
        )
    previous = collection_point(session)
    if previous is not None:
        # Cleared and flushed first: the index lets one site at most be the point.
        session.execute(
            update(DeliverySite)
            .where(DeliverySite.id == previous.id)
            .values(collection_point=False)
            .execution_options(synchronize_session="fetch")
        )
        session.flush()
    try:
        with session.begin_nested():
            site.collection_point = True
            session.flush()
    except IntegrityError:
        # Another admin made another site the point meanwhile: the index kept it the only one.
        raise Conflict(Message(DECLARED_MEANWHILE)) from None
    record_event(
        session,
        "site.collection_point",
        "delivery_site",
        site.id,
        actor=actor,
        previous=previous.id if previous is not None else None,
    )
    return site


def clear_collection_point(session: Session, *, actor: Actor | None) -> DeliverySite | None:
    """The cooperative no longer has a collection point; returns the site that was, if any.

    Batches already closed keep the point they were closed with."""
    require(actor, SET_COLLECTION_POINT)
    previous = collection_point(session)
    if previous is None:
        return None
    previous.collection_point = False
    session.flush()
    record_event(session, "site.collection_point_clear", "delivery_site", previous.id, actor=actor)
    return previous
