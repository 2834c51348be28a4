"""Signing in and out."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import AnonymousUserMixin, current_user, login_required, login_user, logout_user

from persistence.ids import parse_id
from purchasing.models import User
from purchasing.people.accounts import authenticate, end_sessions, record_sign_in
from web import db, login_manager
from web.auth import blueprint
from web.auth.forms import LoginForm
from web.navigation import same_site_path
from web.security import sign_in_failed, throttle_sign_in


class Visitor(AnonymousUserMixin):
    role = None
    is_lead = False
    is_admin = False
    locale = None
    member = None
    member_id = None


login_manager.anonymous_user = Visitor
login_manager.login_view = "auth.login"
login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The session's user, while the session belongs to the user's current generation: signing
    out or a new password raises it, which ends every session opened before."""
    number, _dot, generation = user_id.partition(".")
    user_id_number = parse_id(number)
    if user_id_number is None or not generation.isascii() or not generation.isdigit():
        return None
    user = db.session().get(User, user_id_number)
    if user is None or not user.active or user.auth_generation != int(generation):
        return None
    return user


@blueprint.route("/login", methods=["GET", "POST"])
@throttle_sign_in
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home"))
    form = LoginForm()
    if form.validate_on_submit():
        session = db.session()
        user = authenticate(session, form.email.data or "", form.password.data or "")
        if user is None:
            sign_in_failed()
            flash(_("Unknown e-mail address or wrong password."), "error")
        else:
            login_user(user)
            record_sign_in(session, actor=user)
            return redirect(same_site_path(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@blueprint.post("/logout")
@login_required
def logout():
    end_sessions(db.session(), actor=current_user)
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))
