"""Suppliers' invoices for the lead: the list, receiving files (several at once), typing in a
plain PDF beside it, and each invoice with its lines, totals, file and orders."""

from flask import Blueprint

blueprint = Blueprint("supplier_invoices", __name__, template_folder="templates")

from web.supplier_invoices import routes  # noqa: E402, F401 - views attach
