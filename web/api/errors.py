"""Every error the API answers, in one shape: `{"error": {"code", "message", "fields"}}`.

`web.errors` sends here every error raised under `/api/` (a refusal of a use case, a request
the schemas refused, a URL that matches nothing, an unexpected failure), so that a program
never receives an HTML page. Messages are translated into the reader's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import jsonify
from flask_babel import gettext
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from purchasing.errors import N_, Conflict, Invalid, NotAllowed, NotFound, Refused
from web.i18n import translate

CODES = {
    400: ("malformed", N_("The request is malformed.")),
    401: ("unauthorized", N_("A valid API token is required (Authorization: Bearer …).")),
    403: ("forbidden", N_("Your role does not allow this.")),
    404: ("not_found", N_("Nothing here.")),
    405: ("method_not_allowed", N_("This method is not allowed here.")),
    409: ("conflict", N_("The object changed meanwhile.")),
    413: ("too_large", N_("The request is too large.")),
    415: ("malformed", N_("The request is malformed.")),
    422: ("invalid", N_("Some values are not valid.")),
    500: ("internal", N_("Something went wrong on our side; nothing was changed.")),
    503: (
        "unavailable",
        N_("The database is not answering at the moment; try again in a minute."),
    ),
}

# marshmallow's own messages, so that they are translated like ours.
SCHEMA_MESSAGES = (
    N_("Missing data for required field."),
    N_("Unknown field."),
    N_("Field may not be null."),
    N_("Invalid input type."),
    N_("Not a valid integer."),
    N_("Not a valid string."),
    N_("Not a valid boolean."),
    N_("Not a valid date."),
    N_("Not a valid datetime."),
    N_("Not a valid number."),
    N_("Not a valid list."),
    N_("Not a valid mapping type."),
    N_("Invalid value."),
    N_("Not a valid timezone-aware datetime."),
    N_("Invalid JSON body."),
)


def body(
    status: int, message: str, fields: Mapping[str, str] | None = None, code: str = ""
) -> Response:
    code = code or CODES.get(status, ("refused" if status < 500 else "internal", ""))[0]
    response = jsonify({"error": {"code": code, "message": message, "fields": dict(fields or {})}})
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="coachat"'
    return response


def refusal(error: Refused) -> Response:
    """A use case refused: 403 when the caller's role does not allow it, 404, 409, 422
    `invalid` naming each field, or 422 `refused` when a rule refuses the request as a whole."""
    if isinstance(error, NotAllowed):
        return body(403, translate(error.message))
    if isinstance(error, NotFound):
        return body(404, translate(error.message))
    if isinstance(error, Conflict):
        return body(409, translate(error.message))
    if isinstance(error, Invalid):
        fields = {name: translate(message) for name, message in error.errors.items()}
        return body(422, gettext(CODES[422][1]), fields)
    # A rule refused the request as a whole (e-mail is off, a state forbids it): no field.
    return body(422, translate(error.message), code="refused")


def http_error(error: HTTPException) -> Response:
    """An HTTP error: a URL that matches nothing, a role refused, a request the schemas refused
    (webargs puts what is wrong with each field in `data["messages"]`)."""
    status = error.code or 500
    fields: dict[str, str] = {}
    data = getattr(error, "data", None) or {}
    if isinstance(data, Mapping) and "messages" in data:
        for location, messages in data["messages"].items():
            _flatten(messages, "" if location in ("json", "query", "path") else location, fields)
    if status == 400 and fields:
        fields = {}
    default = CODES.get(status, ("", error.description or ""))[1]
    return body(status, gettext(default) if default else "", fields)


def _flatten(messages: Any, prefix: str, into: dict[str, str]) -> None:
    """`{"tiers": {"0": {"unit_price": ["…"]}}}` becomes `{"tiers.0.unit_price": "…"}`."""
    if isinstance(messages, Mapping):
        for key, inner in messages.items():
            name = str(key) if key != "_schema" else ""
            _flatten(inner, f"{prefix}.{name}".strip(".") if name else prefix, into)
    elif isinstance(messages, list | tuple) and messages:
        if all(isinstance(item, str) for item in messages):
            into[prefix or "body"] = gettext(messages[0])
        else:
            for index, inner in enumerate(messages):
                _flatten(inner, f"{prefix}.{index}".strip("."), into)
    elif isinstance(messages, str):
        into[prefix or "body"] = gettext(messages)
