"""One precision per kind of figure, for every page and file: kilograms of CO2 to a tenth of a
kilogram, whatever their size, so that "1 058,0 kg" never stands next to "720,306 kg".

Figures are computed to the gram and rounded only where they are shown; the pages format the
rounded value in the reader's language, the PDF and CSV files in French.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CO2_STEP = Decimal("0.1")
"""Kilograms of CO2 are shown to one decimal."""

CO2_PATTERN = "#,##0.0"
"""The same precision as a number pattern, for pages that format in the reader's language."""


def co2_kg(value: Decimal) -> Decimal:
    """Kilograms of CO2 as shown: rounded half away from zero to a tenth of a kilogram."""
    return value.quantize(CO2_STEP, rounding=ROUND_HALF_UP)


def co2_text(value: Decimal) -> str:
    """Kilograms of CO2 as a French document writes them: `1 058,0`, `-2,4`."""
    shown = co2_kg(value)
    sign = "-" if shown < 0 else ""
    whole, _dot, tenths = f"{abs(shown):.1f}".partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return f"{sign}{' '.join(groups)},{tenths}"
