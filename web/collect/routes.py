"""The lead's collection pages: mandates, direct-debit runs (build, download, record a rejected
debit) and the bank statement (import, assign or ignore what waits)."""

from __future__ import annotations

from datetime import date

from flask import Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from money.bank_import import import_bank_statement
from money.bank_review import (
    assign_bank_line,
    bank_lines,
    ignore_bank_line,
    line_payments,
    suggestions,
)
from money.direct_debits import (
    build_collection,
    collection_plan,
    earliest_collection_date,
    reject_debit,
    run_by_id,
    run_payments,
    runs,
)
from money.mandates import add_mandate, mandates, read_mandate, revoke_mandate
from persistence.ids import parse_id
from purchasing.clock import cooperative_today
from purchasing.errors import N_, Invalid, Message, Refused
from purchasing.models import Member
from web import db
from web.access import role_required
from web.collect import blueprint
from web.errors import refusal_by_field


def _date(name: str, default: date) -> date:
    text = request.form.get(name, "").strip()
    if not text:
        return default
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Invalid({name: Message(N_("Give the date as YYYY-MM-DD."))}) from None


def _members() -> list[Member]:
    return list(
        db.session().scalars(select(Member).where(Member.active.is_(True)).order_by(Member.name))
    )


@blueprint.get("/collect/mandates")
@role_required("lead")
def mandates_page() -> ResponseReturnValue:
    return render_template(
        "collect/mandates.html",
        mandates=mandates(db.session()),
        members=_members(),
        today=cooperative_today(),
    )


@blueprint.post("/collect/mandates")
@role_required("lead")
def mandate_add() -> ResponseReturnValue:
    back = url_for("collect.mandates_page")
    try:
        values = read_mandate(request.form, cooperative_today())
        mandate = add_mandate(db.session(), values, actor=current_user)
    except Refused as error:
        return refusal_by_field(error, back)
    flash(_("Mandate %(reference)s recorded.", reference=mandate.reference))
    return redirect(back)


@blueprint.post("/collect/mandates/<id:mandate_id>/revoke")
@role_required("lead")
def mandate_revoke(mandate_id: int) -> ResponseReturnValue:
    back = url_for("collect.mandates_page")
    try:
        mandate = revoke_mandate(db.session(), mandate_id, cooperative_today(), actor=current_user)
    except Refused as error:
        return refusal_by_field(error, back)
    flash(_("Mandate %(reference)s revoked.", reference=mandate.reference))
    return redirect(back)


@blueprint.get("/collect/direct-debits")
@role_required("lead")
def runs_page() -> ResponseReturnValue:
    session = db.session()
    today = cooperative_today()
    earliest = earliest_collection_date(session, today)
    due_by = request.args.get("due_by", "")
    try:
        shown_due_by = date.fromisoformat(due_by) if due_by else earliest
    except ValueError:
        shown_due_by = earliest
    return render_template(
        "collect/runs.html",
        runs=runs(session),
        plan=collection_plan(session, shown_due_by),
        due_by=shown_due_by,
        earliest=earliest,
    )


@blueprint.post("/collect/direct-debits")
@role_required("lead")
def run_build() -> ResponseReturnValue:
    back = url_for("collect.runs_page")
    session = db.session()
    today = cooperative_today()
    try:
        earliest = earliest_collection_date(session, today)
        due_by = _date("due_by", earliest)
        on = _date("collection_date", max(earliest, due_by))
        result = build_collection(session, due_by, on, today, actor=current_user)
    except Refused as error:
        return refusal_by_field(error, back)
    flash(
        _(
            "Collection file of %(count)d debits built; the members are told by e-mail.",
            count=result.run.count,
        )
    )
    if result.not_notified:
        flash(
            _(
                "Not collected, as no one there can be told: %(members)s.",
                members=", ".join(result.not_notified),
            ),
            "warning",
        )
    return redirect(url_for("collect.run_page", run_id=result.run.id))


