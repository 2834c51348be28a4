"""The lead's transport settings: the emission factor of a km driven with its source, and the
road-detour coefficient with its source, used by the rounds that close from now on."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from purchasing.errors import Invalid
from purchasing.rounds.transport_settings import (
    TransportValues,
    set_transport_settings,
    transport_basis,
    transport_settings,
)
from web import db
from web.access import role_required
from web.errors import errors_on_form
from web.rounds import blueprint
from web.rounds.forms import TransportForm


def _page(form: TransportForm | None = None) -> str:
    session = db.session()
    settings = transport_settings(session)
    form = form or TransportForm(
        data={
            "co2_kg_per_km": "" if settings.co2_kg_per_km is None else str(settings.co2_kg_per_km),
            "co2_dataset": settings.co2_dataset,
            "co2_version": settings.co2_version,
            "co2_line": settings.co2_line,
            "road_detour": "" if settings.road_detour is None else str(settings.road_detour),
            "road_detour_source": settings.road_detour_source,
        }
    )
    return render_template("rounds/transport.html", form=form, basis=transport_basis(session))


@blueprint.get("/transport")
@role_required("lead")
def transport() -> ResponseReturnValue:
    return _page()


@blueprint.post("/transport")
@role_required("lead")
def save_transport() -> ResponseReturnValue:
    form = TransportForm()
    if not form.validate_on_submit():
        return _page(form), 422
    values = TransportValues(
        **{name: (form[name].data or "") for name in TransportValues.__dataclass_fields__}
    )
    try:
        set_transport_settings(db.session(), values, actor=current_user)
    except Invalid as error:
        errors_on_form(form, error)
        return _page(form), 422
    flash(_("The transport settings are saved: rounds closing from now on use them."))
    return redirect(url_for("rounds.transport"))
