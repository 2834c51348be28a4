"""Payments received from members: the list, and one recorded by hand (transfer, cheque,
cash), set against the invoices picked or the oldest first."""

from __future__ import annotations

from decimal import Decimal

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from infrastructure.documents import money_text
from money.accounts import visible_payments
from money.payments import read_payment, receive_payment
from purchasing.clock import cooperative_today
from purchasing.errors import Invalid
from purchasing.people.accounts import members as all_members
from web import db
from web.access import role_required
from web.errors import errors_on_form
from web.invoices import blueprint
from web.invoices.forms import PaymentForm

METHOD_LABELS = {
    "transfer": _l("transfer"),
    "cheque": _l("cheque"),
    "cash": _l("cash"),
    "direct_debit": _l("SEPA direct debit"),
}


@blueprint.app_context_processor
def _labels() -> dict[str, object]:
    return {"payment_method_labels": METHOD_LABELS}


@blueprint.get("/payments/")
@role_required("lead")
def payments() -> ResponseReturnValue:
    found = visible_payments(db.session(), current_user, per_page=500)
    return render_template("invoices/payments.html", payments=found.items)


@blueprint.route("/payments/new", methods=["GET", "POST"])
@role_required("lead")
def new_payment() -> ResponseReturnValue:
    session = db.session()
    form = PaymentForm(
        data={
            "received_on": cooperative_today().isoformat(),
            "member_id": request.args.get("member", ""),
        }
        if request.method == "GET"
        else None
    )
    form.member_id.choices = [("", "—")] + [(str(m.id), m.name) for m in all_members(session)]
    form.method.choices = [
        (code, str(METHOD_LABELS[code])) for code in ("transfer", "cheque", "cash")
    ]
    if form.validate_on_submit():
        try:
            values = read_payment(form.values(), cooperative_today())
            payment = receive_payment(session, values, actor=current_user)
        except Invalid as error:
            db.discard_changes()
            errors_on_form(form, error)
            flash(_("Nothing was recorded: please correct the fields marked below."), "error")
        else:
            settled = sum((a.amount for a in payment.allocations), Decimal(0))
            credit = payment.amount - settled
            flash(
                _(
                    "Payment of %(amount)s € from %(member)s recorded.",
                    amount=money_text(payment.amount),
                    member=payment.member.name,
                )
            )
            if credit > 0:
                flash(
                    _(
                        "%(amount)s € more than was due: kept as the member's credit, set "
                        "against its next invoices.",
                        amount=money_text(credit),
                    ),
                    "warning",
                )
            return redirect(url_for("invoices.payments"))
    status = 422 if form.is_submitted() else 200
    return render_template("invoices/payment_form.html", form=form), status