@blueprint.get("/collect/direct-debits/<id:run_id>")
@role_required("lead")
def run_page(run_id: int) -> ResponseReturnValue:
    session = db.session()
    return render_template(
        "collect/run.html",
        run=run_by_id(session, run_id),
        payments=run_payments(session, run_id),
        today=cooperative_today(),
    )


@blueprint.get("/collect/direct-debits/<id:run_id>.xml")
@role_required("lead")
def run_file(run_id: int) -> ResponseReturnValue:
    run = run_by_id(db.session(), run_id)
    return Response(
        run.file,
        mimetype="application/xml",
        headers={
            "Content-Disposition": f'attachment; filename="prelevements-{run.id}-'
            f'{run.collection_date.isoformat()}.xml"'
        },
    )


@blueprint.post("/collect/payments/<id:payment_id>/reject")
@role_required("lead")
def payment_reject(payment_id: int) -> ResponseReturnValue:
    run_id = parse_id(request.form.get("run_id", ""))
    to = (
        url_for("collect.run_page", run_id=run_id)
        if run_id is not None
        else url_for("collect.runs_page")
    )
    try:
        on = _date("rejected_on", cooperative_today())
        reject_debit(
            db.session(), payment_id, on, request.form.get("reason", ""), actor=current_user
        )
    except Refused as error:
        return refusal_by_field(error, to)
    flash(_("The debit is recorded as rejected: its invoices are due again."))
    return redirect(to)


@blueprint.get("/collect/bank")
@role_required("lead")
def bank_page() -> ResponseReturnValue:
    session = db.session()
    waiting = bank_lines(session, status="waiting", direction="credit")
    done = bank_lines(session, status="matched")[:50] + bank_lines(session, status="known")[:50]
    done.sort(key=lambda line: (line.booking_date, line.id), reverse=True)
    return render_template(
        "collect/bank.html",
        waiting=[(line, suggestions(session, line)) for line in waiting],
        outgoing=bank_lines(session, status="waiting", direction="debit"),
        done=done,
        payments=line_payments(session, done),
        members=_members(),
    )


@blueprint.post("/collect/bank")
@role_required("lead")
def bank_import() -> ResponseReturnValue:
    back = url_for("collect.bank_page")
    upload = request.files.get("file")
    data = upload.read() if upload is not None else b""
    if not data:
        flash(_("Choose the bank statement file (CAMT.053) to import."), "error")
        return redirect(back)
    try:
        result = import_bank_statement(db.session(), data, actor=current_user)
    except Refused as error:
        return refusal_by_field(error, back)
    flash(
        _(
            "Statement %(statement)s: %(new)d new lines (%(already)d known already), "
            "%(matched)d payments recorded, %(recognised)d direct debits recognised, "
            "%(waiting)d waiting.",
            statement=result.statement_id,
            new=result.new,
            already=result.already,
            matched=result.matched,
            recognised=result.recognised,
            waiting=result.waiting,
        )
    )
    return redirect(back)


@blueprint.post("/collect/bank/<id:line_id>/assign")
@role_required("lead")
def bank_assign(line_id: int) -> ResponseReturnValue:
    back = url_for("collect.bank_page")
    member = request.form.get("member_id", "").strip()
    numbers = tuple(
        n.strip().upper() for n in request.form.get("invoices", "").replace(",", " ").split() if n
    )
    try:
        member_id = parse_id(member)
        if member_id is None:
            raise Invalid({"member_id": Message(N_("Choose the member who paid."))})
        assign_bank_line(db.session(), line_id, member_id, numbers, actor=current_user)
    except Refused as error:
        return refusal_by_field(error, back)
    flash(_("The payment is recorded."))
    return redirect(back)


@blueprint.post("/collect/bank/<id:line_id>/ignore")
@role_required("lead")
def bank_ignore(line_id: int) -> ResponseReturnValue:
    back = url_for("collect.bank_page")
    try:
        ignore_bank_line(db.session(), line_id, actor=current_user)
    except Refused as error:
        return refusal_by_field(error, back)
    flash(_("The line is marked as not a member's payment."))
    return redirect(back)
