"""Each member's statement per batch (page, PDF, CSV), the accountant's CSV of a batch, and the
member's proof of value on its dashboard."""

from __future__ import annotations

from typing import Any

from flask import Response, render_template
from flask_login import current_user, login_required

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
from web.statements import blueprint


@blueprint.get("/statements/<int:batch_id>/<int:member_id>")
@login_required
def statement(batch_id: int, member_id: int):  # type: ignore[no-untyped-def]
    session = db.session()
    found = visible_statement(session, current_user, batch_id, member_id)
    chosen = found.batch.chosen
    transport = member_transport(session, chosen.result, member_id) if chosen else None
    return render_template("statements/statement.html", statement=found, transport=transport)


def _file(data: bytes, name: str, mime: str) -> Response:
    return Response(
        data, mimetype=mime, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@blueprint.get("/statements/<int:batch_id>/<int:member_id>.pdf")
@login_required
def statement_as_pdf(batch_id: int, member_id: int):  # type: ignore[no-untyped-def]
    document = statement_document(
        visible_statement(db.session(), current_user, batch_id, member_id)
    )
    return _file(statement_pdf(document), f"releve-{batch_id}-{member_id}.pdf", "application/pdf")


@blueprint.get("/statements/<int:batch_id>/<int:member_id>.csv")
@login_required
def statement_as_csv(batch_id: int, member_id: int):  # type: ignore[no-untyped-def]
    document = statement_document(
        visible_statement(db.session(), current_user, batch_id, member_id)
    )
    return _file(
        statement_csv(document), f"releve-{batch_id}-{member_id}.csv", "text/csv; charset=utf-8"
    )


@blueprint.get("/batches/<int:batch_id>/statements")
@role_required("lead")
def batch_statements(batch_id: int):  # type: ignore[no-untyped-def]
    return render_template(
        "statements/statements.html",
        batch_id=batch_id,
        statements=statements_of_batch(db.session(), batch_id),
    )


@blueprint.get("/batches/<int:batch_id>/statements.csv")
@role_required("lead")
def batch_statements_csv(batch_id: int):  # type: ignore[no-untyped-def]
    documents = [statement_document(s) for s in statements_of_batch(db.session(), batch_id)]
    return _file(
        statements_csv(documents), f"releves-lot-{batch_id}.csv", "text/csv; charset=utf-8"
    )


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
