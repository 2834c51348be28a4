"""A member's needs: the dashboard, the need form, changing, cancelling and matching."""

from flask import Blueprint

blueprint = Blueprint("needs", __name__, url_prefix="/needs", template_folder="templates")

from web.needs import routes  # noqa: E402, F401 - the views attach themselves to the blueprint
