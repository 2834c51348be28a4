"""SEPA files for the bank: the direct debits the cooperative collects from its members
(pain.008.001.02, B2B scheme) and the credit transfers it pays its suppliers or refunds with
(pain.001.001.03).

The bank refuses a whole file for one bad transaction, days later; so every value is checked
first and a wrong one refused here with a message naming it:

- IBAN (checksum and national key) and BIC, read by schwifty: the schema and sepaxml alone
  accept an IBAN whose checksum is wrong;
- the SEPA creditor identifier, whose check digits python-stdnum verifies;
- an amount is a Decimal above zero, to the cent (written in cents);
- an end-to-end id and a mandate reference are 1 to 35 characters of the SEPA character set,
  not starting or ending with "/" and without "//"; the remittance text (the invoice numbers)
  is at most 140 characters;
- a debit is collected on or after the day its mandate was signed;
- the end-to-end ids of a file are unique, and a file has at least one transaction.

The files are built by sepaxml and checked against their ISO 20022 schema before they are
returned.
"""

from __future__ import annotations

import datetime as dt
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from sepaxml import SepaDD, SepaTransfer

from money.documents import BankAccount, check_creditor_identifier

SequenceType = Literal["FRST", "RCUR", "OOFF", "FNAL"]
SEPA_TEXT = re.compile(r"^[A-Za-z0-9/\-?:().,'+ ]+$")
MAX_AMOUNT = Decimal("999999999.99")


def _check_identifier(value: str, what: str) -> None:
    """An identifier the SEPA rules accept: 1 to 35 characters of the SEPA character set,
    without "/" at either end or "//" inside."""
    if not 1 <= len(value) <= 35 or not SEPA_TEXT.match(value):
        raise ValueError(f"{what} {value!r} is not 1 to 35 letters, digits or / - ? : ( ) . , ' +")
    if value.startswith("/") or value.endswith("/") or "//" in value:
        raise ValueError(f"{what} {value!r} starts or ends with '/' or holds '//'")


def _check_amount(amount: Decimal, what: str) -> None:
    if not isinstance(amount, Decimal) or not amount.is_finite():
        raise ValueError(f"{what}: the amount {amount!r} is not a Decimal")
    if amount <= 0:
        raise ValueError(f"{what}: the amount {amount} is not above zero")
    if amount != amount.quantize(Decimal("0.01")) or amount > MAX_AMOUNT:
        raise ValueError(f"{what}: the amount {amount} is not in euros and cents")


def _check_remittance(text: str, what: str) -> None:
    if not text.strip() or len(text) > 140:
        raise ValueError(f"{what}: the remittance text is 1 to 140 characters")


def _cents(amount: Decimal) -> int:
    return int(amount * 100)


@dataclass(frozen=True)
class Creditor:
    """Who collects direct debits: the cooperative, its account (with the BIC the pain.008.001.02
    format requires) and its SEPA creditor identifier (ICS)."""

    name: str
    account: BankAccount
    creditor_identifier: str

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValueError("a creditor has a name")
        if not self.account.bic:
            raise ValueError(f"{self.name}: a creditor's account names its BIC")
        object.__setattr__(
            self, "creditor_identifier", check_creditor_identifier(self.creditor_identifier)
        )


@dataclass(frozen=True)
class Collection:
    """One direct debit from a member's account under the mandate it signed, on a collection
    date, for the invoices the remittance text names."""

    debtor_name: str
    debtor_account: BankAccount
    mandate_reference: str
    mandate_signed_on: dt.date
    sequence_type: SequenceType
    collection_date: dt.date
    amount: Decimal
    end_to_end_id: str
    remittance: str

    def __post_init__(self) -> None:
        what = f"direct debit {self.end_to_end_id!r}"
        if not self.debtor_name.strip():
            raise ValueError(f"{what}: the debtor has a name")
        _check_identifier(self.end_to_end_id, "end-to-end id")
        _check_identifier(self.mandate_reference, "mandate reference")
        _check_amount(self.amount, what)
        _check_remittance(self.remittance, what)
        if self.collection_date < self.mandate_signed_on:
            raise ValueError(f"{what}: collected before its mandate was signed")


