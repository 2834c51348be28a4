"""Paying suppliers: their bank details (proposed, confirmed by a second person) and the credit
transfer files of the supplier invoices due."""

from flask import Blueprint

blueprint = Blueprint("payables", __name__, template_folder="templates")

from web.payables import routes  # noqa: E402, F401 - views attach
