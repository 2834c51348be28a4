"""The eco score of a stored offer, from what the catalog knows of it and of its supplier."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from suppliers.eco import (
    EcoConfig,
    EcoScore,
    GeoPoint,
    LabelFact,
    OfferFacts,
    SupplierFacts,
    offer_eco_score,
)
from suppliers.models import Offer, Supplier


def offer_facts(offer: Offer) -> OfferFacts:
    """The offer's own labels (« FSC, PEFC » gives two) and its recycled content."""
    return OfferFacts.from_label_text(offer.label, offer.recycled_content)


def supplier_facts(supplier: Supplier) -> SupplierFacts:
    """The supplier's labels with their expiry dates, its status and where it ships from."""
    return SupplierFacts(
        labels=tuple(LabelFact(label.name, label.expires_on) for label in supplier.labels),
        social_economy=supplier.social_economy,
        location=GeoPoint(supplier.latitude, supplier.longitude),
    )


def offer_eco(
    offer: Offer,
    on: date,
    sites: Sequence[GeoPoint] = (),
    config: EcoConfig | None = None,
    site: GeoPoint | None = None,
) -> EcoScore:
    """The offer's eco score with labels judged on `on`, as the optimizer sees it: transport
    from the supplier to `site` if given, else the mean distance to the delivery `sites`
    (none known: the transport part says so and earns nothing)."""
    return offer_eco_score(
        offer_facts(offer), supplier_facts(offer.supplier), sites, on, config, site
    )
