"""An invoice or a credit note as the invoicing rules see it: who sells, who buys, what, at what
price and VAT, how it is paid, and the mentions French law asks of an invoice between companies.

Plain frozen values, checked when made, so that a document that could not legally be issued
cannot be built: a wrong SIREN, IBAN or VAT rate is refused here with a message saying which
rule it breaks. Amounts are computed in `money.amounts`; files are written in `money.formats`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from schwifty import BIC, IBAN
from stdnum import exceptions as stdnum_exceptions
from stdnum.eu import at_02
from stdnum.eu import vat as eu_vat
from stdnum.fr import siren as fr_siren
from stdnum.fr import siret as fr_siret

DocumentKind = Literal["invoice", "credit_note"]
OperationNature = Literal["goods", "services", "mixed"]
# UNTDID 5305 as EN 16931 uses it: S standard rate, Z zero rate, E exempt, AE reverse charge,
# K intra-community supply, G export outside the EU, O outside the scope of VAT (membership dues).
VatCategory = Literal["S", "Z", "E", "AE", "K", "G", "O"]

TYPE_CODES: dict[DocumentKind, str] = {"invoice": "380", "credit_note": "381"}
# A line in these categories bears no VAT, and the law that says so must be named (BR-E-10...).
CATEGORIES_WITH_EXEMPTION = frozenset({"E", "AE", "K", "G", "O"})
# The buyer's VAT number is part of the reason there is no VAT (BR-AE-02, BR-IC-02).
CATEGORIES_NEEDING_BUYER_VAT_NUMBER = frozenset({"AE", "K"})

RECOVERY_INDEMNITY = (
    "Indemnité forfaitaire pour frais de recouvrement en cas de retard de paiement : 40 €"
    " (articles L441-10 et D441-5 du code de commerce)."
)
NO_EARLY_PAYMENT_DISCOUNT = "Pas d'escompte pour paiement anticipé."
VAT_ON_DEBITS = "Option pour le paiement de la taxe d'après les débits."

# BR-FR-01: a document number is letters, digits and + - _ / only.
_DOCUMENT_NUMBER = re.compile(r"^[A-Za-z0-9+\-_/]+$")
_COUNTRY_CODE = re.compile(r"^[A-Z]{2}$")
_UNIT_CODE = re.compile(r"^[A-Z0-9]{2,3}$")


def _decimal_places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _require_decimal(value: object, what: str) -> None:
    # A float slipped in here would carry its binary error into every total.
    if not isinstance(value, Decimal) or not value.is_finite():
        raise ValueError(f"{what} must be a finite Decimal, not {value!r}")


@dataclass(frozen=True)
class Address:
    """A postal address: one to three street lines, postcode, city and ISO 3166 country code."""

    lines: tuple[str, ...]
    postcode: str
    city: str
    country_code: str = "FR"

    def __post_init__(self) -> None:
        if not 1 <= len(self.lines) <= 3 or not all(line.strip() for line in self.lines):
            raise ValueError("an address has one to three non-empty street lines")
        if not self.postcode.strip() or not self.city.strip():
            raise ValueError("an address has a postcode and a city")
        if not _COUNTRY_CODE.match(self.country_code):
            raise ValueError(f"country code {self.country_code!r} is not two capital letters")


@dataclass(frozen=True)
class Party:
    """A company on a document: the seller, the buyer, or the place goods are shipped to.

    The SIREN identifies the legal entity (9 digits), the SIRET one of its establishments (the
    SIREN and 5 digits); both carry a Luhn check digit and are checked, as is the VAT number,
    and all three are kept without spaces. A ship-to place needs only a name and an address.
    """

    name: str
    address: Address
    legal_form: str = ""
    siren: str = ""
    siret: str = ""
    vat_number: str = ""
    email: str = ""
    phone: str = ""

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValueError("a party has a name")
        if self.siren and not fr_siren.is_valid(self.siren):
            raise ValueError(f"SIREN {self.siren!r} of {self.name} is not a valid SIREN")
        if self.siret:
            if not fr_siret.is_valid(self.siret):
                raise ValueError(f"SIRET {self.siret!r} of {self.name} is not a valid SIRET")
            if self.siren and fr_siret.compact(self.siret)[:9] != fr_siren.compact(self.siren):
                raise ValueError(
                    f"SIRET {self.siret} of {self.name} is not under SIREN {self.siren}"
                )
        if self.vat_number and not eu_vat.is_valid(self.vat_number):
            raise ValueError(f"VAT number {self.vat_number!r} of {self.name} is not valid")
        object.__setattr__(self, "siren", fr_siren.compact(self.siren))
        object.__setattr__(self, "siret", fr_siret.compact(self.siret))
        if self.vat_number:
            object.__setattr__(self, "vat_number", eu_vat.compact(self.vat_number))
        if self.email and "@" not in self.email:
            raise ValueError(f"e-mail address {self.email!r} of {self.name} has no @")


@dataclass(frozen=True)
class BankAccount:
    """A bank account by its IBAN (checksum and national key checked) and its bank's BIC.

    Both are kept in their compact form (no spaces, capitals). The BIC may be left empty where
    SEPA no longer needs it (a debtor's account)."""

    iban: str
    bic: str = ""

    def __post_init__(self) -> None:
        try:
            iban = IBAN(self.iban, validate_bban=True)
        except ValueError as error:
            raise ValueError(f"IBAN {self.iban!r} is not valid: {error}") from error
        object.__setattr__(self, "iban", iban.compact)
        if self.bic:
            try:
                bic = BIC(self.bic)
            except ValueError as error:
                raise ValueError(f"BIC {self.bic!r} is not valid: {error}") from error
            object.__setattr__(self, "bic", bic.compact)


def check_creditor_identifier(identifier: str) -> str:
    """The SEPA creditor identifier (ICS) in compact form, or ValueError when its check digits
    are wrong."""
    try:
        return str(at_02.validate(identifier))
    except stdnum_exceptions.ValidationError as error:
        raise ValueError(
            f"SEPA creditor identifier {identifier!r} is not valid: {error}"
        ) from error


@dataclass(frozen=True)
class CreditTransfer:
    """Paid by credit transfer to the seller's account."""

    account: BankAccount

    def __post_init__(self) -> None:
        if not self.account.bic:
            raise ValueError("a credit transfer to the seller names the seller's BIC")


@dataclass(frozen=True)
class DirectDebit:
    """Collected by SEPA direct debit from the buyer's account, under a mandate the buyer signed
    to the seller, whose creditor identifier the bank knows."""

    creditor_identifier: str
    mandate_reference: str
    debtor_account: BankAccount

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "creditor_identifier", check_creditor_identifier(self.creditor_identifier)
        )
        if not self.mandate_reference.strip():
            raise ValueError("a direct debit names the mandate it is collected under")


