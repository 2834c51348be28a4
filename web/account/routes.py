"""Personal API tokens: created (the secret shown once), listed and revoked by their owner."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from persistence import utcnow
from purchasing.errors import Conflict, Invalid
from purchasing.people.tokens import create_token, revoke_token, tokens_of
from web import db
from web.account import blueprint
from web.account.forms import TokenForm
from web.errors import errors_on_form, refusal


def _page(form: TokenForm, secret: str = "", status: int = 200) -> tuple[str, int]:
    return render_template(
        "account/tokens.html",
        form=form,
        tokens=tokens_of(db.session(), current_user),
        secret=secret,
        now=utcnow(),
    ), status


@blueprint.get("/tokens")
@login_required
def tokens() -> ResponseReturnValue:
    return _page(TokenForm())


@blueprint.post("/tokens")
@login_required
def create() -> ResponseReturnValue:
    form = TokenForm()
    if not form.validate_on_submit():
        return _page(form, status=422)
    try:
        made = create_token(db.session(), form.name.data or "", form.days.data, actor=current_user)
    except Invalid as error:
        errors_on_form(form, error)
        return _page(form, status=422)
    except Conflict as error:
        return refusal(error, url_for("account.tokens"))
    # The secret is shown on this answer only: it is neither stored nor put in a redirect,
    # and the answer is not kept in any cache.
    page, status = _page(TokenForm(formdata=None), secret=made.secret)
    return page, status, {"Cache-Control": "no-store"}


@blueprint.post("/tokens/<int:token_id>/revoke")
@login_required
def revoke(token_id: int) -> ResponseReturnValue:
    try:
        token = revoke_token(db.session(), token_id, actor=current_user)
    except Conflict as error:
        return refusal(error, url_for("account.tokens"), "warning")
    flash(_("The token %(name)s is revoked.", name=token.name))
    return redirect(url_for("account.tokens"))
