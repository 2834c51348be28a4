"""Members' statements: each member's statement per batch (page, PDF, CSV), the accountant's CSV
of a batch, and the proof of value on the member's dashboard."""

from flask import Blueprint

blueprint = Blueprint("statements", __name__, template_folder="templates")

from web.statements import routes  # noqa: E402, F401 - views attach
