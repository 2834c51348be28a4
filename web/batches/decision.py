"""The lead's decision on a batch: approving a scenario or rejecting the batch, each asked for on
a page that says what will follow, then done by a POST from that page."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from purchasing.batches import batch_review
from purchasing.batches.batches import approve_batch, batch_for, needs_pooled, reject_batch
from purchasing.errors import Conflict, Invalid
from web import db
from web.access import role_required
from web.batches import blueprint
from web.batches.forms import RejectForm
from web.batches.routes import selected_scenario
from web.errors import errors_on_form, refusal


def _no_longer_waiting(batch_id: int) -> Any:
    flash(_("This batch is no longer waiting for a decision."), "warning")
    return redirect(url_for("batches.show", batch_id=batch_id))


@blueprint.get("/<id:batch_id>/approve")
@role_required("lead")
def confirm_approve(batch_id: int) -> ResponseReturnValue:
    """What approving the scenario chosen on the batch page will do: the orders it makes, the
    needs it serves and those that go back to the next round."""
    session = db.session()
    batch = batch_for(session, batch_id)
    if batch.status != "proposed":
        return _no_longer_waiting(batch_id)
    reviews = batch_review.review_scenarios(session, batch)
    number = selected_scenario(batch, reviews)
    if number not in reviews:
        flash(_("A scenario can be approved once it is computed."), "warning")
        return redirect(url_for("batches.show", batch_id=batch_id, _anchor="decision"))
    return render_template(
        "batches/confirm_approve.html", batch=batch, shown=reviews[number], number=number
    )


@blueprint.post("/<id:batch_id>/approve")
@role_required("lead")
def approve(batch_id: int) -> ResponseReturnValue:
    number = request.form.get("scenario", "")
    try:
        approve_batch(db.session(), batch_id, number, actor=current_user)
    except Invalid as error:
        return refusal(error, url_for("batches.show", batch_id=batch_id))
    except Conflict as error:
        return refusal(error, url_for("batches.show", batch_id=batch_id), "warning")
    flash(_("Scenario %(number)s approved: the needs it serves are allocated.", number=number))
    return redirect(url_for("batches.show", batch_id=batch_id))


def _reject_page(batch_id: int, form: RejectForm, status: int = 200) -> Any:
    session = db.session()
    batch = batch_for(session, batch_id)
    if batch.status != "proposed":
        return _no_longer_waiting(batch_id)
    return render_template(
        "batches/confirm_reject.html",
        batch=batch,
        form=form,
        needs=needs_pooled(session, batch_id),
    ), status


@blueprint.get("/<id:batch_id>/reject")
@role_required("lead")
def confirm_reject(batch_id: int) -> ResponseReturnValue:
    """What rejecting the batch will do, with the comment the members will read."""
    return _reject_page(batch_id, RejectForm())


@blueprint.post("/<id:batch_id>/reject")
@role_required("lead")
def reject(batch_id: int) -> ResponseReturnValue:
    form = RejectForm()
    try:
        reject_batch(db.session(), batch_id, form.comment.data or "", actor=current_user)
    except Invalid as error:
        errors_on_form(form, error)
        flash(_("The batch was not rejected: say why."), "error")
        return _reject_page(batch_id, form, 422)
    except Conflict as error:
        return refusal(error, url_for("batches.show", batch_id=batch_id), "warning")
    flash(_("Batch #%(id)d rejected: its needs go back to the next round.", id=batch_id))
    return redirect(url_for("batches.show", batch_id=batch_id))
