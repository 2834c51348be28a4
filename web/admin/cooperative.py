"""The admin keeps the cooperative's record: its legal identity, address, contact, bank
details and terms, which every document and e-mail shows."""

from __future__ import annotations

from decimal import Decimal

from flask import Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from infrastructure.documents import number_text
from infrastructure.pdf import LOGO_MAX_BYTES
from purchasing.errors import N_, Invalid, Message, NotFound
from purchasing.models import Cooperative
from purchasing.people.cooperative import cooperative_record, read_cooperative, update_cooperative
from web import db
from web.access import role_required
from web.admin import blueprint
from web.admin.forms import CooperativeForm
from web.errors import errors_on_form


def _shown(record: Cooperative) -> dict[str, object]:
    """The record as the form shows it: numbers in French."""
    values = {name: getattr(record, name) or "" for name in CooperativeForm.TEXT}
    if record.payment_terms_days is not None:
        values["payment_terms_days"] = str(record.payment_terms_days)
    if record.late_penalty_rate is not None:
        values["late_penalty_rate"] = number_text(record.late_penalty_rate * Decimal(100))
    return values


@blueprint.route("/cooperative", methods=["GET", "POST"])
@role_required("admin")
def cooperative() -> ResponseReturnValue:
    session = db.session()
    record = cooperative_record(session)
    form = CooperativeForm(data=_shown(record) if request.method == "GET" else None)
    if form.validate_on_submit():
        upload = request.files.get(form.logo.name)
        # Read one byte past the limit: enough to know the file is too big.
        logo = upload.stream.read(LOGO_MAX_BYTES + 1) if upload and upload.filename else None
        try:
            values = read_cooperative(form.values(logo))
            update_cooperative(session, values, actor=current_user)
        except Invalid as error:
            errors_on_form(form, error)
            flash(_("Nothing was saved: please correct the fields marked below."), "error")
        else:
            flash(_("The cooperative's record is saved."))
            return redirect(url_for("admin.cooperative"))
    status = 422 if form.is_submitted() else 200
    return render_template("admin/cooperative.html", form=form, record=record), status


@blueprint.get("/cooperative/logo")
@role_required("admin")
def cooperative_logo() -> Response:
    record = cooperative_record(db.session())
    if not record.logo:
        raise NotFound(Message(N_("The cooperative has no logo.")))
    return Response(record.logo, mimetype=f"image/{record.logo_type}")
