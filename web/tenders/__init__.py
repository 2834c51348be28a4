"""Tenders: the lead puts a proposed batch's pooled lines out to tender and reads the quotes side
by side; the invited suppliers quote through a signed link, without an account."""

from flask import Blueprint

blueprint = Blueprint("tenders", __name__, template_folder="templates")

from web.tenders import lead, quote  # noqa: E402, F401 - the views attach themselves
