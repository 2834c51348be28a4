"""The purchasing lead keeps the catalog: suppliers and their labels, offers and their tiers.

Also gives the catalog pages each offer's eco score with its evidence.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms import Field

from purchasing import geography
from purchasing.clock import cooperative_today
from suppliers import catalog, directory, offers
from suppliers.directory import DuplicateSupplier, LabelValues, SupplierValues
from suppliers.eco import EcoScore, load_eco_config, split_labels
from suppliers.eco_display import offer_eco
from suppliers.errors import Invalid, NotFound
from suppliers.models import Offer, Product, Supplier
from suppliers.offers import VAT_RATES, OfferValues, TierValues
from web import db
from web.access import role_required
from web.catalog.forms import OfferForm, SupplierForm
from web.catalog.routes import blueprint
from web.i18n import translate

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


# --- suppliers ---------------------------------------------------------------------------------


@blueprint.route("/suppliers/new", methods=["GET", "POST"])
@blueprint.route("/suppliers/<int:supplier_id>/edit", methods=["GET", "POST"])
@role_required("lead")
def edit_supplier(supplier_id: int | None = None):
    session = db.session()
    existing = session.get(Supplier, supplier_id) if supplier_id is not None else None
    if supplier_id is not None and existing is None:
        abort(404)
    form = SupplierForm(obj=existing)
    form.social_economy.choices = _status_choices(existing)
    duplicates: list[Supplier] = []
    if not form.is_submitted():
        form.social_economy.data = _shown_status(existing)
        _pad(form.labels, len(existing.labels) if existing else 0)
    if form.validate_on_submit():
        rows = [index for index, row in enumerate(form.labels) if not row.form.is_blank()]
        labels = [
            LabelValues(form.labels[i].form.name.data or "", form.labels[i].form.expires_on.data)
            for i in rows
        ]
        values = _supplier_values(form)
        allow = bool(form.allow_duplicate.data)
        try:
            if existing is None:
                saved = directory.create_supplier(
                    session, values, labels, allow_duplicate=allow, actor_id=current_user.id
                )
            else:
                saved = directory.update_supplier(
                    session,
                    existing.id,
                    values,
                    labels,
                    allow_duplicate=allow,
                    actor_id=current_user.id,
                )
        except Invalid as error:
            session.rollback()
            _show_errors(form, error, {"labels": rows})
            if isinstance(error, DuplicateSupplier):
                duplicates = error.duplicates
        else:
            session.commit()
            flash(_("Supplier %(name)s saved.", name=saved.name))
            return redirect(url_for("catalog.supplier", supplier_id=saved.id))
    return _form_page(
        "catalog/manage/supplier_form.html",
        form,
        supplier=existing,
        duplicates=duplicates,
    )


def _status_choices(existing: Supplier | None) -> list[tuple[str, str]]:
    choices = [("", _("none"))] + [
        (value, _("%(name)s — %(points)d points", name=rule.name, points=rule.points))
        for value, rule in directory.status_choices()
    ]
    shown = _shown_status(existing)
    if shown not in {value for value, _label in choices}:
        choices.append((shown, shown))
    return choices


def _shown_status(existing: Supplier | None) -> str:
    """The choice standing for the stored status: « esat » is the ESAT choice. Several statuses
    or an unknown one are shown as written, and kept so unless the lead picks another."""
    current = existing.social_economy if existing is not None else None
    if not current:
        return ""
    if len(split_labels(current)) == 1:
        return directory.social_economy_choice(current) or current
    return current


def _supplier_values(form: SupplierForm) -> SupplierValues:
    return SupplierValues(
        name=form.name.data or "",
        siret=form.siret.data or "",
        address=form.address.data or "",
        postcode=form.postcode.data or "",
        town=form.town.data or "",
        latitude=float(_given(form.latitude.data)),
        longitude=float(_given(form.longitude.data)),
        social_economy=form.social_economy.data or "",
        contact_name=form.contact_name.data or "",
        contact_email=form.contact_email.data or "",
        phone=form.phone.data or "",
        delivery_fee=form.delivery_fee.data if form.delivery_fee.data is not None else Decimal(0),
        fee_waived_above=form.fee_waived_above.data,
        active=bool(form.active.data),
    )


# --- offers ------------------------------------------------------------------------------------


@blueprint.route("/offers/new", methods=["GET", "POST"])
@blueprint.route("/offers/<int:offer_id>/edit", methods=["GET", "POST"])
@role_required("lead")
def edit_offer(offer_id: int | None = None):
    session = db.session()
    existing = session.get(Offer, offer_id) if offer_id is not None else None
    if offer_id is not None and existing is None:
        abort(404)
    form = OfferForm(obj=existing)
    _offer_choices(form, existing)
    list_errors: dict[str, str] = {}
    if not form.is_submitted():
        if existing is None:
            form.supplier_id.data = request.args.get("supplier", type=int)
            form.product_id.data = request.args.get("product", type=int)
        else:
            form.vat_rate.data = _rate_key(existing.vat_rate)
        _pad(form.tiers, len(existing.tiers) if existing else 0)
    if form.validate_on_submit() and _tiers_complete(form):
        rows = [index for index, row in enumerate(form.tiers) if not row.form.is_blank()]
        values = _offer_values(form, rows)
        try:
            if existing is None:
                saved = offers.create_offer(
                    session, form.supplier_id.data or 0, values, current_user.id
                )
            else:
                saved = offers.update_offer(session, existing.id, values, current_user.id)
        except NotFound as error:
            form.supplier_id.errors = [translate(error.message)]
        except Invalid as error:
            session.rollback()
            list_errors = _show_errors(form, error, {"tiers": rows})
        else:
            session.commit()
            flash(_("Offer %(ref)s saved.", ref=saved.supplier_ref))
            return redirect(url_for("catalog.supplier", supplier_id=saved.supplier_id))
    return _form_page(
        "catalog/manage/offer_form.html", form, offer=existing, list_errors=list_errors
    )


@blueprint.post("/offers/<int:offer_id>/deactivate")
@role_required("lead")
def deactivate_offer(offer_id: int):
    return _set_active(offer_id, active=False)


@blueprint.post("/offers/<int:offer_id>/reactivate")
@role_required("lead")
def reactivate_offer(offer_id: int):
    return _set_active(offer_id, active=True)


def _set_active(offer_id: int, active: bool):
    session = db.session()
    try:
        if active:
            offer = offers.reactivate_offer(session, offer_id, current_user.id)
        else:
            offer = offers.deactivate_offer(session, offer_id, current_user.id)
    except NotFound:
        abort(404)
    session.commit()
    if active:
        flash(_("Offer %(ref)s is proposed again.", ref=offer.supplier_ref))
    else:
        flash(_("Offer %(ref)s is no longer proposed.", ref=offer.supplier_ref))
    return redirect(url_for("catalog.supplier", supplier_id=offer.supplier_id))


def _offer_choices(form: OfferForm, existing: Offer | None) -> None:
    session = db.session()
    form.supplier_id.choices = [(s.id, s.name) for s in catalog.suppliers(session)]
    current = existing.product_id if existing is not None else 0
    products = session.scalars(
        select(Product)
        .where(Product.active.is_(True) | (Product.id == current))
        .order_by(Product.name)
    )
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
        pack_size=_given(form.pack_size.data),
        min_order_quantity=_or_zero(form.min_order_quantity.data),
        capacity=form.capacity.data,
        lead_time_days=int(_given(form.lead_time_days.data)),
        label=form.label.data or "",
        recycled_content=int(_or_zero(form.recycled_content.data)),
        vat_rate=Decimal(form.vat_rate.data or "-1"),
        valid_from=form.valid_from.data,
        valid_until=form.valid_until.data,
        tiers=[TierValues(tier.min_quantity.data, tier.unit_price.data) for tier in tiers],
    )


def _or_zero(number: Decimal | None) -> Decimal:
    return number if number is not None else Decimal(0)


def _given(number: Decimal | None) -> Decimal:
    """A required number, which the form's validation has made sure of."""
    assert number is not None
    return number


