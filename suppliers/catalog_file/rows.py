"""The rules one row of a price list must follow, each bad cell named in French."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from decimal import Decimal

from suppliers.catalog_file.columns import ColumnMapping, field_label, fold
from suppliers.catalog_file.model import CatalogRow, PriceTier, RowError
from suppliers.catalog_file.values import (
    Cell,
    CellError,
    decimals,
    french,
    is_blank,
    parse_count,
    parse_date,
    parse_decimal,
    parse_percent,
    parse_rate,
    shown,
    text,
)

PRICE_PLACES = 4
"""Unit prices are stored to the ten-thousandth of a euro."""
QUANTITY_PLACES = 3
"""Quantities are stored to the thousandth (grams of a kilo, millilitres of a litre)."""
MAX_LEAD_TIME_DAYS = 365
MAX_VAT_RATE = Decimal("0.30")
DEFAULT_VAT_RATE = Decimal("0.20")
PROGRESS_EVERY = 500

UNITS: dict[str, str] = {
    **dict.fromkeys(
        ("unite", "unites", "u", "un", "piece", "pieces", "pce", "pc", "pcs", "unit", "units",
         "each", "ea", "exemplaire", "ex"), "unit"),
    **dict.fromkeys(("ramette", "ramettes", "rame", "rames", "ream", "reams"), "ream"),
    **dict.fromkeys(("boite", "boites", "bte", "carton", "cartons", "box", "boxes", "case"), "box"),
    **dict.fromkeys(
        ("paquet", "paquets", "pqt", "lot", "lots", "sachet", "sachets", "pack", "packs", "packet"),
        "pack"),
    **dict.fromkeys(("rouleau", "rouleaux", "rlx", "roll", "rolls"), "roll"),
    **dict.fromkeys(("kg", "kilo", "kilos", "kilogramme", "kilogrammes", "kilogram"), "kg"),
    **dict.fromkeys(("l", "litre", "litres", "liter", "liters", "lt"), "l"),
    **dict.fromkeys(("m", "metre", "metres", "meter", "meters"), "m"),
}  # fmt: skip
"""Unit words a supplier may write → the product unit codes of the catalog."""


def read_rows(
    records: Sequence[tuple[int, list[Cell]]],
    columns: ColumnMapping,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[list[CatalogRow], list[RowError]]:
    """Check every data row; a reference used twice is reported on its second line."""
    rows: list[CatalogRow] = []
    errors: list[RowError] = []
    first_line: dict[str, int] = {}
    total = len(records)
    for done, (line, cells) in enumerate(records, start=1):
        reference, row, row_errors = _read_row(line, cells, columns)
        if reference is not None:
            key = reference.casefold()
            if key in first_line:
                row_errors.append(
                    RowError(
                        line,
                        "reference",
                        f"référence « {reference} » en double : déjà ligne {first_line[key]}",
                    )
                )
            else:
                first_line[key] = line
        if row_errors:
            errors.extend(row_errors)
        elif row is not None:
            rows.append(row)
        if progress is not None and (done % PROGRESS_EVERY == 0 or done == total):
            progress(done, total)
    return rows, errors


class _Row:
    """The cells of one line, read field by field; each failure is recorded, not raised."""

    def __init__(self, line: int, cells: list[Cell], columns: ColumnMapping) -> None:
        self.line = line
        self.cells = cells
        self.columns = columns
        self.errors: list[RowError] = []

    def cell(self, key: str) -> Cell:
        index = self.columns.indexes.get(key)
        if index is None or index >= len(self.cells):
            return None
        return self.cells[index]

    def fail(self, key: str, detail: str) -> None:
        self.errors.append(RowError(self.line, key, detail))

    def text(self, key: str, *, required: bool = False) -> str | None:
        value = self.cell(key)
        if is_blank(value):
            if required:
                self.fail(key, f"{field_label(key)} manquante")
            return None
        return text(value)

    def number(
        self,
        key: str,
        *,
        parse: Callable[[Cell], Decimal] = parse_decimal,
        positive: bool = False,
        places: int = QUANTITY_PLACES,
    ) -> Decimal | None:
        """A number that is never negative; `positive` also refuses zero."""
        value = self.cell(key)
        if is_blank(value):
            return None
        label = field_label(key)
        try:
            number = parse(value)
        except CellError as error:
            self.fail(key, f"{label} « {shown(value)} » {error.reason}")
            return None
        if number < 0:
            self.fail(key, f"{label} « {shown(value)} » négatif")
        elif positive and number == 0:
            self.fail(key, f"{label} « {shown(value)} » doit être supérieur à 0")
        elif _written_places(number) > places and decimals(number) > places:
            self.fail(key, f"{label} « {shown(value)} » : {places} décimales au plus")
        else:
            return number
        return None

    def date(self, key: str) -> date | None:
        value = self.cell(key)
        if is_blank(value):
            return None
        try:
            return parse_date(value)
        except CellError as error:
            self.fail(key, f"{field_label(key)} « {shown(value)} » {error.reason}")
            return None


def _read_row(
    line: int, cells: list[Cell], columns: ColumnMapping
) -> tuple[str | None, CatalogRow | None, list[RowError]]:
    """The row's reference (even when the row is bad), the checked row, and its errors."""
    row = _Row(line, cells, columns)
    reference = row.text("reference", required=True)
    name = row.text("name", required=True)
    pack_size = row.number("pack_size", parse=parse_count, positive=True)
    min_order = row.number("min_order_quantity", parse=parse_count)
    capacity = row.number("capacity", parse=parse_count, positive=True)
    lead_time = _lead_time(row)
    recycled = row.number("recycled_content", parse=parse_percent, places=2)
    if recycled is not None and recycled > 100:
        written = shown(row.cell("recycled_content"))
        row.fail("recycled_content", f"contenu recyclé « {written} » supérieur à 100 %")
    vat_rate = row.number("vat_rate", parse=parse_rate, places=4)
    if vat_rate is not None and vat_rate > MAX_VAT_RATE:
        row.fail("vat_rate", f"TVA « {shown(row.cell('vat_rate'))} » invalide : entre 0 et 30 %")
    valid_from, valid_until = row.date("valid_from"), row.date("valid_until")
    if valid_from and valid_until and valid_until < valid_from:
        row.fail(
            "valid_until",
            f"fin de validité {valid_until:%d/%m/%Y} avant le début {valid_from:%d/%m/%Y}",
        )
    unit = _unit(row)
    tiers = _tiers(row, min_order)
    if row.errors or reference is None or name is None or not tiers:
        return reference, None, row.errors
    return (
        reference,
        CatalogRow(
            line=line,
            reference=reference,
            name=name,
            price_tiers=tiers,
            pack_size=pack_size if pack_size is not None else Decimal(1),
            category=row.text("category"),
            unit=unit,
            min_order_quantity=min_order,
            capacity=capacity,
            lead_time_days=lead_time,
            label=row.text("label"),
            recycled_content=recycled,
            vat_rate=vat_rate if vat_rate is not None else DEFAULT_VAT_RATE,
            valid_from=valid_from,
            valid_until=valid_until,
            raw={h: shown(c) for h, c in zip(columns.headers, cells, strict=False) if h},
        ),
        [],
    )


