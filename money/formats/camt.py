"""Bank statements in CAMT.053 (ISO 20022 bank-to-customer statement), versions
camt.053.001.02 and camt.053.001.08, read into typed values.

A statement lists what the bank booked on one account between two dates. Each payment the
cooperative must match (a member's transfer, one direct debit of a collection, a returned
debit, a transfer to a supplier) becomes one `BankEntry`: an entry the bank booked as one batch
(a direct-debit collection) gives one `BankEntry` per transaction in it.

Whatever the bytes, the reader answers with statements or raises one `StatementRefused` whose
message is one line saying why.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from money.formats.camt_values import (
    CURRENCY,
    Direction,
    StatementRefused,
    amount_of,
    date_of,
    datetime_of,
    direction_of,
    iban_of,
    when,
)
from money.formats.xml_input import Fields, clean, parse_xml, quoted

__all__ = [
    "MAX_STATEMENT_BYTES",
    "Balance",
    "BankEntry",
    "BankStatement",
    "Direction",
    "EntryStatus",
    "StatementRefused",
    "read_bank_statement",
    "read_bank_statements",
]

MAX_STATEMENT_BYTES = 20_000_000
NAMESPACES = {
    "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02": "camt.053.001.02",
    "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08": "camt.053.001.08",
}
_OTHER_VERSION = re.compile(r"urn:iso:std:iso:20022:tech:xsd:(camt\.\d{3}\.\d{3}\.\d{2})")


class EntryStatus(StrEnum):
    """How far the bank is with an entry (Sts): only booked entries move the balance."""

    BOOKED = "BOOK"
    PENDING = "PDNG"
    INFORMATION = "INFO"
    FUTURE = "FUTR"


@dataclass(frozen=True)
class Balance:
    """A balance the bank states, signed: negative when the account is overdrawn."""

    amount: Decimal
    on: date


@dataclass(frozen=True)
class BankEntry:
    """One payment on the account: a whole entry, or one transaction of a batch entry.

    `counterparty_*` is the other side of the payment: the debtor of a credit, the creditor of
    a debit (and whichever side is not the account itself when the bank names both, as in a
    returned direct debit). `position` is the transaction's place in the bank's entry (1 when
    the entry holds one), `occurrence` counts identical payments in the same statement."""

    account_iban: str
    bank_reference: str | None
    booking_date: date | None
    value_date: date | None
    amount: Decimal
    currency: str
    direction: Direction
    status: EntryStatus
    reversal: bool
    remittance_text: str
    creditor_references: tuple[str, ...]
    counterparty_name: str | None
    counterparty_iban: str | None
    end_to_end_id: str | None
    mandate_id: str | None
    return_reason: str | None
    bank_transaction_code: str | None
    additional_info: str
    position: int = 1
    transactions_in_entry: int = 1
    occurrence: int = 1

    @property
    def signed_amount(self) -> Decimal:
        """The amount as it moves the balance: credits add, debits subtract."""
        return self.amount if self.direction is Direction.CREDIT else -self.amount

    @property
    def fingerprint(self) -> str:
        """The key that makes importing the same statement twice change nothing.

        The bank's own reference (AcctSvcrRef) on the account, with the transaction's
        position when a batch entry shares one reference; without a reference, a hash of the
        account, booking date, amount, direction and remittance text (with the end-to-end id
        and the additional information, which are as stable). Two identical payments in one
        statement are two payments: the second one's key ends in `#2`."""
        if self.bank_reference is not None:
            key = f"{self.account_iban}/{self.bank_reference}"
            if self.transactions_in_entry > 1:
                key += f"/{self.position}"
        else:
            when = self.booking_date or self.value_date
            parts = [
                self.account_iban,
                when.isoformat() if when else "",
                format(self.amount.normalize(), "f"),
                self.direction.value,
                self.remittance_text,
                self.end_to_end_id or "",
                self.additional_info,
                f"{self.position}/{self.transactions_in_entry}",
            ]
            digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
            key = f"sha256:{digest[:40]}"
        return key if self.occurrence == 1 else f"{key}#{self.occurrence}"


