"""Each offer's eco score with its evidence, for every catalog page."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import g
from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l

from purchasing import geography
from purchasing.clock import cooperative_today
from suppliers.eco import EcoScore, load_eco_config
from suppliers.eco_display import offer_eco
from suppliers.models import Offer
from web import db
from web.catalog import blueprint

PART_NAMES = {
    "labels": _l("Labels and certifications"),
    "social_economy": _l("Social and solidarity economy"),
    "recycled_content": _l("Recycled or reused material"),
    "transport": _l("Transport"),
}


@blueprint.context_processor
def eco_information() -> dict[str, Any]:
    config = load_eco_config()
    return {
        "eco_scores": eco_scores,
        "eco_config": config,
        "eco_factor_value": format_decimal(config.emission_factor.value, format="#,##0.####"),
        "eco_part_names": PART_NAMES,
        "today": cooperative_today(),
    }


def eco_scores(offers: Iterable[Offer]) -> dict[int, EcoScore]:
    """Each offer's eco score today, transport judged on the members' delivery sites."""
    if "delivery_points" not in g:
        g.delivery_points = geography.delivery_points(db.session())
    today = cooperative_today()
    return {offer.id: offer_eco(offer, today, g.delivery_points) for offer in offers}
