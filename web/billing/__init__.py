"""The admin's billing settings: the cooperative's fee, reminders, direct-debit notice, VAT on
debits, fiscal year and chart of accounts; each member's annual dues and their invoices."""

from flask import Blueprint

blueprint = Blueprint("billing", __name__, url_prefix="/admin/billing", template_folder="templates")

from web.billing import routes  # noqa: E402, F401 - views attach
