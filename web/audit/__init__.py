"""The audit trail for leads and admins: who did what and when, filtered, exported as CSV."""

from flask import Blueprint

blueprint = Blueprint("audit", __name__, template_folder="templates")

from web.audit import routes  # noqa: E402, F401 - views attach
