"""How the cooperative bills, set by the admin: its own fee, the reminders' rhythm, the notice
before a direct debit, the VAT-on-debits option, the fiscal year and the chart of accounts;
and each member's annual dues with their VAT treatment.

Every value is checked before anything is stored (`Invalid` names each wrong field), and every
change is in the audit trail with what it changed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from money.journal import billing_settings
from money.models import BillingSettings, JournalEntry, MemberDues
from persistence.audit import Actor, record_event
from purchasing.errors import N_, Invalid, Message, NotFound
from purchasing.models import Member
from purchasing.parsing import parse_decimal
from purchasing.permissions import SET_BILLING, require

CENT = Decimal("0.01")
# Each account of the chart, with the class (first digits) French accounting expects of it.
ACCOUNTS: dict[str, str] = {
    "account_members": "411",
    "account_goods": "70",
    "account_services": "70",
    "account_fee": "70",
    "account_dues": "7",
    "account_vat_collected": "4457",
    "account_bank": "51",
    "account_suppliers": "401",
    "account_purchases": "60",
    "account_vat_deductible": "4456",
    "account_purchase_fees": "6",
}
_ACCOUNT = re.compile(r"^[0-9]{3,10}$")
VAT_TREATMENTS = ("O", "S")
DUES_VAT_RATES = (Decimal("0.20"), Decimal("0.10"), Decimal("0.055"), Decimal("0.021"))


@dataclass(frozen=True)
class BillingValues:
    """The billing settings as the admin gives them."""

    fee_percent: Decimal
    fee_per_invoice: Decimal
    reminder_days: int
    prenotice_days: int
    vat_on_debits: bool
    fiscal_year_start: int
    accounts: dict[str, str]


def _decimal(raw: object, field: str, errors: dict[str, Message], top: Decimal) -> Decimal:
    value = parse_decimal(str(raw if raw is not None else "").strip() or "0")
    if value is None:
        errors[field] = Message(N_("Give a number, such as 2,5."))
        return Decimal(0)
    if value < 0 or value > top:
        errors[field] = Message(N_("Give a number between 0 and %(top)s."), {"top": top})
    elif value != value.quantize(CENT):
        errors[field] = Message(N_("Give the number to the hundredth."))
    return value.quantize(CENT) if field not in errors else Decimal(0)


def _whole(raw: object, field: str, errors: dict[str, Message], low: int, high: int) -> int:
    text = str(raw if raw is not None else "").strip()
    if not text.isdigit() or not low <= int(text) <= high:
        errors[field] = Message(
            N_("Give a whole number from %(low)s to %(high)s."), {"low": low, "high": high}
        )
        return low
    return int(text)


def read_billing(raw: Mapping[str, object]) -> BillingValues:
    """Checks the settings typed; `Invalid` names every wrong field."""
    errors: dict[str, Message] = {}
    fee_percent = _decimal(raw.get("fee_percent"), "fee_percent", errors, Decimal(100))
    fee_per_invoice = _decimal(
        raw.get("fee_per_invoice"), "fee_per_invoice", errors, Decimal(10000)
    )
    reminder_days = _whole(raw.get("reminder_days"), "reminder_days", errors, 1, 365)
    prenotice_days = _whole(raw.get("prenotice_days"), "prenotice_days", errors, 1, 60)
    fiscal_year_start = _whole(raw.get("fiscal_year_start"), "fiscal_year_start", errors, 1, 12)
    vat_on_debits = raw.get("vat_on_debits") in (True, "y", "on", "true", "1")
    accounts: dict[str, str] = {}
    for field, prefix in ACCOUNTS.items():
        number = str(raw.get(field) or "").strip()
        if not _ACCOUNT.match(number):
            errors[field] = Message(N_("An account number is 3 to 10 digits."))
        elif not number.startswith(prefix):
            errors[field] = Message(
                N_("This account is in class %(prefix)s of the chart of accounts."),
                {"prefix": prefix},
            )
        accounts[field] = number
    if errors:
        raise Invalid(errors)
    return BillingValues(
        fee_percent,
        fee_per_invoice,
        reminder_days,
        prenotice_days,
        vat_on_debits,
        fiscal_year_start,
        accounts,
    )


def _stored(settings: BillingSettings) -> dict[str, object]:
    values: dict[str, object] = {
        name: getattr(settings, name)
        for name in (
            "fee_percent",
            "fee_per_invoice",
            "reminder_days",
            "prenotice_days",
            "vat_on_debits",
            "fiscal_year_start",
            *ACCOUNTS,
        )
    }
    return values


def set_billing(session: Session, values: BillingValues, *, actor: Actor | None) -> BillingSettings:
    """Stores the billing settings. Once entries are posted, the fiscal year's start stays as
    it is (the entries are numbered per fiscal year) and so does the members' receivable
    account (balances are read from it). Flushes and audits what changed."""
    require(actor, SET_BILLING)
    settings = billing_settings(session)
    before = _stored(settings)
    posted = (session.scalar(select(func.count(JournalEntry.id))) or 0) > 0
    errors: dict[str, Message] = {}
    if posted and values.fiscal_year_start != settings.fiscal_year_start:
        errors["fiscal_year_start"] = Message(
            N_("Entries are posted already: the fiscal year's start can no longer change.")
        )
    if posted and values.accounts["account_members"] != settings.account_members:
        errors["account_members"] = Message(
            N_("Entries are posted already: the members' account can no longer change.")
        )
    if errors:
        raise Invalid(errors)
    new = {**asdict(values), **values.accounts}
    del new["accounts"]
    for name, value in new.items():
        setattr(settings, name, value)
    session.flush()
    changed = {
        name: str(new[name]) for name in new if str(before[name]) != str(getattr(settings, name))
    }
    record_event(session, "billing.settings", "billing_settings", 1, actor=actor, **changed)
    return settings


@dataclass(frozen=True)
class DuesValues:
    """A member's annual dues: an amount, outside the scope of VAT ("O") or at a rate ("S")."""

    amount: Decimal
    vat_category: str
    vat_rate: Decimal


