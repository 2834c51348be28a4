"""Importing the cooperative's bank statement (CAMT.053) and matching what it says.

Each booked entry becomes a `BankLine` keyed by its fingerprint (the bank's reference, else the
account, date, amount and remittance text): importing the same statement twice changes nothing.
Then, in this order:

- a credit whose end-to-end id is that of a direct debit coachat collected is that debit
  reaching the account: recognised (`known`), never counted a second time;
- a debit that returns a direct debit (a return reason, or the end-to-end id of one) rejects
  its payment: the invoices it paid are due again;
- a credit naming an invoice number (FA-YYYY-NNNNN) in its remittance text pays that invoice;
- else a credit from a member (its mandate's IBAN, or its name) of exactly what one of its
  open invoices is due pays that invoice;
- a debit going out is matched to a supplier payment, and a credit returning a supplier
  transfer posts it back (`money.outgoing_match`);
- what is left waits for the lead (`waiting`).

A matched credit is recorded by `receive_payment`, as a transfer whose reference is the
remittance text, and the line names its payment.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from money.direct_debits import reject_debit
from money.formats.camt import (
    BankEntry,
    Direction,
    EntryStatus,
    StatementRefused,
    read_bank_statement,
)
from money.journal import billing_settings
from money.models import BankLine, Mandate, MemberInvoice, Payment
from money.outgoing_match import OutgoingMatcher, match_outgoing, match_returned_transfer
from money.payments import (
    PaymentValues,
    open_invoices,
    open_invoices_by_member,
    receive_payment,
)
from persistence.audit import Actor, record_event
from purchasing.errors import N_, Conflict, Invalid, Message
from purchasing.models import Member
from purchasing.people.cooperative import cooperative_record
from purchasing.permissions import RECORD_PAYMENTS, require

ZERO = Decimal(0)
INVOICE_NUMBER = re.compile(r"\bFA-\d{4}-\d{5}\b")
_LEGAL_FORMS = re.compile(r"\b(sarl|sas|sasu|sa|scop|scic|eurl|ei|eirl|sci|asso|association)\b")


@dataclass(frozen=True)
class StatementImport:
    """What importing a statement did: lines new and already known, and what became of them."""

    statement_id: str
    new: int
    already: int
    matched: int
    recognised: int
    waiting: int
    not_booked: int


def normalised_name(name: str) -> str:
    """A company name compared without accents, case, punctuation or legal form."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return " ".join(_LEGAL_FORMS.sub(" ", text).split())


