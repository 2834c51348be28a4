from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField

from money.settings import ACCOUNTS

ACCOUNT_LABELS = {
    "account_members": _l("Members (receivables)"),
    "account_goods": _l("Sales of goods"),
    "account_services": _l("Delivery and fees re-invoiced"),
    "account_fee": _l("The cooperative's fee"),
    "account_dues": _l("Membership dues"),
    "account_vat_collected": _l("VAT collected"),
    "account_bank": _l("Bank"),
    "account_suppliers": _l("Suppliers"),
    "account_purchases": _l("Purchases"),
    "account_vat_deductible": _l("VAT deductible"),
    "account_purchase_fees": _l("Delivery fees on purchases"),
}
MONTHS = [
    _l("January"), _l("February"), _l("March"), _l("April"), _l("May"), _l("June"),
    _l("July"), _l("August"), _l("September"), _l("October"), _l("November"), _l("December"),
]  # fmt: skip


class BillingForm(FlaskForm):
    """The billing settings; `money.settings.read_billing` checks them."""

    fee_percent = StringField(_l("Fee on goods (%)"))
    fee_per_invoice = StringField(_l("Fee per invoice (€ excl. VAT)"))
    reminder_days = StringField(_l("Days between two reminders"))
    prenotice_days = StringField(_l("Days of notice before a direct debit"))
    vat_on_debits = BooleanField(_l("VAT paid on debits (option)"))
    fiscal_year_start = SelectField(_l("Fiscal year starts in"))
    account_members = StringField(ACCOUNT_LABELS["account_members"])
    account_goods = StringField(ACCOUNT_LABELS["account_goods"])
    account_services = StringField(ACCOUNT_LABELS["account_services"])
    account_fee = StringField(ACCOUNT_LABELS["account_fee"])
    account_dues = StringField(ACCOUNT_LABELS["account_dues"])
    account_vat_collected = StringField(ACCOUNT_LABELS["account_vat_collected"])
    account_bank = StringField(ACCOUNT_LABELS["account_bank"])
    account_suppliers = StringField(ACCOUNT_LABELS["account_suppliers"])
    account_purchases = StringField(ACCOUNT_LABELS["account_purchases"])
    account_vat_deductible = StringField(ACCOUNT_LABELS["account_vat_deductible"])
    account_purchase_fees = StringField(ACCOUNT_LABELS["account_purchase_fees"])

    FIELDS = (
        "fee_percent",
        "fee_per_invoice",
        "reminder_days",
        "prenotice_days",
        "vat_on_debits",
        "fiscal_year_start",
        *ACCOUNTS,
    )

    def values(self) -> dict[str, object]:
        return {name: self[name].data for name in self.FIELDS}
