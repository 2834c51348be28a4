"""Invoices and credit notes: the list, issuing a batch's invoices after a confirmation, a
credit note on an invoice, every member's balance, and a batch's Factur-X files as a ZIP."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from money.accounts import balances, document_rows, visible_document, visible_documents
from money.corrections import read_correction
from money.credit_notes import already_credited, issue_credit_note
from money.invoice_batches import batch_documents, batch_facturx_zip, plan_batch_invoices
from money.invoice_requests import (
    BATCH_INVOICES_JOB,
    NothingToInvoice,
    batch_issuing,
    issuing_job,
    request_batch_invoices,
)
from persistence.ids import parse_id
from purchasing.clock import cooperative_today
from purchasing.errors import Conflict, Invalid
from purchasing.people.accounts import members as all_members
from web import db
from web.access import role_required
from web.errors import refusal
from web.i18n import translate
from web.invoices import blueprint
from web.outgoing import download


@blueprint.after_request
def _private(response: Response) -> Response:
    """Accounts are nobody else's business: no cache keeps these pages and files."""
    response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.app_context_processor
def _batch_invoices() -> dict[str, Any]:
    def batch_invoices_of(batch_id: int) -> list[Any]:
        return batch_documents(db.session(), batch_id)

    return {"batch_invoices_of": batch_invoices_of}


def _int_arg(name: str) -> int | None:
    return parse_id(request.args.get(name, ""))


@blueprint.get("/invoices/")
@role_required("lead")
def index() -> ResponseReturnValue:
    session = db.session()
    member_id, batch_id = _int_arg("member"), _int_arg("batch")
    found = visible_documents(
        session, current_user, member_id=member_id, batch_id=batch_id, per_page=500
    )
    return render_template(
        "invoices/index.html",
        rows=document_rows(session, found.items, cooperative_today()),
        members=all_members(session),
        member_id=member_id,
        batch_id=batch_id,
    )


@blueprint.get("/invoices/balances")
@role_required("lead")
def member_balances() -> ResponseReturnValue:
    return render_template(
        "invoices/balances.html",
        standings=balances(db.session(), current_user, cooperative_today()),
    )


@blueprint.get("/batches/<id:batch_id>/invoices")
@role_required("lead")
def confirm_batch(batch_id: int) -> ResponseReturnValue:
    try:
        plan = plan_batch_invoices(db.session(), batch_id, actor=current_user)
    except Conflict as error:
        return refusal(error, url_for("batches.show", batch_id=batch_id))
    return render_template(
        "invoices/confirm.html", plan=plan, issuing=batch_issuing(db.session(), batch_id)
    )


@blueprint.post("/batches/<id:batch_id>/invoices")
@role_required("lead")
def issue_batch(batch_id: int) -> ResponseReturnValue:
    try:
        job = request_batch_invoices(db.session(), batch_id, actor=current_user)
    except NothingToInvoice as error:
        answer = refusal(error, url_for("invoices.index", batch=batch_id), "warning")
        if error.waiting:
            flash(
                _("Waiting for their deliveries: %(members)s.", members=", ".join(error.waiting)),
                "warning",
            )
        return answer
    except Conflict as error:
        return refusal(error, url_for("batches.show", batch_id=batch_id))
    return redirect(url_for("invoices.issuing", job_id=job.id))


@blueprint.get("/invoices/issuing/<id:job_id>")
@role_required("lead")
def issuing(job_id: int) -> ResponseReturnValue:
    """Where issuing invoices is followed: waiting, under way, done or failed."""
    job = issuing_job(db.session(), job_id)
    batch_id = job.params.get("batch_id") if job.kind == BATCH_INVOICES_JOB else None
    return render_template(
        "invoices/issuing.html",
        job=job,
        heading=(
            _("Issuing the invoices of batch #%(id)s", id=batch_id)
            if batch_id
            else _("Issuing the %(year)s dues", year=job.params.get("year"))
        ),
        batch_id=batch_id,
        issued=job.result.get("issued", []) if job.status == "done" else [],
        waiting=job.result.get("waiting", []) if job.status == "done" else [],
    )


@blueprint.get("/batches/<id:batch_id>/invoices.zip")
@role_required("lead")
def batch_zip(batch_id: int) -> ResponseReturnValue:
    try:
        name, data = batch_facturx_zip(db.session(), batch_id, actor=current_user)
    except Conflict as error:
        return refusal(error, url_for("batches.show", batch_id=batch_id))
    return download(data, name, "application/zip", private=True)


@blueprint.route("/invoices/<invoice_number>/credit-note", methods=["GET", "POST"])
@role_required("lead")
def credit_note(invoice_number: str) -> ResponseReturnValue:
    session = db.session()
    invoice = visible_document(session, current_user, invoice_number)
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            values = read_correction(request.form)
            note = issue_credit_note(
                session, invoice.number, values, cooperative_today(), actor=current_user
            )
        except Invalid as error:
            db.discard_changes()
            errors = {key: translate(message) for key, message in error.errors.items()}
            flash(_("Nothing was issued: please correct the fields marked below."), "error")
        except Conflict as error:
            return refusal(error, url_for("invoices.index"))
        else:
            flash(_("Credit note %(number)s issued and sent to the member.", number=note.number))
            return redirect(url_for("invoices.index", member=invoice.member_id))
    return render_template(
        "invoices/credit_note.html",
        invoice=invoice,
        credited=already_credited(session, invoice),
        errors=errors,
        typed=request.form,
    ), (422 if errors else 200)
