"""Double-entry accounting as the journal holds it: an entry posted in a journal, made of lines
that each debit or credit one account (and, for a member or a supplier, its sub-account).

Plain frozen values, checked when made: an entry balances, each line moves money one way, and
an account number starts with the three digits of the French chart of accounts (PCG). The FEC
and every balance are read from these.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

ZERO = Decimal("0.00")
# The first three characters of an account are digits of the French chart of accounts.
_ACCOUNT_NUMBER = re.compile(r"^[1-8]\d{2}[0-9A-Za-z]*$")


@dataclass(frozen=True)
class JournalLine:
    """One line of an entry: a debit or a credit (in euros, to the cent, never both, never
    negative) on an account, with the sub-account of a member or supplier when there is one.

    A line may be lettered (matched with the lines that settle it): the lettering code and its
    date go together. Without its own label, the line carries its entry's.
    """

    account_number: str
    account_label: str
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    sub_account_number: str = ""
    sub_account_label: str = ""
    label: str = ""
    lettering: str = ""
    lettering_date: date | None = None

    def __post_init__(self) -> None:
        if not _ACCOUNT_NUMBER.match(self.account_number):
            raise ValueError(
                f"account {self.account_number!r} does not start with three digits of the chart "
                "of accounts"
            )
        if not self.account_label.strip():
            raise ValueError(f"account {self.account_number} has a label")
        for amount, what in ((self.debit, "debit"), (self.credit, "credit")):
            if not isinstance(amount, Decimal) or not amount.is_finite():
                raise ValueError(f"account {self.account_number}: {what} is a finite Decimal")
            if amount < 0 or amount != amount.quantize(Decimal("0.01")):
                raise ValueError(
                    f"account {self.account_number}: {what} {amount} is not a positive amount "
                    "in cents"
                )
        if (self.debit == 0) == (self.credit == 0):
            raise ValueError(f"account {self.account_number}: a line is either a debit or a credit")
        if bool(self.sub_account_number.strip()) != bool(self.sub_account_label.strip()):
            raise ValueError(
                f"account {self.account_number}: a sub-account has a number and a label"
            )
        if bool(self.lettering.strip()) != (self.lettering_date is not None):
            raise ValueError(f"account {self.account_number}: a lettering code goes with its date")


@dataclass(frozen=True)
class Entry:
    """A balanced entry: posted in a journal under a number that follows the journal's last one
    without a gap, dated, citing the document it records (invoice, credit note, payment), and
    validated on a date after which it is never changed."""

    journal_code: str
    journal_label: str
    number: str
    entry_date: date
    document_reference: str
    document_date: date
    label: str
    validation_date: date
    lines: tuple[JournalLine, ...]

    @property
    def debit(self) -> Decimal:
        return sum((line.debit for line in self.lines), ZERO)

    @property
    def credit(self) -> Decimal:
        return sum((line.credit for line in self.lines), ZERO)

    def __post_init__(self) -> None:
        for text, what in (
            (self.journal_code, "journal code"),
            (self.journal_label, "journal label"),
            (self.number, "entry number"),
            (self.document_reference, "document reference"),
            (self.label, "label"),
        ):
            if not text.strip():
                raise ValueError(f"entry {self.number!r}: the {what} is required")
        if len(self.lines) < 2:
            raise ValueError(f"entry {self.number}: an entry has at least two lines")
        if self.debit != self.credit:
            raise ValueError(
                f"entry {self.number}: debits {self.debit} and credits {self.credit} differ"
            )
