"""French company identifiers."""

from __future__ import annotations

import re


def siret_is_valid(siret: str) -> bool:
    """A SIRET is 14 digits passing the Luhn check (La Poste's own SIRETs excepted)."""
    if not re.fullmatch(r"\d{14}", siret):
        return False
    if siret.startswith("356000000"):
        return sum(int(d) for d in siret) % 5 == 0
    total = 0
    for index, char in enumerate(reversed(siret)):
        digit = int(char) * (2 if index % 2 else 1)
        total += digit - 9 if digit > 9 else digit
    return total % 10 == 0
