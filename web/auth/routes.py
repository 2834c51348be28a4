"""Signing in and out."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import AnonymousUserMixin, current_user, login_required, login_user, logout_user

from purchasing.accounts import authenticate, record_sign_in
from purchasing.models import User
from web import db, login_manager
from web.auth import blueprint
from web.auth.forms import LoginForm


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
    if not user_id.isdigit():
        return None
    user = db.session().get(User, int(user_id))
    return user if user is not None and user.active else None


@blueprint.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home"))
    form = LoginForm()
    if form.validate_on_submit():
        session = db.session()
        user = authenticate(session, form.email.data or "", form.password.data or "")
        if user is None:
            flash(_("Unknown e-mail address or wrong password."), "error")
        else:
            login_user(user)
            record_sign_in(session, actor=user)
            target = request.args.get("next", "")
            if not target.startswith("/") or target.startswith("//"):
                target = url_for("home")
            return redirect(target)
    return render_template("auth/login.html", form=form)


@blueprint.post("/logout")
@login_required
def logout():
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))
