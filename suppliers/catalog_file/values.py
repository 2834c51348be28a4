"""Reading one cell of a price list the way a French spreadsheet writes it.

Every parser takes a raw cell (text from a CSV, or a typed value from an XLSX sheet) and
returns a typed value, or raises `CellError` whose reason completes a French sentence
such as « prix « abc » n’est pas un nombre ».
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

Cell = str | int | float | Decimal | datetime | date | None
"""A raw cell: text for CSV files; numbers, dates or text for XLSX sheets."""

_BLANKS = re.compile(r"[\s\u00a0\u202f\u2009']+")
_CURRENCY = re.compile(r"€|\beuros?\b|\beur\b|\bht\b|\bh\.t\.", re.IGNORECASE)
_SIMPLE = re.compile(r"-?\d+(?:[.,]\d+)?")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_GROUPED = re.compile(r"\d{1,3}(?:[.,]\d{3})+")
_TRAILING_WORDS = re.compile(r"^(.*?\d)\s*([^\d\s][^\d]*)?$")
_ANY_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_DAY_FIRST = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_EXCEL_EPOCH = date(1899, 12, 30)


class CellError(ValueError):
    """A cell that cannot be read; `reason` ends a French sentence about the value."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def is_blank(cell: Cell) -> bool:
    """An empty cell, or one holding only spaces."""
    return cell is None or (isinstance(cell, str) and not cell.strip())


def shown(cell: Cell) -> str:
    """The cell as the supplier sees it in their spreadsheet, for error messages."""
    if cell is None:
        return ""
    if isinstance(cell, datetime | date):
        return f"{cell:%d/%m/%Y}"
    if isinstance(cell, str):
        return cell.strip()
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return _plain(_from_number(cell)).replace(".", ",")


def text(cell: Cell) -> str:
    """A text cell stripped; numbers keep their digits (`3760001` stays `3760001`)."""
    if isinstance(cell, str):
        return " ".join(cell.split())
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, float | int | Decimal):
        return _plain(_from_number(cell))
    return shown(cell)


def parse_decimal(cell: Cell, *, unit_words: bool = False) -> Decimal:
    """A number written the French or the English way.

    `12,50`, `12.50`, `1 234,56`, `1.234,56`, `1,234.56`, `12,50 €` and `(3,20)` (accounting
    negative) are all read; a lone comma is a decimal comma. With `unit_words`, a trailing
    word is allowed and ignored (`5 jours`, `12 ramettes`), but not a second number.
    """
    if isinstance(cell, bool):
        raise CellError("n’est pas un nombre")
    if isinstance(cell, int | float | Decimal):
        return _from_number(cell)
    if isinstance(cell, datetime | date):
        raise CellError("est une date, pas un nombre")
    if cell is None:
        raise CellError("est vide")
    if _SIMPLE.fullmatch(cell):
        return Decimal(cell.replace(",", "."))
    raw = cell.strip().replace("\u2212", "-")
    negative = raw.startswith("(") and raw.endswith(")")
    if negative:
        raw = raw[1:-1]
    raw = _CURRENCY.sub("", raw).strip()
    if unit_words and (match := _TRAILING_WORDS.match(raw)):
        raw = match.group(1)
    number = _decimal_from_text(_BLANKS.sub("", raw))
    if number is None:
        raise CellError("n’est pas un nombre")
    return -number if negative else number


def parse_count(cell: Cell) -> Decimal:
    """A quantity that may be written inside a phrase: `Carton de 5`, `x12`, `lot de 10`.

    A phrase holding two numbers (`5 x 500 ml`) is ambiguous and refused.
    """
    try:
        return parse_decimal(cell, unit_words=True)
    except CellError:
        if not isinstance(cell, str):
            raise
        numbers = _ANY_NUMBER.findall(cell)
        if len(numbers) != 1:
            raise CellError("n’est pas un nombre (une seule quantité attendue)") from None
        return parse_decimal(numbers[0])


