"""The optimizer's view of the cooperative: open needs, active offers with their eco scores,
the delivery sites and the cooperative's collection point.

This is where the catalog's eco score reaches the optimizer: each offer carries the score the
lead sees on its page (labels valid on the order date, social economy, recycled content,
transport from the supplier to the members' delivery sites).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

import optimizer
from optimizer.problem import is_multiple
from purchasing.errors import Message
from purchasing.geography import cooperative_centroid, delivery_points
from purchasing.models import DeliverySite, Need
from purchasing.people.collection_point import (
    NO_COLLECTION_POINT,
    NoCollectionPoint,
    collection_point,
)
from suppliers.eco import GeoPoint, distance_km
from suppliers.eco_display import offer_eco
from suppliers.models import STANDING, Offer, Supplier

LOCAL_RADIUS_KM = 80.0
"""A supplier within this distance of the members' sites' centre counts as local."""


def open_needs(session: Session) -> list[Need]:
    """Submitted needs that name a catalog product (free-text ones wait for a match)."""
    return list(
        session.scalars(
            select(Need)
            .where(Need.status == "submitted", Need.product_id.is_not(None))
            .options(selectinload(Need.delivery_site), selectinload(Need.product))
            .order_by(Need.id)
        )
    )


def tolerance_of(need: Need) -> Decimal:
    """The units more a need accepts: its percentage of the quantity, rounded down to whole
    shipping steps (10 % of 5 bottles is no bottle more, 10 % of 12.5 kg by the 0.5 kg is 1 kg),
    so that no member is sent more than it accepted."""
    assert need.product is not None
    step = need.product.shipping_step
    exact = need.quantity * need.tolerance_percent / 100
    return (exact / step).to_integral_value(ROUND_FLOOR) * step


def build_problem(
    session: Session, needs: Sequence[Need], policy: optimizer.Policy
) -> optimizer.Problem:
    """The optimizer problem for `needs`: their products' shipping steps, offers of those
    products valid on the order date whose packs are whole shipping steps, their suppliers
    with fees and flags, delivery sites and the collection point, and per-unit delivery costs
    (to the collection point too, for the scenarios delivered there).

    Raises `NoCollectionPoint` when `policy` has suppliers deliver to a collection point the
    cooperative has not declared."""
    point = collection_point(session)
    if policy.deliver_to_collection_point and point is None:
        raise NoCollectionPoint(Message(NO_COLLECTION_POINT))
    products = {need.product_id for need in needs}
    offers = list(
        session.scalars(
            select(Offer)
            .where(
                Offer.product_id.in_(products),
                Offer.active.is_(True),
                STANDING,
                or_(Offer.valid_from.is_(None), Offer.valid_from <= policy.order_date),
                or_(Offer.valid_until.is_(None), Offer.valid_until >= policy.order_date),
            )
            .join(Supplier)
            .where(Supplier.active.is_(True))
            .options(
                selectinload(Offer.tiers),
                selectinload(Offer.product),
                selectinload(Offer.supplier).selectinload(Supplier.labels),
            )
            .order_by(Offer.id)
        )
    )
    points = delivery_points(session)
    centre = cooperative_centroid(session)
    suppliers = {offer.supplier.id: offer.supplier for offer in offers}
    site_ids = sorted(
        {need.delivery_site_id for need in needs} | ({point.id} if point is not None else set())
    )
    sites = {
        site.id: site
        for site in session.scalars(select(DeliverySite).where(DeliverySite.id.in_(site_ids)))
    }

    return optimizer.Problem(
        needs=tuple(
            optimizer.Need(
                id=str(need.id),
                member=str(need.member_id),
                product=str(need.product_id),
                quantity=need.quantity,
                needed_by=need.needed_by,
                site=str(need.delivery_site_id),
                tolerance=tolerance_of(need),
                price_ceiling=need.price_ceiling,
            )
            for need in needs
        ),
        offers=tuple(
            entry
            for entry in (optimizer_offer(offer, policy.order_date, points) for offer in offers)
            if entry is not None
        ),
        suppliers=tuple(
            optimizer_supplier(supplier, centre)
            for supplier in sorted(suppliers.values(), key=lambda s: s.id)
        ),
        policy=policy,
        sites=tuple(
            optimizer.Site(id=str(site.id), location=_location(site.latitude, site.longitude))
            for site in sites.values()
        ),
        delivery_costs=tuple(
            cost
            for supplier in sorted(suppliers.values(), key=lambda s: s.id)
            for site in sites.values()
            if (cost := delivery_cost(supplier, site)) is not None
        ),
        collection_point=str(point.id) if point is not None else None,
        products=tuple(
            optimizer.Product(id=str(product.id), shipping_step=product.shipping_step)
            for product in sorted(
                {need.product for need in needs if need.product is not None}, key=lambda p: p.id
            )
        ),
    )


def optimizer_offer(
    offer: Offer, order_date: date, points: Sequence[GeoPoint]
) -> optimizer.Offer | None:
    """An offer as the optimizer sees it, with the eco score the lead sees on its page; None
    for an offer without a price, or whose pack is not whole shipping steps (it cannot be
    shared among members in steps: it waits for the lead to correct its pack or the step)."""
    if not offer.tiers or not is_multiple(offer.pack_size, offer.product.shipping_step):
        return None
    return optimizer.Offer(
        id=str(offer.id),
        supplier=str(offer.supplier_id),
        product=str(offer.product_id),
        pack_size=offer.pack_size,
        tiers=tuple(
            optimizer.PriceTier(min_quantity=tier.min_quantity, unit_price=tier.unit_price)
            for tier in offer.tiers
        ),
        minimum_quantity=offer.min_order_quantity,
        capacity=offer.capacity,
        lead_time_days=offer.lead_time_days,
        eco_score=Decimal(offer_eco(offer, order_date, list(points)).total),
    )


def optimizer_supplier(supplier: Supplier, centre: GeoPoint | None) -> optimizer.Supplier:
    """A supplier as the optimizer sees it: its delivery fee and waiver, where it is, whether
    it is local (near the centre of the members' sites) and in the social economy."""
    return optimizer.Supplier(
        id=str(supplier.id),
        delivery_fee=supplier.delivery_fee,
        fee_waived_above=supplier.fee_waived_above,
        location=_location(supplier.latitude, supplier.longitude),
        local=centre is not None and distance_km(centre, _point(supplier)) <= LOCAL_RADIUS_KM,
        social_economy=bool(supplier.social_economy),
    )


def delivery_cost(supplier: Supplier, site: DeliverySite) -> optimizer.DeliveryCost | None:
    """The supplier's cost of delivering one unit to the site (its price per km times the
    distance); None when it charges nothing per km."""
    if supplier.delivery_cost_per_km <= 0:
        return None
    return optimizer.DeliveryCost(
        supplier=str(supplier.id),
        site=str(site.id),
        cost_per_unit=(
            supplier.delivery_cost_per_km
            * Decimal(str(round(distance_km(_point(supplier), _point(site)), 1)))
        ).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP),
    )


def _location(latitude: float, longitude: float) -> optimizer.Location:
    return optimizer.Location(lat=latitude, lon=longitude)


def _point(place: Supplier | DeliverySite) -> GeoPoint:
    return GeoPoint(place.latitude, place.longitude)
