"""The one CSV writer of the application: every CSV coachat gives out is written here.

A spreadsheet opening a CSV runs a cell that starts with `=`, `+`, `-` or `@` (or a tab or a
carriage return, which some read past) as a formula: a product named `=HYPERLINK(...)` would
send whoever opens the file elsewhere. As OWASP recommends, such a text cell is written with a
leading apostrophe, which the spreadsheet shows as text. A number (a `Decimal`, an `int` or a
text that is only a number, such as `-4,50`) is left as it is, so that amounts stay amounts.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_FIRST = frozenset("".join(FORMULA_STARTS))
_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")
CONTENT_TYPE = "text/csv; charset=utf-8"


def neutralised(cell: object) -> str:
    """The cell as written: empty for None, text that could run as a formula made inert."""
    if type(cell) is str:  # the common case first: most cells are plain text
        if not cell or cell[0] not in _FIRST or _NUMBER.match(cell):
            return cell
        return "'" + cell
    if cell is None:
        return ""
    if isinstance(cell, bool | int | Decimal | float):
        return str(cell)
    return neutralised(str(cell))


def csv_text(
    rows: Iterable[Sequence[object]], *, delimiter: str = ";", lineterminator: str = "\r\n"
) -> str:
    """The rows as CSV text, each cell neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=lineterminator)
    for row in rows:
        writer.writerow([neutralised(cell) for cell in row])
    return buffer.getvalue()


def csv_bytes(
    rows: Iterable[Sequence[object]],
    *,
    delimiter: str = ";",
    lineterminator: str = "\r\n",
    bom: bool = True,
) -> bytes:
    """The rows as UTF-8 CSV bytes, with the byte-order mark spreadsheets need to read UTF-8
    unless `bom=False` (files read by programs, such as the FEC)."""
    text = csv_text(rows, delimiter=delimiter, lineterminator=lineterminator)
    return (("\ufeff" if bom else "") + text).encode("utf-8")
