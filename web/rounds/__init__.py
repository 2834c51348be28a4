"""Pooling rounds for the purchasing lead: the open round, its rhythm and cut-off, closing it;
and the state of background jobs, which pages poll while they run."""

from flask import Blueprint

blueprint = Blueprint("rounds", __name__, url_prefix="/rounds", template_folder="templates")

from web.rounds import routes, transport  # noqa: E402, F401 - the views attach themselves