def parse_percent(cell: Cell) -> Decimal:
    """A percentage on the 0–100 scale: `85 %`, `85`, and `0,85` (a fraction) are all 85."""
    if isinstance(cell, str) and cell.strip().endswith("%"):
        return parse_decimal(cell.strip()[:-1])
    number = parse_decimal(cell)
    if 0 < number < 1:
        return _plain_decimal(number * 100)
    return number


def parse_rate(cell: Cell) -> Decimal:
    """A VAT rate as a fraction: `20 %`, `20`, `0,2` are all 0.2; `5,5` is 0.055."""
    if isinstance(cell, str) and cell.strip().endswith("%"):
        return _plain_decimal(parse_decimal(cell.strip()[:-1]) / 100)
    number = parse_decimal(cell)
    if number >= 1:
        return _plain_decimal(number / 100)
    return number


def parse_date(cell: Cell) -> date:
    """`31/12/2027`, `31.12.27`, `2027-12-31`, an Excel date cell or an Excel day number."""
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    if isinstance(cell, int | float | Decimal):
        if 1 <= cell < 2958466 and float(cell).is_integer():
            return _EXCEL_EPOCH + timedelta(days=int(cell))
        raise CellError("n’est pas une date (jj/mm/aaaa)")
    raw = cell.strip() if isinstance(cell, str) else ""
    try:
        if match := _DAY_FIRST.fullmatch(raw):
            day, month, year = (int(part) for part in match.groups())
            return date(year + 2000 if year < 100 else year, month, day)
        if match := _ISO.fullmatch(raw):
            year, month, day = (int(part) for part in match.groups())
            return date(year, month, day)
    except ValueError:
        raise CellError("n’est pas une date qui existe") from None
    raise CellError("n’est pas une date (jj/mm/aaaa)")


def decimals(number: Decimal) -> int:
    """How many significant digits the number has after the decimal point (`2.50` has 1)."""
    exponent = number.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def french(number: Decimal | int, *, places: int | None = None) -> str:
    """`1234.5` → `1 234,5` (no-break space between thousands); `places` pads the cents."""
    number = Decimal(number)
    if places is not None and decimals(number) < places:
        written = format(number.quantize(Decimal(1).scaleb(-places)), "f")
    else:
        written = _plain(number)
    whole, _, fraction = written.partition(".")
    sign = "-" if whole.startswith("-") else ""
    digits = whole.lstrip("-")
    groups = [digits[max(0, end - 3) : end] for end in range(len(digits), 0, -3)]
    result = sign + "\u00a0".join(reversed(groups))
    return f"{result},{fraction}" if fraction else result


def _decimal_from_text(raw: str) -> Decimal | None:
    if "," in raw and "." in raw:
        decimal_mark = "," if raw.rfind(",") > raw.rfind(".") else "."
        thousands = "." if decimal_mark == "," else ","
        raw = raw.replace(thousands, "").replace(decimal_mark, ".")
    elif raw.count(",") > 1 or raw.count(".") > 1:
        if not _GROUPED.fullmatch(raw.lstrip("+-")):
            return None
        raw = raw.replace(",", "").replace(".", "")
    else:
        raw = raw.replace(",", ".")
    if not _PLAIN_NUMBER.fullmatch(raw):
        return None
    try:
        return Decimal(raw)
    except InvalidOperation:  # pragma: no cover - the pattern rules it out
        return None


def _from_number(number: int | float | Decimal) -> Decimal:
    if isinstance(number, float):
        if number != number or number in (float("inf"), float("-inf")):
            raise CellError("n’est pas un nombre")
        # Fifteen significant digits drop the binary noise of computed cells (2.5199999999999996).
        return Decimal(format(number, ".15g"))
    return Decimal(number)


def _plain_decimal(number: Decimal) -> Decimal:
    """The same number without trailing zeros nor exponent (`2E+1` → `20`)."""
    return Decimal(_plain(number))


def _plain(number: Decimal) -> str:
    result = format(number.normalize(), "f")
    return "0" if result in ("-0", "") else result
