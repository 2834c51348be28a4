"""The admin keeps each member's delivery sites: adds, changes, closes and reopens them, and
declares which one is the cooperative's collection point."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from purchasing.errors import Conflict, Invalid
from purchasing.people import accounts
from purchasing.people.collection_point import clear_collection_point, declare_collection_point
from purchasing.people.sites import add_site, read_site, set_site_active, site_by_id, update_site
from web import db
from web.access import role_required
from web.admin import blueprint
from web.admin.forms import SiteForm
from web.errors import errors_on_form, refusal


@blueprint.route("/members/<int:member_id>/sites/new", methods=["GET", "POST"])
@blueprint.route("/sites/<int:site_id>", methods=["GET", "POST"])
@role_required("admin")
def site(member_id: int | None = None, site_id: int | None = None) -> ResponseReturnValue:
    session = db.session()
    existing = site_by_id(session, site_id) if site_id is not None else None
    member = accounts.member_by_id(session, existing.member_id if existing else member_id or 0)
    form = SiteForm(obj=existing if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            values = read_site(form.values())
            if existing is None:
                add_site(session, member.id, values, actor=current_user)
            else:
                update_site(session, existing.id, values, actor=current_user)
        except Invalid as error:
            errors_on_form(form, error)
        else:
            flash(_("Delivery site %(name)s saved.", name=values.name))
            return redirect(url_for("admin.member", member_id=member.id))
    status = 422 if form.is_submitted() else 200
    return render_template("admin/site.html", form=form, site=existing, member=member), status


@blueprint.post("/sites/<int:site_id>/close")
@role_required("admin")
def close_site(site_id: int) -> ResponseReturnValue:
    return _set_active(site_id, False)


@blueprint.post("/sites/<int:site_id>/open")
@role_required("admin")
def open_site(site_id: int) -> ResponseReturnValue:
    return _set_active(site_id, True)


def _set_active(site_id: int, active: bool) -> ResponseReturnValue:
    session = db.session()
    found = site_by_id(session, site_id)
    back = url_for("admin.member", member_id=found.member_id)
    try:
        set_site_active(session, site_id, active, actor=current_user)
    except Conflict as error:
        return refusal(error, back)
    if active:
        flash(_("Delivery site %(name)s reopened.", name=found.name))
    else:
        flash(_("Delivery site %(name)s closed.", name=found.name))
    return redirect(back)


@blueprint.post("/sites/<int:site_id>/collection-point")
@role_required("admin")
def declare_point(site_id: int) -> ResponseReturnValue:
    session = db.session()
    found = site_by_id(session, site_id)
    back = url_for("admin.member", member_id=found.member_id, _anchor="sites")
    try:
        declare_collection_point(session, site_id, actor=current_user)
    except Conflict as error:
        return refusal(error, back)
    flash(_("%(name)s is now the cooperative's collection point.", name=found.name))
    return redirect(back)


@blueprint.post("/collection-point/clear")
@role_required("admin")
def clear_point() -> ResponseReturnValue:
    cleared = clear_collection_point(db.session(), actor=current_user)
    if cleared is None:
        return redirect(url_for("admin.members"))
    flash(_("%(name)s is no longer the collection point.", name=cleared.name))
    return redirect(url_for("admin.member", member_id=cleared.member_id, _anchor="sites"))
