"""How the interface shows a refusal: one error handler per domain error, one helper to put a
refusal next to the form fields it is about, one to answer a refusal with a flash and a redirect.

Use cases raise `NotFound`, `Conflict`, `Invalid` or another `Refused` with a translatable
`Message`; a view lets them through unless it shows them on its own page:

- `NotFound` → the 404 page (a missing object and one the user may not see look the same);
- `Conflict` → the 409 page with its message (the object changed state meanwhile);
- `NotAllowed` → the 403 page with its message (`purchasing.permissions` refused the role);
- `Invalid` or any other `Refused` not caught by a form → the 422 page with its message;
- two requests changing the same object at once (the second one's version is stale) → the
  409 page: the object changed meanwhile, nothing of the second request was kept;
- the database not answering (stopped, restarting, unreachable) → the 503 page, which says so
  and asks to try again, with `Retry-After`; the connection pool checks each connection before
  use, so the next request after the database is back succeeds without a restart.

Every error response rolls the request's changes back (see `web.db`). Under `/api/` the same
errors are answered in JSON by `web.api.errors`, whatever raised them.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any

from flask import Flask, current_app, flash, g, redirect, render_template, request
from flask_babel import gettext, ngettext
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.wrappers import Response

from purchasing.errors import N_, Conflict, Invalid, Message, NotAllowed, NotFound, Refused
from web import db
from web.i18n import translate
from web.params import BadParameter


def init_app(app: Flask) -> None:
    handlers: list[tuple[Any, Callable[[Any], Any]]] = [
        (NotFound, _not_found),
        (404, _not_found),
        (Conflict, _conflict),
        (NotAllowed, _not_allowed),
        (Refused, _refused),
        (CSRFError, _csrf),
        (BadParameter, _bad_parameter),
        (403, _forbidden),
        (413, _too_large),
        (429, _too_many),
        (HTTPException, _http_error),
    ]
    for error, handler in handlers:
        app.register_error_handler(error, _json_under_api(handler))
    app.register_error_handler(StaleDataError, _changed_meanwhile)
    app.register_error_handler(OperationalError, _database_unavailable)
    app.register_error_handler(InterfaceError, _database_unavailable)
    app.register_error_handler(InternalServerError, _internal)


def in_api() -> bool:
    """The request is one of the JSON API's (`/api/`): its errors are answered in JSON."""
    return request.path == "/api" or request.path.startswith("/api/")


def _json_under_api(handler: Callable[[Any], Any]) -> Callable[[Any], Any]:
    @wraps(handler)
    def answer(error: Exception) -> Any:
        if not in_api():
            return handler(error)
        from web.api import errors as api_errors

        if isinstance(error, Refused):
            return api_errors.refusal(error)
        if isinstance(error, HTTPException):
            return api_errors.http_error(error)
        return handler(error)  # pragma: no cover - every error handled above is one of both

    return answer


def refusal(
    error: Refused, to: str, category: str = "error", *, keep_changes: bool = False
) -> Response:
    """Answers a refusal on the page the user came from: its message is flashed, the request's
    changes are rolled back (unless the refusal itself recorded something to keep, which the
    view says with `keep_changes`), and the browser goes to `to`."""
    if keep_changes:
        db.keep_changes()
    else:
        db.discard_changes()
    flash(translate(error.message), category)
    return redirect(to)


def refusal_by_field(error: Refused, to: str) -> Response:
    """As `refusal`, flashing each wrong field's message when the refusal names fields (for a
    form whose page shows no field messages of its own)."""
    if isinstance(error, Invalid):
        db.discard_changes()
        for message in error.errors.values():
            flash(translate(message), "error")
        return redirect(to)
    return refusal(error, to)


def errors_on_form(
    form: Any,
    error: Invalid,
    fields: Mapping[str, str] | None = None,
    rows: Mapping[str, list[int]] | None = None,
) -> dict[str, str]:
    """Puts each of `error`'s messages, translated, next to the form field it is about.

    The use case names fields as its values do; `fields` maps a name to the form's field when
    they differ (`product_id` → `free_text`). A row of a list is named `labels.1.name`; `rows`
    maps a position in the list given to the use case back to the form's row, blank rows
    having been left out. Returns the messages about a whole list, or about no field of the
    form, by name: the page shows them on their own.
    """
    fields = fields or {}
    rows = rows or {}
    elsewhere: dict[str, str] = {}
    for key, message in error.errors.items():
        field = _field(form, fields.get(key, key), rows)
        if field is None:
            elsewhere[key] = translate(message)
        else:
            field.errors = [*field.errors, translate(message)]
    return elsewhere


