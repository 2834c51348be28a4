"""The lead's tenders: opening one on a proposed batch, the tender's page (invitations, quotes
side by side, what it saved), closing it early, checking a new supplier, adding a retained
quote to the catalog."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from persistence.ids import parse_id
from purchasing.errors import N_, Conflict, Invalid, Message, NotFound
from purchasing.tenders.closing import close_tender
from purchasing.tenders.models import Tender, TenderInvitation
from purchasing.tenders.open_tenders import products_out_to_tender
from purchasing.tenders.opening import (
    PooledLine,
    batch_to_tender,
    open_tender,
    pooled_lines,
    read_closes_at,
)
from purchasing.tenders.outcome import add_quote_to_catalog
from purchasing.tenders.proposals import proposed_suppliers
from purchasing.tenders.quotes import check_new_supplier
from purchasing.tenders.summary import (
    TenderSummary,
    tender_by_id,
    tender_summary,
    tenders,
)
from purchasing.tenders.values import InvitationValues, TenderValues
from suppliers.models import Product
from suppliers.products import product_by_id
from web import db
from web.access import role_required
from web.errors import errors_on_form, refusal
from web.outgoing import download, quote_link_for
from web.tenders import blueprint
from web.tenders.forms import CheckSupplierForm, TenderForm
from web.tenders.labels import EVIDENCE_LABELS, RULE_LABELS, labels


@blueprint.app_context_processor
def _tenders_context() -> dict[str, Any]:
    return {
        "batch_tenders_of": lambda batch_id: tenders(db.session(), batch_id),
        "lines_left_to_tender": _lines_left_to_tender,
        **labels(),
    }


def _lines_left_to_tender(batch: Any) -> int:
    """How many of the batch's pooled products are in no open tender."""
    taken = products_out_to_tender(db.session(), batch.id)
    return len(set(pooled_lines(batch)) - set(taken))


@blueprint.get("/tenders/")
@role_required("lead")
def index() -> ResponseReturnValue:
    return render_template("tenders/index.html", tenders=tenders(db.session()))


@blueprint.route("/batches/<id:batch_id>/tenders/new", methods=["GET", "POST"])
@role_required("lead")
def new(batch_id: int) -> ResponseReturnValue:
    session = db.session()
    batch = batch_to_tender(session, batch_id)
    if batch.status != "proposed":
        flash(_("Only a batch waiting for approval can be put out to tender."), "warning")
        return redirect(url_for("batches.show", batch_id=batch_id))
    # A product is in at most one open tender: the form offers the others, and names those
    # out to tender already with their tender.
    taken = products_out_to_tender(session, batch_id)
    lines: list[tuple[PooledLine, Product]] = []
    out: list[tuple[Product, Tender]] = []
    for line in pooled_lines(batch).values():
        product = product_by_id(session, line.product_id)
        if line.product_id in taken:
            out.append((product, taken[line.product_id]))
        else:
            lines.append((line, product))
    form = TenderForm()
    form.product_ids.choices = [(str(product.id), product.name) for _line, product in lines]
    form.evidence_wanted.choices = list(EVIDENCE_LABELS.items())
    form.rules.choices = list(RULE_LABELS.items())
    chosen = [pid for pid in (parse_id(v) for v in form.product_ids.data or []) if pid]
    proposed = proposed_suppliers(session, batch_id, chosen or [p.id for _line, p in lines])
    form.supplier_ids.choices = [(str(s.supplier_id), s.name) for s in proposed]
    if not form.is_submitted():
        form.product_ids.data = [str(product.id) for _line, product in lines]
        form.supplier_ids.data = [str(s.supplier_id) for s in proposed if s.offers_already]
    list_errors: dict[str, str] = {}
    if form.validate_on_submit():
        rows = [i for i, row in enumerate(form.invitations) if not row.form.is_blank()]
        try:
            values = _tender_values(form, rows)
            tender = open_tender(
                session,
                batch_id,
                values,
                actor=current_user,
                link_for=quote_link_for(current_app.config),
            )
        except Invalid as error:
            list_errors = errors_on_form(form, error, rows={"invitations": rows})
        except Conflict as error:
            return refusal(error, url_for("batches.show", batch_id=batch_id), "warning")
        else:
            flash(
                _(
                    "Tender #%(id)d opened: %(count)d suppliers are invited by e-mail.",
                    id=tender.id,
                    count=len(tender.invitations),
                )
            )
            return redirect(url_for("tenders.show", tender_id=tender.id))
    refused = form.is_submitted()
    if refused and form.errors and not form.closes_at.errors:
        # The form's own checks stopped before the use case: the closing is read all the same,
        # so that every wrong field is marked at once.
        try:
            read_closes_at(form.closes_at.data or "")
        except Invalid as error:
            errors_on_form(form, error)
    if refused:
        flash(_("The tender was not opened: please correct the fields marked below."), "error")
    return render_template(
        "tenders/new.html",
        batch=batch,
        form=form,
        lines=lines,
        out=out,
        proposed=proposed,
        list_errors=list_errors,
    ), (422 if refused else 200)


