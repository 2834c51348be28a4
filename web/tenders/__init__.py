"""Tenders: the lead's pages to open a tender on a proposed batch and compare its quotes, the
supplier's quote page reached by its signed link, and the `coachat tenders` commands."""

from flask import Blueprint

blueprint = Blueprint("tenders", __name__, template_folder="templates")

from web.tenders import lead, quote  # noqa: E402, F401 - the views attach themselves
