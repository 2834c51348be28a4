"""Reading and checking a supplier's price list (CSV or XLSX), before anything is imported.

    catalog = read_catalog(data, "tarifs-2025.csv")
    if catalog.ok:
        ...import catalog.rows...
    else:
        ...show catalog.messages, or let the lead adjust catalog.columns.fields and re-read
        with read_catalog(data, name, mapping=adjusted)...

Pure: no database, no Flask. Money and quantities are `Decimal`, never float.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal

from suppliers.catalog_file.columns import (
    LABELS,
    REQUIRED,
    SYNONYMS,
    ColumnMapping,
    header_score,
    map_columns,
    recognise,
)
from suppliers.catalog_file.model import CatalogFile, CatalogRow, FileError, PriceTier, RowError
from suppliers.catalog_file.rows import UNITS, read_rows
from suppliers.catalog_file.table import SNIFF_ROWS, FileProblem, read_table
from suppliers.catalog_file.values import Cell, french

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_ROWS",
    "LABELS",
    "REQUIRED",
    "SYNONYMS",
    "UNITS",
    "CatalogFile",
    "CatalogRow",
    "ColumnMapping",
    "FileError",
    "PriceTier",
    "RowError",
    "read_catalog",
    "recognise",
]

DEFAULT_MAX_ROWS = 20_000
DEFAULT_MAX_BYTES = 5 * 1024 * 1024


def read_catalog(
    data: bytes,
    filename: str,
    mapping: Mapping[str, str | None] | None = None,
    *,
    max_rows: int = DEFAULT_MAX_ROWS,
    max_bytes: int = DEFAULT_MAX_BYTES,
    progress: Callable[[int, int], None] | None = None,
) -> CatalogFile:
    """Read a price list and check every row; never raises for bad input.

    `mapping` ({field: header}) overrides the detected columns; a field mapped to None is
    ignored. `progress(done, total)` is called every 500 rows and once at the end.
    Whole-file problems land in `file_errors`, bad rows in `errors` (every one of them).
    """
    if len(data) > max_bytes:
        return _refused(
            filename,
            "too_large",
            f"fichier trop volumineux : {_megabytes(len(data))}, maximum {_megabytes(max_bytes)}",
        )
    wanted = {header for header in (mapping or {}).values() if header}

    def score(row: list[Cell]) -> int:
        return header_score(row) + sum(1 for cell in row if cell in wanted)

    try:
        table = read_table(data, filename, keep=max_rows + SNIFF_ROWS, header_score=score)
    except FileProblem as problem:
        return _refused(filename, problem.code, problem.message)
    found = CatalogFile(
        filename=filename,
        format=table.format,
        encoding=table.encoding,
        delimiter=table.delimiter,
        sheet=table.sheet,
    )
    candidates = table.rows[:SNIFF_ROWS]
    position = max(range(len(candidates)), key=lambda i: (score(candidates[i][1]), -i))
    header_line, header = candidates[position]
    columns, problems = map_columns(header_line, header, mapping)
    found = _with(found, columns=columns)
    count = table.row_count - position - 1
    if count > max_rows:
        problems.insert(
            0,
            (
                "too_many_rows",
                f"fichier trop long : plus de {french(max_rows)} lignes",
            ),
        )
    elif count == 0:
        problems.append(("no_rows", "le fichier ne contient aucune ligne de prix sous l’en-tête"))
    if problems:
        return _with(found, file_errors=[FileError(code, message) for code, message in problems])
    rows, errors = read_rows(table.rows[position + 1 :], columns, progress)
    return _with(found, rows=rows, errors=errors)


def _refused(filename: str, code: str, message: str) -> CatalogFile:
    return CatalogFile(filename=filename, file_errors=[FileError(code, message)])


def _with(catalog: CatalogFile, **changes: object) -> CatalogFile:
    return replace(catalog, **changes)  # type: ignore[arg-type]


def _megabytes(size: int) -> str:
    megabytes = (Decimal(size) / (1024 * 1024)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return f"{french(megabytes)} Mo"
