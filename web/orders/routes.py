"""The lead's purchase orders: list, one order with its documents, sending, the supplier's
answer, deliveries, closing, and the VAT rates of the categories."""

from __future__ import annotations

from typing import Any

from flask import (
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from money.supplier_matching import match_invoices_of_order
from persistence.ids import parse_id
from purchasing.errors import Conflict, Invalid, Refused
from purchasing.models import PurchaseOrder
from purchasing.orders.deliveries import (
    KINDS,
    DeliveryLineValues,
    DeliveryValues,
    close_order,
    reception_by_site,
    record_delivery,
)
from purchasing.orders.mail import EmailOff, resend_order, send_orders
from purchasing.orders.orders import (
    VAT_RATES,
    accept_change,
    categories,
    mark_sent_by_hand,
    order_by_id,
    order_totals,
    orders,
    refuse_change,
    set_vat_rate,
)
from web import db
from web.access import role_required
from web.errors import refusal
from web.i18n import translate
from web.navigation import same_site_path
from web.orders import blueprint
from web.orders.labels import ANSWER_LABELS, EMAIL_STATUS_LABELS, ORDER_STATUS_LABELS
from web.outgoing import answer_link, order_file, smtp
from web.params import id_arg


def labels() -> dict[str, Any]:
    return {
        "order_status_labels": ORDER_STATUS_LABELS,
        "answer_labels": ANSWER_LABELS,
        "email_status_labels": EMAIL_STATUS_LABELS,
    }


@blueprint.app_context_processor
def _orders_context() -> dict[str, Any]:
    return {
        "email_on": smtp() is not None,
        "batch_orders_of": lambda batch_id: orders(db.session(), batch_id),
        **labels(),
    }


@blueprint.get("/orders/")
@role_required("lead")
def index() -> ResponseReturnValue:
    batch = id_arg("batch")
    return render_template(
        "orders/index.html",
        orders=orders(db.session(), batch),
        batch=str(batch or ""),
    )


def _order_page(order_id: int, *, errors: dict[str, str] | None = None, status: int = 200) -> Any:
    session = db.session()
    order = order_by_id(session, order_id)
    reception = reception_by_site(session, order)
    return render_template(
        "orders/show.html",
        order=order,
        totals=order_totals(order),
        sites=[place.site for place in reception],
        rows={place.site.id: place.lines for place in reception},
        kinds=KINDS,
        errors=errors or {},
        typed=request.form if request.method == "POST" else {},
    ), status


@blueprint.get("/orders/<id:order_id>")
@role_required("lead")
def show(order_id: int) -> ResponseReturnValue:
    return _order_page(order_id)


@blueprint.get("/orders/<id:order_id>.pdf")
@role_required("lead")
def pdf(order_id: int) -> ResponseReturnValue:
    return order_file(order_id, "pdf")


@blueprint.get("/orders/<id:order_id>.csv")
@role_required("lead")
def csv(order_id: int) -> ResponseReturnValue:
    return order_file(order_id, "csv")


def _back(order: PurchaseOrder | None = None, batch_id: int | None = None) -> str:
    target = request.form.get("next", "")
    if target:
        return same_site_path(target)
    if order is not None:
        return url_for("orders.show", order_id=order.id)
    return url_for("batches.show", batch_id=batch_id, _anchor="orders")


@blueprint.post("/batches/<id:batch_id>/orders/send")
@role_required("lead")
def send(batch_id: int) -> ResponseReturnValue:
    try:
        queued = send_orders(
            db.session(), batch_id, actor=current_user, link_for=answer_link, settings=smtp()
        )
    except EmailOff as error:
        return refusal(error, _back(batch_id=batch_id), "warning")
    except (Conflict, Invalid) as error:
        return refusal(error, _back(batch_id=batch_id))
    if queued:
        flash(
            _(
                "%(count)d purchase orders are being sent by e-mail.",
                count=len(queued),
            )
        )
    else:
        flash(_("Every order of this batch was already sent or is on its way."), "warning")
    return redirect(_back(batch_id=batch_id))


@blueprint.post("/orders/<id:order_id>/resend")
@role_required("lead")
def resend(order_id: int) -> ResponseReturnValue:
    try:
        resend_order(
            db.session(), order_id, actor=current_user, link_for=answer_link, settings=smtp()
        )
    except EmailOff as error:
        return refusal(error, url_for("orders.show", order_id=order_id), "warning")
    except (Conflict, Invalid) as error:
        return refusal(error, url_for("orders.show", order_id=order_id))
    flash(_("The order is being sent again."))
    return redirect(url_for("orders.show", order_id=order_id))


def _simple(action: Any, order_id: int, done: str) -> Any:
    try:
        action(db.session(), order_id, actor=current_user)
    except Refused as error:
        return refusal(error, url_for("orders.show", order_id=order_id), "warning")
    flash(done)
    return redirect(_back(order_by_id(db.session(), order_id)))


@blueprint.post("/orders/<id:order_id>/sent")
@role_required("lead")
def sent_by_hand(order_id: int) -> ResponseReturnValue:
    return _simple(mark_sent_by_hand, order_id, _("The order is recorded as sent."))


@blueprint.get("/orders/<id:order_id>/accept")
@role_required("lead")
def confirm_accept(order_id: int) -> ResponseReturnValue:
    """What accepting the supplier's change will do to the order and the members' shares."""
    order = order_by_id(db.session(), order_id)
    if order.supplier_answer != "changed":
        flash(_("The supplier proposed no change to this order."), "warning")
        return redirect(url_for("orders.show", order_id=order_id))
    changed = [
        line
        for line in order.lines
        if line.proposed_quantity is not None and line.proposed_quantity != line.quantity
    ]
    return render_template(
        "orders/confirm_accept.html", order=order, changed=changed, totals=order_totals(order)
    )


@blueprint.post("/orders/<id:order_id>/accept")
@role_required("lead")
def accept(order_id: int) -> ResponseReturnValue:
    return _simple(
        accept_change, order_id, _("The supplier's change is accepted: the shares are re-priced.")
    )


@blueprint.post("/orders/<id:order_id>/refuse")
@role_required("lead")
def refuse(order_id: int) -> ResponseReturnValue:
    return _simple(refuse_change, order_id, _("The supplier's change is refused."))


@blueprint.post("/orders/<id:order_id>/close")
@role_required("lead")
def close(order_id: int) -> ResponseReturnValue:
    return _simple(close_order, order_id, _("The order is closed."))


@blueprint.post("/orders/<id:order_id>/deliveries")
@role_required("lead")
def deliver(order_id: int) -> ResponseReturnValue:
    form = request.form
    site = form.get("site_id", "")
    line_ids = [line_id for v in form.getlist("line_id") if (line_id := parse_id(v))]
    values = DeliveryValues(
        site_id=parse_id(site) or 0,
        received_on=form.get("received_on", ""),
        note=form.get("note", ""),
        lines=[
            DeliveryLineValues(
                line_id,
                **{kind: form.get(f"{kind}-{line_id}", "") for kind in KINDS},
                note=form.get(f"note-{line_id}", ""),
            )
            for line_id in line_ids
        ],
    )
    try:
        record_delivery(db.session(), order_id, values, actor=current_user)
        # An invoice that came before the goods is checked again against what arrived.
        match_invoices_of_order(db.session(), order_id, actor=current_user)
    except Conflict as error:
        return refusal(error, url_for("orders.show", order_id=order_id))
    except Invalid as error:
        messages = {}
        for key, message in error.errors.items():
            name, _sep, rest = key.partition(".")
            if name == "lines" and rest:
                index, _sep, kind = rest.partition(".")
                messages[f"{site}-{kind}-{line_ids[int(index)]}"] = translate(message)
            else:
                messages[f"{site}-{key}"] = translate(message)
        flash(_("The delivery was not recorded: please correct the fields marked below."), "error")
        return _order_page(order_id, errors=messages, status=422)
    flash(_("The delivery is recorded."))
    return redirect(url_for("orders.show", order_id=order_id, _anchor="deliveries"))


@blueprint.get("/orders/vat")
@role_required("lead")
def vat() -> ResponseReturnValue:
    return render_template("orders/vat.html", categories=categories(db.session()), rates=VAT_RATES)


@blueprint.post("/orders/vat/<id:category_id>")
@role_required("lead")
def set_vat(category_id: int) -> ResponseReturnValue:
    try:
        category = set_vat_rate(
            db.session(), category_id, request.form.get("vat_rate", ""), actor=current_user
        )
    except Invalid as error:
        return refusal(error, url_for("orders.vat"))
    flash(_("VAT rate of %(category)s saved.", category=category.name))
    return redirect(url_for("orders.vat"))
