"""The cooperative itself: the legal entity that buys in its own name and re-invoices its
members. One record, kept by the admin, read by every document and e-mail (purchase orders,
statements, and the invoices to come).

Identifiers are checked as the administrations define them (python-stdnum): the SIREN, the
SIRET of the establishment that buys (its first nine digits are the SIREN) and the
intra-community VAT number (French: `FR`, a key, then the SIREN); the bank account by schwifty
(IBAN and BIC), the SEPA creditor identifier by its ISO 7064 check. Each is optional until the
money side needs it, but a value given must be right, and the three French numbers must name
the same company.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException
from sqlalchemy.orm import Session
from stdnum.eu import at_02
from stdnum.exceptions import ValidationError
from stdnum.fr import siren as siren_number
from stdnum.fr import siret as siret_number
from stdnum.fr import tva

from infrastructure.documents import Party
from infrastructure.pdf import LOGO_MAX_BYTES, logo_kind
from persistence import utcnow
from persistence.audit import Actor, record_event
from purchasing.errors import N_, Invalid, Message
from purchasing.models import Cooperative
from purchasing.parsing import parse_decimal
from purchasing.people.accounts import EMAIL

DEFAULT_NAME = "Coopérative d'achats coachat"
MAX_PAYMENT_DAYS = 60  # the legal maximum between businesses in France (Code de commerce L441-10)
_PHONE = re.compile(r"^\+?[0-9 .()-]{6,30}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
TEXT_FIELDS = {  # field: longest value
    "name": 200,
    "legal_form": 100,
    "address": 300,
    "postcode": 10,
    "town": 120,
    "contact_name": 120,
}
# What a document issued today shows of the cooperative, kept with it as issued.
IDENTITY_FIELDS = (
    "name",
    "legal_form",
    "siren",
    "siret",
    "vat_number",
    "address",
    "postcode",
    "town",
    "country",
    "contact_name",
    "email",
    "phone",
)
# What the money side reads: bank details and terms.
MONEY_FIELDS = ("iban", "bic", "sepa_creditor_id", "payment_terms_days", "late_penalty_rate")


@dataclass(frozen=True)
class CooperativeValues:
    """The record's fields as checked by `read_cooperative`: identifiers compact, the payment
    terms in days, the late-penalty rate as a fraction a year. `logo` None keeps the logo
    stored; `remove_logo` drops it."""

    name: str
    legal_form: str = ""
    siren: str = ""
    siret: str = ""
    vat_number: str = ""
    address: str = ""
    postcode: str = ""
    town: str = ""
    country: str = "FR"
    contact_name: str = ""
    email: str = ""
    phone: str = ""
    iban: str = ""
    bic: str = ""
    sepa_creditor_id: str = ""
    payment_terms_days: int | None = None
    late_penalty_rate: Decimal | None = None
    logo: bytes | None = None
    logo_type: str = ""
    remove_logo: bool = False


def _text(raw: Mapping[str, object], name: str) -> str:
    return " ".join(str(raw.get(name) or "").split())


def _compact(raw: Mapping[str, object], name: str) -> str:
    return re.sub(r"[\s.\-\u00a0\u202f]", "", str(raw.get(name) or "")).upper()


def _french_numbers(raw: Mapping[str, object], errors: dict[str, Message]) -> dict[str, str]:
    """SIREN, SIRET and VAT number, each valid, and all three of the same company. A SIRET or
    a French VAT number given alone gives the SIREN."""
    found = {"siren": "", "siret": "", "vat_number": ""}
    for name, module, message in (
        ("siren", siren_number, N_("A SIREN is 9 digits with a valid check digit.")),
        ("siret", siret_number, N_("A SIRET is 14 digits with a valid check digit.")),
        (
            "vat_number",
            tva,
            N_("An intra-community VAT number here is FR, a two-character key and the SIREN."),
        ),
    ):
        value = _compact(raw, name)
        if not value:
            continue
        if name == "vat_number" and not value.startswith("FR"):
            value = "FR" + value
        try:
            found[name] = module.validate(value)
        except ValidationError:
            errors[name] = Message(message)
    if found["vat_number"]:
        found["vat_number"] = "FR" + found["vat_number"].removeprefix("FR")
    sirens = {
        "siret": found["siret"][:9],
        "vat_number": tva.to_siren(found["vat_number"]) if found["vat_number"] else "",
    }
    if not found["siren"] and "siren" not in errors:
        found["siren"] = sirens["siret"] or sirens["vat_number"]
    for name, siren in sirens.items():
        if siren and found["siren"] and siren != found["siren"] and name not in errors:
            errors[name] = Message(
                N_("This number is not that of the SIREN %(siren)s."), {"siren": found["siren"]}
            )
    return found


def _bank(raw: Mapping[str, object], errors: dict[str, Message]) -> dict[str, str]:
    found = {"iban": _compact(raw, "iban"), "bic": _compact(raw, "bic")}
    if found["iban"]:
        try:
            found["iban"] = IBAN(found["iban"]).compact
        except (SchwiftyException, ValueError):
            errors["iban"] = Message(N_("This IBAN is not valid: check its letters and digits."))
    if found["bic"]:
        try:
            found["bic"] = BIC(found["bic"]).compact
        except (SchwiftyException, ValueError):
            errors["bic"] = Message(
                N_("A BIC is 8 or 11 letters and digits, for example CCOPFRPP.")
            )
    creditor = _compact(raw, "sepa_creditor_id")
    if creditor:
        try:
            creditor = at_02.validate(creditor)
        except ValidationError:
            errors["sepa_creditor_id"] = Message(
                N_("A SEPA creditor identifier looks like FR12ZZZ123456, with valid check digits.")
            )
    found["sepa_creditor_id"] = creditor
    return found


def _terms(raw: Mapping[str, object], errors: dict[str, Message]) -> dict[str, Any]:
    found: dict[str, Any] = {"payment_terms_days": None, "late_penalty_rate": None}
    days = str(raw.get("payment_terms_days") or "").strip()
    if days:
        if not days.isascii() or not days.isdigit() or int(days) > MAX_PAYMENT_DAYS:
            errors["payment_terms_days"] = Message(
                N_("Payment terms are a whole number of days, at most %(days)d."),
                {"days": MAX_PAYMENT_DAYS},
            )
        else:
            found["payment_terms_days"] = int(days)
    rate_text = str(raw.get("late_penalty_rate") or "").strip().removesuffix("%")
    if rate_text:
        rate = parse_decimal(rate_text)
        if rate is None or not 0 < rate <= 100 or rate != rate.quantize(Decimal("0.01")):
            errors["late_penalty_rate"] = Message(
                N_("Give the late-penalty rate as a yearly percentage, for example 12 or 10,5.")
            )
        else:
            found["late_penalty_rate"] = rate / 100
    return found


def _logo(raw: Mapping[str, object], errors: dict[str, Message]) -> tuple[bytes | None, str]:
    data = raw.get("logo")
    if not data:
        return None, ""
    if not isinstance(data, bytes) or len(data) > LOGO_MAX_BYTES:
        errors["logo"] = Message(
            N_("The logo must weigh at most %(size)d KB."), {"size": LOGO_MAX_BYTES // 1024}
        )
        return None, ""
    kind = logo_kind(data)
    if kind is None:
        errors["logo"] = Message(
            N_("The logo must be a PNG or JPEG image of at most 2000 pixels a side.")
        )
        return None, ""
    return data, kind


def read_cooperative(raw: Mapping[str, object]) -> CooperativeValues:
    """Checks the record's fields as typed (or sent); raises `Invalid` naming every field that
    is wrong. `logo` is the uploaded file's bytes, if any."""
    errors: dict[str, Message] = {}
    texts = {name: _text(raw, name) for name in TEXT_FIELDS}
    for name, longest in TEXT_FIELDS.items():
        if len(texts[name]) > longest:
            errors[name] = Message(N_("At most %(count)d characters."), {"count": longest})
    if not texts["name"]:
        errors["name"] = Message(N_("The cooperative's legal name is required."))
    country = _compact(raw, "country") or "FR"
    if not _COUNTRY.match(country):
        errors["country"] = Message(N_("Give the country as its two-letter code, such as FR."))
    email = str(raw.get("email") or "").strip()
    if email and (not EMAIL.match(email) or len(email) > 254):
        errors["email"] = Message(N_("Enter an e-mail address such as achats@example.org."))
    phone = " ".join(str(raw.get("phone") or "").split())
    if phone and not _PHONE.match(phone):
        errors["phone"] = Message(N_("Enter a phone number such as 03 83 12 34 56."))
    numbers = _french_numbers(raw, errors)
    bank = _bank(raw, errors)
    terms = _terms(raw, errors)
    logo, logo_type = _logo(raw, errors)
    if errors:
        raise Invalid(errors)
    return CooperativeValues(
        name=texts["name"],
        legal_form=texts["legal_form"],
        siren=numbers["siren"],
        siret=numbers["siret"],
        vat_number=numbers["vat_number"],
        address=texts["address"],
        postcode=texts["postcode"],
        town=texts["town"],
        country=country,
        contact_name=texts["contact_name"],
        email=email,
        phone=phone,
        iban=bank["iban"],
        bic=bank["bic"],
        sepa_creditor_id=bank["sepa_creditor_id"],
        payment_terms_days=terms["payment_terms_days"],
        late_penalty_rate=terms["late_penalty_rate"],
        logo=logo,
        logo_type=logo_type,
        remove_logo=bool(raw.get("remove_logo")),
    )


