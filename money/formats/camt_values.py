"""The values of a CAMT.053 statement as the bank writes them: amounts, currencies, dates
and times, IBANs, credit or debit. Each reader refuses what is not one, naming where."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache

from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from money.formats.xml_input import Fields, FileRefused, clean, quoted

_AMOUNT = re.compile(r"\d{1,15}(\.\d{1,5})?")
CURRENCY = re.compile(r"[A-Z]{3}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(r"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?")


class StatementRefused(FileRefused):
    """A bank statement file that cannot be read; the message says why, on one line."""


class Direction(StrEnum):
    """Which way the money went on the cooperative's account (CdtDbtInd)."""

    CREDIT = "CRDT"
    DEBIT = "DBIT"


def amount_of(fields: Fields, path: str, where: str) -> tuple[Decimal, str]:
    """A non-negative amount with at most five decimals, and its currency."""
    node = fields.element(path)
    text = clean(node.text) if node is not None else None
    if text is None:
        raise StatementRefused(f"{where} has no amount")
    if not _AMOUNT.fullmatch(text):
        raise StatementRefused(f"{where}: amount {quoted(text)} is not a number")
    currency = clean(node.get("Ccy")) or ""
    if not CURRENCY.fullmatch(currency):
        raise StatementRefused(f"{where}: amount {text} has currency {quoted(currency)}")
    return Decimal(text), currency


def direction_of(text: str | None, where: str) -> Direction:
    """Credit or debit, as CdtDbtInd says: CRDT or DBIT and nothing else."""
    try:
        return Direction(text or "")
    except ValueError:
        raise StatementRefused(
            f"{where}: credit or debit (CdtDbtInd) is {quoted(text)}, not CRDT or DBIT"
        ) from None


def iban_of(text: str | None, where: str) -> str | None:
    """The IBAN without spaces, None when there is none; a wrong one is refused."""
    if text is None:
        return None
    compact = _valid_iban(text) if len(text) <= 50 else None
    if compact is None:
        raise StatementRefused(f"{where}'s IBAN {quoted(text)} is not a valid IBAN")
    return compact


@lru_cache(maxsize=4096)
def _valid_iban(text: str) -> str | None:
    """The IBAN without spaces when its country, length and check digits are right.
    Cached: a statement names the same few members and suppliers again and again."""
    try:
        return str(IBAN(text).compact)
    except SchwiftyException:
        return None


def when(fields: Fields, path: str) -> str | None:
    """The text of a date-or-date-and-time element (Dt or DtTm under `path`)."""
    return fields.text(f"{path}/Dt") or fields.text(f"{path}/DtTm")


def date_of(text: str | None, where: str) -> date | None:
    """A date, or the date part of a date and time, as the bank wrote it."""
    if text is None:
        return None
    if _DATE.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise StatementRefused(f"{where} {quoted(text)} is not a date") from None
    return datetime_of(text, where).date()


def datetime_of(text: str, where: str) -> datetime:
    """A date and time as written (with its offset when the bank gives one); fractions of a
    second beyond the microsecond are dropped."""
    refused = StatementRefused(f"{where} {quoted(text)} is not a date and time")
    match = _DATETIME.fullmatch(text)
    if match is None:
        raise refused
    seconds, fraction, offset = match.groups()
    try:
        return datetime.fromisoformat(seconds + (fraction or "")[:7] + (offset or ""))
    except ValueError:
        raise refused from None