@dataclass(frozen=True)
class BankStatement:
    """One account's statement: what the bank booked between two dates, in file order."""

    version: str
    statement_id: str
    account_iban: str
    currency: str
    created_at: datetime
    from_date: date | None
    to_date: date | None
    opening_balance: Balance | None
    closing_balance: Balance | None
    entries: tuple[BankEntry, ...]


def read_bank_statements(
    data: bytes, *, max_bytes: int = MAX_STATEMENT_BYTES
) -> tuple[BankStatement, ...]:
    """Every statement in a CAMT.053 file (a bank may put several accounts in one file).

    Refused: anything but XML in the namespace of camt.053.001.02 or .08, a file over
    `max_bytes`, a statement without its IBAN or with an invalid one, an amount or a date
    that is not one, opening and closing balances that the booked entries do not join."""
    root = parse_xml(data, StatementRefused, max_bytes=max_bytes, what="a bank statement")
    version = _version(root)
    document = Fields(root, stop=frozenset({"BkToCstmrStmt/Stmt"}))
    statements = document.elements("BkToCstmrStmt/Stmt")
    if not statements:
        raise StatementRefused("the file holds no statement (BkToCstmrStmt/Stmt)")
    group_created = document.text("BkToCstmrStmt/GrpHdr/CreDtTm")
    return tuple(
        _statement(version, statement, group_created, number)
        for number, statement in enumerate(statements, start=1)
    )


def read_bank_statement(data: bytes, *, max_bytes: int = MAX_STATEMENT_BYTES) -> BankStatement:
    """The one statement of a CAMT.053 file; a file with several accounts is refused."""
    statements = read_bank_statements(data, max_bytes=max_bytes)
    if len(statements) > 1:
        accounts = ", ".join(statement.account_iban for statement in statements)
        raise StatementRefused(f"the file holds {len(statements)} statements ({accounts})")
    return statements[0]


def _version(root: Any) -> str:
    tag = root.tag if isinstance(root.tag, str) else ""
    namespace = tag[1:].split("}", 1)[0] if tag.startswith("{") else ""
    name = tag.rpartition("}")[2]
    if namespace in NAMESPACES and name == "Document":
        return NAMESPACES[namespace]
    other = _OTHER_VERSION.fullmatch(namespace)
    if other:
        raise StatementRefused(
            f"{other.group(1)} is not read: coachat reads bank statements in "
            f"{' and '.join(NAMESPACES.values())}"
        )
    raise StatementRefused(
        f"the file is not a CAMT.053 bank statement (root element {quoted(name)} "
        f"in namespace {quoted(namespace or None, 80)})"
    )


def _statement(version: str, element: Any, group_created: str | None, number: int) -> BankStatement:
    """One account's statement: its header, balances (opening booked, else previous
    closing; closing booked) and entries, the balances checked against the entries."""
    fields = Fields(element, stop=frozenset({"Ntry", "Bal"}))
    where = f"statement {number}"
    statement_id = fields.text("Id")
    if not statement_id:
        raise StatementRefused(f"{where} has no identifier (Stmt/Id)")
    where = f"statement {quoted(statement_id)}"
    iban = iban_of(fields.text("Acct/Id/IBAN"), f"{where}: the account")
    if iban is None:
        raise StatementRefused(f"{where} names no account IBAN (Acct/Id/IBAN)")
    created = fields.text("CreDtTm") or group_created
    if created is None:
        raise StatementRefused(f"{where} has no creation date and time (CreDtTm)")
    balances: dict[str, Balance] = {}
    currency = fields.text("Acct/Ccy")
    for position, node in enumerate(fields.elements("Bal"), start=1):
        balance = Fields(node)
        code = balance.text("Tp/CdOrPrtry/Cd") or ""
        if code in ("OPBD", "PRCD", "CLBD"):
            balances[code] = _balance(balance, f"{where}, balance {position} ({code})")
        if currency is None and balance.element("Amt") is not None:
            currency = clean(balance.element("Amt").get("Ccy"))
    if currency is None and fields.elements("Ntry"):
        # Without the account's currency nor a balance, the first entry's says it.
        amount = fields.elements("Ntry")[0].find("{*}Amt")
        currency = clean(amount.get("Ccy")) if amount is not None else None
    if currency is None or not CURRENCY.fullmatch(currency):
        raise StatementRefused(f"{where}: the account's currency is {quoted(currency)}")
    entries: list[BankEntry] = []
    for position, entry in enumerate(fields.elements("Ntry"), start=1):
        entries.extend(_entries(entry, iban, f"{where}, entry {position}"))
    statement = BankStatement(
        version=version,
        statement_id=statement_id,
        account_iban=iban,
        currency=currency,
        created_at=datetime_of(created, f"{where}: creation date"),
        from_date=date_of(fields.text("FrToDt/FrDtTm"), f"{where}: start"),
        to_date=date_of(fields.text("FrToDt/ToDtTm"), f"{where}: end"),
        opening_balance=balances.get("OPBD") or balances.get("PRCD"),
        closing_balance=balances.get("CLBD"),
        entries=_counted(entries),
    )
    _check_balances(statement, where)
    return statement


