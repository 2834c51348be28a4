"""The JSON API (`/api/v1`): needs, rounds, batches, purchase orders and deliveries, statements
and the catalog for programs, with personal tokens instead of a browser's session.

One module per resource attaches its views to `blueprint`. The schemas that validate each
request are those the OpenAPI document (`/api/v1/openapi.json`) is generated from.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask
from flask_smorest import Api, Blueprint

from web.api.schemas import DecimalString, ErrorSchema

PREFIX = "/api/v1"
ID = "id"
"""The URL converter of an id (`web.params.IdConverter`): numbers beyond what the database
stores are not found."""


class CoachatApi(Api):
    """flask-smorest, with coachat's error body in the document and its own error handlers
    (`web.errors` answers in JSON under `/api/`, in the same way for every error)."""

    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self) -> None:
        """None of flask-smorest's own: `web.errors` answers every error under `/api/`."""


blueprint = Blueprint(
    "api",
    __name__,
    url_prefix=PREFIX,
    description="coachat's JSON API: needs, rounds, batches, tenders, purchase orders, "
    "deliveries, statements, catalog.",
)


def answers(status: int, description: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Documents an error the operation answers when a rule refuses it, with the one error
    body (the other errors are the document's default answer)."""
    return blueprint.alt_response(status, schema=ErrorSchema, description=description)


DESCRIPTION = """\
Every request carries a personal token, created on the page *API tokens* of your account:
`Authorization: Bearer coa_…`. A member's token reads and changes its company's needs, reads
its company's statements and the catalog; a purchasing lead's token also runs the rounds and
batches, sends the purchase orders, records their deliveries and keeps the offers.

Money and quantities are strings with a decimal point (`"12.50"`), dates are ISO dates
(`2027-01-15`) and times are UTC ISO 8601. Lists are paginated (`page`, `per_page` up to 100)
and give `total` and `pages`. Errors have one shape, `{"error": {"code", "message",
"fields"}}`, with messages in the language of `Accept-Language` (French by default).
"""


def init_app(app: Flask) -> None:
    from web import csrf
    from web.api import (  # noqa: F401 - views
        auth,
        batches,
        catalog,
        deliveries,
        docs,
        invoices,
        needs,
        orders,
        payments,
        rounds,
        sites,
        statements,
        supplier_invoices,
        supplier_payments,
        tenders,
    )

    app.config.update(
        API_TITLE="coachat",
        API_VERSION="v1",
        OPENAPI_VERSION="3.1.0",
        OPENAPI_URL_PREFIX=PREFIX,
        OPENAPI_JSON_PATH="openapi.json",
        API_SPEC_OPTIONS={
            "info": {"description": DESCRIPTION},
            "components": {
                "securitySchemes": {
                    "token": {
                        "type": "http",
                        "scheme": "bearer",
                        "description": "A personal API token (coa_…).",
                    }
                }
            },
            "security": [{"token": []}],
        },
    )
    api = CoachatApi()
    api.register_field(DecimalString, "string", None)
    api.init_app(app)
    csrf.exempt(blueprint)
    api.register_blueprint(blueprint)
    app.register_blueprint(docs.pages)
