"""The supplier's answer to a purchase order, reached from its e-mail without an account."""

from flask import Blueprint

blueprint = Blueprint("answers", __name__, template_folder="templates")

from web.answers import routes  # noqa: E402, F401 - views attach
