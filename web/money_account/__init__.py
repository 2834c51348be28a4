"""A member company's account ("Mon compte"): its invoices and credit notes, its payments, its
balance, what is due and overdue, its credit, and the statement of account as a PDF. A
member's users see their own company's; leads see every company's."""

from flask import Blueprint

blueprint = Blueprint("money_account", __name__, template_folder="templates")

from web.money_account import routes  # noqa: E402, F401 - views attach
