"""Purchase orders and deliveries: the lead's orders, their documents and e-mails, the VAT rates
of categories, and what arrived at each site."""

from flask import Blueprint

blueprint = Blueprint("orders", __name__, template_folder="templates")

from web.orders import routes  # noqa: E402, F401 - views attach
