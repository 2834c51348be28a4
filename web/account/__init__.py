"""The signed-in user's own account: personal API tokens."""

from flask import Blueprint

blueprint = Blueprint("account", __name__, url_prefix="/account", template_folder="templates")

from web.account import routes  # noqa: E402, F401 - the views attach themselves to the blueprint
