"""Collecting members' money: SEPA mandates, direct-debit runs and rejected debits, and the
cooperative's bank statements with the lines waiting for the lead."""

from flask import Blueprint

blueprint = Blueprint("collect", __name__, template_folder="templates")

from web.collect import routes  # noqa: E402, F401 - views attach