def _field(form: Any, key: str, rows: Mapping[str, list[int]]) -> Any:
    name, _sep, rest = key.partition(".")
    if rest and name in rows:
        index, _sep, sub = rest.partition(".")
        return form[name][rows[name][int(index)]].form[sub]
    if name in rows or name not in form:
        return None
    return form[name]


def _page(code: int, reason: str = "", message: str = "") -> tuple[str, int]:
    return render_template("error.html", code=code, reason=reason, message=message), code


def _not_found(_error: Exception) -> tuple[str, int]:
    return _page(404, "not_found")


def _conflict(error: Conflict) -> tuple[str, int]:
    return _page(409, message=translate(error.message))


def _not_allowed(error: NotAllowed) -> tuple[str, int]:
    return _page(403, "forbidden", translate(error.message))


def _refused(error: Refused) -> tuple[str, int]:
    return _page(422, message=translate(error.message))


def _csrf(_error: CSRFError) -> tuple[str, int]:
    return _page(400, "csrf")


def _bad_parameter(error: BadParameter) -> tuple[str, int]:
    return _page(400, message=translate(error.message))


def _forbidden(_error: Exception) -> tuple[str, int]:
    return _page(403, "forbidden")


def _too_large(_error: Exception) -> tuple[str, int]:
    return _page(413, "too_large")


def _too_many(_error: Exception) -> tuple[str, int]:
    """Too many failed sign-ins: the sign-in form again, saying how long to wait."""
    from web.auth.forms import LoginForm
    from web.security import limiter

    limit = limiter.current_limit
    wait = math.ceil(max(limit.reset_at - time.time(), 60) / 60) if limit else 15
    flash(
        ngettext(
            "Too many sign-in attempts: wait %(num)d minute before trying again.",
            "Too many sign-in attempts: wait %(num)d minutes before trying again.",
            wait,
        ),
        "error",
    )
    return render_template("auth/login.html", form=LoginForm()), 429


DATABASE_RETRY_SECONDS = 30
CHANGED_MEANWHILE = N_(
    "Someone changed this at the same moment: nothing was saved. Reload the page and try again."
)


def _changed_meanwhile(_error: Exception) -> Any:
    """Another request changed the same object first (its version moved): a conflict."""
    return _json_under_api(_conflict)(Conflict(Message(CHANGED_MEANWHILE)))


def _database_unavailable(error: Exception) -> Any:
    """The database did not answer: a page that says so without needing it (shown as to a
    signed-out visitor, as the user cannot be read), or the API's JSON error. SQLite calls a
    schema that is not migrated an operational error too: that one is a server error."""
    if "no such table" in str(error) or "no such column" in str(error):
        current_app.logger.error("database schema not up to date: %s", error)
        return _internal(InternalServerError(original_exception=None))
    current_app.logger.error("database unavailable: %s", error)
    g._login_user = current_app.login_manager.anonymous_user()  # type: ignore[attr-defined]
    headers = {"Retry-After": str(DATABASE_RETRY_SECONDS)}
    if in_api():
        from web.api import errors as api_errors

        response = api_errors.body(503, gettext(api_errors.CODES[503][1]))
        response.headers.update(headers)
        return response
    return render_template("error.html", code=503, reason="database"), 503, headers


def _internal(error: InternalServerError) -> Any:
    """An unexpected error; one from the database at commit time is the database's 503."""
    if isinstance(error.original_exception, OperationalError | InterfaceError):
        return _database_unavailable(error.original_exception)
    if isinstance(error.original_exception, StaleDataError):
        return _changed_meanwhile(error.original_exception)
    if in_api():
        from web.api import errors as api_errors

        return api_errors.http_error(error)
    return error


def _http_error(error: HTTPException) -> HTTPException:
    return error  # the page werkzeug makes for it, as without a handler
