"""Administration: member companies and user accounts."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user

from purchasing.errors import Invalid
from purchasing.parsing import parse_decimal
from purchasing.people import accounts
from purchasing.people.accounts import MemberValues, UserValues
from purchasing.people.collection_point import collection_point
from web import db
from web.access import role_required
from web.admin import blueprint
from web.admin.forms import MemberForm, UserForm
from web.errors import errors_on_form
from web.labels import ROLE_LABELS, of


@blueprint.get("/members")
@role_required("admin")
def members():
    session = db.session()
    return render_template(
        "admin/members.html",
        members=accounts.members(session),
        collection_point=collection_point(session),
    )


def _coordinate(field) -> float:
    """Decimal degrees, with a point or a comma; a wrong value is reported on its field."""
    value = parse_decimal(field.data or "")
    if value is None:
        field.errors = [*field.errors, _("Enter decimal degrees, for example 48,6921.")]
        return 0.0
    return float(value)


def _member_values(form: MemberForm) -> MemberValues:
    return MemberValues(
        name=form.name.data or "",
        siret=(form.siret.data or "").replace(" ", "").replace("\u00a0", ""),
        town=form.town.data or "",
        latitude=_coordinate(form.latitude),
        longitude=_coordinate(form.longitude),
        address=form.address.data or "",
        postcode=form.postcode.data or "",
        activity=form.activity.data or "",
    )


@blueprint.route("/members/new", methods=["GET", "POST"])
@blueprint.route("/members/<id:member_id>", methods=["GET", "POST"])
@role_required("admin")
def member(member_id: int | None = None):
    session = db.session()
    existing = accounts.member_by_id(session, member_id) if member_id is not None else None
    form = MemberForm(obj=existing)
    values = _member_values(form) if form.validate_on_submit() else None
    if values is not None and any(field.errors for field in (form.latitude, form.longitude)):
        flash(_("Nothing was saved: please correct the fields marked below."), "error")
    elif values is not None:
        try:
            if existing is None:
                saved = accounts.create_member(session, values, actor=current_user)
            else:
                saved = accounts.update_member(session, existing.id, values, actor=current_user)
        except Invalid as error:
            errors_on_form(form, error)
            flash(_("Nothing was saved: please correct the fields marked below."), "error")
        else:
            flash(_("Member %(name)s saved.", name=saved.name))
            return redirect(url_for("admin.members"))
    status = 422 if form.errors else 200
    return render_template("admin/member.html", form=form, member=existing), status


@blueprint.get("/users")
@role_required("admin")
def users():
    return render_template("admin/users.html", users=accounts.users(db.session()))


@blueprint.route("/users/new", methods=["GET", "POST"])
@blueprint.route("/users/<id:user_id>", methods=["GET", "POST"])
@role_required("admin")
def user(user_id: int | None = None):
    session = db.session()
    existing = accounts.user_by_id(session, user_id) if user_id is not None else None
    form = UserForm(obj=existing)
    form.role.choices = [(value, str(label)) for value, label in ROLE_LABELS.items()]
    form.member_id.choices = [("", "—")] + [(str(m.id), m.name) for m in accounts.members(session)]
    if existing is not None and not form.is_submitted():
        form.member_id.data = str(existing.member_id or "")
    if form.validate_on_submit():
        values = UserValues(
            email=form.email.data or "",
            name=form.name.data or "",
            role=form.role.data or "",
            member_id=int(form.member_id.data) if form.member_id.data else None,
            password=form.password.data or None,
            active=bool(form.active.data),
        )
        try:
            if existing is None:
                saved = accounts.create_user(session, values, actor=current_user)
            else:
                saved = accounts.update_user(session, existing.id, values, actor=current_user)
        except Invalid as error:
            errors_on_form(form, error)
            flash(_("Nothing was saved: please correct the fields marked below."), "error")
        else:
            if saved.id == current_user.id and values.password is not None:
                login_user(saved)  # the new password ended every session, this one included
            flash(_("Account %(of_name)s saved.", of_name=of(saved.name)))
            return redirect(url_for("admin.users"))
    status = 422 if form.errors else 200
    return render_template("admin/user.html", form=form, user=existing), status
