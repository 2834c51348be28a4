"""What reading a price list produces: validated rows, and every problem found."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from suppliers.catalog_file.columns import ColumnMapping


class PriceTier(NamedTuple):
    """From `min_quantity` units on, every unit of the order costs `unit_price` excl. VAT."""

    min_quantity: Decimal
    unit_price: Decimal


@dataclass(frozen=True, slots=True)
class CatalogRow:
    """One offer of the price list, every value checked and typed.

    `price_tiers` are sorted by quantity, quantities strictly rising and prices never rising;
    `recycled_content` is a percentage (0–100) and `vat_rate` a fraction (0.2 for 20 %).
    `raw` keeps every cell as the supplier wrote it, keyed by header.
    """

    line: int
    reference: str
    name: str
    price_tiers: tuple[PriceTier, ...]
    pack_size: Decimal = Decimal(1)
    category: str | None = None
    unit: str | None = None
    min_order_quantity: Decimal | None = None
    capacity: Decimal | None = None
    lead_time_days: int | None = None
    label: str | None = None
    recycled_content: Decimal | None = None
    vat_rate: Decimal = Decimal("0.20")
    valid_from: date | None = None
    valid_until: date | None = None
    raw: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def base_price(self) -> Decimal:
        """The unit price of the smallest order (first tier)."""
        return self.price_tiers[0].unit_price


@dataclass(frozen=True, slots=True)
class RowError:
    """A bad cell or row: `line` is the file line (CSV, header = 1) or the sheet row (XLSX).

    `detail` is the French explanation alone; `message` prefixes the line number.
    """

    line: int
    field: str | None
    detail: str

    @property
    def message(self) -> str:
        return f"ligne {self.line} : {self.detail}"

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True, slots=True)
class FileError:
    """A problem with the whole file; nothing of it can be read or imported.

    `code` is one of: `empty`, `too_large`, `too_many_rows`, `not_a_spreadsheet`,
    `unsupported_format`, `encoding`, `unreadable`, `missing_column`, `unknown_column`,
    `duplicate_column`, `no_rows`.
    """

    code: str
    message: str

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True, slots=True)
class CatalogFile:
    """A price list as read: its columns, its valid rows and its problems.

    Import only when `ok`: the cooperative imports a whole price list or nothing. `rows`
    holds the rows that passed their checks (for a preview); `errors` every bad row.
    """

    filename: str
    format: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    columns: ColumnMapping | None = None
    rows: list[CatalogRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    file_errors: list[FileError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the file can be imported: no whole-file problem and no bad row."""
        return not self.file_errors and not self.errors

    @property
    def messages(self) -> list[str]:
        """Every problem as one French sentence, whole-file problems first."""
        return [error.message for error in self.file_errors] + [e.message for e in self.errors]
