"""The values of a supplier's invoice as its XML writes them: amounts, dates, codes and the
parties' identifiers. Each reader refuses what is not one, naming the field."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from stdnum.eu import vat
from stdnum.fr import siren as siren_number
from stdnum.fr import siret as siret_number

from money.formats.received_model import InvoiceRefused, Party
from money.formats.xml_input import Fields, clean, quoted

# A decimal as XML Schema writes one: no exponent, no thousands separator, no NaN; at most
# 15 digits before the point and 10 after, so that products stay exact in Decimal.
_DECIMAL = re.compile(r"[+-]?(\d{1,15}(\.\d{0,10})?|\.\d{1,10})")
_CII_DATE = re.compile(r"\d{8}")
_UBL_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})(Z|[+-]\d{2}:\d{2})?")
_CURRENCY = re.compile(r"[A-Z]{3}")
# Country prefixes of VAT numbers that python-stdnum checks (EU member states, Northern Ireland).
_EU_PREFIXES = frozenset({
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "EL", "ES", "FI", "FR", "HR", "HU", "IE",
    "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK", "XI",
})  # fmt: skip
SIREN_SCHEME = "0002"
SIRET_SCHEME = "0009"


def decimal_of(text: str | None, what: str) -> Decimal:
    """A decimal number written as XML Schema writes one; refused otherwise."""
    if text is None:
        raise InvoiceRefused(f"{what} is missing")
    if not _DECIMAL.fullmatch(text):
        raise InvoiceRefused(f"{what} {quoted(text)} is not a number")
    return Decimal(text)


def amount_at(fields: Fields, path: str, what: str, default: Decimal | None = None) -> Decimal:
    """The number at `path`; `default` when the element is absent and may be."""
    text = fields.text(path)
    if text is None and default is not None:
        return default
    return decimal_of(text, what)


def rate_at(fields: Fields, path: str, what: str) -> Decimal:
    """A VAT rate in percent (BT-119, BT-152...), between 0 and 100; 0 when not given, as
    for the categories that carry no VAT."""
    rate = amount_at(fields, path, what, Decimal(0))
    if not 0 <= rate <= 100:
        raise InvoiceRefused(f"{what} {rate} % is not a rate")
    return rate


def currency_of(text: str | None) -> str:
    """The invoice currency (BT-5), an ISO 4217 code."""
    if text is None or not _CURRENCY.fullmatch(text):
        raise InvoiceRefused(f"the invoice currency (BT-5) is {quoted(text)}")
    return text


def cii_date(fields: Fields, path: str, what: str) -> date | None:
    """A CII date (udt:DateTimeString, format 102: YYYYMMDD), None when absent."""
    node = fields.element(path)
    if node is None:
        return None
    text = clean(node.text)
    form = node.get("format")
    if form not in (None, "102") or text is None or not _CII_DATE.fullmatch(text):
        raise InvoiceRefused(f"{what} {quoted(text)} is not a date in format 102 (YYYYMMDD)")
    return _date(f"{text[:4]}-{text[4:6]}-{text[6:]}", text, what)


def ubl_date(text: str | None, what: str) -> date | None:
    """A UBL date (YYYY-MM-DD, perhaps with a time zone that says nothing of the day),
    None when absent."""
    if text is None:
        return None
    match = _UBL_DATE.fullmatch(text)
    if not match:
        raise InvoiceRefused(f"{what} {quoted(text)} is not a date (YYYY-MM-DD)")
    return _date(match.group(1), text, what)


def _date(iso: str, text: str, what: str) -> date:
    try:
        return date.fromisoformat(iso)
    except ValueError:
        raise InvoiceRefused(f"{what} {quoted(text)} is not a date") from None


def required(text: str | None, what: str) -> str:
    """A text the standard makes mandatory; refused when missing or empty."""
    if not text:
        raise InvoiceRefused(f"{what} is missing")
    return text


def vat_category_of(text: str | None, what: str) -> str:
    """A VAT category code (UNTDID 5305 as EN 16931 uses it: S, Z, E, AE, K, G, O, L, M)."""
    if text not in ("S", "Z", "E", "AE", "K", "G", "O", "L", "M"):
        raise InvoiceRefused(f"{what}: VAT category {quoted(text)} is not an EN 16931 one")
    return text


def vat_label(category: str, rate: Decimal) -> str:
    """How a refusal names a VAT category and rate: "VAT at 20 %", "VAT Z at 0 %"."""
    rate_text = format(rate.normalize(), "f")
    return f"VAT at {rate_text} %" if category == "S" else f"VAT {category} at {rate_text} %"


def party_of(
    role: str,
    name: str | None,
    legal_ids: list[tuple[str, str | None]],
    vat_ids: list[str],
    country: str | None,
) -> Party:
    """A party from the identifiers its XML gives, each as (value, scheme).

    Scheme 0002 is a SIREN and 0009 a SIRET, both checked (Luhn); without a scheme, nine or
    fourteen digits are taken for one. A SIRET gives its SIREN (its first nine digits). A VAT
    number of an EU country is checked, and a French one must carry the SIREN given. Any
    other registration identifier is kept as `legal_id`."""
    siren = siret = legal_id = None
    for value, scheme in legal_ids:
        compact = value.replace(" ", "")
        if scheme == SIREN_SCHEME or (scheme is None and re.fullmatch(r"\d{9}", compact)):
            if not siren_number.is_valid(compact):
                raise InvoiceRefused(f"{role} SIREN {quoted(value)} is not a valid SIREN")
            siren = siren or compact
        elif scheme == SIRET_SCHEME or (scheme is None and re.fullmatch(r"\d{14}", compact)):
            if not siret_number.is_valid(compact):
                raise InvoiceRefused(f"{role} SIRET {quoted(value)} is not a valid SIRET")
            siret = siret or compact
        else:
            legal_id = legal_id or value
    if siret and siren and siret[:9] != siren:
        raise InvoiceRefused(f"{role} SIRET {siret} is not an establishment of SIREN {siren}")
    siren = siren or (siret[:9] if siret else None)
    vat_number = None
    for value in vat_ids:
        compact = value.replace(" ", "").replace(".", "").replace("-", "").upper()
        if compact[:2] in _EU_PREFIXES:
            if not vat.is_valid(compact):
                raise InvoiceRefused(f"{role} VAT number {quoted(value)} is not a valid one")
            if compact.startswith("FR") and siren and compact[4:] != siren:
                raise InvoiceRefused(f"{role} VAT number {compact} is not the one of SIREN {siren}")
        vat_number = vat_number or compact
    if not name:
        raise InvoiceRefused(f"the {role} has no name")
    return Party(
        name=name,
        siren=siren,
        siret=siret,
        vat_number=vat_number,
        legal_id=legal_id,
        country=country,
    )
