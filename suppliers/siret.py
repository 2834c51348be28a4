"""French company identifiers and intra-community VAT numbers, checked by python-stdnum.

A SIRET is stored and checked as its 14 digits; SIRENs and VAT numbers may be written with
spaces (`FR 40 303 265 045`).
"""

from __future__ import annotations

from stdnum.eu import vat
from stdnum.fr import siren, siret


def siret_is_valid(number: str) -> bool:
    """A SIRET is 14 digits: a valid SIREN followed by the establishment's number, with a valid
    check digit (La Poste's establishments follow their own rule)."""
    return number.isdigit() and bool(siret.is_valid(number))


def siren_is_valid(number: str) -> bool:
    """A SIREN is 9 digits with a valid check digit."""
    return bool(siren.is_valid(number))


def vat_number_is_valid(number: str) -> bool:
    """An intra-community VAT number (`FR40303265045`): a member state's prefix and a number
    that passes that state's checks."""
    return bool(vat.is_valid(number))


def french_vat_number(siren_number: str) -> str:
    """The French VAT number of a SIREN: FR, a two-digit key (12 + 3 × (SIREN mod 97)) mod 97,
    then the SIREN."""
    key = (12 + 3 * (int(siren_number) % 97)) % 97
    return f"FR{key:02d}{siren_number}"
