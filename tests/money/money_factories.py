"""Factories for the money tests: a cooperative invoicing a member, with sensible defaults;
override what the test is about. The identifiers are real-looking and pass their checks."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

from money.documents import (
    Address,
    BankAccount,
    CreditTransfer,
    DirectDebit,
    Invoice,
    InvoiceLine,
    InvoiceReference,
    Party,
)

COOPERATIVE_SIREN = "123456782"
COOPERATIVE_IBAN = "FR7630006000011234567890189"
COOPERATIVE_BIC = "AGRIFRPPXXX"
CREDITOR_IDENTIFIER = "FR72ZZZ123456"
MEMBER_SIREN = "987654324"
MEMBER_IBAN = "FR7630004000310000123456727"
MEMBER_BIC = "BNPAFRPPXXX"


def D(value: str | int) -> Decimal:
    return Decimal(str(value))


def make_cooperative(**overrides: Any) -> Party:
    values: dict[str, Any] = {
        "name": "Coop Achats Verts",
        "legal_form": "SCIC SAS à capital variable",
        "siren": COOPERATIVE_SIREN,
        "siret": "12345678200010",
        "vat_number": "FR11123456782",
        "address": Address(("12 rue des Tanneurs",), "69001", "Lyon"),
        "email": "compta@coop-achats-verts.fr",
        "phone": "+33 4 72 00 00 00",
    }
    return Party(**(values | overrides))


def make_member(**overrides: Any) -> Party:
    values: dict[str, Any] = {
        "name": "Atelier du Vélo",
        "legal_form": "SARL",
        "siren": MEMBER_SIREN,
        "siret": "98765432400019",
        "vat_number": "FR14987654324",
        "address": Address(("3 place Carnot", "Bâtiment B"), "69002", "Lyon"),
        "email": "gestion@atelier-velo.fr",
    }
    return Party(**(values | overrides))


def make_ship_to(**overrides: Any) -> Party:
    values: dict[str, Any] = {
        "name": "Atelier du Vélo — entrepôt",
        "address": Address(("40 avenue Berthelot",), "69007", "Lyon"),
    }
    return Party(**(values | overrides))


def make_line(line_id: str = "1", **overrides: Any) -> InvoiceLine:
    values: dict[str, Any] = {
        "line_id": line_id,
        "name": "Ramette papier A4 recyclé 80 g",
        "quantity": D("40"),
        "unit_price": D("4.20"),
        "vat_category": "S",
        "vat_rate": D("20"),
    }
    return InvoiceLine(**(values | overrides))


def make_dues_line(line_id: str = "1", **overrides: Any) -> InvoiceLine:
    values: dict[str, Any] = {
        "name": "Cotisation annuelle 2027",
        "quantity": D("1"),
        "unit_price": D("150"),
        "vat_category": "O",
        "vat_rate": D("0"),
        "vat_exemption_reason": "Cotisation hors du champ d'application de la TVA",
    }
    return make_line(line_id, **(values | overrides))


def credit_transfer() -> CreditTransfer:
    return CreditTransfer(BankAccount(COOPERATIVE_IBAN, COOPERATIVE_BIC))


def direct_debit() -> DirectDebit:
    return DirectDebit(CREDITOR_IDENTIFIER, "MANDAT-0042", BankAccount(MEMBER_IBAN, MEMBER_BIC))


def make_invoice(**overrides: Any) -> Invoice:
    values: dict[str, Any] = {
        "kind": "invoice",
        "number": "FA-2027-00001",
        "issue_date": date(2027, 1, 15),
        "due_date": date(2027, 2, 14),
        "seller": make_cooperative(),
        "buyer": make_member(),
        "ship_to": make_ship_to(),
        "lines": (
            make_line("1"),
            make_line(
                "2",
                name="Liquide vaisselle écolabel 5 L",
                quantity=D("3"),
                unit_price=D("12.35"),
                unit_code="C62",
            ),
            make_line(
                "3",
                name="Café bio en grains",
                quantity=D("2.5"),
                unit_price=D("18.90"),
                unit_code="KGM",
                vat_rate=D("5.5"),
            ),
        ),
        "nature": "goods",
        "payment": credit_transfer(),
        "payment_terms": "Paiement à 30 jours date de facture, par virement.",
        "late_penalty": "Pénalités de retard : trois fois le taux d'intérêt légal.",
        "delivery_date": date(2027, 1, 12),
        "buyer_reference": "ATELIER-ACHATS",
        "order_reference": "BC-2027-014",
    }
    return Invoice(**(values | overrides))


def make_credit_note(**overrides: Any) -> Invoice:
    values: dict[str, Any] = {
        "kind": "credit_note",
        "number": "AV-2027-00001",
        "issue_date": date(2027, 1, 20),
        "due_date": date(2027, 1, 20),
        "lines": (make_line("1", name="Ramettes abîmées à la livraison", quantity=D("5")),),
        "preceding_invoice": InvoiceReference("FA-2027-00001", date(2027, 1, 15)),
    }
    return make_invoice(**(values | overrides))


def with_lines(invoice: Invoice, *lines: InvoiceLine) -> Invoice:
    return replace(invoice, lines=lines)
