"""Signing in and out."""

from flask import Blueprint

blueprint = Blueprint("auth", __name__, template_folder="templates")

from web.auth import routes  # noqa: E402, F401 - the views attach themselves to the blueprint