# --- showing refusals --------------------------------------------------------------------------


def _form_page(template: str, form: Any, **context: Any) -> tuple[str, int]:
    """The form again: after a post, something was refused (a saved form redirects)."""
    refused = form.is_submitted()
    if refused:
        flash(_("Nothing was saved: please correct the fields marked below."), "error")
    labels = [rule.name for rule in load_eco_config().labels]
    page = render_template(template, form=form, label_names=labels, **context)
    return page, 422 if refused else 200


def _pad(rows: Any, filled: int) -> None:
    """At least one empty row after those filled in, so that one more can be typed."""
    while len(rows) < filled + 1:
        rows.append_entry()


def _show_errors(form: Any, error: Invalid, rows: dict[str, list[int]]) -> dict[str, str]:
    """Puts each refusal next to its field; returns those about a whole list (« give at least
    one price tier ») by list name. `rows` maps a position in a list given to the service back
    to the form's row, blank rows having been left out."""
    about_lists: dict[str, str] = {}
    for key, message in error.errors.items():
        field = _field(form, key, rows)
        if field is None:
            about_lists[key] = translate(message)
        else:
            field.errors = [*field.errors, translate(message)]
    return about_lists


def _field(form: Any, key: str, rows: dict[str, list[int]]) -> Field | None:
    name, _sep, rest = key.partition(".")
    if rest:
        index, _sep, sub = rest.partition(".")
        return form[name][rows[name][int(index)]].form[sub]  # type: ignore[no-any-return]
    if name in rows:
        return None
    return form[name]  # type: ignore[no-any-return]
