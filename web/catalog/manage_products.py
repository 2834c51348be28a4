"""The purchasing lead keeps the product list: creates, renames, recategorises, merges."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from purchasing.needs.products import change_product, merge_products
from purchasing.permissions import CHANGE_CATALOG
from suppliers import catalog
from suppliers.errors import N_, Conflict, Invalid, Message
from suppliers.models import UNITS
from suppliers.products import create_product, product_by_id, read_product
from web import db
from web.access import allowed_to
from web.catalog import blueprint
from web.catalog.editing import form_page
from web.catalog.forms import MergeForm, ProductForm
from web.errors import errors_on_form, refusal
from web.i18n import quantity
from web.labels import UNIT_LABELS


def product_choices(form: ProductForm) -> None:
    """The categories and units a product form offers."""
    session = db.session()
    form.category_id.choices = [("", "—")] + [
        (str(category.id), category.name) for category in catalog.categories(session)
    ]
    form.unit.choices = [(code, str(UNIT_LABELS[code])) for code in UNITS]


@blueprint.route("/products/new", methods=["GET", "POST"])
@blueprint.route("/products/<int:product_id>/edit", methods=["GET", "POST"])
@allowed_to(CHANGE_CATALOG)
def edit_product(product_id: int | None = None) -> ResponseReturnValue:
    session = db.session()
    existing = product_by_id(session, product_id) if product_id is not None else None
    form = ProductForm(
        data=None
        if existing is None or request.method == "POST"
        else {
            "name": existing.name,
            "category_id": str(existing.category_id),
            "unit": existing.unit,
            "shipping_step": quantity(existing.shipping_step),
            "description": existing.description,
        }
    )
    product_choices(form)
    if form.validate_on_submit():
        try:
            values = read_product(session, form.values(), existing.id if existing else None)
            if existing is None:
                saved = create_product(session, values, actor=current_user)
            else:
                saved = change_product(session, existing.id, values, actor=current_user)
        except Invalid as error:
            errors_on_form(form, error)
        else:
            flash(_("Product %(name)s saved.", name=saved.name))
            return redirect(url_for("catalog.product", product_id=saved.id))
    return form_page("catalog/manage/product_form.html", form, product=existing)


@blueprint.post("/products/<int:product_id>/merge")
@allowed_to(CHANGE_CATALOG)
def merge_product(product_id: int) -> ResponseReturnValue:
    form = MergeForm()
    choice = form.merged_id.data or ""
    back = url_for("catalog.product", product_id=product_id)
    try:
        if not choice.isdigit():
            raise Invalid({"merged_id": Message(N_("Choose another product to merge."))})
        offers, needs = merge_products(db.session(), product_id, int(choice), actor=current_user)
    except (Invalid, Conflict) as error:
        return refusal(error, back)
    flash(
        _(
            "Products merged: %(offers)d offers and %(needs)d needs moved to this product.",
            offers=offers,
            needs=needs,
        )
    )
    return redirect(back)
