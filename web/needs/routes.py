"""A member's needs: the dashboard, the need form, changing, cancelling; the lead's matching."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_date, format_decimal
from flask_babel import gettext as _
from flask_login import current_user, login_required

from persistence.ids import parse_id
from purchasing.clock import cooperative_today
from purchasing.errors import N_, Conflict, Invalid, Message
from purchasing.models import Need
from purchasing.needs.needs import (
    cancel_need,
    match_need,
    status_counts,
    submit_need,
    update_need,
    visible_need,
)
from purchasing.needs.needs_list import needs_page, prices_paid, read_filter
from purchasing.needs.products import create_product_for_need
from purchasing.people.accounts import members as members_list
from purchasing.people.sites import open_sites_of
from purchasing.rounds.open_round import member_pools, too_late
from purchasing.rounds.rounds import open_round
from scheduling.jobs import notices_for
from suppliers import catalog
from suppliers.models import UNITS
from suppliers.products import read_product
from web import db
from web.access import role_required
from web.catalog.forms import ProductForm
from web.catalog.manage_products import product_choices
from web.errors import errors_on_form, refusal
from web.labels import UNIT_LABELS
from web.needs import blueprint
from web.needs.forms import NeedForm

# A product is chosen by typing in the free-text field: refusals about it are shown there.
FORM_FIELDS = {"product_id": "free_text"}


def _member_only() -> int:
    if current_user.member_id is None:
        abort(403)
    return current_user.member_id


def _prepare(form: NeedForm, member_id: int) -> None:
    sites = open_sites_of(db.session(), member_id)
    form.delivery_site_id.choices = [(str(site.id), f"{site.name} — {site.town}") for site in sites]
    form.unit.choices = [(code, str(UNIT_LABELS[code])) for code in UNITS]


@blueprint.get("/")
@login_required
def dashboard():
    if not (current_user.member_id or current_user.is_lead):
        abort(403)
    session = db.session()
    wanted = read_filter(request.args)
    page = needs_page(session, current_user, wanted)
    member_id = current_user.member_id
    return render_template(
        "needs/dashboard.html",
        page=page,
        needs=page.needs,
        wanted=wanted,
        status=wanted.status,
        counts=status_counts(session, current_user),
        paid=prices_paid(session, [need.id for need in page.needs]),
        open_round=open_round(session),
        pools=member_pools(session, member_id) if member_id else [],
        notices=notices_for(session, "members") if member_id else [],
        members=members_list(session) if current_user.is_lead else [],
        products=catalog.products(session, limit=5000) if current_user.is_lead else [],
    )


@blueprint.route("/new", methods=["GET", "POST"])
@login_required
def new():
    member_id = _member_only()
    form = NeedForm()
    _prepare(form, member_id)
    if form.validate_on_submit():
        session = db.session()
        try:
            need = submit_need(session, form.values(), cooperative_today(), actor=current_user)
        except Invalid as error:
            errors_on_form(form, error, FORM_FIELDS)
            flash(_("The need was not saved: please correct the fields marked below."), "error")
        else:
            flash(_("Need #%(id)d submitted: it will be pooled at the next round.", id=need.id))
            _warn_if_too_late(need)
            return redirect(url_for("needs.dashboard"))
    return (
        render_template(
            "needs/form.html", form=form, need=None, open_round=open_round(db.session())
        ),
        200 if not form.errors else 422,
    )


def _warn_if_too_late(need: Need) -> None:
    """Warns when no offer can deliver by the need's date if ordered at the next cut-off."""
    if too_late(db.session(), need.product_id, need.needed_by):
        flash(
            _(
                "No offer of the catalog can deliver by %(date)s if ordered at the next cut-off: "
                "consider a later date.",
                date=format_date(need.needed_by, "long"),
            ),
            "warning",
        )


