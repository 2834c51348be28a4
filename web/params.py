"""The one reader of ids and page numbers in pages: path variables, query strings and forms.

A path variable `<id:need_id>` matches only an id the database can hold (see
`persistence.ids`): any other number, or anything else, is a page that does not exist (404).
A query string value that is not an id is a bad request (400) saying which value is wrong,
never a server error; an absent or empty one is None.
"""

from __future__ import annotations

from flask import Flask, request
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter, Map

from persistence.ids import MAX_ID, parse_id, parse_page
from purchasing.errors import N_, Message


def up_to(largest: int) -> str:
    """A regular expression matching the whole numbers from 1 to `largest`, written without
    leading zeros."""
    digits = str(largest)
    choices = [f"[1-9][0-9]{{0,{len(digits) - 2}}}"] if len(digits) > 1 else []
    for i, digit in enumerate(digits):
        low = "1" if i == 0 else "0"
        if digit > low:
            rest = len(digits) - i - 1
            choices.append(f"{digits[:i]}[{low}-{int(digit) - 1}][0-9]{{{rest}}}")
    choices.append(digits)
    return "(?:" + "|".join(choices) + ")"


class IdConverter(IntegerConverter):
    """`<id:name>`: a whole number from 1 to the largest id the database stores.

    The range is in the pattern itself, not only checked afterwards: werkzeug answers a path
    that its pattern matches but no converter accepts with 405 when another method's route
    has the same path, where "not found" is the truth."""

    regex = up_to(MAX_ID)

    def __init__(self, map: Map) -> None:
        super().__init__(map, min=1, max=MAX_ID)


BAD_PARAMETER = N_("The address asks for “%(name)s=%(value)s”, which is not a number from 1.")


class BadParameter(BadRequest):
    """A value of the query string that should be an id or a page number (400)."""

    def __init__(self, parameter: str, value: str) -> None:
        super().__init__()
        self.message = Message(BAD_PARAMETER, {"name": parameter, "value": value[:40]})


def id_arg(name: str) -> int | None:
    """The id in the query string under `name`; None when absent or empty; a bad request
    when it is not an id. (A form's values are read with `persistence.ids.parse_id`, and a
    bad one is refused next to its field.)"""
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    value = parse_id(raw)
    if value is None:
        raise BadParameter(name, raw)
    return value


def page_arg(name: str = "page") -> int:
    """The page number asked for in the query string, 1 when absent; a bad request when it is
    not a whole number from 1."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return 1
    value = parse_page(raw)
    if value is None:
        raise BadParameter(name, raw)
    return value


def init_app(app: Flask) -> None:
    """Registers `<id:...>`; called before any blueprint adds its routes."""
    app.url_map.converters["id"] = IdConverter
