"""Administration: member companies, user accounts and the cooperative's own record."""

from flask import Blueprint

blueprint = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")

from web.admin import cooperative, routes, sites  # noqa: E402, F401 - the views attach themselves