PaymentMeans = CreditTransfer | DirectDebit


@dataclass(frozen=True)
class InvoiceLine:
    """One line: a quantity in a UN/ECE rec. 20 unit ("C62" one, "KGM" kilogram, "LTR" litre)
    at a net unit price, with its VAT category and rate in percent.

    A standard-rate line has a rate above zero; every other category has a rate of zero, and
    those without VAT by law (exempt, reverse charge, intra-community, export, outside the
    scope) say why. As the French rules ask, a quantity has at most 4 decimals, a unit price at
    most 6 and is never negative, a rate at most 2.
    """

    line_id: str
    name: str
    quantity: Decimal
    unit_price: Decimal
    vat_category: VatCategory
    vat_rate: Decimal
    unit_code: str = "C62"
    description: str = ""
    vat_exemption_reason: str = ""

    def __post_init__(self) -> None:
        if not self.line_id.strip() or not self.name.strip():
            raise ValueError("an invoice line has an id and a name")
        for value, what, places in (
            (self.quantity, "quantity", 4),
            (self.unit_price, "unit price", 6),
            (self.vat_rate, "VAT rate", 2),
        ):
            _require_decimal(value, f"line {self.line_id}: {what}")
            if _decimal_places(value) > places:
                raise ValueError(f"line {self.line_id}: {what} has more than {places} decimals")
        if self.quantity == 0:
            raise ValueError(f"line {self.line_id}: quantity is zero")
        if self.unit_price < 0:
            raise ValueError(f"line {self.line_id}: a net unit price is never negative")
        if not _UNIT_CODE.match(self.unit_code):
            raise ValueError(f"line {self.line_id}: unit code {self.unit_code!r} is not rec. 20")
        if self.vat_category == "S":
            if self.vat_rate <= 0:
                raise ValueError(f"line {self.line_id}: a standard-rate line has a rate above 0")
        elif self.vat_rate != 0:
            raise ValueError(
                f"line {self.line_id}: VAT category {self.vat_category} has a rate of 0"
            )
        needs_reason = self.vat_category in CATEGORIES_WITH_EXEMPTION
        if needs_reason and not self.vat_exemption_reason.strip():
            raise ValueError(
                f"line {self.line_id}: VAT category {self.vat_category} says why there is no VAT"
            )
        if not needs_reason and self.vat_exemption_reason:
            raise ValueError(
                f"line {self.line_id}: VAT category {self.vat_category} has no exemption reason"
            )


