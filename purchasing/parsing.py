"""Reading the values people type: decimal commas, spaces between thousands, dates."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

_SPACES = re.compile(r"[\s\u00a0\u202f]")


def parse_decimal(value: object) -> Decimal | None:
    """`12,5`, `12.5`, `1 200,50` and `12,50 €` are all numbers; anything else is None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(str(value))
    if not isinstance(value, str):
        return None
    text = _SPACES.sub("", value).removesuffix("€").replace(",", ".")
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", text):
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern already excludes it
        return None
    return number


def parse_date(value: object) -> date | None:
    """ISO dates (`2027-01-15`) and French ones (`15/01/2027`); anything else is None."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        if match := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text):
            day, month, year = (int(part) for part in match.groups())
            return date(year, month, day)
        return date.fromisoformat(text)
    except ValueError:
        return None
