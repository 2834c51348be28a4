"""Each member's statement per batch (page, PDF, CSV), the accountant's CSV of a batch, and the
member's proof of value on its dashboard."""

from __future__ import annotations

from typing import Any

from flask import render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from infrastructure.csv_file import CONTENT_TYPE as CSV_CONTENT_TYPE
from infrastructure.documents import statement_csv, statement_pdf, statements_csv
from purchasing.batches.transport_review import member_transport
from purchasing.models import Need
from purchasing.statements.need_paths import need_paths
from purchasing.statements.statements import (
    statement_document,
    statements_of_batch,
    visible_statement,
    year_totals,
)
from web import db
from web.access import role_required
from web.outgoing import download
from web.statements import blueprint


@blueprint.get("/statements/<id:batch_id>/<id:member_id>")
@login_required
def statement(batch_id: int, member_id: int) -> ResponseReturnValue:
    session = db.session()
    found = visible_statement(session, current_user, batch_id, member_id)
    chosen = found.batch.chosen
    transport = member_transport(session, chosen.result, member_id) if chosen else None
    return render_template("statements/statement.html", statement=found, transport=transport)


@blueprint.get("/statements/<id:batch_id>/<id:member_id>.pdf")
@login_required
def statement_as_pdf(batch_id: int, member_id: int) -> ResponseReturnValue:
    document = statement_document(
        visible_statement(db.session(), current_user, batch_id, member_id)
    )
    name = f"releve-{batch_id}-{member_id}.pdf"
    return download(statement_pdf(document), name, "application/pdf", private=True)


@blueprint.get("/statements/<id:batch_id>/<id:member_id>.csv")
@login_required
def statement_as_csv(batch_id: int, member_id: int) -> ResponseReturnValue:
    document = statement_document(
        visible_statement(db.session(), current_user, batch_id, member_id)
    )
    name = f"releve-{batch_id}-{member_id}.csv"
    return download(statement_csv(document), name, CSV_CONTENT_TYPE, private=True)


@blueprint.get("/batches/<id:batch_id>/statements")
@role_required("lead")
def batch_statements(batch_id: int) -> ResponseReturnValue:
    return render_template(
        "statements/statements.html",
        batch_id=batch_id,
        statements=statements_of_batch(db.session(), current_user, batch_id),
    )


@blueprint.get("/batches/<id:batch_id>/statements.csv")
@role_required("lead")
def batch_statements_csv(batch_id: int) -> ResponseReturnValue:
    documents = [
        statement_document(s) for s in statements_of_batch(db.session(), current_user, batch_id)
    ]
    name = f"releves-lot-{batch_id}.csv"
    return download(statements_csv(documents), name, CSV_CONTENT_TYPE, private=True)


def member_value(needs: list[Need]) -> dict[str, Any]:
    """What the member's dashboard shows of its proof of value: totals since the start of the
    year, and the path of each need on the page."""
    if not current_user.is_authenticated or not current_user.member_id:
        return {}
    session = db.session()
    return {
        "year": year_totals(session, current_user.member_id),
        "paths": need_paths(session, needs),
    }


@blueprint.app_context_processor
def _member_value() -> dict[str, Any]:
    return {"member_value": member_value}
