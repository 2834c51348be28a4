"""The purchasing lead keeps the catalog's offers: terms, price tiers, proposed or not."""

from __future__ import annotations

from decimal import Decimal

from flask import flash, redirect, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user

from purchasing.permissions import CHANGE_CATALOG
from suppliers import catalog, offers
from suppliers.errors import Invalid, NotFound
from suppliers.models import Offer
from suppliers.offers import VAT_RATES, OfferValues, TierValues
from suppliers.products import products_to_offer
from web import db
from web.access import allowed_to
from web.catalog import blueprint
from web.catalog.editing import form_page, given, pad
from web.catalog.forms import OfferForm
from web.errors import errors_on_form
from web.i18n import translate


@blueprint.route("/offers/new", methods=["GET", "POST"])
@blueprint.route("/offers/<int:offer_id>/edit", methods=["GET", "POST"])
@allowed_to(CHANGE_CATALOG)
def edit_offer(offer_id: int | None = None):
    session = db.session()
    existing = offers.offer_by_id(session, offer_id) if offer_id is not None else None
    form = OfferForm(obj=existing)
    _offer_choices(form, existing)
    list_errors: dict[str, str] = {}
    if not form.is_submitted():
        if existing is None:
            form.supplier_id.data = request.args.get("supplier", type=int)
            form.product_id.data = request.args.get("product", type=int)
        else:
            form.vat_rate.data = _rate_key(existing.vat_rate)
        pad(form.tiers, len(existing.tiers) if existing else 0)
    if form.validate_on_submit() and _tiers_complete(form):
        rows = [index for index, row in enumerate(form.tiers) if not row.form.is_blank()]
        values = _offer_values(form, rows)
        try:
            if existing is None:
                saved = offers.create_offer(
                    session, form.supplier_id.data or 0, values, actor=current_user
                )
            else:
                saved = offers.update_offer(session, existing.id, values, actor=current_user)
        except NotFound as error:  # the supplier chosen has gone meanwhile
            form.supplier_id.errors = [translate(error.message)]
        except Invalid as error:
            list_errors = errors_on_form(form, error, rows={"tiers": rows})
        else:
            flash(_("Offer %(ref)s saved.", ref=saved.supplier_ref))
            return redirect(url_for("catalog.supplier", supplier_id=saved.supplier_id))
    return form_page(
        "catalog/manage/offer_form.html", form, offer=existing, list_errors=list_errors
    )


@blueprint.post("/offers/<int:offer_id>/deactivate")
@allowed_to(CHANGE_CATALOG)
def deactivate_offer(offer_id: int):
    offer = offers.deactivate_offer(db.session(), offer_id, actor=current_user)
    flash(_("Offer %(ref)s is no longer proposed.", ref=offer.supplier_ref))
    return redirect(url_for("catalog.supplier", supplier_id=offer.supplier_id))


@blueprint.post("/offers/<int:offer_id>/reactivate")
@allowed_to(CHANGE_CATALOG)
def reactivate_offer(offer_id: int):
    offer = offers.reactivate_offer(db.session(), offer_id, actor=current_user)
    flash(_("Offer %(ref)s is proposed again.", ref=offer.supplier_ref))
    return redirect(url_for("catalog.supplier", supplier_id=offer.supplier_id))


def _offer_choices(form: OfferForm, existing: Offer | None) -> None:
    session = db.session()
    form.supplier_id.choices = [(s.id, s.name) for s in catalog.suppliers(session)]
    current = existing.product_id if existing is not None else 0
    products = products_to_offer(session, current)
    form.product_id.choices = [(0, "—")] + [(p.id, p.name) for p in products]
    form.vat_rate.choices = [
        (_rate_key(rate), f"{format_decimal(rate * 100, format='#,##0.#')} %") for rate in VAT_RATES
    ]
    if not form.is_submitted() and existing is None:
        form.vat_rate.data = _rate_key(Decimal("0.20"))


def _rate_key(rate: Decimal) -> str:
    return f"{rate.normalize():f}"


def _tiers_complete(form: OfferForm) -> bool:
    """A tier row needs both its quantity and its price; says whether every row has them."""
    complete = True
    for row in form.tiers:
        tier = row.form
        if tier.is_blank() or tier.min_quantity.errors or tier.unit_price.errors:
            continue
        for field in (tier.min_quantity, tier.unit_price):
            if field.data is None:
                field.errors = [*field.errors, _("Give both the quantity and its unit price.")]
                complete = False
    return complete


def _offer_values(form: OfferForm, rows: list[int]) -> OfferValues:
    tiers = [form.tiers[i].form for i in rows]
    return OfferValues(
        product_id=form.product_id.data or 0,
        supplier_ref=form.supplier_ref.data or "",
        description=form.description.data or "",
        pack_size=given(form.pack_size.data),
        min_order_quantity=_or_zero(form.min_order_quantity.data),
        capacity=form.capacity.data,
        lead_time_days=int(given(form.lead_time_days.data)),
        label=form.label.data or "",
        recycled_content=int(_or_zero(form.recycled_content.data)),
        vat_rate=Decimal(form.vat_rate.data or "-1"),
        valid_from=form.valid_from.data,
        valid_until=form.valid_until.data,
        tiers=[TierValues(tier.min_quantity.data, tier.unit_price.data) for tier in tiers],
    )


def _or_zero(number: Decimal | None) -> Decimal:
    return number if number is not None else Decimal(0)
