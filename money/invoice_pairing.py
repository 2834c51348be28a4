"""How an invoice finds what it bills: its lines paired with order lines (by the supplier's
reference, then by description), what one invoiced quantity stands for in the order's units
(a line may bill by the pack what the order counted in units), and, for an invoice naming no
order, the orders it most likely bills."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from rapidfuzz import fuzz

from suppliers.matching.normalize import normalize

CENT = Decimal("0.01")
ONE = Decimal(1)
# UN/ECE Recommendation 20 (and the older Recommendation 21 codes prefixed with X) for a
# package: a line in these counts packs of the offer, not units of the product.
PACKAGE_CODES = frozenset(
    {"BX", "XBX", "CT", "XCT", "PK", "XPK", "CS", "XCS", "PA", "XPA", "BG", "XBG", "CR", "XCR"}
)
_NOT_ALPHANUMERIC = re.compile(r"[\W_]+")
# How alike a line's description and an order line's name must be (rapidfuzz's
# token_sort_ratio on normalised texts, 0-100) for the line to be paired by description when
# no supplier reference pairs it. token_sort rather than token_set: a one-word order line
# ("Papier") would otherwise pair with any line that contains the word.
DESCRIPTION_THRESHOLD = 80.0

# (key, supplier reference, description)
Item = tuple[int, str, str]


def _reference(text: str) -> str:
    """A supplier reference as it compares: case, spaces, dots and dashes ignored."""
    return _NOT_ALPHANUMERIC.sub("", text.casefold())


def pair_lines(lines: Iterable[Item], ordered: Sequence[Item]) -> dict[int, int]:
    """Pairs lines with order lines (line key → order line key), each given as
    (key, supplier reference, description).

    By reference first: a line whose supplier reference is an order line's pairs with it
    (several lines may pair with one order line). Then, among the order lines no reference
    paired, by description: the most alike pairs first, one line with one order line, when
    their names are at least `DESCRIPTION_THRESHOLD` alike."""
    by_reference: dict[str, int] = {}
    for order_line in ordered:
        reference = _reference(order_line[1])
        if reference:
            by_reference.setdefault(reference, order_line[0])
    pairs: dict[int, int] = {}
    unpaired = []
    for line in lines:
        found = by_reference.get(_reference(line[1]))
        if found is not None:
            pairs[line[0]] = found
        else:
            unpaired.append(line)
    if not unpaired:
        return pairs
    taken = set(pairs.values())
    free = [order_line for order_line in ordered if order_line[0] not in taken]
    names = {order_line[0]: normalize(order_line[2]) for order_line in free}
    scored = []
    for line in unpaired:
        description = normalize(line[2])
        for order_line in free:
            score = fuzz.token_sort_ratio(description, names[order_line[0]])
            if score >= DESCRIPTION_THRESHOLD:
                scored.append((-score, line[0], order_line[0]))
    scored.sort()
    used_lines: set[int] = set()
    used_orders: set[int] = set()
    for _score, line_key, order_key in scored:
        if line_key not in used_lines and order_key not in used_orders:
            pairs[line_key] = order_key
            used_lines.add(line_key)
            used_orders.add(order_key)
    return pairs


def units_per_invoiced(
    unit_code: str, unit_price: Decimal, ordered_price: Decimal, pack_size: Decimal
) -> Decimal:
    """How many of the order's units one invoiced quantity stands for: the offer's pack size
    when the line bills by the pack, else one.

    A line bills by the pack when its unit code is a package's (`PACKAGE_CODES`), or, for an
    offer packed by more than one, when its unit price is nearer the price of a pack than
    the price of a unit, as a ratio: 4 cartons of 12 at 32.04 € against 2.67 € a unit ordered
    (32.04 / 2.67 = 12, well above the square root of 12). A unit price between the two
    readings is taken for the nearer one, and its gap to the order is then an exception."""
    if pack_size == ONE or pack_size <= 0:
        return ONE
    if unit_code.strip().upper() in PACKAGE_CODES:
        return pack_size
    if pack_size > ONE and ordered_price > 0 and unit_price > 0:
        ratio = unit_price / ordered_price
        if ratio * ratio > pack_size:
            return pack_size
    return ONE


@dataclass(frozen=True)
class OrderCandidate:
    """A purchase order of the invoice's supplier that an invoice naming no order might
    bill: when it was ordered and its total without VAT."""

    key: int
    ordered_on: date
    total_excl_vat: Decimal


def propose_orders(
    issue_date: date,
    total_without_tax: Decimal,
    candidates: Iterable[OrderCandidate],
    *,
    most: int = 3,
) -> list[int]:
    """The orders an invoice naming none most likely bills, best first: orders placed on or
    before the invoice's date, the nearest in amount first (relative difference), then the
    nearest in date. The lead confirms one; nothing is linked without."""
    ranked = sorted(
        (
            abs(candidate.total_excl_vat - total_without_tax) / max(candidate.total_excl_vat, CENT),
            (issue_date - candidate.ordered_on).days,
            candidate.key,
        )
        for candidate in candidates
        if candidate.ordered_on <= issue_date
    )
    return [key for _difference, _days, key in ranked[:most]]
