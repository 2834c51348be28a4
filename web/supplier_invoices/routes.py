"""The lead's pages of suppliers' invoices: the list with its filters and the upload of several
files at once (each received, refused with its reason, or kept to be typed in), an invoice
typed in beside its PDF, and one invoice with its lines, totals, file and orders."""

from __future__ import annotations

from typing import Any

from flask import Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from money.formats.received import MAX_INVOICE_BYTES
from money.supplier_invoice_models import SUPPLIER_INVOICE_STATUSES
from money.supplier_invoice_queries import supplier_invoice_by_id, supplier_invoices
from money.supplier_invoices import PlainPdfRefused, receive_supplier_invoice
from money.supplier_pdfs import enter_waiting_pdf, keep_plain_pdf, waiting_pdf_by_id, waiting_pdfs
from persistence.ids import parse_id
from purchasing.errors import Invalid
from suppliers.catalog import suppliers as catalog_suppliers
from web import db
from web.access import role_required
from web.errors import errors_on_form
from web.i18n import translate
from web.outgoing import download
from web.security import CONTENT_SECURITY_POLICY, talisman
from web.supplier_invoices import blueprint
from web.supplier_invoices.forms import EntryForm, UploadForm, entry_values, filled_rows

# The PDF waiting to be typed in is shown in a frame of the entry page, of this site only.
FRAMED_BY_THIS_SITE = {**CONTENT_SECURITY_POLICY, "frame-ancestors": "'self'"}


@blueprint.after_request
def _private(response: Response) -> Response:
    """Suppliers' invoices are the cooperative's business: no cache keeps them."""
    response.headers["Cache-Control"] = "no-store"
    return response


def _index(
    form: UploadForm, results: list[dict[str, Any]] | None = None, status: int = 200
) -> ResponseReturnValue:
    session = db.session()
    shown = request.args.get("status") or None
    shown = shown if shown in SUPPLIER_INVOICE_STATUSES else None
    supplier_id = parse_id(request.args.get("supplier", ""))
    found = supplier_invoices(
        session, current_user, status=shown, supplier_id=supplier_id, per_page=500
    )
    return render_template(
        "supplier_invoices/index.html",
        invoices=found.items,
        waiting=waiting_pdfs(session, current_user),
        form=form,
        results=results,
        statuses=SUPPLIER_INVOICE_STATUSES,
        status=shown,
        suppliers=catalog_suppliers(session),
        supplier_id=supplier_id,
    ), status


@blueprint.get("/supplier-invoices/")
@role_required("lead")
def index() -> ResponseReturnValue:
    return _index(UploadForm())


@blueprint.post("/supplier-invoices/")
@role_required("lead")
def upload() -> ResponseReturnValue:
    """Receives each file sent on its own: one refused does not stop the others."""
    form = UploadForm()
    files = [file for file in request.files.getlist("files") if file and file.filename]
    if not form.validate_on_submit() or not files:
        form.files.errors = [_("Choose one or more invoice files.")]
        return _index(form, status=422)
    session = db.session()
    results: list[dict[str, Any]] = []
    for file in files:
        data = file.read(MAX_INVOICE_BYTES + 1)
        name = file.filename or ""
        try:
            invoice = receive_supplier_invoice(session, data, name, actor=current_user)
        except PlainPdfRefused as refused:
            try:
                pdf = keep_plain_pdf(session, data, name, actor=current_user)
            except Invalid as error:
                results.append(
                    {"name": name, "outcome": "refused", "text": translate(error.message)}
                )
            else:
                results.append({"name": name, "outcome": "waiting", "pdf": pdf,
                                "text": translate(refused.message)})  # fmt: skip
        except Invalid as error:
            results.append({"name": name, "outcome": "refused", "text": translate(error.message)})
        else:
            results.append({"name": name, "outcome": "received", "invoice": invoice})
    taken = any(result["outcome"] != "refused" for result in results)
    return _index(UploadForm(formdata=None), results, 200 if taken else 422)


@blueprint.get("/supplier-invoices/<id:invoice_id>")
@role_required("lead")
def show(invoice_id: int) -> ResponseReturnValue:
    invoice = supplier_invoice_by_id(db.session(), current_user, invoice_id)
    return render_template("supplier_invoices/show.html", invoice=invoice)


@blueprint.get("/supplier-invoices/<id:invoice_id>/file")
@role_required("lead")
def invoice_file(invoice_id: int) -> ResponseReturnValue:
    invoice = supplier_invoice_by_id(db.session(), current_user, invoice_id)
    mimetype = "application/pdf" if invoice.file.startswith(b"%PDF-") else "application/xml"
    return download(invoice.file, _safe(invoice.file_name), mimetype, private=True)


@blueprint.get("/supplier-invoices/pdfs/<id:pdf_id>/file")
@role_required("lead")
@talisman(frame_options="SAMEORIGIN", content_security_policy=FRAMED_BY_THIS_SITE)
def waiting_file(pdf_id: int) -> ResponseReturnValue:
    """The waiting PDF, shown inline (in the entry page's frame)."""
    pdf = waiting_pdf_by_id(db.session(), current_user, pdf_id)
    return Response(
        pdf.file,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{_safe(pdf.file_name)}"'},
    )


@blueprint.route("/supplier-invoices/pdfs/<id:pdf_id>/enter", methods=["GET", "POST"])
@role_required("lead")
def enter(pdf_id: int) -> ResponseReturnValue:
    """The form beside the PDF: what the lead types is checked as a received file would be."""
    session = db.session()
    pdf = waiting_pdf_by_id(session, current_user, pdf_id)
    form = EntryForm()
    form.supplier_id.choices = [SelectChoice(0, _("Choose the supplier"))] + [
        SelectChoice(supplier.id, supplier.name) for supplier in catalog_suppliers(session)
    ]
    if form.validate_on_submit():
        # Errors name the lines given; the blank rows between them are left out.
        rows = filled_rows(form)
        try:
            values = entry_values(form)
            invoice = enter_waiting_pdf(session, pdf.id, values, actor=current_user)
        except Invalid as error:
            elsewhere = errors_on_form(form, error, rows={"lines": rows})
            if len(elsewhere) < len(error.errors):
                flash(_("Please correct the errors below."), "error")
            for message in elsewhere.values():
                flash(message, "error")
        else:
            flash(_("Invoice %(number)s entered.", number=invoice.number))
            return redirect(url_for("supplier_invoices.show", invoice_id=invoice.id))
        status = 422
    else:
        status = 422 if form.is_submitted() else 200
    return render_template("supplier_invoices/enter.html", form=form, pdf=pdf), status


def _safe(name: str) -> str:
    """A file name fit for a header: printable ASCII, no quote, no backslash."""
    kept = "".join(c if " " <= c <= "~" and c not in '"\\' else "_" for c in name)
    return kept or "facture"
