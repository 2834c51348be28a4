"""The member's account page, its statement of account and each document's Factur-X file."""

from __future__ import annotations

from flask import abort, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from money.accounts import account_statement_pdf, member_account, visible_document
from money.sending import document_file_name
from purchasing.clock import cooperative_today
from web import db
from web.money_account import blueprint
from web.outgoing import download


@blueprint.after_request
def _private(response: Response) -> Response:
    """A company's account is nobody else's business: no cache keeps these pages and files."""
    response.headers["Cache-Control"] = "no-store"
    return response


def _page(member_id: int) -> ResponseReturnValue:
    account = member_account(db.session(), current_user, member_id, cooperative_today())
    return render_template("money_account/account.html", account=account)


@blueprint.get("/account/money")
@login_required
def mine() -> ResponseReturnValue:
    """The signed-in member's own company's account."""
    if current_user.member_id is None:
        abort(403)
    return _page(current_user.member_id)


@blueprint.get("/accounts/<id:member_id>")
@login_required
def account(member_id: int) -> ResponseReturnValue:
    return _page(member_id)


@blueprint.get("/accounts/<id:member_id>/statement.pdf")
@login_required
def statement_pdf(member_id: int) -> ResponseReturnValue:
    data = account_statement_pdf(db.session(), current_user, member_id, cooperative_today())
    return download(
        data,
        f"releve-compte-{member_id}-{cooperative_today():%Y%m%d}.pdf",
        "application/pdf",
        private=True,
    )


@blueprint.get("/invoices/<invoice_number>.pdf")
@login_required
def document_pdf(invoice_number: str) -> ResponseReturnValue:
    document = visible_document(db.session(), current_user, invoice_number)
    return download(document.facturx, document_file_name(document), "application/pdf", private=True)
