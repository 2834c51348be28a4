"""Batch review for the purchasing lead: scenarios side by side, the frontier, approve or reject."""

from flask import Blueprint

blueprint = Blueprint("batches", __name__, url_prefix="/batches", template_folder="templates")

from web.batches import decision, routes  # noqa: E402, F401 - the views attach themselves to the blueprint