def _check_balances(statement: BankStatement, where: str) -> None:
    """Opening balance plus the booked entries make the closing balance, to the cent."""
    opening, closing = statement.opening_balance, statement.closing_balance
    if opening is None or closing is None:
        return
    booked = sum(
        (e.signed_amount for e in statement.entries if e.status is EntryStatus.BOOKED),
        Decimal(0),
    )
    if opening.amount + booked != closing.amount:
        raise StatementRefused(
            f"{where}: the balances do not add up: opening {opening.amount} + entries "
            f"{booked} = {opening.amount + booked}, closing balance stated {closing.amount}"
        )


def _counted(entries: list[BankEntry]) -> tuple[BankEntry, ...]:
    """Number identical payments in file order, so each keeps a key of its own."""
    seen: Counter[str] = Counter()
    counted = []
    for entry in entries:
        key = entry.fingerprint
        seen[key] += 1
        counted.append(entry if seen[key] == 1 else replace(entry, occurrence=seen[key]))
    return tuple(counted)


def _entries(element: Any, iban: str, where: str) -> list[BankEntry]:
    """One `BankEntry` per transaction (TxDtls) of the entry, or one for the entry when the
    bank gives no detail. A batch's transactions must add up to the entry's amount."""
    entry = Fields(element, stop=frozenset({"NtryDtls/TxDtls"}))
    amount, currency = amount_of(entry, "Amt", where)
    direction = direction_of(entry.text("CdtDbtInd"), where)
    status_text = entry.text("Sts/Cd") or entry.text("Sts")
    try:
        status = EntryStatus(status_text or "")
    except ValueError:
        raise StatementRefused(f"{where}: status {quoted(status_text)} is unknown") from None
    booking_date = date_of(when(entry, "BookgDt"), f"{where}: booking date")
    if status is EntryStatus.BOOKED and booking_date is None:
        raise StatementRefused(f"{where} is booked without a booking date (BookgDt)")
    details = entry.elements("NtryDtls/TxDtls")
    whole = BankEntry(
        account_iban=iban,
        bank_reference=entry.text("AcctSvcrRef"),
        booking_date=booking_date,
        value_date=date_of(when(entry, "ValDt"), f"{where}: value date"),
        amount=amount,
        currency=currency,
        direction=direction,
        status=status,
        reversal=(entry.text("RvslInd") or "").lower() in ("true", "1"),
        remittance_text="",
        creditor_references=(),
        counterparty_name=None,
        counterparty_iban=None,
        end_to_end_id=None,
        mandate_id=None,
        return_reason=None,
        bank_transaction_code=_bank_transaction_code(entry),
        additional_info=entry.text("AddtlNtryInf") or "",
        transactions_in_entry=max(len(details), 1),
    )
    result = []
    for position, detail in enumerate(details, start=1):
        here = f"{where}, transaction {position}" if len(details) > 1 else where
        result.append(_transaction(Fields(detail), whole, position, here))
    if not result:
        return [whole]
    if len(result) > 1:
        total = sum((e.signed_amount for e in result), Decimal(0))
        stated = amount if direction is Direction.CREDIT else -amount
        if total != stated:
            raise StatementRefused(
                f"{where}: its {len(result)} transactions add up to {total}, "
                f"the entry states {stated}"
            )
    return result