def _lead_time(row: _Row) -> int | None:
    days = row.number("lead_time_days", parse=parse_count)
    if days is None:
        return None
    written = shown(row.cell("lead_time_days"))
    if days != days.to_integral_value():
        row.fail("lead_time_days", f"délai « {written} » : un nombre entier de jours est attendu")
        return None
    if days > MAX_LEAD_TIME_DAYS:
        row.fail(
            "lead_time_days", f"délai « {written} » trop long : {MAX_LEAD_TIME_DAYS} jours au plus"
        )
        return None
    return int(days)


def _unit(row: _Row) -> str | None:
    written = row.text("unit")
    if written is None:
        return None
    code = UNITS.get(fold(written).removesuffix(" s"))
    if code is None:
        known = "unité, ramette, boîte, paquet, rouleau, kg, l ou m"
        row.fail("unit", f"unité « {written} » inconnue : {known}")
    return code


def _tiers(row: _Row, min_order: Decimal | None) -> tuple[PriceTier, ...]:
    """All-units price tiers from the base price, the « Prix dès N » columns and the pairs.

    The base price applies from the minimum order quantity, or from 1 unit.
    """
    found: list[tuple[PriceTier, str]] = []
    base = row.number("price", positive=True, places=PRICE_PLACES)
    if base is not None:
        start = min_order if min_order else Decimal(1)
        found.append((PriceTier(start, base), "price"))
    for key in row.columns.indexes:
        if key.startswith("price_from:"):
            price = row.number(key, positive=True, places=PRICE_PLACES)
            if price is not None:
                found.append((PriceTier(Decimal(key.partition(":")[2]), price), key))
    found.extend(_paired_tiers(row))
    if not found:
        if not row.errors:
            row.fail("price", "prix manquant")
        return ()
    return _ordered(row, found)