def _cents(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _read(data: bytes, own_iban: str) -> tuple[str, tuple[BankEntry, ...]]:
    try:
        statement = read_bank_statement(data)
    except StatementRefused as error:
        raise Invalid(
            {
                "file": Message(
                    N_("This file is not a bank statement coachat can read: %(reason)s."),
                    {"reason": str(error)},
                )
            }
        ) from None
    if statement.account_iban != own_iban:
        raise Invalid(
            {
                "file": Message(
                    N_(
                        "This statement is of the account %(iban)s, not of the cooperative's "
                        "account %(own)s."
                    ),
                    {"iban": statement.account_iban, "own": own_iban},
                )
            }
        )
    if statement.currency != "EUR":
        raise Invalid(
            {
                "file": Message(
                    N_("This statement is in %(currency)s: coachat keeps its books in euros."),
                    {"currency": statement.currency},
                )
            }
        )
    return statement.statement_id, statement.entries


def _known_fingerprints(session: Session, keys: list[str]) -> set[str]:
    known: set[str] = set()
    for start in range(0, len(keys), 500):
        known.update(
            session.scalars(
                select(BankLine.fingerprint).where(
                    BankLine.fingerprint.in_(keys[start : start + 500])
                )
            )
        )
    return known


class _Matcher:
    """What matching needs, read once per statement: the direct debits by end-to-end id, the
    members by their mandates' IBANs and by name, the invoices the remittance texts name, and
    every member's open invoices, kept up to date as the statement's lines pay them or return
    the debits that paid them."""

    def __init__(self, session: Session, lines: Sequence[BankLine]) -> None:
        self.session = session
        self.outgoing = OutgoingMatcher(session, normalised_name)
        ids = sorted({line.end_to_end_id for line in lines if line.end_to_end_id})
        self.debits: dict[str, Payment] = {}
        for start in range(0, len(ids), 500):
            for payment in session.scalars(
                select(Payment).where(
                    Payment.method == "direct_debit",
                    Payment.end_to_end_id.in_(ids[start : start + 500]),
                )
            ):
                self.debits[payment.end_to_end_id] = payment
        self.by_iban = {
            iban: member_id
            for iban, member_id in session.execute(select(Mandate.iban, Mandate.member_id))
        }
        # Held for the whole import: the session keeps only the objects referenced somewhere,
        # and each payment reads its member and the billing settings again.
        self.members = list(session.scalars(select(Member).order_by(Member.id)))
        self.settings = billing_settings(session)
        self.by_name: dict[str, int] = {}
        for member in self.members:
            self.by_name.setdefault(normalised_name(member.name), member.id)
        numbers = sorted({n for line in lines for n in invoice_numbers(line.remittance)})
        self.invoice_member: dict[str, int] = {}
        for start in range(0, len(numbers), 500):
            rows = session.execute(
                select(MemberInvoice.number, MemberInvoice.member_id).where(
                    MemberInvoice.number.in_(numbers[start : start + 500]),
                    MemberInvoice.kind == "invoice",
                )
            )
            self.invoice_member.update((number, member_id) for number, member_id in rows)
        self._open = open_invoices_by_member(session)

    def payer(self, line: BankLine) -> int | None:
        """The member who sent a credit: by its mandate's IBAN, else by its name."""
        if line.counterparty_iban and line.counterparty_iban in self.by_iban:
            return self.by_iban[line.counterparty_iban]
        name = normalised_name(line.counterparty_name)
        return self.by_name.get(name) if name else None

    def open_invoices(self, member_id: int) -> list[tuple[MemberInvoice, Decimal]]:
        """The member's open invoices, oldest first, as `open_invoices` reads them."""
        return self._open.get(member_id, [])

    def paid(self, payment: Payment) -> None:
        """What a payment just recorded settled is due no more."""
        parts = {allocation.invoice_id: allocation.amount for allocation in payment.allocations}
        left = [
            (invoice, due - parts.get(invoice.id, ZERO))
            for invoice, due in self._open.get(payment.member_id, [])
        ]
        self._open[payment.member_id] = [(invoice, due) for invoice, due in left if due > 0]

    def returned(self, payment: Payment) -> None:
        """What a returned debit had paid is due again: read from the journal anew."""
        self._open[payment.member_id] = open_invoices(self.session, payment.member_id)


def invoice_numbers(remittance: str) -> list[str]:
    """The invoice numbers a remittance text names, each once, in the order written."""
    return list(dict.fromkeys(INVOICE_NUMBER.findall(remittance.upper())))


def pay_from_line(
    session: Session,
    line: BankLine,
    member_id: int,
    numbers: tuple[str, ...],
    actor: Actor | None,
    matcher: _Matcher | None = None,
) -> Payment:
    """Records the line's credit as the member's transfer paying `numbers` (oldest first when
    none), and names the payment on the line."""
    payment = receive_payment(
        session,
        PaymentValues(
            member_id=member_id,
            amount=line.amount,
            received_on=line.booking_date,
            method="transfer",
            reference=line.remittance[:140],
            invoice_numbers=numbers,
        ),
        actor=actor,
        open_=matcher.open_invoices(member_id) if matcher is not None else None,
    )
    if matcher is not None:
        matcher.paid(payment)
    line.payment_id = payment.id
    line.status = "matched"
    return payment


def _by_invoice_number(
    session: Session, line: BankLine, matcher: _Matcher, actor: Actor | None
) -> Payment | None:
    numbers = invoice_numbers(line.remittance)
    if not numbers:
        return None
    members = {matcher.invoice_member[n] for n in numbers if n in matcher.invoice_member}
    if len(members) != 1:
        return None
    member_id = members.pop()
    open_ = {invoice.number for invoice, _due in matcher.open_invoices(member_id)}
    picked = tuple(n for n in numbers if n in open_)
    if not picked:
        return None
    return pay_from_line(session, line, member_id, picked, actor, matcher)


def _by_amount_and_payer(
    session: Session, line: BankLine, matcher: _Matcher, actor: Actor | None
) -> Payment | None:
    member_id = matcher.payer(line)
    if member_id is None:
        return None
    same = [inv for inv, due in matcher.open_invoices(member_id) if due == line.amount]
    if not same:
        return None
    return pay_from_line(session, line, member_id, (same[0].number,), actor, matcher)


def _match(session: Session, line: BankLine, matcher: _Matcher, actor: Actor | None) -> None:
    debit = matcher.debits.get(line.end_to_end_id) if line.end_to_end_id else None
    if line.direction == "credit":
        if debit is not None:
            line.payment_id, line.status = debit.id, "known"
        elif match_returned_transfer(session, line, matcher.outgoing, actor):
            return
        elif _by_invoice_number(session, line, matcher, actor) is None:
            _by_amount_and_payer(session, line, matcher, actor)
        return
    if debit is None:
        match_outgoing(session, line, matcher.outgoing, actor)
    elif line.return_reason or debit.amount == line.amount:
        line.payment_id = debit.id
        line.status = "known" if debit.status == "rejected" else "matched"
        if debit.status != "rejected":
            reject_debit(
                session,
                debit.id,
                line.booking_date,
                line.return_reason or "retour",
                actor=actor,
            )
            matcher.returned(debit)


def import_bank_statement(session: Session, data: bytes, *, actor: Actor | None) -> StatementImport:
    """Imports a CAMT.053 statement of the cooperative's account and matches its entries.
    Refused, with nothing stored: a file that cannot be read, a statement of another account
    or in another currency. Only booked entries are kept. Flushes."""
    require(actor, RECORD_PAYMENTS)
    own_iban = cooperative_record(session).iban
    if not own_iban:
        raise Conflict(
            Message(N_("Give the cooperative's IBAN on its page before importing its statements."))
        )
    statement_id, entries = _read(data, own_iban)
    booked = [e for e in entries if e.status is EntryStatus.BOOKED and e.booking_date]
    known = _known_fingerprints(session, [e.fingerprint for e in booked])
    fresh = [e for e in booked if e.fingerprint not in known]
    lines = []
    for entry in fresh:
        assert entry.booking_date is not None
        lines.append(
            BankLine(
                fingerprint=entry.fingerprint[:80],
                statement_id=statement_id[:35],
                account_iban=entry.account_iban,
                booking_date=entry.booking_date,
                amount=_cents(entry.amount),
                direction="credit" if entry.direction is Direction.CREDIT else "debit",
                remittance=" ".join(entry.remittance_text.split())[:500],
                counterparty_name=(entry.counterparty_name or "")[:140],
                counterparty_iban=entry.counterparty_iban or "",
                end_to_end_id=(entry.end_to_end_id or "")[:35],
                return_reason=(entry.return_reason or "")[:10],
                status="waiting",
            )
        )
    matcher = _Matcher(session, lines)
    counts = {"matched": 0, "known": 0, "waiting": 0}
    for entry, line in zip(fresh, lines, strict=True):
        if not entry.reversal:
            _match(session, line, matcher, actor)
        counts[line.status] += 1
    # Added once all are matched: inserted together as they end, not each inserted then updated.
    session.add_all(lines)
    session.flush()
    result = StatementImport(
        statement_id=statement_id,
        new=len(fresh),
        already=len(booked) - len(fresh),
        matched=counts["matched"],
        recognised=counts["known"],
        waiting=counts["waiting"],
        not_booked=len(entries) - len(booked),
    )
    record_event(
        session,
        "bank_statement.import",
        "bank_statement",
        None,
        actor=actor,
        statement=statement_id,
        new=result.new,
        already=result.already,
        matched=result.matched,
        recognised=result.recognised,
        waiting=result.waiting,
    )
    return result
