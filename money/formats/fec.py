"""The FEC (fichier des écritures comptables) the cooperative gives the tax authority on request,
as article A47 A-1 of the Livre des procédures fiscales describes it.

- One line per journal line, the 18 columns below in this order, under a header line naming
  them; columns separated by a tab (or a pipe), no other quoting.
- Dates as YYYYMMDD; amounts with a comma before the cents and no thousands separator.
- The lines in the chronological order of their validation; an entry's lines together; each
  entry balanced; entry numbers a continuous sequence in each journal, in the order entries
  were validated.
- Required on every line: journal code and label, entry number and date, account number and
  label, document reference and date, label, debit, credit and validation date. The sub-account
  number and label go together, as do the lettering and its date, and the foreign currency
  amount and its currency.
- Named `<SIREN>FEC<closing date of the fiscal year as YYYYMMDD>.txt`.

`fec_file` writes it through the application's one CSV writer; `check_fec` reads a FEC back and
lists every rule above that it breaks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from itertools import pairwise

from stdnum.fr import siren as fr_siren

from infrastructure.csv_file import csv_bytes
from money.journal_lines import Entry

COLUMNS = (
    "JournalCode",
    "JournalLib",
    "EcritureNum",
    "EcritureDate",
    "CompteNum",
    "CompteLib",
    "CompAuxNum",
    "CompAuxLib",
    "PieceRef",
    "PieceDate",
    "EcritureLib",
    "Debit",
    "Credit",
    "EcritureLet",
    "DateLet",
    "ValidDate",
    "Montantdevise",
    "Idevise",
)
REQUIRED = (
    "JournalCode",
    "JournalLib",
    "EcritureNum",
    "EcritureDate",
    "CompteNum",
    "CompteLib",
    "PieceRef",
    "PieceDate",
    "EcritureLib",
    "Debit",
    "Credit",
    "ValidDate",
)
DATES = ("EcritureDate", "PieceDate", "DateLet", "ValidDate")
FILLED_TOGETHER = (
    ("CompAuxNum", "CompAuxLib"),
    ("EcritureLet", "DateLet"),
    ("Montantdevise", "Idevise"),
)
_AMOUNT = re.compile(r"^\d+(,\d{1,2})?$")
_SIGNED_AMOUNT = re.compile(r"^-?\d+(,\d{1,2})?$")
_ACCOUNT_NUMBER = re.compile(r"^\d{3}")
_SEQUENCE = re.compile(r"(\d+)$")
# Characters that would split a field or a line, or make the CSV writer quote a field.
_FIELD_BREAKERS = str.maketrans({"\t": " ", "\r": " ", "\n": " ", '"': "'"})


def fec_file_name(siren: str, closing_date: date) -> str:
    """`<SIREN>FEC<YYYYMMDD>.txt`, the date being the closing date of the fiscal year."""
    if not fr_siren.is_valid(siren):
        raise ValueError(f"SIREN {siren!r} is not a valid SIREN")
    return f"{fr_siren.compact(siren)}FEC{closing_date:%Y%m%d}.txt"


@lru_cache(maxsize=4096)
def _date(day: date | None) -> str:
    # A year's lines share a few hundred dates: each is written once.
    return "" if day is None else f"{day:%Y%m%d}"


def _amount(amount: Decimal) -> str:
    return f"{amount:.2f}".replace(".", ",")


def _text(text: str) -> str:
    if "\t" in text or "\r" in text or "\n" in text or '"' in text:
        text = text.translate(_FIELD_BREAKERS)
    return text.strip()


@dataclass(frozen=True)
class FecLine:
    """One journal line as the FEC writes it, with its entry's columns: what the journal's
    one query gives for a whole year, without building typed entries line by line."""

    journal_code: str
    journal_label: str
    number: str
    entry_date: date
    account_number: str
    account_label: str
    sub_account_number: str
    sub_account_label: str
    document_reference: str
    document_date: date
    label: str
    debit: Decimal
    credit: Decimal
    validation_date: date
    lettering: str = ""
    lettering_date: date | None = None


def fec_row(line: FecLine) -> list[str]:
    """The 18 fields of one line, in the order of the format."""
    text = _text
    return [
        text(line.journal_code),
        text(line.journal_label),
        text(line.number),
        _date(line.entry_date),
        text(line.account_number),
        text(line.account_label),
        text(line.sub_account_number),
        text(line.sub_account_label),
        text(line.document_reference),
        _date(line.document_date),
        text(line.label),
        _amount(line.debit),
        _amount(line.credit),
        text(line.lettering),
        _date(line.lettering_date),
        _date(line.validation_date),
        "",  # every amount is in euros: no foreign currency amount
        "",
    ]


def fec_rows(entries: Iterable[Entry]) -> list[list[str]]:
    """The FEC lines of these entries, header first, in order of validation date (entries
    validated the same day keep the order they are given in)."""
    rows = [list(COLUMNS)]
    for entry in sorted(entries, key=lambda entry: entry.validation_date):
        for line in entry.lines:
            rows.append(
                fec_row(
                    FecLine(
                        entry.journal_code,
                        entry.journal_label,
                        entry.number,
                        entry.entry_date,
                        line.account_number,
                        line.account_label,
                        line.sub_account_number,
                        line.sub_account_label,
                        entry.document_reference,
                        entry.document_date,
                        line.label or entry.label,
                        line.debit,
                        line.credit,
                        entry.validation_date,
                        line.lettering,
                        line.lettering_date,
                    )
                )
            )
    return rows


def fec_file_of_lines(lines: Iterable[FecLine], *, lineterminator: str = "\r\n") -> bytes:
    """The FEC of these lines, given in the order of their entries' validation."""
    rows = [list(COLUMNS), *(fec_row(line) for line in lines)]
    return csv_bytes(rows, delimiter="\t", lineterminator=lineterminator, bom=False)