def cooperative_record(session: Session) -> Cooperative:
    """The cooperative's record. A database made without the migrations (tests) may have none
    yet: it then reads as a record with a generic name, not stored."""
    record = session.get(Cooperative, 1)
    if record is None:
        return Cooperative(id=1, name=DEFAULT_NAME, country="FR", logo=None, logo_type="")
    return record


def update_cooperative(
    session: Session, values: CooperativeValues, *, actor: Actor | None
) -> Cooperative:
    """Replaces the cooperative's record with `values` (from `read_cooperative`); the audit
    trail keeps which fields changed. Documents issued before keep the identity they show."""
    record = session.get(Cooperative, 1)
    if record is None:
        record = Cooperative(id=1, name=values.name)
        session.add(record)
    changed = []
    for name in (*IDENTITY_FIELDS, *MONEY_FIELDS):
        if getattr(record, name, None) != getattr(values, name):
            changed.append(name)
            setattr(record, name, getattr(values, name))
    if values.logo is not None:
        record.logo, record.logo_type = values.logo, values.logo_type
        changed.append("logo")
    elif values.remove_logo and record.logo:
        record.logo, record.logo_type = None, ""
        changed.append("logo")
    record.updated_at = utcnow()
    session.flush()
    record_event(
        session, "cooperative.update", "cooperative", record.id, actor=actor, fields=changed
    )
    return record


def identity(record: Cooperative) -> dict[str, str]:
    """What a document shows of the cooperative, as plain values kept with an issued document."""
    return {name: str(getattr(record, name) or "") for name in IDENTITY_FIELDS}


def buyer_party(values: Mapping[str, str], logo: bytes = b"") -> Party:
    """The cooperative as a document names it, from `identity(...)` values."""
    return Party(
        name=values.get("name") or DEFAULT_NAME,
        legal_form=values.get("legal_form", ""),
        siren=values.get("siren", ""),
        siret=values.get("siret", ""),
        vat_number=values.get("vat_number", ""),
        address=values.get("address", ""),
        postcode=values.get("postcode", ""),
        town=values.get("town", ""),
        country=values.get("country") or "FR",
        contact=values.get("contact_name", ""),
        email=values.get("email", ""),
        phone=values.get("phone", ""),
        logo=logo,
    )


def cooperative_party(session: Session) -> Party:
    """The cooperative as today's documents name it, logo included."""
    record = cooperative_record(session)
    return buyer_party(identity(record), record.logo or b"")
