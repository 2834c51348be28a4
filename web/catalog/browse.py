"""Browsing the catalog: products, their offers, suppliers and their eco information."""

from __future__ import annotations

from flask import jsonify, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from suppliers import catalog
from web import db
from web.catalog import blueprint
from web.labels import UNIT_LABELS
from web.params import id_arg


@blueprint.get("/products")
@login_required
def products():
    text = request.args.get("q", "")[:100]
    category_id = id_arg("category")
    session = db.session()
    return render_template(
        "catalog/products.html",
        products=catalog.products(session, text, category_id),
        categories=catalog.categories(session),
        text=text,
        category_id=category_id,
    )


@blueprint.get("/products/<id:product_id>")
@login_required
def product(product_id: int):
    session = db.session()
    product, offers = catalog.product_offers(session, product_id)
    candidates = []
    if current_user.is_lead:
        candidates = [
            other
            for other in catalog.products(session, limit=5000)
            if other.id != product.id and other.unit == product.unit
        ]
    return render_template(
        "catalog/product.html", product=product, offers=offers, merge_candidates=candidates
    )


@blueprint.get("/suppliers")
@login_required
def suppliers():
    text = request.args.get("q", "")[:100]
    return render_template(
        "catalog/suppliers.html", suppliers=catalog.suppliers(db.session(), text), text=text
    )


@blueprint.get("/suppliers/<id:supplier_id>")
@login_required
def supplier(supplier_id: int):
    supplier, offers = catalog.supplier_offers(db.session(), supplier_id)
    return render_template("catalog/supplier.html", supplier=supplier, offers=offers)


@blueprint.get("/suggest")
@login_required
def suggest():
    """Products for the need form's live suggestions."""
    text = request.args.get("q", "")[:200]
    suggestions = catalog.suggest_products(db.session(), text)
    return jsonify(
        suggestions=[
            {
                "id": s.product.id,
                "name": s.product.name,
                "category": s.product.category.name,
                "unit": s.product.unit,
                "unit_label": str(UNIT_LABELS.get(s.product.unit, s.product.unit)),
                "offers": s.offers,
                "offers_label": _("offers"),
                "score": round(s.score, 1),
                "chosen_label": _("Catalog product chosen: %(name)s", name=s.product.name),
            }
            for s in suggestions
        ]
    )
