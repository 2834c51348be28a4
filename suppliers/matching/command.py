"""``coachat match``: the ranking of catalog products for each line of a queries file.

    coachat match --catalog catalog.csv --queries needs.txt [--top 5] [--json]

The catalog is a CSV file (``;``, ``,`` or tab separated, UTF-8 or Windows-1252) or an XLSX file
whose header names the product column (``désignation``, ``libellé``, ``nom``, ``produit``,
``name``, ``product``, ``description``...), or a plain text file with one product name a line.
Matches are identified by their line in the file (the sheet row for XLSX), counted from 1.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from suppliers.matching.matcher import Match, ProductMatcher
from suppliers.matching.normalize import fold

#: headers of the product-name column, most telling first
NAME_HEADERS = (
    "designation",
    "libelle",
    "nom",
    "produit",
    "article",
    "name",
    "product",
    "description",
)
DELIMITERS = (";", "\t", ",")


class CatalogFileError(Exception):
    """A catalog or queries file that cannot be read; the message says why, for a person."""


def name_column(header: Sequence[object]) -> int | None:
    """Index of the product-name column in a header row, or None if none is recognised.

    An exact header ("Désignation") wins over one that only contains a known word
    ("Désignation fournisseur"); among those, the order of `NAME_HEADERS` decides.
    """
    cells = [fold(str(cell or "")).strip(" :*") for cell in header]
    for wanted in NAME_HEADERS:
        for i, cell in enumerate(cells):
            if cell == wanted or cell == wanted + "s":
                return i
    for wanted in NAME_HEADERS:
        for i, cell in enumerate(cells):
            if wanted in cell.split() or cell.startswith(wanted):
                return i
    return None


def decode(data: bytes) -> str:
    """Text of a file written in UTF-8 (with or without BOM) or, failing that, Windows-1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _delimiter(line: str) -> str | None:
    counts = {d: line.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else None


def _read_delimited(text: str, path: Path, delimiter: str) -> list[tuple[int, str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    column: int | None = None
    products = []
    line = 1
    for row in reader:
        start, line = line, reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        if column is None:
            column = name_column(row)
            if column is None:
                raise CatalogFileError(
                    f"{path}: no product-name column in the header "
                    f"({', '.join(repr(c) for c in row if c)}); expected one of "
                    f"{', '.join(NAME_HEADERS)}"
                )
            continue
        if column < len(row) and row[column].strip():
            products.append((start, row[column].strip()))
    return products


def _read_xlsx(path: Path) -> list[tuple[int, str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises several types for a damaged file
        raise CatalogFileError(f"{path}: not a readable XLSX file ({error})") from error
    try:
        sheet = workbook.worksheets[0]
        column: int | None = None
        products = []
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            if not any(cell not in (None, "") for cell in row):
                continue
            if column is None:
                column = name_column(row)
                if column is None:
                    raise CatalogFileError(
                        f"{path}: no product-name column in the first row; expected one of "
                        f"{', '.join(NAME_HEADERS)}"
                    )
                continue
            value = row[column] if column < len(row) else None
            if value is not None and str(value).strip():
                products.append((number, str(value).strip()))
        return products
    finally:
        workbook.close()


def read_catalog(path: Path) -> list[tuple[int, str]]:
    """(line, product name) for each product of a catalog file, in file order.

    A file ending in ``.csv`` or ``.tsv``, or whose first line is a header naming the product
    column, is read as CSV; any other text file holds one product name a line.
    """
    if not path.is_file():
        raise CatalogFileError(f"{path}: no such file")
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        products = _read_xlsx(path)
    else:
        text = decode(path.read_bytes())
        first = next((line for line in text.splitlines() if line.strip()), "")
        delimiter = _delimiter(first)
        tabular = path.suffix.lower() in (".csv", ".tsv")
        if delimiter and (tabular or name_column(first.split(delimiter)) is not None):
            products = _read_delimited(text, path, delimiter)
        elif tabular and first:
            products = _read_delimited(text, path, ";")
        else:
            products = [
                (number, line.strip())
                for number, line in enumerate(text.splitlines(), start=1)
                if line.strip()
            ]
    if not products:
        raise CatalogFileError(f"{path}: no product names in the file")
    return products


def read_queries(path: Path) -> list[str]:
    """The non-blank lines of a queries file."""
    if not path.is_file():
        raise CatalogFileError(f"{path}: no such file")
    queries = [line.strip() for line in decode(path.read_bytes()).splitlines() if line.strip()]
    if not queries:
        raise CatalogFileError(f"{path}: no queries in the file")
    return queries


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _as_json(query: str, matches: list[Match]) -> str:
    return json.dumps(
        {
            "query": query,
            "matches": [
                {"line": m.key, "name": m.name, "score": m.score, "confidence": m.confidence}
                for m in matches
            ],
        },
        ensure_ascii=False,
    )


def _as_text(query: str, matches: list[Match]) -> str:
    lines = [query]
    for rank, m in enumerate(matches, start=1):
        sure = f"{m.confidence:5.1f}" if m.confidence is not None else "    -"
        lines.append(f"  {rank}. {m.score:5.1f}  sure {sure}  line {m.key:<6} {m.name}")
    if not matches:
        lines.append("  (no match)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run ``coachat match``; returns the exit status (2 for a file that cannot be used)."""
    parser = argparse.ArgumentParser(
        prog="coachat match",
        description="Rank catalog products for each line of a queries file.",
    )
    parser.add_argument(
        "--catalog",
        required=True,
        type=Path,
        help="CSV, XLSX or text file (one product name a line)",
    )
    parser.add_argument("--queries", required=True, type=Path, help="one query a line")
    parser.add_argument("--top", type=_positive, default=5, help="matches per query (default 5)")
    parser.add_argument("--json", action="store_true", help="one JSON object per query")
    args = parser.parse_args(argv)
    try:
        products = read_catalog(args.catalog)
        queries = read_queries(args.queries)
    except CatalogFileError as error:
        print(f"coachat match: {error}", file=sys.stderr)
        return 2
    matcher = ProductMatcher(products)
    show = _as_json if args.json else _as_text
    for query, matches in zip(queries, matcher.rank_many(queries, args.top), strict=True):
        print(show(query, matches))
    return 0


if __name__ == "__main__":
    sys.exit(main())
