"""Administration: member companies and user accounts."""

from flask import Blueprint

blueprint = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")

from web.admin import routes, sites  # noqa: E402, F401 - the views attach themselves