def _tender_values(form: TenderForm, rows: list[int]) -> TenderValues:
    """What the lead typed; the closing time is read in Paris time (`Invalid` on
    `closes_at` when it cannot be)."""
    return TenderValues(
        closes_at=read_closes_at(form.closes_at.data or ""),
        wanted_date=_given(form.wanted_date.data),
        product_ids=[pid for pid in (parse_id(v) for v in form.product_ids.data or []) if pid],
        evidence_wanted=list(form.evidence_wanted.data or []),
        rules=form.rules.data or "",
        supplier_ids=[sid for sid in (parse_id(v) for v in form.supplier_ids.data or []) if sid],
        invitations=[
            InvitationValues(
                name=form.invitations[i].form.name.data or "",
                email=form.invitations[i].form.email.data or "",
                siret=form.invitations[i].form.siret.data or "",
            )
            for i in rows
        ],
        note=form.note.data or "",
    )


def _given(day: date | None) -> date:
    """A required date, which the form's validation has made sure of."""
    assert day is not None
    return day


@blueprint.get("/tenders/<id:tender_id>")
@role_required("lead")
def show(tender_id: int) -> ResponseReturnValue:
    session = db.session()
    summary = tender_summary(session, tender_id)
    return render_template(
        "tenders/show.html",
        summary=summary,
        tender=tender_by_id(session, tender_id),
        totals=quote_totals(summary),
    )


@blueprint.route("/tenders/<id:tender_id>/close", methods=["GET", "POST"])
@role_required("lead")
def close(tender_id: int) -> ResponseReturnValue:
    """Closing before the time set is asked for on a page that says what follows; its button
    closes the tender."""
    session = db.session()
    tender = tender_by_id(session, tender_id)
    if tender.status != "open":
        flash(_("This tender is closed already."), "warning")
        return redirect(url_for("tenders.show", tender_id=tender_id))
    if request.method == "GET":
        return render_template("tenders/confirm_close.html", tender=tender)
    try:
        close_tender(session, tender_id, actor=current_user)
    except Conflict as error:
        return refusal(error, url_for("tenders.show", tender_id=tender_id), "warning")
    flash(_("Tender #%(id)d closed: its scenarios are being computed.", id=tender_id))
    return redirect(url_for("tenders.show", tender_id=tender_id))


def _invitation(tender: Tender, invitation_id: int) -> TenderInvitation:
    for invitation in tender.invitations:
        if invitation.id == invitation_id:
            return invitation
    raise NotFound(Message(N_("No such invitation.")))


