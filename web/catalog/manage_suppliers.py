"""The purchasing lead keeps the catalog's suppliers: details, terms, labels, social economy."""

from __future__ import annotations

from decimal import Decimal

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from purchasing.permissions import CHANGE_CATALOG
from suppliers import directory, statuses
from suppliers.directory import SupplierValues
from suppliers.duplicates import DuplicateSupplier
from suppliers.eco import split_labels
from suppliers.errors import Invalid
from suppliers.labels import LabelValues
from suppliers.models import Supplier
from web import db
from web.access import allowed_to
from web.catalog import blueprint
from web.catalog.editing import form_page, given, pad
from web.catalog.forms import SupplierForm
from web.errors import errors_on_form


@blueprint.route("/suppliers/new", methods=["GET", "POST"])
@blueprint.route("/suppliers/<id:supplier_id>/edit", methods=["GET", "POST"])
@allowed_to(CHANGE_CATALOG)
def edit_supplier(supplier_id: int | None = None):
    session = db.session()
    existing = directory.supplier_by_id(session, supplier_id) if supplier_id is not None else None
    form = SupplierForm(obj=existing)
    form.social_economy.choices = _status_choices(existing)
    duplicates: list[Supplier] = []
    if not form.is_submitted():
        form.social_economy.data = _shown_status(existing)
        pad(form.labels, len(existing.labels) if existing else 0)
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
                    session, values, labels, actor=current_user, allow_duplicate=allow
                )
            else:
                saved = directory.update_supplier(
                    session, existing.id, values, labels, actor=current_user, allow_duplicate=allow
                )
        except Invalid as error:
            errors_on_form(form, error, rows={"labels": rows})
            if isinstance(error, DuplicateSupplier):
                duplicates = error.duplicates
        else:
            flash(_("Supplier %(name)s saved.", name=saved.name))
            return redirect(url_for("catalog.supplier", supplier_id=saved.id))
    return form_page(
        "catalog/manage/supplier_form.html",
        form,
        supplier=existing,
        duplicates=duplicates,
    )


def _status_choices(existing: Supplier | None) -> list[tuple[str, str]]:
    choices = [("", _("none"))] + [
        (value, _("%(name)s — %(points)d points", name=rule.name, points=rule.points))
        for value, rule in statuses.status_choices()
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
        return statuses.social_economy_choice(current) or current
    return current


def _supplier_values(form: SupplierForm) -> SupplierValues:
    return SupplierValues(
        name=form.name.data or "",
        siret=form.siret.data or "",
        siren=form.siren.data or "",
        vat_number=form.vat_number.data or "",
        address=form.address.data or "",
        postcode=form.postcode.data or "",
        town=form.town.data or "",
        latitude=float(given(form.latitude.data)),
        longitude=float(given(form.longitude.data)),
        social_economy=form.social_economy.data or "",
        contact_name=form.contact_name.data or "",
        contact_email=form.contact_email.data or "",
        phone=form.phone.data or "",
        delivery_fee=form.delivery_fee.data if form.delivery_fee.data is not None else Decimal(0),
        fee_waived_above=form.fee_waived_above.data,
        active=bool(form.active.data),
    )