def fec_file(entries: Iterable[Entry], *, lineterminator: str = "\r\n") -> bytes:
    """The FEC of these entries: UTF-8 without byte-order mark, tab-separated."""
    return csv_bytes(fec_rows(entries), delimiter="\t", lineterminator=lineterminator, bom=False)


def _valid_date(text: str) -> bool:
    try:
        datetime.strptime(text, "%Y%m%d")
    except ValueError:
        return False
    return len(text) == 8


def _cents(text: str) -> Decimal:
    return Decimal(text.replace(",", ".")) if _AMOUNT.match(text) else Decimal("0")


def check_fec(text: str) -> list[str]:
    """Every rule of the FEC format the text breaks, in plain words, line numbers counted from
    the header (line 1). An empty list means none."""
    lines = text.removeprefix("\ufeff").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    lines = [line.removesuffix("\r") for line in lines]
    if not lines:
        return ["the file is empty"]
    separator = "|" if "|" in lines[0] and "\t" not in lines[0] else "\t"
    header = lines[0].split(separator)
    if tuple(header) != COLUMNS:
        return [f"the header is not the 18 columns {', '.join(COLUMNS)} in this order"]
    problems: list[str] = []
    records: list[tuple[int, dict[str, str]]] = []
    for number, line in enumerate(lines[1:], start=2):
        fields = line.split(separator)
        if len(fields) != len(COLUMNS):
            problems.append(f"line {number}: {len(fields)} columns instead of 18")
            continue
        record = dict(zip(COLUMNS, fields, strict=True))
        problems.extend(f"line {number}: {problem}" for problem in _line_problems(record))
        records.append((number, record))
    problems.extend(_entry_problems(records))
    return problems


def _line_problems(record: dict[str, str]) -> list[str]:
    problems = [f"{column} is empty" for column in REQUIRED if not record[column].strip()]
    for column in DATES:
        if record[column] and not _valid_date(record[column]):
            problems.append(f"{column} {record[column]!r} is not a date as YYYYMMDD")
    for column in ("Debit", "Credit"):
        if record[column] and not _AMOUNT.match(record[column]):
            problems.append(
                f"{column} {record[column]!r} is not an amount with a decimal comma and no "
                "thousands separator"
            )
    if record["Montantdevise"] and not _SIGNED_AMOUNT.match(record["Montantdevise"]):
        problems.append(f"Montantdevise {record['Montantdevise']!r} is not an amount")
    if record["CompteNum"] and not _ACCOUNT_NUMBER.match(record["CompteNum"]):
        problems.append(f"CompteNum {record['CompteNum']!r} does not start with three digits")
    for first, second in FILLED_TOGETHER:
        if bool(record[first].strip()) != bool(record[second].strip()):
            problems.append(f"{first} and {second} are filled together or not at all")
    return problems


def _entry_problems(records: Sequence[tuple[int, dict[str, str]]]) -> list[str]:
    problems: list[str] = []
    entries: dict[tuple[str, str], list[tuple[int, dict[str, str]]]] = {}
    last_key: tuple[str, str] | None = None
    previous_validation = ""
    for number, record in records:
        key = (record["JournalCode"], record["EcritureNum"])
        if key != last_key and key in entries:
            problems.append(
                f"line {number}: the lines of entry {key[1]} in journal {key[0]} are not together"
            )
        entries.setdefault(key, []).append((number, record))
        last_key = key
        validation = record["ValidDate"]
        if _valid_date(validation):
            if validation < previous_validation:
                problems.append(
                    f"line {number}: validated on {validation}, before the line above "
                    f"({previous_validation}): lines follow the order of validation"
                )
            previous_validation = validation

    for (journal, entry_number), lines in entries.items():
        what = f"entry {entry_number} in journal {journal}"
        debit = sum((_cents(record["Debit"]) for _, record in lines), Decimal("0"))
        credit = sum((_cents(record["Credit"]) for _, record in lines), Decimal("0"))
        if debit != credit:
            problems.append(f"{what} does not balance: debits {debit}, credits {credit}")
        for column in ("EcritureDate", "ValidDate", "JournalLib"):
            if len({record[column] for _, record in lines}) > 1:
                problems.append(f"{what}: its lines give different {column}")
    problems.extend(_numbering_problems(entries))
    return problems


def _numbering_problems(
    entries: dict[tuple[str, str], list[tuple[int, dict[str, str]]]],
) -> list[str]:
    """Entry numbers follow each other without a gap in each journal, in validation order."""
    problems: list[str] = []
    journals: dict[str, list[tuple[int, str, str]]] = {}
    for (journal, entry_number), lines in entries.items():
        sequence = _SEQUENCE.search(entry_number)
        if sequence is None:
            problems.append(f"entry {entry_number!r} in journal {journal} has no sequence number")
            continue
        validation = lines[0][1]["ValidDate"]
        journals.setdefault(journal, []).append((int(sequence.group(1)), entry_number, validation))
    for journal, numbered in sorted(journals.items()):
        numbered.sort()
        for before, after in pairwise(numbered):
            (before_sequence, before_number, before_date) = before
            (after_sequence, after_number, after_date) = after
            if after_sequence != before_sequence + 1:
                problems.append(
                    f"journal {journal}: entry numbers jump from {before_number} to {after_number}"
                )
            if after_date < before_date:
                problems.append(
                    f"journal {journal}: entry {after_number} was validated on {after_date}, "
                    f"before entry {before_number} ({before_date})"
                )
    return problems
