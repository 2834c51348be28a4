"""Purchase orders, deliveries and statements: the lead's orders and documents, the supplier's
answer page (no account), each member's statement, and the audit trail."""

from flask import Blueprint

blueprint = Blueprint("orders", __name__, template_folder="templates")

from web.orders import audit, routes, statements, supplier  # noqa: E402, F401 - views attach
