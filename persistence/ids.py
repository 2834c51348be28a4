"""Ids and page numbers as people and programs type them in addresses, forms and query strings.

A row's id is a whole number from 1 to the largest the database's integer column stores
(PostgreSQL's `integer`): anything else names no row, and must never reach the database, which
would answer an error instead of "nothing". Only ASCII digits count: Python's `str.isdigit()`
also accepts "²" and other digits that `int()` then refuses.
"""

from __future__ import annotations

import re

MAX_ID = 2_147_483_647
"""The largest id a row can have (a 32-bit signed integer, the type of every id column)."""

_DIGITS = re.compile(r"[0-9]{1,10}")


def parse_id(value: object) -> int | None:
    """`value` as an id (1 to `MAX_ID`, ASCII digits, surrounding spaces allowed), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 1 <= value <= MAX_ID else None
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not _DIGITS.fullmatch(text):
        return None
    number = int(text)
    return number if 1 <= number <= MAX_ID else None


def parse_page(value: object) -> int | None:
    """A page number (from 1, no larger than an id, so that its offset stays a number the
    database reads), else None."""
    return parse_id(value)