def read_dues(raw: Mapping[str, object]) -> DuesValues | None:
    """Checks the dues typed for a member; None when the amount is left empty (no dues)."""
    errors: dict[str, Message] = {}
    text = str(raw.get("amount") or "").strip()
    if not text:
        return None
    amount = parse_decimal(text)
    if amount is None or amount <= 0 or amount > Decimal(100000):
        errors["amount"] = Message(N_("Give an amount above zero, such as 120,00."))
    elif amount != amount.quantize(CENT):
        errors["amount"] = Message(N_("Give the amount to the cent."))
    category = str(raw.get("vat_category") or "O").strip().upper()
    if category not in VAT_TREATMENTS:
        errors["vat_category"] = Message(N_("Choose outside the scope of VAT or subject to VAT."))
    rate = Decimal(0)
    if category == "S":
        typed = parse_decimal(str(raw.get("vat_rate") or "20"))
        rate = (typed / 100) if typed is not None else Decimal(-1)
        if rate not in DUES_VAT_RATES:
            errors["vat_rate"] = Message(N_("Choose a French VAT rate: 20, 10, 5,5 or 2,1."))
    if errors:
        raise Invalid(errors)
    assert amount is not None
    return DuesValues(amount.quantize(CENT), category, rate)


def set_member_dues(
    session: Session, member_id: int, values: DuesValues | None, *, actor: Actor | None
) -> MemberDues | None:
    """Sets (or, with None, removes) a member's annual dues; invoices already issued keep
    what they say. Flushes and audits."""
    require(actor, SET_BILLING)
    member = session.get(Member, member_id)
    if member is None:
        raise NotFound(Message(N_("No such member.")))
    dues = session.get(MemberDues, member_id)
    if values is None:
        if dues is not None:
            session.delete(dues)
            session.flush()
            record_event(session, "billing.dues_remove", "member", member_id, actor=actor)
        return None
    if dues is None:
        dues = MemberDues(member_id=member_id)
        session.add(dues)
    dues.amount, dues.vat_category, dues.vat_rate = (
        values.amount,
        values.vat_category,
        values.vat_rate,
    )
    session.flush()
    record_event(
        session,
        "billing.dues",
        "member",
        member_id,
        actor=actor,
        member=member.name,
        amount=str(values.amount),
        vat_category=values.vat_category,
        vat_rate=str(values.vat_rate),
    )
    return dues


def dues_by_member(
    session: Session, *, actor: Actor | None
) -> list[tuple[Member, MemberDues | None]]:
    """Every active member with its dues, if set, by name."""
    require(actor, SET_BILLING)
    dues = {d.member_id: d for d in session.scalars(select(MemberDues))}
    members = session.scalars(select(Member).where(Member.active.is_(True)).order_by(Member.name))
    return [(member, dues.get(member.id)) for member in members]
