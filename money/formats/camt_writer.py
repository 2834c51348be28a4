"""A CAMT.053.001.02 statement written from plain values, as a bank would send it: for the
demo cooperative's bank statement and for tests. coachat never sends statements to anyone;
this writes only what `camt.read_bank_statement` reads back (one entry per payment)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from lxml import etree

NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"


@dataclass(frozen=True)
class StatementLine:
    """One payment booked on the account: money in (`credit`) or out, with what the bank
    says of it."""

    booked_on: date
    amount: Decimal
    credit: bool
    bank_reference: str
    remittance: str = ""
    counterparty_name: str = ""
    counterparty_iban: str = ""
    end_to_end_id: str = ""
    return_reason: str = ""


def _add(
    parent: etree._Element, path: str, text: str | None = None, **attributes: str
) -> etree._Element:
    node = parent
    for name in path.split("/"):
        node = etree.SubElement(node, f"{{{NAMESPACE}}}{name}")
    for key, value in attributes.items():
        node.set(key, value)
    if text is not None:
        node.text = text
    return node


def _balance(statement: etree._Element, code: str, amount: Decimal, on: date) -> None:
    balance = _add(statement, "Bal")
    _add(balance, "Tp/CdOrPrtry/Cd", code)
    _add(balance, "Amt", f"{abs(amount):.2f}", Ccy="EUR")
    _add(balance, "CdtDbtInd", "CRDT" if amount >= 0 else "DBIT")
    _add(balance, "Dt/Dt", on.isoformat())


def statement_file(
    *,
    account_iban: str,
    statement_id: str,
    created_at: datetime,
    opening_balance: Decimal,
    lines: Sequence[StatementLine],
) -> bytes:
    """The statement of these lines, with its opening and closing booked balances."""
    root = etree.Element(f"{{{NAMESPACE}}}Document", nsmap={None: NAMESPACE})
    report = _add(root, "BkToCstmrStmt")
    header = _add(report, "GrpHdr")
    _add(header, "MsgId", statement_id)
    _add(header, "CreDtTm", created_at.strftime("%Y-%m-%dT%H:%M:%S"))
    statement = _add(report, "Stmt")
    _add(statement, "Id", statement_id)
    _add(statement, "CreDtTm", created_at.strftime("%Y-%m-%dT%H:%M:%S"))
    _add(statement, "Acct/Id/IBAN", account_iban)
    first = min((line.booked_on for line in lines), default=created_at.date())
    last = max((line.booked_on for line in lines), default=created_at.date())
    _balance(statement, "OPBD", opening_balance, first)
    closing = opening_balance + sum(
        (line.amount if line.credit else -line.amount for line in lines), Decimal(0)
    )
    _balance(statement, "CLBD", closing, last)
    for line in lines:
        entry = _add(statement, "Ntry")
        _add(entry, "Amt", f"{line.amount:.2f}", Ccy="EUR")
        _add(entry, "CdtDbtInd", "CRDT" if line.credit else "DBIT")
        _add(entry, "Sts", "BOOK")
        _add(entry, "BookgDt/Dt", line.booked_on.isoformat())
        _add(entry, "ValDt/Dt", line.booked_on.isoformat())
        _add(entry, "AcctSvcrRef", line.bank_reference)
        detail = _add(entry, "NtryDtls/TxDtls")
        if line.end_to_end_id:
            _add(detail, "Refs/EndToEndId", line.end_to_end_id)
        if line.counterparty_name or line.counterparty_iban:
            side = "Dbtr" if line.credit or line.return_reason else "Cdtr"
            parties = _add(detail, "RltdPties")
            if line.counterparty_name:
                _add(parties, f"{side}/Nm", line.counterparty_name)
            if line.counterparty_iban:
                _add(parties, f"{side}Acct/Id/IBAN", line.counterparty_iban)
        if line.remittance:
            _add(detail, "RmtInf/Ustrd", line.remittance)
        if line.return_reason:
            _add(detail, "RtrInf/Rsn/Cd", line.return_reason)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))