@blueprint.route(
    "/tenders/<id:tender_id>/invitations/<id:invitation_id>/check", methods=["GET", "POST"]
)
@role_required("lead")
def check_supplier(tender_id: int, invitation_id: int) -> ResponseReturnValue:
    """A new supplier that quoted: what it said of itself (SIRET, place, labels, evidence),
    and the lead's check that makes it a supplier of the catalog."""
    session = db.session()
    tender = tender_by_id(session, tender_id)
    invitation = _invitation(tender, invitation_id)
    form = CheckSupplierForm()
    if invitation.supplier is None or not invitation.new_supplier:
        flash(_("Only a new supplier that has quoted waits for a check."), "warning")
        return redirect(url_for("tenders.show", tender_id=tender_id))
    if form.validate_on_submit():
        try:
            supplier = check_new_supplier(
                session,
                invitation.supplier.id,
                actor=current_user,
                latitude=form.latitude.data,
                longitude=form.longitude.data,
            )
        except Invalid as error:
            errors_on_form(form, error)
        except Conflict as error:
            return refusal(error, url_for("tenders.show", tender_id=tender_id), "warning")
        else:
            flash(
                _(
                    "%(supplier)s is checked: it is a supplier of the catalog.",
                    supplier=supplier.name,
                )
            )
            return redirect(url_for("tenders.show", tender_id=tender_id, _anchor="invitations"))
    refused = form.is_submitted()
    if refused:
        flash(_("Nothing was saved: please correct the fields marked below."), "error")
    return render_template(
        "tenders/check_supplier.html", tender=tender, invitation=invitation, form=form
    ), (422 if refused else 200)


@blueprint.post("/tenders/<id:tender_id>/offers/<id:offer_id>/catalog")
@role_required("lead")
def to_catalog(tender_id: int, offer_id: int) -> ResponseReturnValue:
    back = url_for("tenders.show", tender_id=tender_id, _anchor="quotes")
    tender_by_id(db.session(), tender_id)
    try:
        offer = add_quote_to_catalog(db.session(), offer_id, actor=current_user)
    except (Invalid, Conflict) as error:
        return refusal(error, back, "warning")
    flash(
        _(
            "The quote of %(supplier)s for %(product)s is in the catalog as a standing offer.",
            supplier=offer.supplier.name,
            product=offer.product.name,
        )
    )
    return redirect(back)


DOCUMENT_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg"}
DOCUMENT_TYPES["jpeg"] = "image/jpeg"


@blueprint.get("/tenders/<id:tender_id>/documents/<id:supplier_id>/<id:line_id>")
@role_required("lead")
def document(tender_id: int, supplier_id: int, line_id: int) -> ResponseReturnValue:
    """The evidence document a supplier joined to its quote for a line of the tender."""
    tender = tender_by_id(db.session(), tender_id)
    for invitation in tender.invitations:
        if invitation.supplier_id != supplier_id or invitation.quote is None:
            continue
        for line in invitation.quote.lines:
            if line.tender_line_id == line_id and line.document:
                kind = line.document_name.rsplit(".", 1)[-1].lower()
                mimetype = DOCUMENT_TYPES.get(kind, "application/octet-stream")
                return download(line.document, line.document_name, mimetype, private=True)
    raise NotFound(Message(N_("No such document.")))


@dataclass(frozen=True)
class QuoteTotal:
    """A supplier's quote for the whole volume of the lines it quoted (goods only)."""

    supplier: str
    lines: int
    cost: Decimal


def quote_totals(summary: TenderSummary) -> list[QuoteTotal]:
    """Each quote's goods for the whole pooled volume of the lines it quotes, cheapest first."""
    found: dict[str, tuple[int, Decimal]] = {}
    for line in summary.lines:
        for quoted in line.quotes:
            count, cost = found.get(quoted.supplier, (0, Decimal(0)))
            found[quoted.supplier] = (count + 1, cost + quoted.whole_volume_cost)
    totals = [QuoteTotal(name, count, cost) for name, (count, cost) in found.items()]
    return sorted(totals, key=lambda total: (-total.lines, total.cost, total.supplier))