@dataclass(frozen=True)
class InvoiceReference:
    """The invoice a credit note corrects, by its number and issue date."""

    number: str
    issue_date: date


@dataclass(frozen=True)
class Invoice:
    """An invoice (type code 380) or a credit note (381) as it is issued, never edited after.

    Besides what EN 16931 asks, it carries the mentions of French law for sales between
    companies: the buyer's SIREN and the delivery address (on the parties), the nature of the
    operation (goods, services or both), the option for paying VAT on debits (services only),
    the payment terms and due date, the late penalty rate, the 40 € recovery indemnity and the
    early payment discount (or its absence). A credit note names the invoice it corrects.
    Membership dues, outside the scope of VAT, go on a document of their own: EN 16931 lets no
    other VAT category stand beside "O".
    """

    kind: DocumentKind
    number: str
    issue_date: date
    due_date: date
    seller: Party
    buyer: Party
    ship_to: Party
    lines: tuple[InvoiceLine, ...]
    nature: OperationNature
    payment: PaymentMeans
    payment_terms: str
    late_penalty: str
    recovery_indemnity: str = RECOVERY_INDEMNITY
    early_payment_discount: str = NO_EARLY_PAYMENT_DISCOUNT
    vat_on_debits: bool = False
    delivery_date: date | None = None
    preceding_invoice: InvoiceReference | None = None
    buyer_reference: str = ""
    order_reference: str = ""
    notes: tuple[str, ...] = ()
    prepaid: Decimal = Decimal("0")
    currency: Literal["EUR"] = "EUR"

    @property
    def type_code(self) -> str:
        """UNTDID 1001: 380 commercial invoice, 381 credit note."""
        return TYPE_CODES[self.kind]

    @property
    def categories(self) -> frozenset[VatCategory]:
        return frozenset(line.vat_category for line in self.lines)

    @property
    def outside_vat_scope(self) -> bool:
        """Whether the document is one of dues outside the scope of VAT (category O only)."""
        return self.categories == {"O"}

    def __post_init__(self) -> None:
        if not _DOCUMENT_NUMBER.match(self.number):
            raise ValueError(f"number {self.number!r}: only letters, digits and + - _ /")
        if not self.lines:
            raise ValueError(f"{self.number}: a document has at least one line")
        line_ids = [line.line_id for line in self.lines]
        if len(set(line_ids)) != len(line_ids):
            raise ValueError(f"{self.number}: two lines have the same id")
        if self.due_date < self.issue_date:
            raise ValueError(f"{self.number}: due date before the issue date")
        if (self.kind == "credit_note") != (self.preceding_invoice is not None):
            raise ValueError(
                f"{self.number}: a credit note, and only a credit note, names the invoice it "
                "corrects"
            )
        for text, what in (
            (self.payment_terms, "payment terms"),
            (self.late_penalty, "late penalty rate"),
            (self.recovery_indemnity, "40 € recovery indemnity"),
            (self.early_payment_discount, "early payment discount"),
        ):
            if not text.strip():
                raise ValueError(f"{self.number}: the {what} mention is required")
        if self.vat_on_debits and self.nature == "goods":
            raise ValueError(
                f"{self.number}: VAT on debits is an option for services; goods bear VAT on "
                "delivery"
            )
        _require_decimal(self.prepaid, f"{self.number}: prepaid amount")
        if self.prepaid < 0:
            raise ValueError(f"{self.number}: a prepaid amount is never negative")
        self._check_vat_categories()

    def _check_vat_categories(self) -> None:
        categories = self.categories
        if "O" in categories and len(categories) > 1:
            raise ValueError(
                f"{self.number}: lines outside the scope of VAT go on a document of their own"
            )
        if not self.outside_vat_scope and not self.seller.vat_number:
            raise ValueError(f"{self.number}: a seller charging VAT states its VAT number")
        if categories & CATEGORIES_NEEDING_BUYER_VAT_NUMBER and not self.buyer.vat_number:
            raise ValueError(
                f"{self.number}: reverse charge or intra-community supply needs "
                "the buyer's VAT number"
            )
        for category in categories & CATEGORIES_WITH_EXEMPTION:
            reasons = {
                line.vat_exemption_reason for line in self.lines if line.vat_category == category
            }
            if len(reasons) > 1:
                raise ValueError(
                    f"{self.number}: the lines of VAT category {category} give different "
                    "exemption reasons"
                )
