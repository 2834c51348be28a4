"""The lead's decisions on a supplier invoice the match did not clear, on the invoice's page:
accept a line, ask the supplier for a credit note, confirm a proposed order, refuse the
invoice, match it again; and the page of the match's tolerances."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import StringField, TextAreaField

from money.supplier_credit_request import credit_requests, request_credit_note
from money.supplier_decisions import (
    ToleranceValues,
    accept_invoice_line,
    link_supplier_invoice_order,
    refuse_supplier_invoice,
    set_match_tolerances,
)
from money.supplier_invoice_models import SupplierInvoice
from money.supplier_matching import (
    line_reasons,
    match_supplier_invoice,
    match_tolerances,
    not_invoiced_lines,
    proposed_orders,
)
from persistence.ids import parse_id
from purchasing.errors import Conflict, Invalid
from purchasing.models import PurchaseOrder, PurchaseOrderLine
from web import db
from web.access import role_required
from web.errors import errors_on_form, refusal
from web.i18n import translate
from web.supplier_invoices import blueprint


class RefuseForm(FlaskForm):
    reason = TextAreaField(_l("Why the invoice is refused"))


class TolerancesForm(FlaskForm):
    price_percent = StringField(_l("Unit price: tolerance either way, in %"))
    quantity_units = StringField(_l("Quantity: units invoiced above those received"))


def _back(invoice_id: int) -> str:
    return url_for("supplier_invoices.show", invoice_id=invoice_id)


@blueprint.app_template_filter("match_reasons")
def match_reasons(line: Any) -> str:
    """A line's reasons from the match, in the reader's language."""
    # The separator follows the language's typography ("; " in English, " ; " in French).
    return _("; ").join(translate(reason) for reason in line_reasons(line))


@blueprint.context_processor
def _match_panel() -> dict[str, Any]:
    def match_panel(invoice: SupplierInvoice) -> dict[str, Any]:
        """What the invoice page shows of the match: orders proposed for an invoice naming
        none, the orders' lines no invoice bills yet, and the forms of the decisions."""
        session = db.session()
        proposals: list[PurchaseOrder] = []
        if invoice.kind == "invoice" and not invoice.order_links and invoice.status == "received":
            ids = proposed_orders(session, invoice)
            found = {o.id: o for o in session.scalars(select(PurchaseOrder).where(
                PurchaseOrder.id.in_(ids)))}  # fmt: skip
            proposals = [found[i] for i in ids]
        waiting = not_invoiced_lines(session, invoice, current_user) if invoice.order_links else []
        not_invoiced = list(
            session.scalars(select(PurchaseOrderLine).where(PurchaseOrderLine.id.in_(waiting)))
        )
        return {
            "proposals": proposals,
            "not_invoiced": not_invoiced,
            "exceptions": [line for line in invoice.lines if line.outcome == "exception"],
            "credit_requests": credit_requests(session, invoice.id),
            "refuse_form": RefuseForm(formdata=None),
            "tolerances": match_tolerances(session),
        }

    return {"match_panel": match_panel}


@blueprint.post("/supplier-invoices/<id:invoice_id>/lines/<id:invoice_line_id>/accept")
@role_required("lead")
def accept_line(invoice_id: int, invoice_line_id: int) -> ResponseReturnValue:
    session = db.session()
    try:
        line = accept_invoice_line(session, invoice_line_id, actor=current_user)
    except Conflict as error:
        return refusal(error, _back(invoice_id), "warning")
    flash(_("Line %(position)s accepted as invoiced.", position=line.position))
    return redirect(_back(line.invoice_id))


@blueprint.post("/supplier-invoices/<id:invoice_id>/credit-note-request")
@role_required("lead")
def credit_note_request(invoice_id: int) -> ResponseReturnValue:
    session = db.session()
    try:
        email = request_credit_note(session, invoice_id, actor=current_user)
    except (Conflict, Invalid) as error:
        return refusal(error, _back(invoice_id), "warning")
    flash(_("The credit note is asked of %(address)s.", address=email.recipient))
    return redirect(_back(invoice_id))


@blueprint.post("/supplier-invoices/<id:invoice_id>/orders")
@role_required("lead")
def link_order(invoice_id: int) -> ResponseReturnValue:
    order_id = parse_id(request.form.get("order_id", ""))
    if order_id is None:
        flash(_("Choose an order."), "error")
        return redirect(_back(invoice_id))
    try:
        link_supplier_invoice_order(db.session(), invoice_id, order_id, actor=current_user)
    except (Conflict, Invalid) as error:
        return refusal(error, _back(invoice_id), "warning")
    flash(_("The invoice is matched to this order."))
    return redirect(_back(invoice_id))


@blueprint.post("/supplier-invoices/<id:invoice_id>/match")
@role_required("lead")
def match_again(invoice_id: int) -> ResponseReturnValue:
    match_supplier_invoice(db.session(), invoice_id, actor=current_user)
    flash(_("The invoice is matched again against its orders and deliveries."))
    return redirect(_back(invoice_id))


@blueprint.post("/supplier-invoices/<id:invoice_id>/refuse")
@role_required("lead")
def refuse(invoice_id: int) -> ResponseReturnValue:
    form = RefuseForm()
    if not form.validate_on_submit():
        flash(_("The form expired: try again."), "error")
        return redirect(_back(invoice_id))
    try:
        refuse_supplier_invoice(db.session(), invoice_id, form.reason.data or "",
                                actor=current_user)  # fmt: skip
    except (Conflict, Invalid) as error:
        return refusal(error, _back(invoice_id), "warning")
    flash(_("The invoice is refused."))
    return redirect(_back(invoice_id))


@blueprint.route("/supplier-invoices/tolerances", methods=["GET", "POST"])
@role_required("lead")
def tolerances() -> ResponseReturnValue:
    session = db.session()
    current = match_tolerances(session)
    form = TolerancesForm(
        data={
            "price_percent": f"{current.price_percent.normalize():f}".replace(".", ","),
            "quantity_units": f"{current.quantity_units.normalize():f}".replace(".", ","),
        }
    )
    if form.validate_on_submit():
        values = ToleranceValues(form.price_percent.data or "", form.quantity_units.data or "")
        try:
            set_match_tolerances(session, values, actor=current_user)
        except Invalid as error:
            errors_on_form(form, error)
            flash(_("Please correct the errors below."), "error")
            return render_template("supplier_invoices/tolerances.html", form=form), 422
        flash(_("Tolerances saved: open invoices are matched again."))
        return redirect(url_for("supplier_invoices.tolerances"))
    return render_template("supplier_invoices/tolerances.html", form=form)
