"""The lead's books page: aged receivables, and the FEC, journal and receivables downloads.
Each download is recorded in the audit trail, so it is asked for with a form (POST)."""

from __future__ import annotations

from flask import flash, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from money.books import (
    current_fiscal_year,
    fec_of_year,
    journal_csv,
    journal_file_name,
    read_period,
    read_year,
)
from money.receivables import BUCKETS, aged_receivables, receivables_csv, receivables_file_name
from purchasing.clock import cooperative_today
from purchasing.errors import Invalid, Refused
from purchasing.permissions import SEE_BOOKS
from web import db
from web.access import allowed_to
from web.books import blueprint
from web.errors import refusal
from web.i18n import translate
from web.outgoing import download

CSV = "text/csv; charset=utf-8"


@blueprint.get("/books/")
@allowed_to(SEE_BOOKS)
def books() -> ResponseReturnValue:
    session = db.session()
    today = cooperative_today()
    year, first, _last = current_fiscal_year(session, today)
    return render_template(
        "books/books.html",
        aged=aged_receivables(session, current_user, today),
        buckets=[name for name, _last in BUCKETS],
        year=year,
        first=first,
        today=today,
    )


def _refused(error: Refused) -> ResponseReturnValue:
    if isinstance(error, Invalid) and len(error.errors) > 1:
        for message in list(error.errors.values())[1:]:
            flash(translate(message), "error")
    return refusal(error, url_for("books.books"))


@blueprint.post("/books/fec")
@allowed_to(SEE_BOOKS)
def fec() -> ResponseReturnValue:
    try:
        year = read_year(request.form.get("year", ""))
        name, content = fec_of_year(db.session(), year, actor=current_user)
    except Refused as error:
        return _refused(error)
    return download(content, name, "text/plain; charset=utf-8", private=True)


@blueprint.post("/books/journal.csv")
@allowed_to(SEE_BOOKS)
def journal() -> ResponseReturnValue:
    try:
        first, last = read_period(request.form.get("from", ""), request.form.get("to", ""))
        content = journal_csv(db.session(), first, last, actor=current_user)
    except Refused as error:
        return _refused(error)
    return download(content, journal_file_name(first, last), CSV, private=True)


@blueprint.post("/books/receivables.csv")
@allowed_to(SEE_BOOKS)
def receivables() -> ResponseReturnValue:
    today = cooperative_today()
    content = receivables_csv(db.session(), today, actor=current_user)
    return download(content, receivables_file_name(today), CSV, private=True)
