"""The lead's supplier payment pages: suppliers' bank details (propose, confirm or withdraw a
change, the changes waiting) and the credit-transfer files (what is due and held, build,
download)."""

from __future__ import annotations

from datetime import date

from flask import Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from money.bank_details import (
    bank_details_of,
    confirm_bank_details,
    pending_bank_details,
    people_of,
    propose_bank_details,
    withdraw_bank_details,
)
from money.supplier_payments import run_by_id, run_payments, runs
from money.supplier_transfers import build_transfers, transfer_plan
from persistence.ids import parse_id
from purchasing.clock import cooperative_today
from purchasing.errors import N_, Invalid, Message, Refused
from suppliers.directory import supplier_by_id
from suppliers.models import Supplier
from web import db
from web.access import role_required
from web.errors import refusal_by_field
from web.i18n import translate
from web.labels import of
from web.payables import blueprint


def _date(text: str, name: str, default: date) -> date:
    text = text.strip()
    if not text:
        return default
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Invalid({name: Message(N_("Give the date as YYYY-MM-DD."))}) from None


@blueprint.get("/payables/bank-details")
@role_required("lead")
def pending_page() -> ResponseReturnValue:
    session = db.session()
    pending = pending_bank_details(session, current_user)
    return render_template(
        "payables/pending.html",
        pending=pending,
        people=people_of(session, pending),
        suppliers=list(session.scalars(select(Supplier).order_by(Supplier.name))),
    )


@blueprint.get("/payables/suppliers/<id:supplier_id>/bank")
@role_required("lead")
def supplier_page(supplier_id: int) -> ResponseReturnValue:
    return _supplier_page(supplier_id)


def _supplier_page(
    supplier_id: int, typed: dict[str, str] | None = None, errors: dict[str, str] | None = None
) -> ResponseReturnValue:
    """The supplier's bank details page; after a refused proposal, with what was typed and each
    field's message beside it (422)."""
    session = db.session()
    supplier = supplier_by_id(session, supplier_id)
    accounts = bank_details_of(session, current_user, supplier_id)
    page = render_template(
        "payables/supplier.html",
        supplier=supplier,
        accounts=accounts,
        people=people_of(session, accounts),
        typed=typed or {},
        errors=errors or {},
    )
    return page, 422 if errors else 200


@blueprint.post("/payables/suppliers/<id:supplier_id>/bank")
@role_required("lead")
def propose(supplier_id: int) -> ResponseReturnValue:
    back = url_for("payables.supplier_page", supplier_id=supplier_id)
    typed = {name: request.form.get(name, "") for name in ("iban", "bic", "source")}
    try:
        propose_bank_details(
            db.session(),
            supplier_id,
            typed["iban"],
            typed["bic"],
            source=typed["source"],
            actor=current_user,
        )
    except Invalid as error:
        messages = {name: translate(message) for name, message in error.errors.items()}
        if set(messages) <= set(typed):
            flash(_("Please correct the errors below."), "error")
            return _supplier_page(supplier_id, typed, messages)
        return refusal_by_field(error, back)
    except Refused as error:
        return refusal_by_field(error, back)
    flash(
        _(
            "The bank details are proposed: another lead or an administrator confirms them. "
            "Until then, transfers to this supplier are held."
        )
    )
    return redirect(back)


def _back() -> str:
    """Back to the supplier's page the form came from, else to the details waiting."""
    supplier_id = parse_id(request.form.get("supplier_id"))
    if request.form.get("back") == "supplier" and supplier_id is not None:
        return url_for("payables.supplier_page", supplier_id=supplier_id)
    return url_for("payables.pending_page")


@blueprint.post("/payables/bank-details/<id:proposal_id>/confirm")
@role_required("lead")
def confirm(proposal_id: int) -> ResponseReturnValue:
    back = _back()
    try:
        account = confirm_bank_details(db.session(), proposal_id, actor=current_user)
    except Refused as error:
        return refusal_by_field(error, back)
    flash(
        _("The bank details %(of_supplier)s are confirmed.", of_supplier=of(account.supplier.name))
    )
    return redirect(back)


@blueprint.post("/payables/bank-details/<id:proposal_id>/withdraw")
@role_required("lead")
def withdraw(proposal_id: int) -> ResponseReturnValue:
    back = _back()
    try:
        account = withdraw_bank_details(db.session(), proposal_id, actor=current_user)
    except Refused as error:
        return refusal_by_field(error, back)
    flash(
        _(
            "The proposed bank details %(of_supplier)s are withdrawn.",
            of_supplier=of(account.supplier.name),
        )
    )
    return redirect(back)


@blueprint.get("/payables/transfers")
@role_required("lead")
def transfers_page() -> ResponseReturnValue:
    session = db.session()
    today = cooperative_today()
    try:
        due_by = _date(request.args.get("due_by", ""), "due_by", today)
    except Invalid:
        due_by = today
    return render_template(
        "payables/transfers.html",
        plan=transfer_plan(session, due_by),
        runs=runs(session),
        due_by=due_by,
        today=today,
    )


@blueprint.post("/payables/transfers")
@role_required("lead")
def transfers_build() -> ResponseReturnValue:
    back = url_for("payables.transfers_page")
    session = db.session()
    today = cooperative_today()
    try:
        due_by = _date(request.form.get("due_by", ""), "due_by", today)
        on = _date(request.form.get("execution_date", ""), "execution_date", today)
        result = build_transfers(session, due_by, today, execution_date=on, actor=current_user)
    except Refused as error:
        return refusal_by_field(error, back)
    flash(
        _(
            "Transfer file %(number)s of %(count)d transfers built: download it for the bank.",
            number=result.run.number,
            count=result.run.count,
        )
    )
    held = [due.supplier.name for due in result.skipped if due.reason in ("held", "missing")]
    if held:
        flash(
            _("Held, without confirmed bank details: %(suppliers)s.", suppliers=", ".join(held)),
            "warning",
        )
    return redirect(url_for("payables.run_page", run_id=result.run.id))


@blueprint.get("/payables/transfers/<id:run_id>")
@role_required("lead")
def run_page(run_id: int) -> ResponseReturnValue:
    session = db.session()
    return render_template(
        "payables/run.html", run=run_by_id(session, run_id), payments=run_payments(session, run_id)
    )


@blueprint.get("/payables/transfers/<id:run_id>.xml")
@role_required("lead")
def run_file(run_id: int) -> ResponseReturnValue:
    run = run_by_id(db.session(), run_id)
    return Response(
        run.file,
        mimetype="application/xml",
        headers={"Content-Disposition": f'attachment; filename="virements-{run.number}.xml"'},
    )
