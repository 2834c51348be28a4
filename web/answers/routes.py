"""The supplier's answer page, reached from the order's e-mail without an account: confirm the
order, or say what can be delivered (units per line, date, note)."""

from __future__ import annotations

from flask import current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from purchasing.errors import Invalid
from purchasing.orders.confirmations import (
    ChangeValues,
    LinkRefused,
    confirm_order,
    order_for_link,
    propose_change,
)
from purchasing.orders.orders import order_totals
from web import db
from web.answers import blueprint
from web.i18n import translate


def _secret() -> str:
    return str(current_app.config["SECRET_KEY"])


@blueprint.route("/s/<number>/<token>", methods=["GET", "POST"])
def supplier_answer(number: str, token: str) -> ResponseReturnValue:
    session = db.session()
    try:
        order = order_for_link(session, number, token, _secret())
    except LinkRefused as error:
        return render_template(
            "answers/supplier_refused.html", message=translate(error.message)
        ), 403
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            if request.form.get("answer") == "confirm":
                confirm_order(session, number, token, _secret())
                return render_template(
                    "answers/supplier_done.html",
                    order=order,
                    message=_("Thank you: the order is confirmed."),
                )
            values = ChangeValues(
                quantities={
                    line.id: request.form.get(f"quantity-{line.id}", "") for line in order.lines
                },
                delivery_date=request.form.get("delivery_date", ""),
                note=request.form.get("note", ""),
            )
            propose_change(session, number, token, _secret(), values)
            return render_template(
                "answers/supplier_done.html",
                order=order,
                message=_("Thank you: the cooperative has your answer and will come back to you."),
            )
        except Invalid as error:
            for key, message in error.errors.items():
                name, _sep, rest = key.partition(".")
                if name == "lines":
                    index = int(rest.partition(".")[0])
                    errors[f"quantity-{order.lines[index].id}"] = translate(message)
                else:
                    errors[key] = translate(message)
        except LinkRefused as error:
            return render_template(
                "answers/supplier_refused.html", message=translate(error.message)
            ), 403
    return render_template(
        "answers/supplier.html",
        order=order,
        totals=order_totals(order),
        errors=errors,
        typed=request.form,
    ), (422 if errors else 200)
