"""The books the cooperative hands its accountant: the FEC of a fiscal year and the journal of a
period as a spreadsheet, both read from the journal's lines.

The FEC is named after the cooperative's SIREN and the closing date of the fiscal year
(`<SIREN>FEC<YYYYMMDD>.txt`), so a record without a SIREN cannot have one. The journal CSV goes
through the one CSV writer, which makes every text a spreadsheet could run inert. Each export is
recorded in the audit trail: who took the books, and which.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session
from stdnum.fr import siren as fr_siren

from infrastructure.csv_file import csv_bytes
from money.formats.fec import fec_file_name, fec_file_of_lines
from money.journal import (
    billing_settings,
    fec_lines_of_year,
    fiscal_year_bounds,
    fiscal_year_of,
)
from money.models import JOURNALS, JournalEntry, JournalLine
from persistence.audit import Actor, record_event
from purchasing.errors import N_, Conflict, Invalid, Message
from purchasing.parsing import parse_date
from purchasing.people.cooperative import cooperative_record
from purchasing.permissions import SEE_BOOKS, require

FIRST_YEAR, LAST_YEAR = 2000, 2100
LONGEST_PERIOD_DAYS = 3 * 366
JOURNAL_HEADER = (
    "Journal",
    "Libellé du journal",
    "N° d'écriture",
    "Date",
    "Compte",
    "Libellé du compte",
    "Compte auxiliaire",
    "Libellé auxiliaire",
    "Pièce",
    "Date de la pièce",
    "Libellé",
    "Débit",
    "Crédit",
    "Facture",
    "Validée le",
)


def amount_text(amount: Decimal) -> str:
    """An amount for a French spreadsheet: a decimal comma, two decimals."""
    return f"{amount:.2f}".replace(".", ",")


def entry_number(entry: JournalEntry) -> str:
    """An entry's number as the FEC and the journal CSV show it: `VE2027-000001`."""
    return f"{entry.journal}{entry.fiscal_year}-{entry.number:06d}"


def _checked_year(year: int) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Invalid(
            {
                "year": Message(
                    N_("Give a year between %(first)s and %(last)s."),
                    {"first": FIRST_YEAR, "last": LAST_YEAR},
                )
            }
        )
    return year


def read_year(text: object) -> int:
    """A fiscal year as typed (`2027`); `Invalid` on `year` otherwise."""
    try:
        year = int(str(text).strip())
    except ValueError:
        year = 0
    return _checked_year(year)


def read_period(first: object, last: object) -> tuple[date, date]:
    """A period as typed (two dates, both days included); `Invalid` names each wrong field."""
    errors: dict[str, Message] = {}
    start, end = parse_date(first), parse_date(last)
    if start is None:
        errors["from"] = Message(N_("Give the first day as YYYY-MM-DD."))
    if end is None:
        errors["to"] = Message(N_("Give the last day as YYYY-MM-DD."))
    if errors:
        raise Invalid(errors)
    assert start is not None and end is not None
    _checked_period(start, end)
    return start, end


def current_fiscal_year(session: Session, today: date) -> tuple[int, date, date]:
    """The fiscal year `today` is in, with its first and last days."""
    start_month = billing_settings(session).fiscal_year_start
    year = fiscal_year_of(today, start_month)
    first, last = fiscal_year_bounds(year, start_month)
    return year, first, last


def fec_name(session: Session, year: int) -> str:
    """The FEC's file name for fiscal year `year`; `Conflict` while the cooperative's record
    has no valid SIREN."""
    siren = cooperative_record(session).siren or ""
    if not fr_siren.is_valid(siren):
        raise Conflict(
            Message(N_("Give the cooperative's SIREN on its page before writing its FEC."))
        )
    _first, closing = fiscal_year_bounds(year, billing_settings(session).fiscal_year_start)
    return fec_file_name(siren, closing)


def fec_of_year(session: Session, year: int, *, actor: Actor | None) -> tuple[str, bytes]:
    """The FEC of fiscal year `year` (named by the calendar year it ends in) with its file
    name: every entry of the year, each journal numbered without gaps in validation order.
    Refused without the cooperative's SIREN and for a year out of range. Audited."""
    require(actor, SEE_BOOKS)
    _checked_year(year)
    name = fec_name(session, year)
    lines = fec_lines_of_year(session, year)
    content = fec_file_of_lines(lines)
    record_event(
        session,
        "books.fec",
        "fiscal_year",
        year,
        actor=actor,
        file=name,
        entries=len({(line.journal_code, line.number) for line in lines}),
        lines=len(lines),
    )
    return name, content


def _checked_period(first: date, last: date) -> None:
    errors: dict[str, Message] = {}
    if last < first:
        errors["to"] = Message(N_("The end of the period comes after its start."))
    elif (last - first).days > LONGEST_PERIOD_DAYS:
        errors["to"] = Message(N_("Ask for at most three years at a time."))
    if errors:
        raise Invalid(errors)


def entries_of_period(session: Session, first: date, last: date) -> list[JournalEntry]:
    """The entries dated within the period (both days included), in the order posted."""
    return list(
        session.scalars(
            select(JournalEntry)
            .where(JournalEntry.entry_date >= first, JournalEntry.entry_date <= last)
            .order_by(JournalEntry.validated_at, JournalEntry.journal, JournalEntry.number)
        )
    )


def _journal_rows(entries: Iterable[JournalEntry], session: Session) -> list[list[object]]:
    entries = list(entries)
    lines: dict[int, list[JournalLine]] = {}
    if entries:
        for line in session.scalars(
            select(JournalLine)
            .where(JournalLine.entry_id.in_([entry.id for entry in entries]))
            .order_by(JournalLine.entry_id, JournalLine.position)
        ):
            lines.setdefault(line.entry_id, []).append(line)
    rows: list[list[object]] = [list(JOURNAL_HEADER)]
    for entry in entries:
        for line in lines.get(entry.id, []):
            rows.append(
                [
                    entry.journal,
                    JOURNALS[entry.journal],
                    entry_number(entry),
                    entry.entry_date.isoformat(),
                    line.account,
                    line.account_label,
                    line.sub_account,
                    line.sub_account_label,
                    entry.document_ref,
                    entry.document_date.isoformat(),
                    line.label,
                    amount_text(line.debit),
                    amount_text(line.credit),
                    line.invoice_ref or "",
                    entry.validated_at.date().isoformat(),
                ]
            )
    return rows


def journal_csv(session: Session, first: date, last: date, *, actor: Actor | None) -> bytes:
    """The journal lines of the entries dated from `first` to `last`, one row per line, for a
    spreadsheet. Refused for a period that ends before it starts or spans over three years.
    Audited."""
    require(actor, SEE_BOOKS)
    _checked_period(first, last)
    entries = entries_of_period(session, first, last)
    rows = _journal_rows(entries, session)
    record_event(
        session,
        "books.journal_csv",
        "journal",
        None,
        actor=actor,
        first=first.isoformat(),
        last=last.isoformat(),
        lines=len(rows) - 1,
    )
    return csv_bytes(rows)


def journal_file_name(first: date, last: date) -> str:
    return f"journal-{first:%Y%m%d}-{last:%Y%m%d}.csv"