@dataclass(frozen=True)
class Payer:
    """Who pays by credit transfer: the cooperative and its account, with the BIC of its bank
    (the file names the debtor's bank; sepaxml would otherwise leave it empty)."""

    name: str
    account: BankAccount

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValueError("a payer has a name")
        if not self.account.bic:
            raise ValueError(f"{self.name}: a payer's account names its BIC")


@dataclass(frozen=True)
class Transfer:
    """One credit transfer to a supplier's (or a refunded member's) account, executed on a date,
    for the invoices the remittance text names."""

    creditor_name: str
    creditor_account: BankAccount
    amount: Decimal
    execution_date: dt.date
    end_to_end_id: str
    remittance: str

    def __post_init__(self) -> None:
        what = f"credit transfer {self.end_to_end_id!r}"
        if not self.creditor_name.strip():
            raise ValueError(f"{what}: the creditor has a name")
        _check_identifier(self.end_to_end_id, "end-to-end id")
        _check_amount(self.amount, what)
        _check_remittance(self.remittance, what)


def _check_file(end_to_end_ids: Sequence[str]) -> None:
    if not end_to_end_ids:
        raise ValueError("a SEPA file has at least one transaction")
    seen: set[str] = set()
    for end_to_end_id in end_to_end_ids:
        if end_to_end_id in seen:
            raise ValueError(f"end-to-end id {end_to_end_id!r} is used twice in the file")
        seen.add(end_to_end_id)


def direct_debit_file(creditor: Creditor, collections: Sequence[Collection]) -> bytes:
    """The pain.008.001.02 file of these B2B direct debits, one payment block per sequence type
    and collection date, checked against its schema."""
    _check_file([collection.end_to_end_id for collection in collections])
    config = {
        "name": creditor.name,
        "IBAN": creditor.account.iban,
        "BIC": creditor.account.bic,
        "batch": True,
        "creditor_id": creditor.creditor_identifier,
        "currency": "EUR",
        "instrument": "B2B",
    }
    with warnings.catch_warnings():
        # sepaxml 2.7 tests an XML element's truth value to know whether an address was given
        # (`if node:`), which Python 3.12+ deprecates; the files it makes are unaffected (an
        # empty address is valid in the schema). Only that warning, and only from sepaxml.
        warnings.filterwarnings(
            "ignore",
            message="Testing an element's truth value",
            category=DeprecationWarning,
            module=r"sepaxml\.",
        )
        document = SepaDD(config, schema="pain.008.001.02")
        for collection in collections:
            payment = {
                "name": collection.debtor_name,
                "IBAN": collection.debtor_account.iban,
                "amount": _cents(collection.amount),
                "type": collection.sequence_type,
                "collection_date": collection.collection_date,
                "mandate_id": collection.mandate_reference,
                "mandate_date": collection.mandate_signed_on,
                "description": collection.remittance,
                "endtoend_id": collection.end_to_end_id,
            }
            if collection.debtor_account.bic:
                payment["BIC"] = collection.debtor_account.bic
            document.add_payment(payment)
        xml: bytes = document.export(validate=True)
    return xml


def credit_transfer_file(payer: Payer, transfers: Sequence[Transfer]) -> bytes:
    """The pain.001.001.03 file of these SEPA credit transfers, one payment block per execution
    date, checked against its schema."""
    _check_file([transfer.end_to_end_id for transfer in transfers])
    config = {
        "name": payer.name,
        "IBAN": payer.account.iban,
        "BIC": payer.account.bic,
        "batch": True,
        "currency": "EUR",
    }
    document = SepaTransfer(config, schema="pain.001.001.03")
    for transfer in transfers:
        payment: dict[str, object] = {
            "name": transfer.creditor_name,
            "IBAN": transfer.creditor_account.iban,
            "amount": _cents(transfer.amount),
            "execution_date": transfer.execution_date,
            "description": transfer.remittance,
            "endtoend_id": transfer.end_to_end_id,
        }
        if transfer.creditor_account.bic:
            payment["BIC"] = transfer.creditor_account.bic
        document.add_payment(payment)
    xml: bytes = document.export(validate=True)
    return xml