def _transaction(detail: Fields, whole: BankEntry, position: int, where: str) -> BankEntry:
    """One transaction of an entry: its references, parties and remittance. A lone
    transaction is booked for the entry's amount; each of a batch's has its own (TxAmt),
    in the account's currency."""
    amount, direction = whole.amount, whole.direction
    if whole.transactions_in_entry > 1:
        for path in ("AmtDtls/TxAmt/Amt", "Amt"):
            if detail.element(path) is not None:
                amount, _ = amount_of(detail, path, where)
                break
        else:
            raise StatementRefused(f"{where} gives no amount for a transaction of a batch")
        direction_text = detail.text("CdtDbtInd")
        if direction_text:
            direction = direction_of(direction_text, where)
    name, account = _counterparty(detail, direction, whole.account_iban, where)
    return replace(
        whole,
        bank_reference=detail.text("Refs/AcctSvcrRef") or whole.bank_reference,
        amount=amount,
        direction=direction,
        remittance_text=_remittance_text(detail),
        creditor_references=tuple(detail.texts("RmtInf/Strd/CdtrRefInf/Ref")),
        counterparty_name=name,
        counterparty_iban=account,
        end_to_end_id=_real_reference(detail.text("Refs/EndToEndId")),
        mandate_id=detail.text("Refs/MndtId"),
        return_reason=detail.text("RtrInf/Rsn/Cd") or detail.text("RtrInf/Rsn/Prtry"),
        bank_transaction_code=_bank_transaction_code(detail) or whole.bank_transaction_code,
        additional_info=detail.text("AddtlTxInf") or whole.additional_info,
        position=position,
    )


def _counterparty(
    detail: Fields, direction: Direction, own_iban: str, where: str
) -> tuple[str | None, str | None]:
    """The debtor of a credit, the creditor of a debit; the other one when that is the
    account itself (a returned direct debit names the cooperative as creditor). Version 02
    names a party directly (Dbtr/Nm), version 08 through Dbtr/Pty/Nm."""
    sides = ("Dbtr", "Cdtr") if direction is Direction.CREDIT else ("Cdtr", "Dbtr")
    found = []
    for side in sides:
        name = detail.text(f"RltdPties/{side}/Nm") or detail.text(f"RltdPties/{side}/Pty/Nm")
        iban = iban_of(detail.text(f"RltdPties/{side}Acct/Id/IBAN"), f"{where}: {side}")
        found.append((name, iban))
    first, second = found
    if first[1] == own_iban and second != (None, None):
        return second
    return first


def _remittance_text(detail: Fields) -> str:
    """The unstructured remittance lines (Ustrd) joined by a space, then any additional
    remittance text of the structured part."""
    return " ".join(detail.texts("RmtInf/Ustrd") + detail.texts("RmtInf/Strd/AddtlRmtInf"))


def _bank_transaction_code(fields: Fields) -> str | None:
    """The ISO bank transaction code as domain/family/sub-family ("PMNT/RDDT/ESDD"),
    else the bank's proprietary code."""
    domain = fields.text("BkTxCd/Domn/Cd")
    if domain:
        family = fields.text("BkTxCd/Domn/Fmly/Cd")
        sub_family = fields.text("BkTxCd/Domn/Fmly/SubFmlyCd")
        return "/".join(part for part in (domain, family, sub_family) if part)
    return fields.text("BkTxCd/Prtry/Cd")


def _real_reference(reference: str | None) -> str | None:
    """An end-to-end id, unless it is the placeholder a payer leaves when it has none."""
    return None if reference is None or reference.upper() == "NOTPROVIDED" else reference


def _balance(fields: Fields, where: str) -> Balance:
    amount, _ = amount_of(fields, "Amt", where)
    direction = direction_of(fields.text("CdtDbtInd"), where)
    on = date_of(when(fields, "Dt"), f"{where}: date")
    if on is None:
        raise StatementRefused(f"{where} has no date")
    return Balance(amount=amount if direction is Direction.CREDIT else -amount, on=on)
