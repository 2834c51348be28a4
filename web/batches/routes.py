"""The lead's batches: the list, one batch's review, scenarios, the frontier, the decision."""

from __future__ import annotations

from flask import render_template

from purchasing.batches import batches
from web import db
from web.access import role_required
from web.batches import blueprint


@blueprint.get("/")
@role_required("lead")
def index():  # type: ignore[no-untyped-def]
    return render_template("batches/index.html", batches=batches(db.session()))