def _paired_tiers(row: _Row) -> Iterable[tuple[PriceTier, str]]:
    """« Qté palier n » / « Prix palier n » pairs, whose quantities must rise with n."""
    steps = sorted(
        int(key.partition(":")[2]) for key in row.columns.indexes if key.startswith("tier_price:")
    )
    previous: tuple[int, Decimal] | None = None
    for step in steps:
        quantity_key, price_key = f"tier_quantity:{step}", f"tier_price:{step}"
        if is_blank(row.cell(quantity_key)) and is_blank(row.cell(price_key)):
            continue
        quantity = row.number(quantity_key, parse=parse_count, positive=True)
        price = row.number(price_key, positive=True, places=PRICE_PLACES)
        if is_blank(row.cell(quantity_key)) or is_blank(row.cell(price_key)):
            missing = "quantité" if is_blank(row.cell(quantity_key)) else "prix"
            row.fail(price_key, f"palier {step} incomplet : {missing} manquant")
            continue
        if quantity is None or price is None:
            continue
        if previous is not None and quantity <= previous[1]:
            row.fail(
                quantity_key,
                f"paliers dans le désordre : palier {step} à partir de {french(quantity)} "
                f"après palier {previous[0]} à partir de {french(previous[1])}",
            )
        previous = (step, quantity)
        yield PriceTier(quantity, price), price_key


def _ordered(row: _Row, found: list[tuple[PriceTier, str]]) -> tuple[PriceTier, ...]:
    """Tiers by quantity; one price per quantity; a price never rises with the quantity."""
    tiers: list[PriceTier] = []
    for tier, key in sorted(found, key=lambda item: item[0].min_quantity):
        if tiers and tier.min_quantity == tiers[-1].min_quantity:
            if tier.unit_price != tiers[-1].unit_price:
                prices = f"{_euros(tiers[-1].unit_price)} et {_euros(tier.unit_price)}"
                row.fail(key, f"deux prix pour la quantité {french(tier.min_quantity)} : {prices}")
            continue
        if tiers and tier.unit_price > tiers[-1].unit_price:
            before = tiers[-1]
            row.fail(
                key,
                f"prix en hausse avec la quantité : {_euros(tier.unit_price)} dès "
                f"{french(tier.min_quantity)} contre {_euros(before.unit_price)} dès "
                f"{french(before.min_quantity)}",
            )
        tiers.append(tier)
    return tuple(tiers)


def _written_places(number: Decimal) -> int:
    exponent = number.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def _euros(amount: Decimal) -> str:
    return f"{french(amount, places=2)} €"
