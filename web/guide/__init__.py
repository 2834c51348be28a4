"""The user guide (docs/guide), served with the pages and linked from their footer."""

from flask import Blueprint

blueprint = Blueprint("guide", __name__, url_prefix="/guide", template_folder="templates")

from web.guide import routes  # noqa: E402, F401 - the views attach themselves to the blueprint
