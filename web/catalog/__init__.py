"""The supplier catalog: browsing products and suppliers with each offer's eco score (everyone);
keeping suppliers and offers, importing price lists and reviewing matches (the lead)."""

from flask import Blueprint

blueprint = Blueprint("catalog", __name__, url_prefix="/catalog", template_folder="templates")

# The views attach themselves to the blueprint.
from web.catalog import (  # noqa: E402, F401
    browse,
    eco,
    imports,
    manage_offers,
    manage_products,
    manage_suppliers,
)