@blueprint.get("/<id:need_id>")
@login_required
def show(need_id: int):
    need = visible_need(db.session(), current_user, need_id)
    suggestions, products, product_form = [], [], None
    if current_user.is_lead and need.product_id is None and need.editable:
        session = db.session()
        suggestions = catalog.suggest_products(session, need.free_text, top=5)
        products = catalog.products(session, limit=5000)
        product_form = ProductForm(data={"name": need.free_text, "unit": need.unit})
        product_choices(product_form)
    return render_template(
        "needs/show.html",
        need=need,
        suggestions=suggestions,
        products=products,
        product_form=product_form,
    )


@blueprint.post("/<id:need_id>/create-product")
@role_required("lead")
def create_product(need_id: int):
    form = ProductForm()
    back = url_for("needs.show", need_id=need_id)
    session = db.session()
    try:
        values = read_product(session, form.values())
        product = create_product_for_need(session, need_id, values, actor=current_user)
    except (Invalid, Conflict) as error:
        return refusal(error, back)
    flash(
        _(
            "Product %(name)s created; need #%(id)d names it and will be pooled.",
            name=product.name,
            id=need_id,
        )
    )
    return redirect(back)


@blueprint.post("/<id:need_id>/match")
@role_required("lead")
def match(need_id: int):
    session = db.session()
    choice = parse_id(request.form.get("product_id"))
    try:
        if choice is None:
            raise Invalid({"product_id": Message(N_("This product is not in the catalog."))})
        match_need(session, need_id, choice, actor=current_user)
    except (Invalid, Conflict) as error:
        return refusal(error, url_for("needs.show", need_id=need_id))
    flash(_("Need #%(id)d now names a catalog product: it will be pooled.", id=need_id))
    return redirect(url_for("needs.show", need_id=need_id))


@blueprint.route("/<id:need_id>/edit", methods=["GET", "POST"])
@login_required
def edit(need_id: int):
    need = visible_need(db.session(), current_user, need_id)
    if not need.editable:
        if need.status == "cancelled":
            flash(_("This need is cancelled and can no longer change."), "warning")
        else:
            flash(_("This need is already pooled and can no longer change."), "warning")
        return redirect(url_for("needs.show", need_id=need.id))
    form = NeedForm(obj=None if request.method == "POST" else _form_data(need))
    _prepare(form, need.member_id)
    if form.validate_on_submit():
        session = db.session()
        try:
            update_need(session, need.id, form.values(), cooperative_today(), actor=current_user)
        except Invalid as error:
            errors_on_form(form, error, FORM_FIELDS)
            flash(_("The need was not saved: please correct the fields marked below."), "error")
        except Conflict as error:
            return refusal(error, url_for("needs.show", need_id=need.id), "warning")
        else:
            flash(_("Need #%(id)d updated.", id=need.id))
            return redirect(url_for("needs.show", need_id=need.id))
    return render_template("needs/form.html", form=form, need=need), 200 if not form.errors else 422


@blueprint.post("/<id:need_id>/cancel")
@login_required
def cancel(need_id: int):
    session = db.session()
    try:
        cancel_need(session, need_id, actor=current_user)
    except Conflict as error:
        return refusal(error, url_for("needs.show", need_id=need_id), "warning")
    flash(_("Need #%(id)d cancelled.", id=need_id))
    return redirect(url_for("needs.dashboard"))


class _FormData:
    """A need's values shaped as the form shows them."""

    def __init__(self, need: Need) -> None:
        self.product_id = str(need.product_id or "")
        self.free_text = need.label
        # Written as the reader writes numbers ("4,50" in French), without grouping, so
        # that the form reads back what it shows.
        self.quantity = format_decimal(need.quantity, format="0.###")
        self.unit = need.unit
        self.tolerance_percent = str(need.tolerance_percent)
        self.needed_by = need.needed_by.isoformat()
        self.delivery_site_id = str(need.delivery_site_id)
        self.price_ceiling = (
            format_decimal(need.price_ceiling, format="0.00##") if need.price_ceiling else ""
        )
        self.comment = need.comment


def _form_data(need: Need) -> _FormData:
    return _FormData(need)
