"""The billing settings page and the members' annual dues."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from infrastructure.documents import number_text
from money.invoice_requests import NothingToInvoice, request_dues
from money.journal import billing_settings
from money.models import BillingSettings
from money.settings import (
    ACCOUNTS,
    dues_by_member,
    read_billing,
    read_dues,
    set_billing,
    set_member_dues,
)
from persistence.ids import parse_id
from purchasing.clock import cooperative_today
from purchasing.errors import Invalid
from web import db
from web.access import role_required
from web.billing import blueprint
from web.billing.forms import ACCOUNT_LABELS, MONTHS, BillingForm
from web.errors import errors_on_form, refusal
from web.i18n import translate


def _shown(settings: BillingSettings) -> dict[str, object]:
    values: dict[str, object] = {name: getattr(settings, name) for name in BillingForm.FIELDS}
    values["fee_percent"] = number_text(settings.fee_percent)
    values["fee_per_invoice"] = number_text(settings.fee_per_invoice)
    values["fiscal_year_start"] = str(settings.fiscal_year_start)
    return values


@blueprint.route("/", methods=["GET", "POST"])
@role_required("admin")
def settings() -> ResponseReturnValue:
    session = db.session()
    stored = billing_settings(session)
    form = BillingForm(data=_shown(stored) if request.method == "GET" else None)
    form.fiscal_year_start.choices = [(str(n), str(name)) for n, name in enumerate(MONTHS, 1)]
    if form.validate_on_submit():
        try:
            set_billing(session, read_billing(form.values()), actor=current_user)
        except Invalid as error:
            db.discard_changes()
            errors_on_form(form, error)
            flash(_("Nothing was saved: please correct the fields marked below."), "error")
        else:
            flash(_("The billing settings are saved."))
            return redirect(url_for("billing.settings"))
    status = 422 if form.is_submitted() else 200
    return render_template(
        "billing/settings.html", form=form, accounts=list(ACCOUNTS), account_labels=ACCOUNT_LABELS
    ), status


@blueprint.route("/dues", methods=["GET", "POST"])
@role_required("admin")
def dues() -> ResponseReturnValue:
    session = db.session()
    errors: dict[int, dict[str, str]] = {}
    if request.method == "POST":
        member_id = parse_id(request.form.get("member_id", ""))
        if member_id is None:
            abort(400)
        try:
            values = read_dues(request.form)
            set_member_dues(session, member_id, values, actor=current_user)
        except Invalid as error:
            db.discard_changes()
            errors[member_id] = {key: translate(message) for key, message in error.errors.items()}
            flash(_("Nothing was saved: please correct the fields marked below."), "error")
        else:
            flash(_("The dues are saved."))
            return redirect(url_for("billing.dues"))
    return render_template(
        "billing/dues.html",
        rows=dues_by_member(session, actor=current_user),
        errors=errors,
        typed=request.form,
        year=cooperative_today().year,
    ), (422 if errors else 200)


@blueprint.post("/dues/issue")
@role_required("admin")
def issue_year_dues() -> ResponseReturnValue:
    text = request.form.get("year", "").strip()
    today = cooperative_today()
    try:
        year = int(text) if text.isascii() and text.isdigit() and len(text) == 4 else 0
        job = request_dues(db.session(), year, today, actor=current_user)
    except NothingToInvoice as error:
        return refusal(error, url_for("billing.dues"), "warning")
    except Invalid as error:
        return refusal(error, url_for("billing.dues"))
    return redirect(url_for("invoices.issuing", job_id=job.id))
