"""The lead's invoices: issuing a batch's invoices, invoices and credit notes, payments
recorded by hand, every member's balance, and the export for the approved platform."""

from flask import Blueprint

blueprint = Blueprint("invoices", __name__, template_folder="templates")

from web.invoices import payments, routes  # noqa: E402, F401 - views attach
